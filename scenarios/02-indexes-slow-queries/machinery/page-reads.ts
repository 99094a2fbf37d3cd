/**
 * How one read page's query read its table for one realistic parameter ("a probe"), observed
 * with EXPLAIN (ANALYZE, BUFFERS) in the database under the app role's settings, the one rule
 * every page check judges a plan's work by (planWork), and the one way every check line
 * describes it: "customer 2000: Seq Scan on orders read 250,000 orders and kept 19, then sorted
 * them for the newest 20 — 1,839 pages, the whole table". The probes are fixed, so a learner
 * can EXPLAIN exactly what the check saw.
 */
import type pg from 'pg';
import { explainAnalyze, pagesTouched, readsOf, rowsReturned, sortsRows } from '../../../lab/sdk.js';
import { withAppRoleSettings } from './app-role-settings.js';

type Queryable = Pick<pg.Client, 'query'>;

/** A query of a page with one set of parameters, and how the lines name it. */
export interface Probe {
  /** "customer 1 (the busiest)", "books under $25". */
  label: string;
  sql: string;
  params: unknown[];
}

/** What one probe's plan did to the page's table. */
export interface PageRead {
  label: string;
  /** "Seq Scan", "Index Scan", "Bitmap Heap Scan", … ("Parallel" dropped: machines differ in helpers). */
  nodeType: string;
  indexName?: string;
  backward: boolean;
  rowsRead: number;
  rowsKept: number;
  /** How many times it descended the index: more than 1 is PostgreSQL 18's skip scan. */
  indexSearches?: number;
  /** A Sort above the scan: the rows did not come out of the index in the page's order. */
  sorts: boolean;
  /** Pages the whole query touched (the top Buffers line). */
  pages: number;
  /** Rows the page received. */
  returned: number;
  /** The table's size in pages, to say "the whole table". */
  tablePages: number;
  /** The table's rows, as PostgreSQL last counted them (pg_class.reltuples). */
  tableRows: number;
}

/** Runs each probe with EXPLAIN (ANALYZE, BUFFERS), as the app's role would plan it, and reads how it read `table`. */
export function readPages(client: Queryable, table: string, probes: readonly Probe[]): Promise<PageRead[]> {
  return withAppRoleSettings(client, () => readEach(client, table, probes));
}

async function readEach(client: Queryable, table: string, probes: readonly Probe[]): Promise<PageRead[]> {
  const { pages: tablePages, rows: tableRows } = await sizeOf(client, table);
  const reads: PageRead[] = [];
  for (const probe of probes) {
    const plan = await explainAnalyze(client, probe.sql, probe.params);
    const scans = readsOf(plan, table);
    const scan = scans[0];
    reads.push({
      label: probe.label,
      nodeType: scan?.nodeType ?? 'no scan',
      ...(scan?.indexName ? { indexName: scan.indexName } : {}),
      backward: scan?.backward ?? false,
      rowsRead: scans.reduce((sum, s) => sum + s.rowsRead, 0),
      rowsKept: scans.reduce((sum, s) => sum + s.rowsKept, 0),
      ...(scan?.indexSearches !== undefined ? { indexSearches: scan.indexSearches } : {}),
      sorts: sortsRows(plan),
      pages: pagesTouched(plan),
      returned: rowsReturned(plan),
      tablePages,
      tableRows,
    });
  }
  return reads;
}

/** "Seq Scan on orders", "Index Scan Backward using orders_user_id_created_at_idx". */
export function accessName(read: PageRead, table: string): string {
  const node = `${read.nodeType.replace(/^Parallel /, '')}${read.backward ? ' Backward' : ''}`;
  return read.indexName ? `${node} using ${read.indexName}` : `${node} on ${table}`;
}

/** How the lines say one probe's read. */
export interface ReadWords {
  table: string;
  /** What the table holds, plural: "orders", "products". */
  things: string;
  /** What the page shows, after "then sorted them for": "the newest 20". */
  shows: string;
  /** How many rows the page shows (its LIMIT): the yardstick of planWork. */
  pageRows: number;
}

/**
 * Pages a plan may touch beyond one per row it keeps: the index's levels on the way down to
 * the first entry (3 at most at every size the lab seeds: a million products, five million
 * orders) and the leaf page it starts on, with one more leaf page per ENTRIES_PER_LEAF entries
 * it keeps. The right index for a page stays within this at every size (2 pages for a search
 * that finds nothing, 13 to 23 for a page of 20 rows); an index that makes the plan walk past
 * entries it does not keep does not, even on the smallest shop, where the walk is only a few
 * pages long.
 */
export const PAGES_TO_FIND_THE_FIRST = 5;
/** Entries of a B-tree leaf page, at the least, for this shop's keys (a category and a price, a customer and a time). */
const ENTRIES_PER_LEAF = 50;

/** What a plan did beyond what its page needs: the one rule every page check judges by. */
export interface PlanWork {
  /** It read rows and threw them away (a Filter, a lossy index's Recheck): more than it kept, and more than a page's rows. */
  threwAway: number | null;
  /** It touched more pages than one per row it kept and the index's own (pagesNeeded): it walked index or table pages that held nothing it kept. */
  walkedPages: boolean;
  /** It sorted more rows than the page shows: the rows did not come out of an index in the page's order. */
  sortedRows: number | null;
}

