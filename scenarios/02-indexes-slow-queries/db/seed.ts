// Fills the shop with users, products, orders and their items, shaped like a real shop:
// a few categories hold most products, a few customers place most orders, and almost
// every order was delivered long ago while only the newest few still wait to be shipped.
//
//   npm run seed                       seed the default size (skipped if already seeded)
//   npm run seed -- --orders 2000000   re-seed with two million orders
//
// Rows are generated inside PostgreSQL with generate_series, a chunk per statement, not
// sent one by one from Node. Every "random" choice is a hash of the row's number, so an
// order's total always equals the sum of its items, however the work is split.
import pg from 'pg';

export interface SeedOptions {
  orders?: number;
  /** Default: one customer per 20 orders. */
  users?: number;
  /** Default: one product per 5 orders. */
  products?: number;
  /** Re-seed even when the database already holds a complete seed of this size. */
  force?: boolean;
  /** Called after each chunk of orders, for a progress bar. */
  onProgress?: (ordersDone: number, ordersTotal: number) => void;
}

export interface SeedResult {
  skipped: boolean;
  users: number;
  products: number;
  orders: number;
  orderItems: number;
  seconds: number;
}

// The default size. On its first start the lab times the shop without its indexes and grows
// or shrinks the orders to fit your machine.
export const DEFAULT_ORDERS = 250_000;

/** How many customers and products go with a number of orders: one customer per 20 orders, one product per 5. */
export function shopSize(orders: number): { users: number; products: number } {
  return { users: Math.max(100, Math.round(orders / 20)), products: Math.max(1_000, Math.round(orders / 5)) };
}

// Orders per statement: big enough to be fast, small enough for a smooth progress bar.
const CHUNK = 200_000;

// Categories, biggest first, with their share of all products and their price range in
// cents. Real catalogues look like this: books and clothes everywhere, a few cameras.
export const CATEGORIES: Array<{ name: string; share: number; minCents: number; maxCents: number }> = [
  { name: 'books', share: 0.304, minCents: 400, maxCents: 6_000 },
  { name: 'clothing', share: 0.18, minCents: 800, maxCents: 15_000 },
  { name: 'home', share: 0.12, minCents: 500, maxCents: 40_000 },
  { name: 'electronics', share: 0.09, minCents: 1_000, maxCents: 200_000 },
  { name: 'toys', share: 0.07, minCents: 500, maxCents: 12_000 },
  { name: 'beauty', share: 0.06, minCents: 300, maxCents: 9_000 },
  { name: 'sports', share: 0.05, minCents: 800, maxCents: 60_000 },
  { name: 'grocery', share: 0.04, minCents: 100, maxCents: 4_000 },
  { name: 'garden', share: 0.03, minCents: 500, maxCents: 50_000 },
  { name: 'pets', share: 0.02, minCents: 300, maxCents: 15_000 },
  { name: 'office', share: 0.015, minCents: 200, maxCents: 30_000 },
  { name: 'music', share: 0.01, minCents: 900, maxCents: 300_000 },
  { name: 'tools', share: 0.005, minCents: 700, maxCents: 80_000 },
  { name: 'baby', share: 0.003, minCents: 400, maxCents: 40_000 },
  { name: 'jewelry', share: 0.002, minCents: 2_000, maxCents: 500_000 },
  { name: 'cameras', share: 0.001, minCents: 5_000, maxCents: 400_000 },
];
const ADJECTIVES = ['Classic', 'Compact', 'Deluxe', 'Everyday', 'Handmade', 'Lightweight', 'Organic', 'Premium', 'Rugged', 'Vintage'];
const NOUNS = ['Set', 'Kit', 'Pack', 'Edition', 'Bundle', 'Model', 'Series', 'Collection', 'Case', 'Pair'];
const FIRST_NAMES = ['Ada', 'Ben', 'Chen', 'Dara', 'Emil', 'Fatima', 'Goran', 'Hana', 'Ines', 'Jamal'];
const LAST_NAMES = ['Okafor', 'Novak', 'Silva', 'Tanaka', 'Weber', 'Haddad', 'Kowalski', 'Larsen', 'Moreau', 'Rossi'];

