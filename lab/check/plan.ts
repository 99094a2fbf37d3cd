/**
 * Reads PostgreSQL's EXPLAIN (FORMAT JSON) output: which tables a query reads, how, and (with
 * ANALYZE and BUFFERS) how much work that took. EXPLAIN without ANALYZE only plans the query,
 * so it is cheap and changes nothing; with ANALYZE it runs the query.
 */
import type pg from 'pg';

/** One node of a plan as EXPLAIN (FORMAT JSON) writes it (only the fields we read). */
export interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  /** "Forward" or "Backward" for index scans. */
  'Scan Direction'?: string;
  /** ANALYZE: rows per loop (an average since PostgreSQL 18, so it may have decimals). */
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  /** ANALYZE: rows the node read and its Filter threw away, per loop. */
  'Rows Removed by Filter'?: number;
  /** ANALYZE: rows a lossy bitmap fetched and its recheck threw away, per loop. */
  'Rows Removed by Index Recheck'?: number;
  /** ANALYZE, PostgreSQL 18+: how many times the scan descended the index (more than 1: a skip scan). */
  'Index Searches'?: number;
  /** BUFFERS: pages found in PostgreSQL's cache and pages read from disk, this node and below. */
  'Shared Hit Blocks'?: number;
  'Shared Read Blocks'?: number;
  Plans?: PlanNode[];
}

/** How a plan reads one table. */
export interface TableAccess {
  /** "Seq Scan", "Index Scan", "Index Only Scan", "Bitmap Heap Scan", … */
  nodeType: string;
  /** The index used, for index and bitmap index scans. */
  indexName?: string;
}

/** How an analysed plan read one table, and what that cost. */
export interface TableRead extends TableAccess {
  /** The index was walked from its end (ORDER BY … DESC on an ascending index). */
  backward: boolean;
  /** Rows the scan handed on, over all its loops (parallel workers included). */
  rowsKept: number;
  /** Rows the scan looked at: those it kept, plus those its filter (or a lossy bitmap's recheck) threw away. */
  rowsRead: number;
  /** How many times it descended the index (PostgreSQL 18+; more than 1 is a skip scan); undefined without an index or on older versions. */
  indexSearches?: number;
}

type Queryable = Pick<pg.Client, 'query'>;

/** The plan PostgreSQL would use for the query (root node). */
export function explain(client: Queryable, sql: string, params: unknown[] = []): Promise<PlanNode> {
  return planOf(client, 'EXPLAIN (FORMAT JSON)', sql, params);
}

/**
 * Runs the query and returns its plan with what each node really did: rows, rows thrown away,
 * pages touched (EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON)). Only for reads: a write would happen.
 */
export function explainAnalyze(client: Queryable, sql: string, params: unknown[] = []): Promise<PlanNode> {
  return planOf(client, 'EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON)', sql, params);
}

async function planOf(client: Queryable, explainWith: string, sql: string, params: unknown[]): Promise<PlanNode> {
  const result = await client.query<{ 'QUERY PLAN': Array<{ Plan: PlanNode }> }>(`${explainWith} ${sql}`, params);
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
 * A parallel scan is named like the plain one ("Seq Scan"): EXPLAIN's text adds "Parallel".
 */
export function accessesTo(root: PlanNode, table: string): TableAccess[] {
  return scansOf(root, table).map(({ node, bitmapIndex }) => {
    const indexName = node['Index Name'] ?? bitmapIndex?.['Index Name'];
    return { nodeType: node['Node Type'], ...(indexName ? { indexName } : {}) };
  });
}

/** How an analysed plan (explainAnalyze) read the table: one entry per scan node on it, with its rows and index searches. */
export function readsOf(root: PlanNode, table: string): TableRead[] {
  return scansOf(root, table).map(({ node, bitmapIndex }) => {
    const indexName = node['Index Name'] ?? bitmapIndex?.['Index Name'];
    const indexSearches = node['Index Searches'] ?? bitmapIndex?.['Index Searches'];
    const loops = node['Actual Loops'] ?? 1;
    const kept = node['Actual Rows'] ?? 0;
    const removed = (node['Rows Removed by Filter'] ?? 0) + (node['Rows Removed by Index Recheck'] ?? 0);
    return {
      nodeType: node['Node Type'],
      ...(indexName ? { indexName } : {}),
      backward: node['Scan Direction'] === 'Backward',
      rowsKept: Math.round(kept * loops),
      rowsRead: Math.round((kept + removed) * loops),
      ...(indexSearches !== undefined ? { indexSearches } : {}),
    };
  });
}

/** Pages the whole query touched, cached or read from disk: the top "Buffers:" line of EXPLAIN (ANALYZE, BUFFERS). */
export function pagesTouched(root: PlanNode): number {
  return (root['Shared Hit Blocks'] ?? 0) + (root['Shared Read Blocks'] ?? 0);
}

/** Rows the query returned (an analysed plan's top node). */
export function rowsReturned(root: PlanNode): number {
  return Math.round((root['Actual Rows'] ?? 0) * (root['Actual Loops'] ?? 1));
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

function scansOf(root: PlanNode, table: string): Array<{ node: PlanNode; bitmapIndex?: PlanNode }> {
  return planNodes(root)
    .filter((node) => node['Relation Name'] === table)
    .map((node) => {
      const bitmapIndex = node['Node Type'] === 'Bitmap Heap Scan'
        ? planNodes(node).find((child) => child['Node Type'] === 'Bitmap Index Scan')
        : undefined;
      return bitmapIndex ? { node, bitmapIndex } : { node };
    });
}
