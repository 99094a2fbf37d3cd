/** `\d` in the built-in console: the tables, or one table's columns and indexes. */
import type pg from 'pg';
import { formatResult } from './result-text.js';

type Queryable = Pick<pg.Client, 'query'>;

export async function describe(client: Queryable, table: string | undefined): Promise<string> {
  if (!table) {
    const result = await client.query(
      `SELECT c.relname AS "Name", pg_size_pretty(pg_total_relation_size(c.oid)) AS "Size", c.reltuples::bigint::text AS "Rows (estimate)"
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') ORDER BY 1`,
    );
    return formatResult(result);
  }
  const columns = await client.query(
    `SELECT column_name AS "Column", data_type AS "Type", CASE WHEN is_nullable = 'NO' THEN 'not null' ELSE '' END AS "Nullable",
            coalesce(column_default, CASE WHEN is_identity = 'YES' THEN 'generated ' || lower(identity_generation) || ' as identity' END, '') AS "Default"
       FROM information_schema.columns
      WHERE table_schema = 'public' AND table_name = $1 ORDER BY ordinal_position`,
    [table],
  );
  if (columns.rows.length === 0) return `Did not find any table named "${table}". \\d alone lists the tables.`;
  // The console's client hands back raw text, so ask for ready-made text here too.
  const indexes = await client.query<{ definition: string }>(
    `SELECT pg_get_indexdef(x.indexrelid) || CASE WHEN x.indisvalid THEN '' ELSE ' INVALID' END AS definition
       FROM pg_index x JOIN pg_class t ON t.oid = x.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace
      WHERE n.nspname = 'public' AND t.relname = $1 ORDER BY 1`,
    [table],
  );
  const lines = [`Table "public.${table}"`, formatResult(columns).replace(/\n\(\d+ rows?\)$/, ''), 'Indexes:'];
  for (const { definition } of indexes.rows) lines.push(`    ${definition.replace(/^CREATE (UNIQUE )?INDEX /, '$1')}`);
  if (indexes.rows.length === 0) lines.push('    (none)');
  return lines.join('\n');
}