// Functions that live only for this session (schema pg_temp): the shared vocabulary of
// the statements below. u(n, salt) is a fixed "random" number in [0, 1) for row n.
const SEED_FUNCTIONS = [
  `CREATE OR REPLACE FUNCTION pg_temp.u(n bigint, salt int) RETURNS float8 IMMUTABLE LANGUAGE sql
     RETURN (hashint8(n * 64 + salt) & 2147483647)::float8 / 2147483648`,
  // A product's category (an index into the CATEGORIES arrays, from 1), by cumulative share.
  `CREATE OR REPLACE FUNCTION pg_temp.category_of(product bigint, bounds float8[]) RETURNS int IMMUTABLE LANGUAGE sql
     RETURN 1 + width_bucket(pg_temp.u(product, 1), bounds)`,
  // A price spread evenly on a log scale within the category's range, ending in 99 cents.
  `CREATE OR REPLACE FUNCTION pg_temp.price_of(product bigint, category int, mins int[], maxes int[]) RETURNS int IMMUTABLE LANGUAGE sql
     RETURN greatest(99, (floor(mins[category] * power(maxes[category]::float8 / mins[category], pg_temp.u(product, 2)) / 100) * 100 - 1)::int)`,
];

/** Seeds the database unless it already holds a complete seed of the requested size. */
export async function seed(connectionString: string, options: SeedOptions = {}): Promise<SeedResult> {
  const orders = options.orders ?? DEFAULT_ORDERS;
  const users = options.users ?? shopSize(orders).users;
  const products = options.products ?? shopSize(orders).products;
  const started = Date.now();
  const client = new pg.Client({ connectionString });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const seeded = await readSeedInfo(client);
    if (!options.force && seeded?.users === users && seeded.products === products && seeded.orders === orders) {
      return { skipped: true, users, products, orders, orderItems: 0, seconds: 0 };
    }
    // One transaction: an interrupted seed leaves nothing behind and is redone next time.
    // Emptying the tables in the same transaction also lets PostgreSQL (run by the lab with
    // wal_level=minimal) skip most of its write-ahead log for the new rows.
    await client.query('BEGIN');
    await client.query('TRUNCATE order_items, orders, products, users, seed_info RESTART IDENTITY');
    // Checking constraints row by row costs more than generating the rows: drop them,
    // insert, add them back, and PostgreSQL checks (and indexes) everything in one pass.
    await client.query('ALTER TABLE order_items DROP CONSTRAINT IF EXISTS order_items_pkey');
    await client.query('ALTER TABLE order_items DROP CONSTRAINT IF EXISTS order_items_order_id_fkey');
    await client.query('ALTER TABLE order_items DROP CONSTRAINT IF EXISTS order_items_product_id_fkey');
    await client.query('ALTER TABLE orders DROP CONSTRAINT IF EXISTS orders_user_id_fkey');
    for (const sql of SEED_FUNCTIONS) await client.query(sql);
    await insertProducts(client, products);
    let orderItems = 0;
    const seedTime = new Date();
    for (let first = 1; first <= orders; first += CHUNK) {
      const last = Math.min(orders, first + CHUNK - 1);
      orderItems += await insertOrders(client, { first, last, orders, users, products, seedTime });
      options.onProgress?.(last, orders);
    }
    // Customers come last, so that each one can sign up before their first order.
    await insertUsers(client, users);
    // Every id was given explicitly (so row n is the same row on every machine):
    // move each counter past them for the app's own inserts.
    await client.query(`SELECT setval(pg_get_serial_sequence('orders', 'id'), $1)`, [orders]);
    await client.query(`SELECT setval(pg_get_serial_sequence('users', 'id'), $1)`, [users]);
    await client.query(`SELECT setval(pg_get_serial_sequence('products', 'id'), $1)`, [products]);
    await client.query('ALTER TABLE order_items ADD PRIMARY KEY (order_id, product_id)');
    await client.query('ALTER TABLE order_items ADD CONSTRAINT order_items_order_id_fkey FOREIGN KEY (order_id) REFERENCES orders (id)');
    await client.query('ALTER TABLE order_items ADD CONSTRAINT order_items_product_id_fkey FOREIGN KEY (product_id) REFERENCES products (id)');
    await client.query('ALTER TABLE orders ADD CONSTRAINT orders_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id)');
    await client.query('INSERT INTO seed_info (users, products, orders) VALUES ($1, $2, $3)', [users, products, orders]);
    await client.query('COMMIT');
    // Fresh statistics let the planner choose well; VACUUM also marks pages all-visible,
    // which index-only scans need.
    await client.query('VACUUM ANALYZE users, products, orders, order_items');
    return { skipped: false, users, products, orders, orderItems, seconds: (Date.now() - started) / 1000 };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    await client.end();
  }
}

/** The size of the complete seed in the database, or undefined if it was never (fully) seeded. */
export async function readSeedInfo(client: Pick<pg.Client, 'query'>): Promise<{ users: number; products: number; orders: number } | undefined> {
  const result = await client.query('SELECT users, products, orders FROM seed_info LIMIT 1');
  return result.rows[0];
}

