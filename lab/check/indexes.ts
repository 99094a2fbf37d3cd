/** Indexes on the scenario's tables, read from PostgreSQL's catalog. */
import type pg from 'pg';

type Queryable = Pick<pg.Client, 'query'>;

export interface TableIndex {
  name: string;
  table: string;
  /** Key columns in order, e.g. ["customer_id", "placed_at"]; expressions show as "(expression)". */
  columns: string[];
  /** The index backs a primary key, unique or exclusion constraint: never the learner's to drop. */
  backsConstraint: boolean;
  definition: string;
  /** Valid (built completely) and not partial: the planner may use it for any row. */
  usable: boolean;
}

/** Every index on the given tables of schema public, each with its key columns in order. */
export async function indexesOn(client: Queryable, tables: string[]): Promise<TableIndex[]> {
  const result = await client.query<{ name: string; table: string; columns: Array<string | null>; backs_constraint: boolean; definition: string; usable: boolean }>(
    `SELECT i.relname AS name, t.relname AS "table",
            array(SELECT a.attname FROM generate_series(0, x.indnkeyatts - 1) AS k(n)
                    LEFT JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = x.indkey[k.n] AND x.indkey[k.n] <> 0
                   ORDER BY k.n)::text[] AS columns,
            EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.oid) AS backs_constraint,
            pg_get_indexdef(i.oid) AS definition,
            x.indisvalid AND x.indpred IS NULL AS usable
       FROM pg_index x
       JOIN pg_class i ON i.oid = x.indexrelid
       JOIN pg_class t ON t.oid = x.indrelid
       JOIN pg_namespace n ON n.oid = t.relnamespace
      WHERE n.nspname = 'public' AND t.relname = ANY($1::text[])
      ORDER BY t.relname, i.relname`,
    [tables],
  );
  return result.rows.map((row) => ({
    name: row.name,
    table: row.table,
    columns: row.columns.map((column) => column ?? '(expression)'),
    backsConstraint: row.backs_constraint,
    definition: row.definition,
    usable: row.usable,
  }));
}

/** Whether the index's first key column is `column`: only then can it find rows by that column alone, or in its order. */
export function ledBy(column: string): (index: TableIndex) => boolean {
  return (index) => index.columns[0] === column;
}

/** "orders_user_id_idx (user_id)" for messages. */
export function describeIndex(index: TableIndex): string {
  return `${index.name} (${index.columns.join(', ')})`;
}
