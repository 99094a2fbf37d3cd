/**
 * One rule for every page step of Scenario 2: a fix passes when the plan the app's role gets
 * finds the page's rows cheaply, and fails when the plan still reads (or walks) most of a
 * table, however the fix is written and whatever planner settings came with it. A table of
 * fixes a learner might try, right ones written every way and wrong ones, each run through the
 * real steps of `npm run check` on a real PostgreSQL seeded with the shop, at the tests' size
 * (250,000 orders) and at the smallest the first start may choose (50,000), where a wrong index's
 * extra work is only a few pages. The lines each verdict prints are pinned in check.test.ts.
 */
import fs from 'node:fs';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { StepContext, StepStatus } from '../../../lab/scenario/steps.js';
import scenario from '../../../scenarios/02-indexes-slow-queries/machinery/scenario.js';
import steps from '../../../scenarios/02-indexes-slow-queries/machinery/steps.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.js';
import { scenarioPath } from '../../helpers/project-lab.js';

const FIX_SQL = fs.readFileSync(scenarioPath(scenario.files.solutionSql!), 'utf8');
const PAGE_STEPS = ['my-orders', 'search', 'operations'] as const;
type PageStep = (typeof PAGE_STEPS)[number];

/** A fix as a learner types it, and the verdict each page step must give; a page left out fails (the fix does not touch it). */
interface Fix {
  name: string;
  /** Statements run one by one (CREATE INDEX CONCURRENTLY cannot run inside a transaction); DATABASE stands for the test database's name. */
  sql: string[];
  passes: PageStep[];
}

const FIXES: Fix[] = [
  // Right, written every way: each makes the page's plan cheap.
  { name: 'solution/fix.sql', sql: [FIX_SQL], passes: ['my-orders', 'search', 'operations'] },
  {
    name: 'the same indexes covering (INCLUDE), with DESC',
    sql: [
      'CREATE INDEX ON orders (user_id, created_at DESC) INCLUDE (status, total_cents)',
      'CREATE INDEX ON products (category, price_cents) INCLUDE (name, stock)',
      "CREATE INDEX ON orders (created_at) INCLUDE (user_id, total_cents) WHERE status = 'pending'",
    ],
    passes: ['my-orders', 'search', 'operations'],
  },
  {
    name: 'the same indexes built CONCURRENTLY',
    sql: [
      'CREATE INDEX CONCURRENTLY ON orders (user_id, created_at)',
      'CREATE INDEX CONCURRENTLY ON products (category, price_cents)',
      "CREATE INDEX CONCURRENTLY ON orders (created_at) WHERE status = 'pending'",
    ],
    passes: ['my-orders', 'search', 'operations'],
  },
  { name: "a partial index written WHERE 'pending' = status", sql: ["CREATE INDEX ON orders (created_at) WHERE 'pending' = status"], passes: ['operations'] },
  { name: "an index led by the expression (status = 'pending')", sql: ["CREATE INDEX ON orders ((status = 'pending'), created_at)"], passes: ['operations'] },
  { name: '(status, created_at)', sql: ['CREATE INDEX ON orders (status, created_at)'], passes: ['operations'] },
  { name: '(status) alone (passes with a tip)', sql: ['CREATE INDEX ON orders (status)'], passes: ['operations'] },
  { name: 'a hash index on user_id (passes with a tip)', sql: ['CREATE INDEX ON orders USING hash (user_id)'], passes: ['my-orders'] },
  { name: '(user_id) alone (passes with a tip)', sql: ['CREATE INDEX ON orders (user_id)'], passes: ['my-orders'] },
  // Wrong: the plan still reads or walks most of a table, whatever the settings.
  {
    name: 'a BRIN index on user_id with ALTER DATABASE … SET enable_seqscan = off',
    sql: ['CREATE INDEX ON orders USING brin (user_id)', 'ALTER DATABASE DATABASE SET enable_seqscan = off'],
    passes: [],
  },
  {
    name: "a BRIN index on user_id with the app role's enable_seqscan = off",
    sql: ['CREATE INDEX ON orders USING brin (user_id)', 'ALTER ROLE shop_app IN DATABASE DATABASE SET enable_seqscan = off'],
    passes: [],
  },
  {
    name: "the app role's planner settings without an index",
    sql: ['ALTER ROLE shop_app IN DATABASE DATABASE SET enable_seqscan = off', 'ALTER ROLE shop_app IN DATABASE DATABASE SET random_page_cost = 0.1'],
    passes: [],
  },
  { name: '(created_at, user_id)', sql: ['CREATE INDEX ON orders (created_at, user_id)'], passes: [] },
  { name: '(user_id) beside (created_at)', sql: ['CREATE INDEX ON orders (user_id)', 'CREATE INDEX ON orders (created_at)'], passes: [] },
  { name: '(created_at) with enable_seqscan = off', sql: ['CREATE INDEX ON orders (created_at)', 'ALTER DATABASE DATABASE SET enable_seqscan = off'], passes: [] },
  { name: '(created_at, status)', sql: ['CREATE INDEX ON orders (created_at, status)'], passes: [] },
  { name: "a partial index on the common status, 'delivered'", sql: ["CREATE INDEX ON orders (status) WHERE status = 'delivered'"], passes: [] },
  { name: '(price_cents, category)', sql: ['CREATE INDEX ON products (price_cents, category)'], passes: [] },
  { name: '(category) alone', sql: ['CREATE INDEX ON products (category)'], passes: [] },
  { name: '(category) and (price_cents), two indexes', sql: ['CREATE INDEX ON products (category)', 'CREATE INDEX ON products (price_cents)'], passes: [] },
];