async function insertUsers(client: pg.Client, count: number): Promise<void> {
  // Signed up up to 30 days before their first order; customers without orders, any time.
  await client.query(
    `INSERT INTO users (id, email, name, created_at) OVERRIDING SYSTEM VALUE
     SELECT i, 'customer' || i || '@example.com',
            ($1::text[])[1 + i % 10] || ' ' || ($2::text[])[1 + (i / 10) % 10],
            coalesce(first.at, now()) - pg_temp.u(i, 3) * interval '30 days'
     FROM generate_series(1, $3::int) AS i
     LEFT JOIN (SELECT user_id, min(created_at) AS at FROM orders GROUP BY user_id) AS first ON first.user_id = i`,
    [FIRST_NAMES, LAST_NAMES, count],
  );
}

async function insertProducts(client: pg.Client, count: number): Promise<void> {
  // Upper bounds of each category's slice of [0, 1): 0.30, 0.48, 0.60, …
  let sum = 0;
  const bounds = CATEGORIES.slice(0, -1).map((category) => (sum += category.share));
  await client.query(
    `INSERT INTO products (id, name, category, price_cents, stock) OVERRIDING SYSTEM VALUE
     SELECT i, ($1::text[])[1 + i % 10] || ' ' || initcap(c.name) || ' ' || ($2::text[])[1 + (i / 10) % 10] || ' ' || i,
            c.name,
            pg_temp.price_of(i, c.k, $4::int[], $5::int[]),
            -- Enough stock that a load test never sells a product out.
            50 + floor(pg_temp.u(i, 4) * 950)::int
     FROM generate_series(1, $6::int) AS i
     CROSS JOIN LATERAL (SELECT pg_temp.category_of(i, $7::float8[]) AS k) AS kk
     CROSS JOIN LATERAL (SELECT ($3::text[])[kk.k] AS name, kk.k) AS c`,
    [
      ADJECTIVES,
      NOUNS,
      CATEGORIES.map((category) => category.name),
      CATEGORIES.map((category) => category.minCents),
      CATEGORIES.map((category) => category.maxCents),
      count,
      bounds,
    ],
  );
}

interface OrderChunk {
  first: number;
  last: number;
  orders: number;
  users: number;
  products: number;
  seedTime: Date;
}

/** Inserts orders first..last and their items in one statement; returns how many items. */
async function insertOrders(client: pg.Client, chunk: OrderChunk): Promise<number> {
  const result = await client.query(
    `WITH items AS MATERIALIZED (
       -- Order n has 1 to 4 items (2 on average): a product where low ids are the
       -- bestsellers, then its neighbours. Mostly one of each.
       SELECT n AS order_id, 1 + (b.base - 1 + j) % $5::int AS product_id,
              1 + floor(power(pg_temp.u(n, 10 + j), 4) * 3)::int AS quantity
       FROM generate_series($1::int, $2::int) AS n
       CROSS JOIN LATERAL (SELECT 1 + floor($5::int * power(pg_temp.u(n, 2), 2))::int AS base) AS b
       CROSS JOIN LATERAL generate_series(0, floor(power(pg_temp.u(n, 1), 1.6) * 4)::int) AS j
     ),
     priced AS (
       SELECT items.*, p.price_cents FROM items JOIN products p ON p.id = items.product_id
     ),
     new_items AS (
       INSERT INTO order_items (order_id, product_id, quantity, price_cents)
       SELECT order_id, product_id, quantity, price_cents FROM priced
       RETURNING 1
     ),
     new_orders AS (
       INSERT INTO orders (id, user_id, status, total_cents, created_at) OVERRIDING SYSTEM VALUE
       SELECT n,
              -- A few customers place most orders: low user ids are the regulars.
              1 + floor($4::int * power(pg_temp.u(n, 7), 2))::int,
              -- The newest 1% still wait to be shipped, the next 2.5% are on their way,
              -- everything older was delivered; about 4% of orders were cancelled.
              CASE WHEN pg_temp.u(n, 8) < 0.04 THEN 'cancelled'
                   WHEN n > $3::int * 0.99 THEN 'pending'
                   WHEN n > $3::int * 0.965 THEN 'shipped'
                   ELSE 'delivered' END,
              t.total,
              -- Two years of orders, more each month as the shop grows.
              $6::timestamptz - interval '730 days' * (1 - sqrt(n::float8 / $3::int))
       FROM (SELECT order_id AS n, sum(quantity * price_cents) AS total FROM priced GROUP BY order_id) AS t
       ORDER BY n
       RETURNING 1
     )
     SELECT (SELECT count(*) FROM new_items)::int AS items, (SELECT count(*) FROM new_orders)::int AS orders`,
    [chunk.first, chunk.last, chunk.orders, chunk.users, chunk.products, chunk.seedTime],
  );
  return result.rows[0].items;
}