/** Judges a probe's plan by its work alone, never by which index it used or how that index was written. */
export function planWork(read: PageRead, pageRows: number): PlanWork {
  const thrown = read.rowsRead - read.rowsKept;
  return {
    threwAway: thrown > Math.max(read.rowsKept, pageRows) ? thrown : null,
    walkedPages: read.pages > pagesNeeded(read.rowsKept),
    sortedRows: read.sorts && read.rowsKept > pageRows ? read.rowsKept : null,
  };
}

/** The most pages a plan that keeps `kept` rows needs: one per row, the way down the index, and the leaf pages holding the rows' entries. */
export function pagesNeeded(kept: number): number {
  return kept + PAGES_TO_FIND_THE_FIRST + Math.ceil(kept / ENTRIES_PER_LEAF);
}

/** The page found its rows without reading others: no rows thrown away, no pages walked in vain (a sort is each page's own call). */
export function findsItsRows(read: PageRead, pageRows: number): boolean {
  const work = planWork(read, pageRows);
  return work.threwAway === null && !work.walkedPages;
}

/**
 * "customer 1: Index Scan Backward using x, 20 rows, 17 pages" when the scan kept what it read;
 * "customer 2000: Seq Scan on orders read 250,000 orders and kept 19, then sorted them for the
 * newest 20 — 1,839 pages, the whole table" when it threw rows away or sorted them;
 * "cameras under $25: Seq Scan on products read all 50,000 products and kept none — 491 pages,
 * the whole table" when nothing was left to sort.
 */
export function describeRead(read: PageRead, words: ReadWords): string {
  const access = accessName(read, words.table);
  const pages = pagesOf(read);
  if (read.rowsRead === read.rowsKept && !read.sorts) return `${read.label}: ${access}, ${count(read.returned)} rows, ${pages}`;
  const found = read.indexName !== undefined && read.rowsRead === read.rowsKept
    ? `fetched ${count(read.rowsKept)} ${words.things}`
    : `read ${readAll(read) ? `all ${count(significant(read.rowsRead, 4))}` : count(read.rowsRead)} ${words.things} and kept ${read.rowsKept === 0 ? 'none' : count(read.rowsKept)}`;
  // A plan that kept no row has a Sort node with nothing in it: say nothing of sorting.
  const sorted = read.sorts && read.rowsKept > 0 ? `, then sorted them for ${words.shows}` : '';
  return `${read.label}: ${access} ${found}${sorted} — ${pages}`;
}

/** "4 pages", "1,311 pages, more than half of the table's 1,839", "1,839 pages, the whole table", "2,500 pages, more than the whole table's 1,839". */
export function pagesOf(read: PageRead): string {
  const pages = `${count(read.pages)} pages`;
  if (read.tablePages <= 0 || read.pages < 0.5 * read.tablePages) return pages;
  if (read.pages > 1.1 * read.tablePages) return `${pages}, more than the whole table's ${count(read.tablePages)}`;
  if (wholeTable(read)) return `${pages}, the whole table`;
  return `${pages}, more than half of the table's ${count(read.tablePages)}`;
}

/** Reading at least 9 pages in 10 of the table is reading all of it. */
export function wholeTable(read: PageRead): boolean {
  return read.tablePages > 0 && read.pages >= 0.9 * read.tablePages;
}

/** 250000 → "250,000". */
export function count(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

/** "1 jump", "3 jumps". */
export function counted(value: number, noun: string): string {
  return `${count(value)} ${noun}${Math.round(value) === 1 ? '' : 's'}`;
}

/**
 * A sequential scan that read about as many rows as the table holds (PostgreSQL's estimate,
 * pg_class.reltuples) read all of them.
 */
function readAll(read: PageRead): boolean {
  return read.nodeType.endsWith('Seq Scan') && read.tableRows > 0 && Math.abs(read.rowsRead - read.tableRows) <= 0.01 * read.tableRows;
}

/**
 * 1,000,001 → 1,000,000 at 4 digits. "All" is said with the rows the plan counted, which a
 * learner's count(*) confirms (the table's estimate may be off by a fraction of a percent);
 * parallel workers count in averages per worker, so their sum can miss by a row or two.
 */
function significant(value: number, digits: number): number {
  if (value <= 0) return 0;
  const unit = 10 ** Math.max(0, Math.floor(Math.log10(value)) + 1 - digits);
  return Math.round(value / unit) * unit;
}

async function sizeOf(client: Queryable, table: string): Promise<{ pages: number; rows: number }> {
  const result = await client.query<{ pages: number; rows: number }>(
    "SELECT relpages AS pages, reltuples AS rows FROM pg_class WHERE oid = to_regclass('public.' || $1)",
    [table],
  );
  return { pages: Number(result.rows[0]?.pages ?? 0), rows: Math.max(0, Number(result.rows[0]?.rows ?? 0)) };
}