/** The smallest shop the first start may choose (the calibration's first step), and the tests' own size. */
const SIZES = [{ name: 'the tests\' size (250,000 orders)', orders: undefined }, { name: 'the smallest shop (50,000 orders)', orders: scenario.dataset.unitSteps[0]! }];

describe.each(SIZES)('every page step judges the work of the plan the app gets, not how the fix is written, at $name', ({ orders }) => {
  let database: TestDatabase;
  let admin: pg.Client;

  beforeAll(async () => {
    database = await createTestDatabase(`fixes2_${orders ?? 'default'}`);
    if (orders !== undefined) await scenario.dataset.seed(database.appUrl, { size: { orders }, force: true });
    admin = new pg.Client({ connectionString: database.adminUrl });
    await admin.connect();
  });
  afterAll(async () => {
    await admin?.end();
    await database?.drop();
  });
  // Every fix starts from the shop as shipped: no index of the learner's, no settings.
  afterEach(async () => {
    const name = admin.escapeIdentifier(database.name);
    await admin.query(`ALTER DATABASE ${name} RESET ALL`);
    await admin.query(`ALTER ROLE shop_app IN DATABASE ${name} RESET ALL`);
    const { rows } = await admin.query<{ name: string }>(
      `SELECT i.relname AS name FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
        WHERE t.relname IN ('orders', 'products') AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.oid)`,
    );
    for (const { name: index } of rows) await admin.query(`DROP INDEX ${admin.escapeIdentifier(index)}`);
  });

  /** Each page step's verdict, checked as `npm run check` checks it (these steps need only the database). */
  async function verdicts(): Promise<Record<PageStep, { status: StepStatus; observed: string }>> {
    const context = { admin } as unknown as StepContext;
    const seen: Partial<Record<PageStep, { status: StepStatus; observed: string }>> = {};
    // One after another, as the runner runs them: each plans inside a transaction on this one connection.
    for (const id of PAGE_STEPS) seen[id] = await steps.find((step) => step.id === id)!.check(context);
    return seen as Record<PageStep, { status: StepStatus; observed: string }>;
  }

  it.each(FIXES)('$name', async ({ sql, passes }) => {
    for (const statement of sql) await admin.query(statement.replaceAll(' DATABASE DATABASE ', ` DATABASE ${admin.escapeIdentifier(database.name)} `));
    const seen = await verdicts();
    const expected = Object.fromEntries(PAGE_STEPS.map((id) => [id, passes.includes(id) ? 'passed' : 'failed']));
    expect(Object.fromEntries(PAGE_STEPS.map((id) => [id, seen[id].status])), JSON.stringify(seen, null, 1)).toEqual(expected);
  });
});
