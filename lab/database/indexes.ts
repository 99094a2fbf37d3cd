/** Indexes on the scenario's tables, read from PostgreSQL's catalog, and how often each was used. */
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
  /** Built completely: an interrupted CREATE INDEX leaves an invalid index the planner never uses. */
  valid: boolean;
  /** A partial index's WHERE, as PostgreSQL prints it ("(status = 'pending'::text)"); null when it holds every row. */
  predicate: string | null;
  /** Valid (built completely) and not partial: the planner may use it for any row. */
  usable: boolean;
  /** Its size on disk as pg_size_pretty writes it ("30 MB", "232 kB"). */
  size: string;
}

/** Every index on the given tables of schema public, each with its key columns in order. */
export async function indexesOn(client: Queryable, tables: readonly string[]): Promise<TableIndex[]> {
  const result = await client.query<{
    name: string; table: string; columns: Array<string | null>; backs_constraint: boolean; definition: string; valid: boolean; predicate: string | null; size: string;
  }>(
    `SELECT i.relname AS name, t.relname AS "table",
            array(SELECT a.attname FROM generate_series(0, x.indnkeyatts - 1) AS k(n)
                    LEFT JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = x.indkey[k.n] AND x.indkey[k.n] <> 0
                   ORDER BY k.n)::text[] AS columns,
            EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.oid) AS backs_constraint,
            pg_get_indexdef(i.oid) AS definition,
            x.indisvalid AS valid,
            pg_get_expr(x.indpred, x.indrelid) AS predicate,
            pg_size_pretty(pg_relation_size(i.oid)) AS size
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
    valid: row.valid,
    predicate: row.predicate,
    usable: row.valid && row.predicate === null,
    size: row.size,
  }));
}

/** Whether the index's first key column is `column`: only then can it find rows by that column alone, or in its order. */
export function ledBy(column: string): (index: TableIndex) => boolean {
  return (index) => index.columns[0] === column;
}

/** An index whose key columns begin another index's: the longer one finds every row it finds. */
export interface RedundantIndex {
  index: TableIndex;
  /** The index on the same table whose first columns are all of `index`'s. */
  coveredBy: TableIndex;
}

/**
 * Each index whose key columns are the first key columns of another valid index on the same
 * table (both holding every row, neither on an expression): the other serves every lookup it serves, so it only costs
 * writes and space. Of two indexes on the same columns, the one named later is the redundant one,
 * and an index backing a constraint is never the redundant one (it enforces a rule).
 */
export function redundantPrefixes(indexes: TableIndex[]): RedundantIndex[] {
  // Expressions all read "(expression)": their columns cannot be compared by name.
  const candidates = indexes.filter((index) => index.usable && !index.columns.includes('(expression)'));
  const redundant: RedundantIndex[] = [];
  for (const index of candidates) {
    if (index.backsConstraint) continue;
    const coveredBy = candidates.find((other) =>
      other !== index &&
      other.table === index.table &&
      startsWith(other.columns, index.columns) &&
      (other.columns.length > index.columns.length || other.backsConstraint || other.name < index.name));
    if (coveredBy) redundant.push({ index, coveredBy });
  }
  return redundant;
}

/** How often PostgreSQL used an index since its statistics began (pg_stat_user_indexes). */
export interface IndexUse {
  /** Scans of the index: a query's, or the planner's own look at a column's lowest or highest value. */
  scans: number;
  /** Index entries those scans returned. */
  entriesRead: number;
}

/** The use counts of every index on the given tables, by index name. */
export async function indexUse(client: Queryable, tables: string[]): Promise<Map<string, IndexUse>> {
  const result = await client.query<{ name: string; scans: string; entries_read: string }>(
    `SELECT indexrelname AS name, idx_scan AS scans, idx_tup_read AS entries_read
       FROM pg_stat_user_indexes WHERE schemaname = 'public' AND relname = ANY($1::text[])`,
    [tables],
  );
  return new Map(result.rows.map((row) => [row.name, { scans: Number(row.scans), entriesRead: Number(row.entries_read) }]));
}

/** "orders_user_id_idx (user_id)", "orders_pending_idx (created_at) WHERE (status = 'pending'::text)" for messages. */
export function describeIndex(index: TableIndex): string {
  return `${index.name} (${index.columns.join(', ')})${index.predicate ? ` WHERE ${index.predicate}` : ''}`;
}

function startsWith(columns: string[], prefix: string[]): boolean {
  return prefix.length <= columns.length && prefix.every((column, i) => columns[i] === column);
}
