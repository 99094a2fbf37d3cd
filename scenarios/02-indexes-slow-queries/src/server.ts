// The shop API: customers browse products, place orders and look at their orders; the
// warehouse team works through the orders waiting to be shipped.
// `npm start` runs it on http://localhost:3000 and restarts it each time you save this file.
//
//   GET  /products?category=books&minCents=1000&maxCents=2500   search, cheapest first
//   GET  /users/:id/orders      one customer's 20 newest orders
//   GET  /orders/:id            one order with its items
//   GET  /admin/orders          the 50 oldest orders waiting to be shipped (?status=… for others)
//   POST /orders                place an order: {"userId": 7, "items": [{"productId": 42, "quantity": 1}]}
//   GET  /health                is the app up?
//   GET  /metrics               request counts and timings (see src/metrics.ts)
import Fastify from 'fastify';
import pg from 'pg';
import { registerMetrics } from './metrics.js';

// `npm start` tells the app where the database is and which port to use.
const DATABASE_URL = process.env.DATABASE_URL;
const PORT = Number(process.env.PORT ?? 3000);
const HOST = process.env.HOST ?? '127.0.0.1';

if (!DATABASE_URL) {
  console.error('DATABASE_URL is not set. Start the app with `npm start`, which sets it for you.');
  process.exit(1);
}

// One shared pool of connections, as you built in Scenario 1: at most 10 queries run at
// once, and a request that finds all 10 busy waits its turn (up to 15 s) inside the app.
const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 10, connectionTimeoutMillis: 15_000, idleTimeoutMillis: 30_000 });
pool.on('error', (error) => console.error('A pooled database connection failed (the pool will replace it):', error.message));

// Reject input that does not match a schema instead of quietly "fixing" it
// (Fastify would otherwise drop unknown fields and turn "5" into 5).
const app = Fastify({ ajv: { customOptions: { removeAdditional: false, coerceTypes: false } } });
registerMetrics(app);

// Read JSON bodies as strict UTF-8: invalid bytes get a 400 instead of being replaced by "�".
const utf8 = new TextDecoder('utf-8', { fatal: true });
const parseJson = app.getDefaultJsonParser('error', 'error');
app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body: Buffer, done) => {
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    return done(Object.assign(new Error('the body is not valid UTF-8'), { statusCode: 400 }), undefined);
  }
  parseJson(request, text, done);
});

app.get('/health', async () => {
  return { status: 'ok' };
});

// Ids in URLs: digits only, 1 to 999999999 (no "abc", "-1", "1.5" or "0x1F").
const ID = { type: 'string', pattern: '^[1-9][0-9]{0,8}$' };
// Amounts of money in whole cents, as text in the query string: 0 to 999999999.
const CENTS = { type: 'string', pattern: '^(0|[1-9][0-9]{0,8})$' };

const searchSchema = {
  querystring: {
    type: 'object',
    required: ['category'],
    additionalProperties: false,
    properties: { category: { type: 'string', pattern: '^[a-z]{1,30}$' }, minCents: CENTS, maxCents: CENTS },
  },
};

app.get<{ Querystring: { category: string; minCents?: string; maxCents?: string } }>(
  '/products',
  { schema: searchSchema },
  async (request, reply) => {
    const { category } = request.query;
    const minCents = Number(request.query.minCents ?? 0);
    const maxCents = Number(request.query.maxCents ?? 999_999_999);
    if (minCents > maxCents) {
      return reply.code(400).send({ statusCode: 400, error: 'Bad Request', message: `minCents (${minCents}) is more than maxCents (${maxCents})` });
    }
    const { rows } = await pool.query(
      `SELECT id, name, category, price_cents AS "priceCents", stock
       FROM products
       WHERE category = $1 AND price_cents BETWEEN $2 AND $3
       ORDER BY price_cents
       LIMIT 20`,
      [category, minCents, maxCents],
    );
    return { products: rows };
  },
);

app.get<{ Params: { id: string } }>('/users/:id/orders', { schema: { params: { type: 'object', properties: { id: ID } } } }, async (request, reply) => {
  const userId = Number(request.params.id);
  const users = await pool.query('SELECT id, name FROM users WHERE id = $1', [userId]);
  if (users.rows.length === 0) {
    return reply.code(404).send({ statusCode: 404, error: 'Not Found', message: `user ${userId} does not exist` });
  }
  const orders = await pool.query(
    `SELECT id, status, total_cents AS "totalCents", created_at AS "createdAt"
     FROM orders
     WHERE user_id = $1
     ORDER BY created_at DESC
     LIMIT 20`,
    [userId],
  );
  return { user: users.rows[0], orders: orders.rows };
});

app.get<{ Params: { id: string } }>('/orders/:id', { schema: { params: { type: 'object', properties: { id: ID } } } }, async (request, reply) => {
  const orderId = Number(request.params.id);
  const orders = await pool.query(
    `SELECT id, user_id AS "userId", status, total_cents AS "totalCents", created_at AS "createdAt"
     FROM orders WHERE id = $1`,
    [orderId],
  );
  if (orders.rows.length === 0) {
    return reply.code(404).send({ statusCode: 404, error: 'Not Found', message: `order ${orderId} does not exist` });
  }
  const items = await pool.query(
    `SELECT i.product_id AS "productId", p.name, i.quantity, i.price_cents AS "priceCents"
     FROM order_items i
     JOIN products p ON p.id = i.product_id
     WHERE i.order_id = $1
     ORDER BY i.product_id`,
    [orderId],
  );
  return { order: orders.rows[0], items: items.rows };
});

