/**
 * Scenario 1's steps of `npm run check` against real servers on a real PostgreSQL: the broken
 * server, each wrong fix the issue names, the partial states and the solution. The checks must
 * be hard to fool (wrong fixes fail) and fair (any sensible right fix passes). The engine's own
 * rules (order, advice, load marks) are tested without any scenario in test/integration/check-runner.test.ts.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type RunningApp } from '../../../lab/app-runner.js';
import { readCheckLoads } from '../../../lab/check/load-marks.js';
import { renderReport, reportAsJson } from '../../../lab/check/render.js';
import { adviceOnlyWhereReached, runChecks } from '../../../lab/check/run-checks.js';
import { goalNotMeasured, greenRunWithFixes, judgeGoal, measureGoal } from '../../../lab/check/step-goal.js';
import type { RunRecord } from '../../../lab/runs/run-record.js';
import type { StepResult } from '../../../lab/scenario/steps.js';
import { judgePool, observePool } from '../../../scenarios/01-connection-pools/machinery/step-connections.js';
import { checkUserPostsIndex, judgeFeedIndex, observeFeedIndex } from '../../../scenarios/01-connection-pools/machinery/step-feed-index.js';
import steps, { fixesInPlace } from '../../../scenarios/01-connection-pools/machinery/steps.js';
import { createTestDatabase, sql, type TestDatabase } from '../../helpers/database.js';
import { failedRun, runRecord } from '../../helpers/run-records.js';
import { writeVariant, type VariantName } from '../../helpers/server-variants.js';
import { BROKEN_SERVER, FIXED_SERVER, scenario } from '../../helpers/project-lab.js';

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
  it('fails the broken server, saying how many connections a burst opened and that PostgreSQL refused the rest', async () => {
    const step = await poolStep(BROKEN_SERVER);
    expect(step.status).toBe('failed');
    // Each of the 50 requests opens a connection; PostgreSQL refuses those beyond its room (SQLSTATE 53300).
    expect(step.observed).toMatch(/^a burst of 50 requests opened \d+ new database connections, the next burst (\d+); of 50 simultaneous requests, .*answered 500.*PostgreSQL refused connections \("too many clients"; PostgreSQL allows 25 connections, 3 of them kept for superusers: at most 22 for the app\)$/);
    expect(Number(/the next burst (\d+)/.exec(step.observed)![1])).toBeGreaterThan(5);
    expect(step.next).toMatch(/created once, when the app starts/);
  });

  it.each(['poolOf200', 'poolOf100'] as const)('fails one shared pool (%s), naming its size as seen and the database\'s arithmetic', async (variant) => {
    const step = await poolStep(variant);
    expect(step.status).toBe('failed');
    expect(step.observed).toMatch(/the next burst [0-5]\b/);
    expect(step.observed).toMatch(/Connections are reused, but the pool opened as many as the database has room for: PostgreSQL allows 25 connections, 3 of them kept for superusers: at most 22 for the app$/);
    expect(step.next).toMatch(/make the pool's max well under 22/);
  });

  it('passes the solution\'s pool of 10', async () => {
    const step = await poolStep(FIXED_SERVER);
    expect(step.status).toBe('passed');
    expect(step.observed).toMatch(/^a burst of 50 requests opened (\d+) new database connections?, the next burst [0-5], 20 requests for different users' posts [0-5]: connections are reused$/);
    expect(Number(/opened (\d+)/.exec(step.observed)![1])).toBeLessThanOrEqual(10);
  });

  it('fails a new Pool per request, even with a larger max', async () => {
    const step = await poolStep('poolPerRequest');
    expect(step.status).toBe('failed');
    expect(Number(/the next burst (\d+)/.exec(step.observed)![1])).toBeGreaterThan(5);
  });

  it('fails rate limiting in front of per-request connections', async () => {
    const step = await poolStep('rateLimited');
    expect(step.status).toBe('failed');
    expect(step.observed).toMatch(/the next burst (4[5-9]|5\d)$/);
  });

  it('fails a cache of /feed in front of per-request connections', async () => {
    const step = await poolStep('cachedFeed');
    expect(step.status).toBe('failed');
    expect(step.observed).toMatch(/the next burst [0-5], but 20 requests for different users' posts opened \d+$/);
    expect(Number(/posts opened (\d+)$/.exec(step.observed)![1])).toBeGreaterThan(5);
    expect(step.next).toMatch(/a cache can answer \/feed/);
  });

  it('passes a single shared pg.Client', async () => {
    const step = await poolStep('sharedClient');
    expect(step.status).toBe('passed');
    expect(step.observed).toMatch(/opened [0-1] new database connections?, the next burst 0, 20 requests for different users' posts 0: connections are reused$/);
  });
});

describe('fix 2 (an index for the feed)', () => {
  afterEach(async () => {
    for (const name of ['posts_created_at_idx', 'feed_desc', 'feed_composite', 'posts_user_id_idx']) {
      await sql(database.appUrl, `DROP INDEX IF EXISTS ${name}`);
    }
  });

  it('fails without an index: the line says what the plan did, the advice what posts lacks', async () => {
    const [{ posts }] = await sql<{ posts: number }>(database.appUrl, 'SELECT count(*)::int AS posts FROM posts') as [{ posts: number }];
    const step = judgeFeedIndex(await observeFeedIndex(admin));
    expect(step.status).toBe('failed');
    expect(step.observed).toBe(`the feed query's plan reads ${posts.toLocaleString('en-US')} rows of posts and sorts them`);
    expect(step.next).toMatch(/^posts has no index besides its primary key, so the feed query reads and sorts every post/);
  });

  it('fails an index on the wrong column, naming it in the advice only', async () => {
    await sql(database.appUrl, 'CREATE INDEX posts_user_id_idx ON posts (user_id)');
    const step = judgeFeedIndex(await observeFeedIndex(admin));
    expect(step.status).toBe('failed');
    expect(step.observed).toMatch(/^the feed query's plan reads [\d,]+ rows of posts and sorts them$/);
    expect(step.next).toMatch(/^posts has posts_user_id_idx \(user_id\) besides its primary key/);
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

  it('bonus: /users/:id/posts is not tried ("–") until a load test ran on it, then fails while it scans and passes with an index led by user_id', async () => {
    expect(await checkUserPostsIndex(admin, [])).toMatchObject({ status: 'skipped', observed: expect.stringMatching(/^not tried yet; .*Seq Scan on posts/) });
    const userPostsRun = runRecord({ summary: { route: '/users/42/posts' } });
    expect((await checkUserPostsIndex(admin, [userPostsRun])).status).toBe('failed');
    await sql(database.appUrl, 'CREATE INDEX posts_user_id_idx ON posts (user_id, created_at)');
    const step = await checkUserPostsIndex(admin, []);
    expect(step.status).toBe('passed');
    expect(step.observed).toMatch(/posts_user_id_idx/);
  });

  it('bonus: an index that includes user_id counts as tried, even if the plan does not use it', async () => {
    await sql(database.appUrl, 'CREATE INDEX feed_composite ON posts (created_at, user_id)');
    expect((await checkUserPostsIndex(admin, [])).status).toBe('failed');
  });
});

describe('the goal (200 users, 0 errors, p99 under 1 s)', () => {
  // Real runs only show what the run measured; whether a machine is fast enough is not
  // asserted here (the judge's own tests, on fixed numbers, are in test/unit/check-goal.test.ts).
  it('runs the load test\'s generator with 200 users for a bounded time against the solution and reports what it saw', async () => {
    await sql(database.appUrl, FIX_SQL);
    try {
      const started = Date.now();
      const summary = await withServer(FIXED_SERVER, (app) => measureGoal(scenario, app.url));
      expect(Date.now() - started).toBeLessThan(30_000);
      expect(summary.users).toBe(200);
      expect(summary.route).toBe('/feed');
      expect(summary.totalRequests).toBeGreaterThan(200);
      // Whatever the speed, the solution answers nothing but 200s.
      expect(summary.succeeded).toBe(summary.totalRequests);
      expect(judgeGoal(scenario, summary).observed).toMatch(/^200 users for 3 s: [\d,]+ requests( \(\+[\d,]+ still waiting at the end\))?, 0 failed, p50 \d+(\.\d+)? m?s, p99 \d+(\.\d+)? m?s$/);
    } finally {
      await sql(database.appUrl, 'DROP INDEX posts_created_at_idx');
    }
  });

  it('never advises a fix: its lines name neither fix when it fails', () => {
    const failing = judgeGoal(scenario, { ...runRecord().summary, durationSeconds: 3, totalRequests: 5_000, succeeded: 4_700, failedHttp5xx: 300 });
    const slow = judgeGoal(scenario, { ...runRecord().summary, durationSeconds: 3, totalRequests: 5_000, succeeded: 5_000, latencyMs: { avg: 900, p50: 800, p95: 1_400, p99: 1_600, max: 2_000 } });
    for (const step of [failing, slow, goalNotMeasured(scenario)]) {
      expect(step.status).toBe('failed');
      expect(step.next).not.toMatch(/fix 1|fix 2|pool|index/i);
    }
  });

  describe('a green load-test run stands for the goal only with both fixes in place', () => {
    const appStart = Date.parse('2026-11-26T13:55:00.000Z');
    const green = (snapshot: RunRecord['snapshot']): RunRecord => ({
      ...runRecord({ label: 'my run', summary: { latencyMs: { avg: 30, p50: 25, p95: 90, p99: 377, max: 500 } } }),
      snapshot,
      verdict: 'green',
    });

    it("a pool and an index on created_at, as the run's snapshot saw them", () => {
      const both = green({ createdAtIndexPresent: true, newSessionsPerRequest: 0, peakConnections: 10, newSessions: 3 });
      expect(fixesInPlace(both)).toBe(true);
      expect(greenRunWithFixes(scenario, [failedRun(), both], appStart, fixesInPlace)).toBe(both);
    });

    it('not without the index, nor with a connection per request', () => {
      expect(fixesInPlace(green({ createdAtIndexPresent: false, newSessionsPerRequest: 0, peakConnections: 10, newSessions: 3 }))).toBe(false);
      expect(fixesInPlace(green({ createdAtIndexPresent: true, newSessionsPerRequest: 1, peakConnections: 100, newSessions: 6_000 }))).toBe(false);
    });
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

  let loads: string[] = [];
  const target = (app: RunningApp) => {
    loads = [];
    return {
      appUrl: app.url,
      adminDatabaseUrl: database.adminUrl,
      databaseName: database.name,
      runsDir: path.join(stateDir, 'runs'),
      drillsFile: path.join(stateDir, 'drills.json'),
      checkLoadsFile: path.join(stateDir, 'check-loads.json'),
      onLoad: (description: string) => loads.push(description),
    };
  };

  it('the broken server before step 1: observations only, no fix named, and no load beyond fix 1\'s bursts', async () => {
    const report = await withServer(BROKEN_SERVER, (app) => runChecks(scenario, steps, target(app)));
    expect(report.passed).toBe(false);
    expect(report.steps.map((step) => [step.id, step.status])).toEqual([
      ['reproduce', 'failed'],
      ['pool', 'failed'],
      ['index', 'failed'],
      ['goal', 'failed'],
      ['bonus-user-posts', 'skipped'],
      ['bonus-db-restart', 'skipped'],
    ]);
    const text = renderReport(report);
    expect(text).toMatch(/^✘ Reproduce the failure with a load test\n    saw: no load-test run is recorded yet\n    try: .*\n    This is the step you are on, so this ✘ is expected/);
    expect(text.match(/this ✘ is expected/g)).toHaveLength(1);
    // Only the step the learner is on says what to do; nothing gives the fixes away.
    expect(text.match(/^ {4}try: /gm)).toHaveLength(1);
    expect(text).not.toMatch(/pg\.Pool|CREATE INDEX|created_at/i);
    expect(report.steps.find((step) => step.id === 'goal')?.observed).toMatch(/^not measured yet/);
    expect(text).toMatch(/\n0 of 4 required steps pass\.$/);
    // Fix 1's bursts were announced and marked for the dashboard; the goal sent nothing.
    expect(loads).toEqual([expect.stringMatching(/^Fix 1 sends bursts of 50 requests/)]);
    expect(readCheckLoads(path.join(stateDir, 'check-loads.json')).at(-1)).toMatchObject({ label: 'npm run check: fix 1', end: expect.any(Number) });
  });

  it('pool only (no index yet): fix 1 passes with at most the pool’s 10 connections, fix 2 does not, the goal is not measured', async () => {
    const report = await withServer(FIXED_SERVER, (app) => runChecks(scenario, steps, target(app)));
    const pool = report.steps.find((step) => step.id === 'pool')!;
    expect(pool).toMatchObject({ status: 'passed', next: '' });
    expect(pool.observed).toMatch(/opened (\d|10) new database connections?, the next burst [0-5], 20 requests for different users' posts [0-5]: connections are reused$/);
    expect(report.steps.find((step) => step.id === 'index')?.status).toBe('failed');
    expect(report.steps.find((step) => step.id === 'goal')?.observed).toMatch(/^not measured yet/);
    expect(loads).toHaveLength(1);
    expect(report.passed).toBe(false);
  });

  it('index only (per-request connections remain): fix 2 passes, fix 1 does not', async () => {
    await sql(database.appUrl, FIX_SQL);
    try {
      const report = await withServer(BROKEN_SERVER, (app) => runChecks(scenario, steps, target(app)));
      const status = Object.fromEntries(report.steps.map((step) => [step.id, step.status]));
      expect(status).toMatchObject({ pool: 'failed', index: 'passed', goal: 'failed' });
      expect(report.passed).toBe(false);
    } finally {
      await sql(database.appUrl, 'DROP INDEX posts_created_at_idx');
    }
  });

  it('the solution before any load test of it: the first three steps pass, the goal waits for the load test SCENARIO.md asks for, sending nothing', async () => {
    fs.mkdirSync(path.join(stateDir, 'runs'), { recursive: true });
    fs.writeFileSync(path.join(stateDir, 'runs', 'run-1.json'), JSON.stringify(failedRun()));
    await sql(database.appUrl, FIX_SQL);
    try {
      const report = await withServer(FIXED_SERVER, (app) => runChecks(scenario, steps, target(app)));
      const status = Object.fromEntries(report.steps.map((step) => [step.id, step.status]));
      expect(status).toMatchObject({ reproduce: 'passed', pool: 'passed', index: 'passed', goal: 'failed' });
      const goal = report.steps.find((step) => step.id === 'goal')!;
      expect(goal.observed).toBe('not measured yet: it waits for your load test with both fixes in place');
      // The learner is on the goal now: the line says what to run.
      expect(goal.next).toMatch(/^run `npm run loadtest`/);
      expect(loads).toEqual([expect.stringMatching(/^Fix 1 sends/)]);
    } finally {
      await sql(database.appUrl, 'DROP INDEX posts_created_at_idx');
    }
  });

  it('the solution after a load test of it that was not green: the first three steps pass, the goal measures with the load test\'s generator, and --json says the same', async () => {
    // Red with both fixes (a busy moment): it stands for nothing, so the goal measures for itself.
    const notGreen: RunRecord = {
      ...runRecord({ label: 'pool of 10 + index', startedAt: '2026-11-26T14:10:00.000Z', summary: { succeeded: 5_990, failedHttp5xx: 10, successRate: 99.8 } }),
      snapshot: { createdAtIndexPresent: true, newSessionsPerRequest: 0, peakConnections: 10, newSessions: 3, peakAppConnections: 10 },
      verdict: 'red',
    };
    fs.writeFileSync(path.join(stateDir, 'runs', 'run-1b.json'), JSON.stringify(notGreen));
    await sql(database.appUrl, FIX_SQL);
    try {
      const report = await withServer(FIXED_SERVER, (app) => runChecks(scenario, steps, target(app)));
      const status = Object.fromEntries(report.steps.map((step) => [step.id, step.status]));
      expect(status).toMatchObject({ reproduce: 'passed', pool: 'passed', index: 'passed', 'bonus-db-restart': 'skipped' });
      expect(loads).toEqual([expect.stringMatching(/^Fix 1 sends/), expect.stringMatching(/^The goal sends 200 users to \/feed for 3 s/)]);
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

  it('the solution with a green load test recorded by this app process: the goal passes on it, sending nothing', async () => {
    await sql(database.appUrl, FIX_SQL);
    try {
      const report = await withServer(FIXED_SERVER, async (app) => {
        const startedAt = new Date().toISOString();
        const green: RunRecord = {
          ...runRecord({ label: 'pool + index', startedAt, summary: { latencyMs: { avg: 30, p50: 25, p95: 90, p99: 377, max: 500 } } }),
          snapshot: { createdAtIndexPresent: true, newSessionsPerRequest: 0, peakConnections: 10, newSessions: 3 },
          verdict: 'green',
        };
        fs.writeFileSync(path.join(stateDir, 'runs', 'run-2.json'), JSON.stringify(green));
        return runChecks(scenario, steps, target(app));
      });
      expect(report.steps.find((step) => step.id === 'goal')).toMatchObject({ status: 'passed', observed: expect.stringMatching(/^your load test "pool \+ index"/) });
      expect(loads).toEqual([expect.stringMatching(/^Fix 1 sends/)]);
      expect(report.passed).toBe(true);
    } finally {
      await sql(database.appUrl, 'DROP INDEX posts_created_at_idx');
      fs.rmSync(path.join(stateDir, 'runs', 'run-2.json'), { force: true });
    }
  });
});

describe('advice only where the learner is', () => {
  const result = (id: string, verdict: Omit<StepResult, 'id' | 'title' | 'required'>): StepResult => {
    const step = steps.find((candidate) => candidate.id === id)!;
    return { id, title: step.title, required: step.required, ...verdict };
  };

  it('on fix 1 (the failure reproduced, the broken server running): the fix 2 and goal lines name no fix', () => {
    const tally = { total: 50, ok: 50, byStatus: { 200: 50 }, noAnswer: 0, errorBodies: [] };
    const report = {
      passed: false,
      steps: adviceOnlyWhereReached([
        result('reproduce', { status: 'passed', observed: 'run "broken" failed', next: '' }),
        result('pool', judgePool({ budget: { maxConnections: 25, reservedForSuperusers: 3 }, first: { tally, newSessions: 50 }, second: { tally, newSessions: 50 } })),
        result('index', judgeFeedIndex({ postsIndexes: [], feedAccess: [{ nodeType: 'Seq Scan' }], feedSorts: true, feedRowsRead: 50_000 })),
        result('goal', goalNotMeasured(scenario)),
      ]),
    };
    const text = renderReport(report);
    const [, pool, rest] = text.split(/\n(?=✘ Fix 1|✘ Fix 2)/);
    expect(pool).toMatch(/try: each request still opens its own connection/);
    expect(rest).not.toMatch(/try:/);
    expect(rest).not.toMatch(/CREATE INDEX|created_at|pg\.Pool/i);
    // What the database lacks would point at the fix as plainly: the line says only what the plan did.
    expect(rest).not.toMatch(/\bindex\b/i);
    expect(rest).toMatch(/saw: the feed query's plan reads 50,000 rows of posts and sorts them/);
  });
});
