/**
 * `npm run check`'s steps against real servers on a real PostgreSQL: the broken server, each
 * wrong fix the issue names, the partial states and the solution. The checks must be hard
 * to fool (wrong fixes fail) and fair (any sensible right fix passes).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { judgeGoal, observeGoal } from '../../lab/check/step-goal.js';
import type { ShortRunResult } from '../../lab/check/http-load.js';
import { checkUserPostsIndex, judgeFeedIndex, observeFeedIndex } from '../../lab/check/step-index.js';
import { judgePool, observePool } from '../../lab/check/step-pool.js';
import { runChecks } from '../../lab/check/run-checks.js';
import { renderReport, reportAsJson } from '../../lab/check/render.js';
import { createTestDatabase, sql, type TestDatabase } from '../helpers/database.js';
import { BROKEN_SERVER, FIXED_SERVER, startApp, type RunningApp } from '../../lab/app-runner.js';
import { writeVariant, type VariantName } from '../helpers/server-variants.js';
import { failedRun } from '../helpers/run-records.js';

const FIX_SQL = 'CREATE INDEX posts_created_at_idx ON posts (created_at)';

let database: TestDatabase;
let admin: pg.Client;
const written: string[] = [];

beforeAll(async () => {
  database = await createTestDatabase('check');
  admin = new pg.Client({ connectionString: database.adminUrl });
  await admin.connect();
});
afterAll(async () => {
  await admin?.end();
  await database?.drop();
  for (const file of written) fs.rmSync(file, { force: true });
});

async function withServer<T>(entry: string | VariantName, work: (app: RunningApp) => Promise<T>): Promise<T> {
  let file = entry;
  if (!entry.includes('/')) {
    file = writeVariant(entry as VariantName);
    written.push(file);
  }
  const app = await startApp(file, database.appUrl);
  try {
    return await work(app);
  } finally {
    await app.stop();
  }
}

const poolStep = (entry: string | VariantName) =>
  withServer(entry, async (app) => judgePool(await observePool(app.url, admin, database.name)));

describe('fix 1 (shared connections)', () => {
  it('fails the broken server, saying how many connections a burst opened', async () => {
    const step = await poolStep(BROKEN_SERVER);
    expect(step.status).toBe('failed');
    expect(step.observed).toMatch(/^a burst of 50 requests opened (4[5-9]|5\d) new database connections, the next burst (4[5-9]|5\d)$/);
    expect(step.next).toMatch(/ONE pg\.Pool/);
  });

  it('fails a new Pool per request, even with a larger max', async () => {
    const step = await poolStep('poolPerRequest');
    expect(step.status).toBe('failed');
    expect(step.observed).toMatch(/the next burst (4[5-9]|5\d)$/);
  });

  it('fails rate limiting in front of per-request connections', async () => {
    const step = await poolStep('rateLimited');
    expect(step.status).toBe('failed');
    expect(step.observed).toMatch(/the next burst (4[5-9]|5\d)$/);
  });

  it('fails a cache of /feed in front of per-request connections', async () => {
    const step = await poolStep('cachedFeed');
    expect(step.status).toBe('failed');
    expect(step.observed).toMatch(/the next burst [0-5], but 50 requests for different users' posts opened (9\d|1\d\d)$/);
    expect(step.next).toMatch(/a cache can answer \/feed/);
  });

  it('passes a single shared pg.Client', async () => {
    const step = await poolStep('sharedClient');
    expect(step.status).toBe('passed');
    expect(step.observed).toMatch(/opened [0-1] new database connections?, the next burst 0, 50 requests for different users' posts 0: connections are reused$/);
  });
});

describe('fix 2 (an index for the feed)', () => {
  afterEach(async () => {
    for (const name of ['posts_created_at_idx', 'feed_desc', 'feed_composite', 'posts_user_id_idx']) {
      await sql(database.appUrl, `DROP INDEX IF EXISTS ${name}`);
    }
  });

  it('fails without an index, showing the plan', async () => {
    const step = judgeFeedIndex(await observeFeedIndex(admin));
    expect(step.status).toBe('failed');
    expect(step.observed).toBe("posts has no index besides its primary key; the feed query's plan: Seq Scan on posts + Sort");
  });

  it('fails an index on the wrong column', async () => {
    await sql(database.appUrl, 'CREATE INDEX posts_user_id_idx ON posts (user_id)');
    const step = judgeFeedIndex(await observeFeedIndex(admin));
    expect(step.status).toBe('failed');
    expect(step.observed).toMatch(/^posts has posts_user_id_idx \(user_id\), but no index starting with created_at; .*Seq Scan on posts/);
  });

  it('fails a cache in front of /feed: the database still scans, and the message says so', async () => {
    await withServer('cachedFeed', async (app) => {
      const first = await fetch(`${app.url}/feed`);
      expect(first.status).toBe(200);
      const step = judgeFeedIndex(await observeFeedIndex(admin));
      expect(step.status).toBe('failed');
      expect(step.next).toMatch(/cache .* still reads every post/);
    });
  });

  it.each([
    ['ascending', 'CREATE INDEX posts_created_at_idx ON posts (created_at)', 'posts_created_at_idx'],
    ['descending', 'CREATE INDEX feed_desc ON posts (created_at DESC)', 'feed_desc'],
    ['composite, created_at first', 'CREATE INDEX feed_composite ON posts (created_at, user_id)', 'feed_composite'],
  ])('passes an index on created_at, %s', async (_kind, ddl, name) => {
    await sql(database.appUrl, ddl);
    const step = judgeFeedIndex(await observeFeedIndex(admin));
    expect(step.status).toBe('passed');
    expect(step.observed).toMatch(new RegExp(`plan: Index Scan using ${name}$`));
  });

  it('bonus: /users/:id/posts fails while it scans and passes with an index led by user_id', async () => {
    expect((await checkUserPostsIndex(admin)).status).toBe('failed');
    await sql(database.appUrl, 'CREATE INDEX posts_user_id_idx ON posts (user_id, created_at)');
    const step = await checkUserPostsIndex(admin);
    expect(step.status).toBe('passed');
    expect(step.observed).toMatch(/posts_user_id_idx/);
  });
});

describe('the goal (200 users, 0 errors, p99 under 1 s)', () => {
  // Real runs only show what the run measured; whether a machine is fast enough is not
  // asserted here (see the judge's own tests below, on fixed numbers).
  it('runs 200 users for a bounded time against the solution and reports what it saw', async () => {
    await sql(database.appUrl, FIX_SQL);
    try {
      const started = Date.now();
      const run = await withServer(FIXED_SERVER, (app) => observeGoal(app.url));
      expect(Date.now() - started).toBeLessThan(30_000);
      expect(run.users).toBe(200);
      expect(run.requests).toBeGreaterThan(200);
      // Whatever the speed, the solution answers nothing but 200s.
      expect(Object.keys(run.byStatus)).toEqual(['200']);
      expect(judgeGoal(run).observed).toMatch(/^200 users for 3 s: [\d,]+ requests, [\d,]+ failed, p50 \d+(\.\d)? m?s, p99 \d+(\.\d)? m?s$/);
    } finally {
      await sql(database.appUrl, 'DROP INDEX posts_created_at_idx');
    }
  });

  const run = (overrides: Partial<ShortRunResult>): ShortRunResult => ({
    users: 200, seconds: 3.5, requests: 5_000, failed: 0, byStatus: { 200: 5_000 }, noAnswer: 0, p50Ms: 40, p99Ms: 200, ...overrides,
  });

  it('passes 0 errors with p99 under the bound', () => {
    expect(judgeGoal(run({}))).toMatchObject({ status: 'passed', observed: '200 users for 3 s: 5,000 requests, 0 failed, p50 40 ms, p99 200 ms' });
  });

  it('fails error answers and points at fix 1', () => {
    const step = judgeGoal(run({ failed: 300, byStatus: { 200: 4_700, 500: 300 } }));
    expect(step).toMatchObject({ status: 'failed', next: expect.stringMatching(/fix 1 first/) });
  });

  it('fails slow answers, or none in time, and points at fix 2', () => {
    expect(judgeGoal(run({ p99Ms: 4_200 }))).toMatchObject({ status: 'failed', next: expect.stringMatching(/^requests wait: .*Fix 2/) });
    expect(judgeGoal(run({ failed: 25, noAnswer: 25, p99Ms: 4_000 })).next).toMatch(/^25 got no answer in time; requests wait/);
  });
});

describe('every line at once', () => {
  let stateDir: string;
  beforeAll(() => {
    stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-check-'));
  });
  afterAll(() => {
    fs.rmSync(stateDir, { recursive: true, force: true });
  });

  const target = (app: RunningApp) => ({
    appUrl: app.url,
    adminDatabaseUrl: database.adminUrl,
    databaseName: database.name,
    runsDir: path.join(stateDir, 'runs'),
    drillsFile: path.join(stateDir, 'drills.json'),
    appPid: () => app.pid,
  });

  it('the broken server: the first line fails, announced as expected, and so do the fixes', async () => {
    const report = await withServer(BROKEN_SERVER, (app) => runChecks(target(app)));
    expect(report.passed).toBe(false);
    expect(report.steps.map((step) => [step.id, step.status])).toEqual([
      ['reproduce', 'failed'],
      ['pool', 'failed'],
      ['index', 'failed'],
      ['goal', 'failed'],
      ['bonus-user-posts', 'failed'],
      ['bonus-db-restart', 'skipped'],
    ]);
    const text = renderReport(report);
    expect(text).toMatch(/^✘ Reproduce the failure with a load test\n    saw: no load-test run is recorded yet\n    try: .*\n    This is the step you are on, so this ✘ is expected/);
    expect(text.match(/this ✘ is expected/g)).toHaveLength(1);
    expect(text).toMatch(/\n0 of 4 required steps pass\.$/);
  });

  it('pool only (no index yet): fix 1 passes with at most the pool’s 10 connections, fix 2 does not', async () => {
    const report = await withServer(FIXED_SERVER, (app) => runChecks(target(app)));
    const pool = report.steps.find((step) => step.id === 'pool')!;
    expect(pool).toMatchObject({ status: 'passed', next: '' });
    expect(pool.observed).toMatch(/opened (\d|10) new database connections?, the next burst [0-5], 50 requests for different users' posts [0-5]: connections are reused$/);
    expect(report.steps.find((step) => step.id === 'index')?.status).toBe('failed');
    expect(report.passed).toBe(false);
  });

  it('index only (per-request connections remain): fix 2 passes, fix 1 does not', async () => {
    await sql(database.appUrl, FIX_SQL);
    try {
      const report = await withServer(BROKEN_SERVER, (app) => runChecks(target(app)));
      const status = Object.fromEntries(report.steps.map((step) => [step.id, step.status]));
      expect(status).toMatchObject({ pool: 'failed', index: 'passed' });
      expect(report.passed).toBe(false);
    } finally {
      await sql(database.appUrl, 'DROP INDEX posts_created_at_idx');
    }
  });

  it('the solution after a failed run: the first three steps pass, the goal reports its run, and --json says the same', async () => {
    fs.mkdirSync(path.join(stateDir, 'runs'), { recursive: true });
    fs.writeFileSync(path.join(stateDir, 'runs', 'run-1.json'), JSON.stringify(failedRun()));
    await sql(database.appUrl, FIX_SQL);
    try {
      const report = await withServer(FIXED_SERVER, (app) => runChecks(target(app)));
      const status = Object.fromEntries(report.steps.map((step) => [step.id, step.status]));
      expect(status).toMatchObject({ reproduce: 'passed', pool: 'passed', index: 'passed', 'bonus-db-restart': 'skipped' });
      // The goal depends on the machine's speed at this moment; the exit code follows it.
      expect(report.passed).toBe(status.goal === 'passed');
      if (report.passed) expect(renderReport(report)).toMatch(/All 4 required steps pass\./);
      const json = JSON.parse(reportAsJson(report)) as { passed: boolean; steps: Array<{ id: string; passed: boolean; observed: string }> };
      expect(json.passed).toBe(report.passed);
      expect(json.steps.map((step) => step.id)).toEqual(['reproduce', 'pool', 'index', 'goal', 'bonus-user-posts', 'bonus-db-restart']);
      expect(json.steps[0]).toMatchObject({ id: 'reproduce', passed: true, observed: expect.stringMatching(/requests failed/) });
    } finally {
      await sql(database.appUrl, 'DROP INDEX posts_created_at_idx');
    }
  });
});
