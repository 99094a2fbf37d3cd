/**
 * Reads PostgreSQL's EXPLAIN (FORMAT JSON) output: which tables a query reads, and how.
 * EXPLAIN without ANALYZE only plans the query, so it is cheap and changes nothing.
 */
import type pg from 'pg';

/** One node of a plan as EXPLAIN (FORMAT JSON) writes it (only the fields we read). */
export interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

/** How a plan reads one table. */
export interface TableAccess {
  /** "Seq Scan", "Index Scan", "Index Only Scan", "Bitmap Heap Scan", … */
  nodeType: string;
  /** The index used, for index and bitmap index scans. */
  indexName?: string;
}

/** The plan PostgreSQL would use for the query (root node). */
export async function explain(client: Pick<pg.Client, 'query'>, sql: string, params: unknown[] = []): Promise<PlanNode> {
  const result = await client.query<{ 'QUERY PLAN': Array<{ Plan: PlanNode }> }>(`EXPLAIN (FORMAT JSON) ${sql}`, params);
  const plan = result.rows[0]?.['QUERY PLAN'][0]?.Plan;
  if (!plan) throw new Error('EXPLAIN returned no plan');
  return plan;
}

/** Every node of the plan, depth first. */
export function planNodes(root: PlanNode): PlanNode[] {
  return [root, ...(root.Plans ?? []).flatMap(planNodes)];
}

/**
 * How the plan reads the table: one entry per scan node on it. A bitmap scan shows up as
 * a "Bitmap Heap Scan" on the table with a "Bitmap Index Scan" (naming the index) below it.
 */
export function accessesTo(root: PlanNode, table: string): TableAccess[] {
  const accesses: TableAccess[] = [];
  for (const node of planNodes(root)) {
    if (node['Relation Name'] !== table) continue;
    const bitmapIndex = node['Node Type'] === 'Bitmap Heap Scan'
      ? planNodes(node).find((child) => child['Node Type'] === 'Bitmap Index Scan')?.['Index Name']
      : undefined;
    const indexName = node['Index Name'] ?? bitmapIndex;
    accesses.push({ nodeType: node['Node Type'], ...(indexName ? { indexName } : {}) });
  }
  return accesses;
}

/** True when the plan sorts rows itself (a Sort node) instead of reading them in order from an index. */
export function sortsRows(root: PlanNode): boolean {
  return planNodes(root).some((node) => node['Node Type'] === 'Sort' || node['Node Type'] === 'Incremental Sort');
}

/** "Seq Scan on orders", "Index Scan Backward using orders_placed_at_idx", … for messages. */
export function describeAccess(accesses: TableAccess[], table: string): string {
  if (accesses.length === 0) return `does not read ${table}`;
  return accesses.map((access) => (access.indexName ? `${access.nodeType} using ${access.indexName}` : `${access.nodeType} on ${table}`)).join(', ');
}
