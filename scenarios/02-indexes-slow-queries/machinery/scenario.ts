/**
 * Scenario 2's definition: what the engine (lab/ at the repository root) needs to know about
 * this scenario. Learners never need to open it. The fields are explained in
 * docs/adding-a-scenario.md at the repository root.
 */
import fs from 'node:fs';
import type { LoadRoute, ScenarioDefinition } from '../../../lab/sdk.js';
import { withClient } from '../../../lab/sdk.js';
import { CATEGORIES, DEFAULT_ORDERS, readSeedInfo, seed, shopSize } from '../db/seed.js';

/** The price filters the shop's sidebar offers, in cents: under $25, $25 to $50, … $200 and up. */
const PRICE_FILTERS: ReadonlyArray<readonly [number, number]> = [
  [0, 2_499],
  [2_500, 4_999],
  [5_000, 9_999],
  [10_000, 19_999],
  [20_000, 999_999_999],
];

// Shoppers browse the big categories more, but not in proportion: the small ones have their fans.
const CATEGORY_NAMES = CATEGORIES.map((category) => category.name);
const CATEGORY_WEIGHTS = CATEGORIES.map((category) => Math.sqrt(category.share));

/**
 * What the shop's users do, and how often. A customer who orders a lot also looks a lot: the
 * same law as the seed's, where the low ids are the regulars (skew 2).
 */
const SHOP_TRAFFIC: LoadRoute[] = [
  {
    name: 'search',
    weight: 40,
    path: '/products?category=:category&minCents=:min&maxCents=:max',
    params(draw) {
      const [min, max] = draw.pick(PRICE_FILTERS);
      return { category: draw.pick(CATEGORY_NAMES, CATEGORY_WEIGHTS), min, max };
    },
  },
  {
    name: 'my orders',
    weight: 30,
    path: '/users/:userId/orders',
    params: (draw) => ({ userId: draw.integer(1, shopSize(draw.size.orders!).users, 2) }),
  },
  {
    name: 'order page',
    weight: 10,
    path: '/orders/:orderId',
    params: (draw) => ({ orderId: draw.integer(1, draw.size.orders!) }),
  },
  { name: 'pending orders', weight: 5, path: '/admin/orders' },
  {
    name: 'place order',
    weight: 15,
    method: 'POST',
    path: '/orders',
    body(draw) {
      const { users, products } = shopSize(draw.size.orders!);
      const first = draw.integer(1, products - 2);
      const count = draw.integer(1, 3);
      return {
        userId: draw.integer(1, users, 2),
        items: Array.from({ length: count }, (_, i) => ({ productId: first + i, quantity: 1 })),
      };
    },
  },
];

/** One index of solution/fix.sql, by its name: the statement the walkthrough has the learner run. */
function fixIndex(name: string): string {
  const fix = fs.readFileSync(new URL('../solution/fix.sql', import.meta.url), 'utf8');
  const statement = fix.split('\n').find((line) => line.startsWith('CREATE INDEX') && line.includes(` ${name} `));
  if (statement === undefined) throw new Error(`solution/fix.sql has no index ${name}`);
  return statement;
}

// The fixes in the walkthrough's order (SCENARIO.md steps 3, 4 and 5).
const MY_ORDERS_INDEX = fixIndex('orders_user_id_created_at_idx');
const SEARCH_INDEX = fixIndex('products_category_price_cents_idx');
const PENDING_INDEX = fixIndex('orders_pending_created_at_idx');

