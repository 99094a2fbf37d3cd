/**
 * The engine's readers of plans and indexes (lab/check/plan.ts, lab/database/indexes.ts) on fixed
 * input: plans shaped as PostgreSQL 18's EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) writes them
 * (abridged to the fields read), and index lists as the catalog reader returns them.
 */
import { describe, expect, it } from 'vitest';
import { redundantPrefixes, type TableIndex } from '../../lab/database/indexes.js';
import { accessesTo, pagesTouched, readsOf, rowsReturned, sortsRows, type PlanNode } from '../../lab/check/plan.js';

/** Limit → Sort → Gather → Parallel Seq Scan: one customer's orders, two processes sharing the table. */
const parallelSeqScan: PlanNode = {
  'Node Type': 'Limit', 'Actual Rows': 15, 'Actual Loops': 1, 'Shared Hit Blocks': 1800, 'Shared Read Blocks': 39,
  Plans: [{
    'Node Type': 'Sort', 'Actual Rows': 15, 'Actual Loops': 1,
    Plans: [{
      'Node Type': 'Gather', 'Actual Rows': 15, 'Actual Loops': 1,
      Plans: [{ 'Node Type': 'Seq Scan', 'Relation Name': 'orders', 'Actual Rows': 7.5, 'Actual Loops': 2, 'Rows Removed by Filter': 124992 }],
    }],
  }],
};

/** Limit → Sort → Bitmap Heap Scan → Bitmap Index Scan: a category's products fetched, filtered by price, sorted. */
const bitmapAndSort: PlanNode = {
  'Node Type': 'Limit', 'Actual Rows': 20, 'Actual Loops': 1, 'Shared Hit Blocks': 519,
  Plans: [{
    'Node Type': 'Sort', 'Actual Rows': 20, 'Actual Loops': 1,
    Plans: [{
      'Node Type': 'Bitmap Heap Scan', 'Relation Name': 'products', 'Actual Rows': 10495, 'Actual Loops': 1,
      'Rows Removed by Filter': 4856, 'Rows Removed by Index Recheck': 4,
      Plans: [{ 'Node Type': 'Bitmap Index Scan', 'Index Name': 'products_category_idx', 'Actual Rows': 15355, 'Actual Loops': 1, 'Index Searches': 1 }],
    }],
  }],
};

/** Limit → Index Scan Backward, and a skip scan's several index searches. */
const backwardScan: PlanNode = {
  'Node Type': 'Limit', 'Actual Rows': 20, 'Actual Loops': 1, 'Shared Hit Blocks': 12, 'Shared Read Blocks': 3,
  Plans: [{ 'Node Type': 'Index Scan', 'Relation Name': 'orders', 'Index Name': 'orders_user_id_created_at_idx', 'Scan Direction': 'Backward', 'Actual Rows': 20, 'Actual Loops': 1, 'Index Searches': 1 }],
};
const skipScan: PlanNode = {
  'Node Type': 'Limit', 'Actual Rows': 0, 'Actual Loops': 1, 'Shared Hit Blocks': 32,
  Plans: [{ 'Node Type': 'Index Scan', 'Relation Name': 'products', 'Index Name': 'products_price_cents_category_idx', 'Scan Direction': 'Forward', 'Actual Rows': 0, 'Actual Loops': 1, 'Index Searches': 3 }],
};

describe('readsOf: how an analysed plan read a table', () => {
  it('counts a parallel scan\'s rows over all its processes, kept and thrown away', () => {
    expect(readsOf(parallelSeqScan, 'orders')).toEqual([{ nodeType: 'Seq Scan', backward: false, rowsKept: 15, rowsRead: 249_999 }]);
  });

  it('names a bitmap scan\'s index, and counts what its filter and recheck threw away as read', () => {
    expect(readsOf(bitmapAndSort, 'products')).toEqual([
      { nodeType: 'Bitmap Heap Scan', indexName: 'products_category_idx', backward: false, rowsKept: 10_495, rowsRead: 15_355, indexSearches: 1 },
    ]);
  });

  it('tells a backward index scan, and gives the index searches of a skip scan', () => {
    expect(readsOf(backwardScan, 'orders')).toEqual([
      { nodeType: 'Index Scan', indexName: 'orders_user_id_created_at_idx', backward: true, rowsKept: 20, rowsRead: 20, indexSearches: 1 },
    ]);
    expect(readsOf(skipScan, 'products')[0]).toMatchObject({ indexSearches: 3, rowsKept: 0 });
  });

  it('finds nothing on a table the plan does not read', () => {
    expect(readsOf(backwardScan, 'products')).toEqual([]);
  });
});

describe('the plan as a whole', () => {
  it('pages touched are the top node\'s cache hits plus disk reads', () => {
    expect(pagesTouched(parallelSeqScan)).toBe(1_839);
    expect(pagesTouched(backwardScan)).toBe(15);
  });

  it('rows returned are the top node\'s', () => {
    expect(rowsReturned(bitmapAndSort)).toBe(20);
    expect(rowsReturned(skipScan)).toBe(0);
  });

  it('a Sort anywhere means the rows were sorted, not read in order', () => {
    expect(sortsRows(bitmapAndSort)).toBe(true);
    expect(sortsRows(backwardScan)).toBe(false);
  });

  it('accessesTo names the same scans without the counts, as plain EXPLAIN gives them', () => {
    expect(accessesTo(bitmapAndSort, 'products')).toEqual([{ nodeType: 'Bitmap Heap Scan', indexName: 'products_category_idx' }]);
    expect(accessesTo(parallelSeqScan, 'orders')).toEqual([{ nodeType: 'Seq Scan' }]);
  });
});

describe('redundantPrefixes', () => {
  const index = (name: string, columns: string[], more: Partial<TableIndex> = {}): TableIndex => ({
    name, table: 'orders', columns, backsConstraint: false, definition: '', valid: true, predicate: null, usable: true, size: '8192 bytes', ...more,
  });
  const names = (indexes: TableIndex[]) => redundantPrefixes(indexes).map(({ index: i, coveredBy }) => `${i.name} < ${coveredBy.name}`);

  it('finds an index whose columns begin another\'s on the same table', () => {
    expect(names([index('by_user', ['user_id']), index('by_user_time', ['user_id', 'created_at'])])).toEqual(['by_user < by_user_time']);
  });

  it('keeps indexes that share a column in another place, or live on another table', () => {
    expect(names([index('by_time', ['created_at']), index('by_user_time', ['user_id', 'created_at'])])).toEqual([]);
    expect(names([index('by_user', ['user_id'], { table: 'posts' }), index('by_user_time', ['user_id', 'created_at'])])).toEqual([]);
  });

  it('of two on the same columns, flags the one named later; a constraint\'s index is never the redundant one', () => {
    expect(names([index('b_twin', ['user_id']), index('a_twin', ['user_id'])])).toEqual(['b_twin < a_twin']);
    expect(names([index('orders_pkey', ['id'], { backsConstraint: true }), index('a_by_id', ['id'])])).toEqual(['a_by_id < orders_pkey']);
  });

  it('leaves partial, invalid and expression indexes alone: they do not hold the same rows, or cannot be compared', () => {
    const covering = index('by_status_time', ['status', 'created_at']);
    expect(names([index('pending', ['status'], { predicate: "(status = 'pending'::text)", usable: false }), covering])).toEqual([]);
    expect(names([index('broken', ['status'], { valid: false, usable: false }), covering])).toEqual([]);
    expect(names([index('lower_a', ['(expression)']), index('lower_b', ['(expression)', 'id'])])).toEqual([]);
  });
});
