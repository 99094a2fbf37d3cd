/**
 * Three hints per step of Scenario 2, by step id: a nudge, where to look, nearly the answer.
 * Each level assumes the learner read the ones before it.
 */
import type { StepHints } from '../../../lab/sdk.js';
import scenario from './scenario.js';

const { users, p99GoalMs } = scenario.loadTest;

export const HINTS = {
  reproduce: [
    'Before fixing anything, feel the slowness yourself: put the shop under lunchtime traffic and watch how long each page takes.',
    'Run `npm run loadtest` with the dashboard open beside it. *Latency p99 by route* shows every page; the summary at the end gives each page\'s p50 and p99.',
    'Run `npm run loadtest` — the whole mix, without `--route` — while no index of yours is in place (`npm run reset` drops them). A recorded run in which the pages were slow completes this step.',
  ],
  'my-orders': [
    'Which column does the "my orders" query compare with `=`? Does any index on `orders` start with that column? (`\\d orders` in `npm run db` lists the indexes.)',
    '`orders.user_id` is a foreign key, and PostgreSQL never creates an index for a foreign key by itself. In `npm run db`, put `EXPLAIN (ANALYZE, BUFFERS)` in front of the query for customer 1 and for customer 2000, and look for `Seq Scan on orders`, `Rows Removed` and `Sort`. An index you already made that PostgreSQL skips, or reads and then throws most rows away, does not find one customer: which column does it start with?',
    'In `npm run db`: `CREATE INDEX orders_user_id_created_at_idx ON orders (user_id, created_at);` — `user_id` first because the query compares it with `=`, `created_at` second so one customer\'s orders come out already in time order. Then EXPLAIN again for customers 1 and 2000, and `DROP INDEX` any index of yours on `orders` that starts with another column or is not a B-tree (`USING brin`…): it cannot find one customer\'s orders.',
  ],
  search: [
    'The search\'s `WHERE` has one `=` (category) and one range (price), and it sorts by the range column. An index is sorted by its first column, then by its second among equal first values.',
    'Which column order makes one search a single stretch of the index, already sorted by price? Think of a phone book sorted by (last name, first name). EXPLAIN (ANALYZE, BUFFERS) the search for `\'cameras\'` between `0` and `2499` and compare `Buffers` and `Index Searches` for each index you try.',
    '`CREATE INDEX products_category_price_cents_idx ON products (category, price_cents);` — then drop the indexes on `products` that start with `price_cents` or hold `category` alone (`\\d products` lists them).',
  ],
  operations: [
    'How many of the orders are pending, and how many delivered? `SELECT most_common_vals, most_common_freqs FROM pg_stats WHERE tablename = \'orders\' AND attname = \'status\';`',
    'The page wants the few pending orders, oldest first. An index must *find* those rows, not only sort the whole table by time: an index on `created_at` alone walks past almost every order before it meets a pending one. An index can also hold only the rows you ask for: `CREATE INDEX … WHERE …`.',
    '`CREATE INDEX orders_pending_created_at_idx ON orders (created_at) WHERE status = \'pending\';` then EXPLAIN (ANALYZE, BUFFERS) the page\'s query with `status = \'pending\'`. If an index on `orders (created_at)` without a `WHERE` is still there, drop it: it sorts, but does not find.',
  ],
  'index-cost': [
    'Which of your indexes does a page actually need? PostgreSQL counts every scan of every index, and `EXPLAIN` shows which index a page\'s query reads.',
    '`SELECT indexrelname, idx_scan, idx_tup_read, pg_size_pretty(pg_relation_size(indexrelid)) FROM pg_stat_user_indexes WHERE relname IN (\'orders\', \'products\');` after `npm run loadtest`: an index with 0 scans served no page. About one entry read per scan means only the planner peeked at it; an index whose columns start another index\'s columns is redundant. Confirm with `EXPLAIN` of each page\'s query.',
    'Keep `(user_id, created_at)`, `(category, price_cents)` and the partial index on pending orders; `DROP INDEX` every other index you created (leave the primary keys and unique constraints: they enforce rules, not speed). Then `npm run check`.',
  ],
  goal: [
    `The goal needs ${scenario.checks.fixes} fixed: ${users} users with no errors, and 99% of each page's answers within ${p99GoalMs / 1000} s. While one query still reads a whole table, every page waits in the same pool queue.`,
    'The lines above the goal name each page whose plan still reads its whole table; `npm run runs` shows which page is still slow. If the goal reports a missing order, something in front of the database answered from an old copy.',
    'With `(user_id, created_at)` on orders, `(category, price_cents)` on products and the partial index on pending orders, and `src/server.ts` asking the database on every request, each read query takes a fraction of a millisecond. `npm run solve` shows that state; `npm run reset` undoes it.',
  ],
} satisfies Record<string, StepHints>;