const scenario: ScenarioDefinition = {
  number: 2,
  title: 'Indexes and Slow Queries',
  summary: 'A small shop whose pages take seconds: find the slow queries from evidence, read their plans, and add the right indexes — not every index.',
  concepts: ['pg_stat_statements', 'EXPLAIN (ANALYZE, BUFFERS)', 'composite indexes and column order', 'selectivity and partial indexes', 'what indexes cost'],
  level: 'intermediate',
  minutes: 60,
  status: 'ready',
  database: { name: 'shop', role: 'shop_app', password: 'shop_app', tables: ['orders', 'order_items', 'products', 'users'], statements: true },
  files: {
    app: 'src/server.ts',
    schema: 'db/schema.sql',
    // No fixed server: the app is already correct; the fix is in the database.
    solutionSql: 'solution/fix.sql',
    solutionSqlSummary: 'the three indexes',
    pristine: { 'src/server.ts': 'machinery/pristine/server.ts.txt', 'src/metrics.ts': 'machinery/pristine/metrics.ts.txt' },
  },
  dataset: {
    unit: 'orders',
    unitSteps: [50_000, 70_000, 100_000, 150_000, 250_000, 400_000, 600_000, 1_000_000, 1_500_000, 2_000_000],
    options: {
      orders: { default: DEFAULT_ORDERS, min: 10_000, max: 5_000_000, help: 'how many orders (with one customer per 20 orders and one product per 5)' },
    },
    async seed(databaseUrl, request) {
      const result = await seed(databaseUrl, {
        ...(request.size.orders !== undefined ? { orders: request.size.orders } : {}),
        ...(request.force !== undefined ? { force: request.force } : {}),
        ...(request.onProgress ? { onProgress: request.onProgress } : {}),
      });
      return {
        skipped: result.skipped,
        size: { orders: result.orders },
        rows: result.users + result.products + result.orders + result.orderItems,
        seconds: result.seconds,
      };
    },
    async seededSize(databaseUrl) {
      const seeded = await withClient(databaseUrl, 'lab seed', readSeedInfo);
      return seeded ? { orders: seeded.orders } : undefined;
    },
  },
  loadTest: {
    // A modest crowd: the subject here is the database's work per page, not connections.
    users: 100,
    // The shop's front page, for the start banner's link.
    route: '/products?category=books&maxCents=2499',
    mix: SHOP_TRAFFIC,
    // Placing orders adds rows and takes stock: after each run, put the shop back as the seed
    // made it, so every run (and the share of pending orders) starts from the same data.
    undoWrites: {
      what: 'the orders placed since the seed (the load test\'s, and any you placed by hand)',
      sql: `UPDATE products p SET stock = p.stock + placed.quantity
              FROM (SELECT i.product_id, sum(i.quantity) AS quantity FROM order_items i
                     WHERE i.order_id > (SELECT orders FROM seed_info) GROUP BY i.product_id) AS placed
             WHERE p.id = placed.product_id;
            DELETE FROM order_items WHERE order_id > (SELECT orders FROM seed_info);
            DELETE FROM orders WHERE id > (SELECT orders FROM seed_info)`,
    },
    runs: () => import('./runs.js'),
    // Long enough for the pool's queue to settle, short enough to run again after each index.
    durationSeconds: 30,
    // The app's pool gives up on a connection after 15 s: with 20 s here the app answers first.
    requestTimeoutSeconds: 20,
    // Every page of the fixed shop answers far below a second.
    p99GoalMs: 1_000,
  },
  calibration: {
    state: 'the shop without its indexes',
    route: '/products?category=books&maxCents=2499',
    // Unindexed, every page waits in the same queue: about two seconds is slow enough to see on
    // every page and far from the 20 s timeout.
    targetWaitSeconds: 2,
    keepWaitSeconds: { min: 1.2, max: 3.5 },
  },
  drills: { databaseProbeRoute: '/products?category=books&maxCents=2499' },
  checks: {
    fixes: 'the three pages',
    steps: () => import('./steps.js'),
  },
  dashboard: {
    latencyRoutes: ['/products', '/users/:id/orders', '/orders/:id', '/admin/orders', 'POST /orders'],
    rowsReadTables: ['orders', 'products'],
  },
  bench: {
    states: [
      { name: 'as shipped', server: 'shipped' },
      { name: '+ my orders index', server: 'shipped', sql: MY_ORDERS_INDEX },
      { name: '+ search index', server: 'shipped', sql: `${MY_ORDERS_INDEX}\n${SEARCH_INDEX}` },
      { name: '+ pending orders index (solved)', server: 'shipped', sql: `${MY_ORDERS_INDEX}\n${SEARCH_INDEX}\n${PENDING_INDEX}` },
    ],
    // The search: the mix's most frequent page, on the biggest category, as the front page asks it.
    hotQuery: `SELECT id, name, category, price_cents AS "priceCents", stock
       FROM products
       WHERE category = 'books' AND price_cents BETWEEN 0 AND 2499
       ORDER BY price_cents
       LIMIT 20`,
  },
};

export default scenario;