const STATUSES = ['pending', 'shipped', 'delivered', 'cancelled'];

const adminOrdersSchema = {
  querystring: {
    type: 'object',
    additionalProperties: false,
    properties: { status: { type: 'string', enum: STATUSES } },
  },
};

// The warehouse's work list: orders waiting to be shipped, the ones waiting longest first.
app.get<{ Querystring: { status?: string } }>('/admin/orders', { schema: adminOrdersSchema }, async (request) => {
  const status = request.query.status ?? 'pending';
  const { rows } = await pool.query(
    `SELECT id, user_id AS "userId", total_cents AS "totalCents", created_at AS "createdAt"
     FROM orders
     WHERE status = $1
     ORDER BY created_at
     LIMIT 50`,
    [status],
  );
  return { status, orders: rows };
});

const MAX_ITEMS = 20;
const MAX_QUANTITY = 99;

const newOrderSchema = {
  body: {
    type: 'object',
    required: ['userId', 'items'],
    additionalProperties: false,
    properties: {
      userId: { type: 'integer', minimum: 1, maximum: 2147483647 },
      items: {
        type: 'array',
        minItems: 1,
        maxItems: MAX_ITEMS,
        items: {
          type: 'object',
          required: ['productId', 'quantity'],
          additionalProperties: false,
          properties: {
            productId: { type: 'integer', minimum: 1, maximum: 2147483647 },
            quantity: { type: 'integer', minimum: 1, maximum: MAX_QUANTITY },
          },
        },
      },
    },
  },
};

type NewOrder = { userId: number; items: Array<{ productId: number; quantity: number }> };

// Placing an order is several statements that must all happen or none: take the stock,
// write the order, write its items. That needs ONE connection for the whole transaction,
// so we borrow one from the pool with pool.connect() and give it back in `finally`.
app.post<{ Body: NewOrder }>('/orders', { schema: newOrderSchema }, async (request, reply) => {
  const { userId, items } = request.body;
  const productIds = items.map((item) => item.productId);
  if (new Set(productIds).size !== productIds.length) {
    return reply.code(400).send({ statusCode: 400, error: 'Bad Request', message: 'each product may appear only once in items; use quantity' });
  }
  const client = await pool.connect();
  let failed = false;
  try {
    await client.query('BEGIN');
    const users = await client.query('SELECT id FROM users WHERE id = $1', [userId]);
    if (users.rows.length === 0) {
      await client.query('ROLLBACK');
      return reply.code(422).send({ statusCode: 422, error: 'Unprocessable Entity', message: `user ${userId} does not exist` });
    }
    // Lock the products' rows until COMMIT, in id order: two orders for the same product
    // then wait for each other instead of both selling the last one (or deadlocking).
    const locked = await client.query('SELECT id, price_cents, stock FROM products WHERE id = ANY($1) ORDER BY id FOR UPDATE', [productIds]);
    let totalCents = 0;
    for (const item of items) {
      const product = locked.rows.find((row) => row.id === item.productId);
      if (!product) {
        await client.query('ROLLBACK');
        return reply.code(422).send({ statusCode: 422, error: 'Unprocessable Entity', message: `product ${item.productId} does not exist` });
      }
      if (product.stock < item.quantity) {
        await client.query('ROLLBACK');
        return reply.code(409).send({ statusCode: 409, error: 'Conflict', message: `product ${item.productId} has only ${product.stock} in stock` });
      }
      totalCents += product.price_cents * item.quantity;
    }
    const quantities = items.map((item) => item.quantity);
    await client.query(
      `UPDATE products p SET stock = p.stock - x.quantity
       FROM unnest($1::int[], $2::int[]) AS x(id, quantity) WHERE p.id = x.id`,
      [productIds, quantities],
    );
    const order = await client.query(
      `INSERT INTO orders (user_id, total_cents) VALUES ($1, $2)
       RETURNING id, user_id AS "userId", status, total_cents AS "totalCents", created_at AS "createdAt"`,
      [userId, totalCents],
    );
    // Each item keeps the price it was sold at: a later price change must not rewrite old orders.
    const sold = await client.query(
      `INSERT INTO order_items (order_id, product_id, quantity, price_cents)
       SELECT $1, p.id, x.quantity, p.price_cents
       FROM unnest($2::int[], $3::int[]) AS x(id, quantity) JOIN products p ON p.id = x.id
       RETURNING product_id AS "productId", quantity, price_cents AS "priceCents"`,
      [order.rows[0].id, productIds, quantities],
    );
    await client.query('COMMIT');
    return reply.code(201).send({ order: order.rows[0], items: sold.rows });
  } catch (error) {
    // Undo the half-done order. If the connection itself broke, release(true) below closes
    // it instead of lending it to the next request.
    failed = true;
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release(failed);
  }
});

// Graceful shutdown: finish the requests in flight, then close the pool's connections.
async function shutDown(signal: string) {
  console.log(`${signal} received: finishing requests in flight, then closing the pool`);
  await app.close();
  await pool.end();
  process.exit(0);
}
process.once('SIGINT', () => void shutDown('SIGINT'));
process.once('SIGTERM', () => void shutDown('SIGTERM'));

await app.listen({ port: PORT, host: HOST });
console.log(`Shop API listening on http://localhost:${PORT}`);
