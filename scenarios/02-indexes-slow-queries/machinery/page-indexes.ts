/**
 * Which index serves which read page, from its columns in order and its WHERE: what a run's
 * label reads from the catalog at its start and end (no plans run during a load test). The page
 * checks judge by the plan's work instead (page-reads.ts, planWork), and use an index's form
 * only to word their advice.
 */
import type { TableIndex } from '../../../lab/sdk.js';

/** The pages, by how the lines name them, and the table each reads. */
export const PAGES = {
  myOrders: { name: 'my orders', table: 'orders' },
  search: { name: 'search', table: 'products' },
  operations: { name: 'pending orders', table: 'orders' },
} as const;

export type PageId = keyof typeof PAGES;

/** Finds one customer's orders: led by user_id (what the query compares with =). */
export function servesMyOrders(index: TableIndex): boolean {
  return index.table === 'orders' && index.usable && index.columns[0] === 'user_id';
}

/** One category's price range in price order: category first (=), price second (the range and the sort). */
export function servesSearch(index: TableIndex): boolean {
  return index.table === 'products' && index.usable && index.columns[0] === 'category' && index.columns[1] === 'price_cents';
}

/** Finds the pending orders rather than walking the others: led by status, or holding only pending orders. */
export function findsPending(index: TableIndex): boolean {
  if (index.table !== 'orders' || !index.valid) return false;
  return holdsOnlyPending(index) || (index.predicate === null && index.columns[0] === 'status');
}

/** A partial index whose WHERE is the pending status, either way round. */
function holdsOnlyPending(index: TableIndex): boolean {
  return index.predicate !== null && /^\(?(status = 'pending'(::text)?|'pending'(::text)? = status)\)?$/.test(index.predicate);
}

/** The indexes the learner made (every index not backing a primary key or unique constraint). */
export function learnersIndexes(indexes: readonly TableIndex[]): TableIndex[] {
  return indexes.filter((index) => !index.backsConstraint);
}

/** Which pages an index would serve, for the run labels. */
export const SERVES: Record<PageId, (index: TableIndex) => boolean> = {
  myOrders: servesMyOrders,
  search: servesSearch,
  operations: findsPending,
};
