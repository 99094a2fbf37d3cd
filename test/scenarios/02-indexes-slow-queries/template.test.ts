/**
 * This project's template database is the shop, seeded at the definition's default size: the
 * plans the other tests here assert (a sequential scan before each index, an index scan after)
 * need that many rows, and another scenario's data would have none of these tables.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ORDERS, shopSize } from '../../../scenarios/02-indexes-slow-queries/db/seed.js';
import { createTestDatabase, sql, type TestDatabase } from '../../helpers/database.js';
import { APP_DATABASE, scenario } from '../../helpers/project-lab.js';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase('template');
});

afterAll(async () => {
  await database?.drop();
});

describe("Scenario 2's test database", () => {
  it('is the shop, with pg_stat_statements as the scenario asks', async () => {
    expect(scenario.number).toBe(2);
    expect(APP_DATABASE).toBe('shop');
    const extensions = await sql<{ extname: string }>(database.adminUrl, `SELECT extname FROM pg_extension WHERE extname = 'pg_stat_statements'`);
    expect(extensions).toHaveLength(1);
  });

  it('holds the default seed: at least 250,000 orders, with their customers, products and items', async () => {
    expect(DEFAULT_ORDERS).toBeGreaterThanOrEqual(250_000);
    const [counts] = await sql<{ orders: number; users: number; products: number; items: number; seeded: number }>(
      database.appUrl,
      `SELECT (SELECT count(*) FROM orders)::int AS orders, (SELECT count(*) FROM users)::int AS users,
              (SELECT count(*) FROM products)::int AS products, (SELECT count(*) FROM order_items)::int AS items,
              (SELECT orders FROM seed_info) AS seeded`,
    );
    const { users, products } = shopSize(DEFAULT_ORDERS);
    expect(counts).toMatchObject({ orders: DEFAULT_ORDERS, users, products, seeded: DEFAULT_ORDERS });
    expect(counts!.items).toBeGreaterThanOrEqual(DEFAULT_ORDERS);
  });
});
