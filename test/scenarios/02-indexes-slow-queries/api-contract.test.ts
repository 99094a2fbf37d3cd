/**
 * The shop as Scenario 2's learner receives it (run from its pristine copy, never from src/):
 * every route's happy path answers what the database holds, in the shape SCENARIO.md shows,
 * and bad input gets a clear 4xx JSON answer, never a 5xx. Placing an order is all or nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type RunningApp } from '../../../lab/app-runner.js';
import { createTestDatabase, sql, type TestDatabase } from '../../helpers/database.js';
import { BROKEN_SERVER } from '../../helpers/project-lab.js';

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

let database: TestDatabase;
let app: RunningApp;

beforeAll(async () => {
  database = await createTestDatabase('shop_api');
  app = await startApp(BROKEN_SERVER, database.appUrl);
});

afterAll(async () => {
  await app?.stop();
  await database?.drop();
});

async function get(path: string): Promise<Answer> {
  const response = await fetch(`${app.url}${path}`);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function postOrder(body: unknown, contentType = 'application/json'): Promise<Answer> {
  const response = await fetch(`${app.url}/orders`, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body: typeof body === 'string' ? body : body instanceof Uint8Array ? Buffer.from(body) : JSON.stringify(body),
  });
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('the pristine shop server', () => {
  it('GET /health says ok', async () => {
    expect(await get('/health')).toEqual({ status: 200, body: { status: 'ok' } });
  });

  it('GET /products returns the 20 cheapest of one category within the price range, as the database holds them', async () => {
    const { status, body } = await get('/products?category=books&minCents=1000&maxCents=2499');
    expect(status).toBe(200);
    const products = body.products as Array<{ id: number; name: string; category: string; priceCents: number; stock: number }>;
    // Products of the same price may come in any order: compare the prices, cheapest first.
    const cheapest = await sql<{ price: number }>(
      database.appUrl,
      "SELECT price_cents AS price FROM products WHERE category = 'books' AND price_cents BETWEEN 1000 AND 2499 ORDER BY price_cents LIMIT 20",
    );
    expect(products.map((product) => product.priceCents)).toEqual(cheapest.map((row) => row.price));
    for (const product of products) {
      expect(product).toEqual({ id: expect.any(Number), name: expect.any(String), category: 'books', priceCents: expect.any(Number), stock: expect.any(Number) });
    }
  });

  it('GET /products for a category that does not exist is an empty list, not an error', async () => {
    expect(await get('/products?category=unicorns')).toEqual({ status: 200, body: { products: [] } });
  });

  it.each([
    ['no category', '/products'],
    ['a capitalised category', '/products?category=Books'],
    ['a category with a space', '/products?category=a%20b'],
    ['the category twice', '/products?category=books&category=toys'],
    ['a negative price', '/products?category=books&minCents=-1'],
    ['a fractional price', '/products?category=books&maxCents=1.5'],
    ['a price in exponent notation', '/products?category=books&maxCents=1e3'],
    ['a ten-digit price', '/products?category=books&maxCents=1000000000'],
    ['an unknown parameter', '/products?category=books&colour=red'],
  ])('GET /products with %s → 400 with a message', async (_case, path) => {
    const { status, body } = await get(path);
    expect(status).toBe(400);
    expect(body.message).toEqual(expect.any(String));
  });

  it('GET /products with minCents above maxCents says which is which', async () => {
    const { status, body } = await get('/products?category=books&minCents=500&maxCents=100');
    expect(status).toBe(400);
    expect(body.message).toBe('minCents (500) is more than maxCents (100)');
  });

  it("GET /users/:id/orders returns the customer and their 20 newest orders", async () => {
    const { status, body } = await get('/users/1/orders');
    expect(status).toBe(200);
    const [user] = await sql<{ id: number; name: string }>(database.appUrl, 'SELECT id, name FROM users WHERE id = 1');
    expect(body.user).toEqual(user);
    const orders = body.orders as Array<{ id: number; status: string; totalCents: number; createdAt: string }>;
    const newest = await sql<{ id: number }>(database.appUrl, 'SELECT id FROM orders WHERE user_id = 1 ORDER BY created_at DESC LIMIT 20');
    expect(orders.map((order) => order.id)).toEqual(newest.map((row) => row.id));
    expect(orders[0]).toEqual({ id: expect.any(Number), status: expect.any(String), totalCents: expect.any(Number), createdAt: expect.any(String) });
  });

  it('GET /orders/:id returns the order and its items, whose prices add up to its total', async () => {
    const { status, body } = await get('/orders/123');
    expect(status).toBe(200);
    const order = body.order as { id: number; userId: number; status: string; totalCents: number; createdAt: string };
    expect(order).toEqual({ id: 123, userId: expect.any(Number), status: expect.any(String), totalCents: expect.any(Number), createdAt: expect.any(String) });
    const items = body.items as Array<{ productId: number; name: string; quantity: number; priceCents: number }>;
    expect(items.length).toBeGreaterThan(0);
    expect(items.reduce((sum, item) => sum + item.quantity * item.priceCents, 0)).toBe(order.totalCents);
  });

  it('GET /admin/orders lists the 50 pending orders that have waited longest; ?status= another status', async () => {
    const pending = await get('/admin/orders');
    expect(pending.status).toBe(200);
    expect(pending.body.status).toBe('pending');
    const oldest = await sql<{ id: number }>(database.appUrl, "SELECT id FROM orders WHERE status = 'pending' ORDER BY created_at LIMIT 50");
    expect((pending.body.orders as Array<{ id: number }>).map((order) => order.id)).toEqual(oldest.map((row) => row.id));
    const delivered = await get('/admin/orders?status=delivered');
    expect(delivered.status).toBe(200);
    expect(delivered.body.status).toBe('delivered');
    expect(delivered.body.orders).toHaveLength(50);
  });

  it.each([
    ['/users/abc/orders', 400],
    ['/users/0/orders', 400],
    ['/users/-1/orders', 400],
    ['/users/1.5/orders', 400],
    ['/users/0x1F/orders', 400],
    ['/users/9999999999/orders', 400],
    ['/users/999999999/orders', 404],
    ['/orders/abc', 400],
    ['/orders/999999999', 404],
    ['/admin/orders?status=lost', 400],
    ['/admin/orders?page=2', 400],
  ])('GET %s → %i with a JSON message', async (path, expected) => {
    const { status, body } = await get(path);
    expect(status).toBe(expected);
    expect(body.message).toEqual(expect.any(String));
  });

  it('POST /orders places an order: 201, stock taken, and it leads the customer\'s orders', async () => {
    const [product] = await sql<{ id: number; stock: number; price: number }>(database.appUrl, 'SELECT id, stock, price_cents AS price FROM products WHERE stock >= 2 ORDER BY id LIMIT 1');
    const placed = await postOrder({ userId: 7, items: [{ productId: product!.id, quantity: 2 }] });
    expect(placed.status).toBe(201);
    expect(placed.body.order).toEqual({ id: expect.any(Number), userId: 7, status: 'pending', totalCents: 2 * product!.price, createdAt: expect.any(String) });
    expect(placed.body.items).toEqual([{ productId: product!.id, quantity: 2, priceCents: product!.price }]);
    const [after] = await sql<{ stock: number }>(database.appUrl, 'SELECT stock FROM products WHERE id = $1', [product!.id]);
    expect(after!.stock).toBe(product!.stock - 2);
    const mine = await get('/users/7/orders');
    expect((mine.body.orders as Array<{ id: number }>)[0]!.id).toBe((placed.body.order as { id: number }).id);
  });

  it.each([
    ['userId as a string', { userId: '7', items: [{ productId: 1, quantity: 1 }] }, 400, /userId/],
    ['userId as a float', { userId: 1.5, items: [{ productId: 1, quantity: 1 }] }, 400, /userId/],
    ['no items', { userId: 7, items: [] }, 400, /items/],
    ['21 items', { userId: 7, items: Array.from({ length: 21 }, (_, i) => ({ productId: i + 1, quantity: 1 })) }, 400, /items/],
    ['quantity zero', { userId: 7, items: [{ productId: 1, quantity: 0 }] }, 400, /quantity/],
    ['quantity 100', { userId: 7, items: [{ productId: 1, quantity: 100 }] }, 400, /quantity/],
    ['an extra field', { userId: 7, items: [{ productId: 1, quantity: 1 }], coupon: 'FREE' }, 400, /additional/],
    ['the same product twice', { userId: 7, items: [{ productId: 1, quantity: 1 }, { productId: 1, quantity: 2 }] }, 400, /only once/],
    ['an unknown user', { userId: 999_999_999, items: [{ productId: 1, quantity: 1 }] }, 422, /user 999999999 does not exist/],
    ['an unknown product', { userId: 7, items: [{ productId: 999_999_999, quantity: 1 }] }, 422, /product 999999999 does not exist/],
  ])('POST /orders with %s → %i', async (_case, body, status, message) => {
    const answer = await postOrder(body);
    expect(answer.status).toBe(status);
    expect(String(answer.body.message)).toMatch(message);
  });

  it('POST /orders for more than the stock → 409, and nothing is taken', async () => {
    const [product] = await sql<{ id: number; stock: number }>(database.appUrl, 'SELECT id, stock FROM products WHERE stock < 99 ORDER BY id LIMIT 1');
    const answer = await postOrder({ userId: 7, items: [{ productId: product!.id, quantity: product!.stock + 1 }] });
    expect(answer.status).toBe(409);
    expect(answer.body.message).toBe(`product ${product!.id} has only ${product!.stock} in stock`);
    const [after] = await sql<{ stock: number }>(database.appUrl, 'SELECT stock FROM products WHERE id = $1', [product!.id]);
    expect(after!.stock).toBe(product!.stock);
  });

  it.each([
    ['malformed JSON', '{"userId": 7,', 'application/json', 400],
    ['invalid UTF-8', new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]), 'application/json', 400],
    ['a wrong content type', 'userId=7', 'application/x-www-form-urlencoded', 415],
  ])('POST /orders with %s → %i with a JSON message', async (_case, body, contentType, status) => {
    const answer = await postOrder(body, contentType);
    expect(answer.status).toBe(status);
    expect(answer.body.message).toEqual(expect.any(String));
  });

  it('lost nothing and kept nothing half done: one order and one item came of all the requests above', async () => {
    const [row] = await sql<{ orders: number; items: number }>(
      database.appUrl,
      'SELECT (SELECT count(*) FROM orders WHERE id > (SELECT orders FROM seed_info))::int AS orders, (SELECT count(*) FROM order_items WHERE order_id > (SELECT orders FROM seed_info))::int AS items',
    );
    expect(row).toEqual({ orders: 1, items: 1 });
  });
});
