/**
 * Scenario 3's queue under real concurrency, on a real PostgreSQL with the learner's connection
 * budget (max_connections 40), the default seeded history, and real worker processes: each of
 * the shipped worker's four mistakes shows, and the solution's worker does not make it.
 *   1. The claim race: several workers send some emails twice.
 *   2. A connection held across the provider call: at 6 workers PostgreSQL refuses connections.
 *   3. No lease: a worker killed mid-job leaves the job running forever.
 *   4. The claim reads the whole history; solution/fix.sql's index reads the claimable jobs only.
 * The learner's files run from their shipped copies (machinery/pristine), never from src/.
 */
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isConnectionLimitMessage } from '../../../lab/database/refused-connections.js';
import { startArrivals } from '../../../lab/loadtest/arrivals.js';
import { freePort } from '../../../lab/net/free-port.js';
import { isListening } from '../../../lab/net/ports.js';
import { startScratchDatabase, type ScratchDatabase } from '../../../harness/scratch-database.js';
import { lab, PRISTINE_DIR, scenario, SCENARIO_DIR } from '../../helpers/project-lab.js';
import { waitFor } from '../../helpers/wait.js';
import { spawnTestProcess, stopTestProcesses, type TestProcess } from '../../helpers/processes.js';
import { DEFAULT_JOBS } from '../../../scenarios/03-background-jobs/db/seed.js';


interface Stats {
  delivered: number;
  duplicates: number;
  jobs: number;
  idempotentReplays: number;
}

let database: ScratchDatabase;
let appUrl: string;
let admin: pg.Client;
let mailUrl: string;
let provider: ChildProcess;
const running = new Set<ChildProcess>();

/** Starts one process of a file, with the lab's environment; resolves once it printed `ready` (or listens on its port). */
async function startProcess(file: string, name: string, env: Record<string, string> = {}): Promise<TestProcess> {
  const started = spawnTestProcess(file, { DATABASE_URL: appUrl, MAIL_API_URL: mailUrl, LAB_PROCESS: name, PGAPPNAME: name, HOST: '127.0.0.1', ...env }, running);
  const ready = env.PORT ? () => isListening(Number(env.PORT)) : async () => /is working|listening/.test(started.output());
  await waitFor(ready, Boolean, 30_000);
  return started;
}

const stopAll = stopTestProcesses;

const query = async <T extends pg.QueryResultRow>(text: string, values: unknown[] = []) => (await admin.query<T>(text, values)).rows;
const mail = async <T>(route: string, body?: object): Promise<T> =>
  (await (await fetch(`${mailUrl}${route}`, body ? { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {})).json()) as T;
const unfinished = async () => Number((await query<{ n: string }>("SELECT count(*) AS n FROM jobs WHERE status IN ('queued', 'running')"))[0]!.n);

/** Queues `count` welcome emails for new users, as POST /signups does. */
async function enqueue(count: number): Promise<void> {
  await query(
    `WITH added AS (
       INSERT INTO users (email, name)
       SELECT 'new' || g || '-' || md5(random()::text) || '@example.com', 'New ' || g FROM generate_series(1, $1) AS g
       RETURNING id, email, name)
     INSERT INTO jobs (kind, payload) SELECT 'welcome_email', jsonb_build_object('userId', id, 'email', email, 'name', name) FROM added`,
    [count],
  );
}

beforeAll(async () => {
  // The scenario's own server: its budget (max_connections 40), its role, schema and history.
  database = await startScratchDatabase(scenario, lab.paths.schema, 'lab-queue-pg');
  appUrl = database.appUrl;
  admin = new pg.Client({ connectionString: appUrl });
  await admin.connect();

  const mailPort = await freePort();
  mailUrl = `http://127.0.0.1:${mailPort}`;
  provider = (await startProcess(path.join(SCENARIO_DIR, 'machinery', 'mail-provider.ts'), 'mail-1', { PORT: String(mailPort) })).child;
  // The stand-in runs for the whole file; each test stops its own workers and API.
  running.delete(provider);
}, 120_000);

afterAll(async () => {
  await stopAll([...running, provider].filter(Boolean));
  await admin?.end();
  await database?.stop();
});

beforeEach(async () => {
  await stopAll(running);
  // Every test starts from the seeded history: no job waiting, no index of the fix.
  await query("DELETE FROM jobs WHERE status <> 'done' OR id > (SELECT jobs FROM seed_info)");
  await query('DROP INDEX IF EXISTS jobs_claimable_idx');
  await mail('/reset', {});
});

// The shipped files and the solution, as writePristineScenario copied them where their imports resolve.
const shipped = path.join(PRISTINE_DIR, 'src', 'worker.ts');
const fixed = path.join(PRISTINE_DIR, 'solution', 'worker.ts');
const startWorkers = (file: string, count: number, env: Record<string, string> = {}) =>
  Promise.all(Array.from({ length: count }, (_, index) => startProcess(file, `worker-${index + 1}`, env)));

describe('1. the claim race', () => {
  it('three shipped workers send some welcome emails twice; every email still goes out', async () => {
    await enqueue(150);
    await startWorkers(shipped, 3);
    expect(await waitFor(unfinished, (left) => left === 0, 60_000)).toBe(0);
    const stats = await mail<Stats>('/stats');
    expect(stats.jobs).toBe(150);
    expect(stats.duplicates).toBeGreaterThan(0);
  });

  it('three fixed workers send each exactly once', async () => {
    await enqueue(150);
    await startWorkers(fixed, 3);
    expect(await waitFor(unfinished, (left) => left === 0, 60_000)).toBe(0);
    expect(await mail<Stats>('/stats')).toMatchObject({ jobs: 150, delivered: 150, duplicates: 0 });
  });
});

describe('2. a connection held across the provider call', () => {
  /** Sign-ups arriving at 20 a second for 5 s while 6 workers work through a backlog: what became of them, and the refusals logged. */
  async function signUpsDuringBacklog(worker: string) {
    // With the claim's index, so that what shows is the connections, not the claims' scans
    // (which alone swamp a one-core machine at 6 workers: mistake 4).
    await query(fs.readFileSync(path.join(SCENARIO_DIR, 'solution', 'fix.sql'), 'utf8'));
    await enqueue(2_000);
    const workers = await startWorkers(worker, 6);
    // Every worker's loops are busy with an email before the sign-ups come.
    await waitFor(async () => Number((await query<{ n: string }>("SELECT count(*) AS n FROM pg_stat_activity WHERE application_name LIKE 'worker-%'"))[0]!.n), (n) => n >= 18, 20_000);
    const apiPort = await freePort();
    const api = await startProcess(path.join(PRISTINE_DIR, 'src', 'api.ts'), 'api-1', { PORT: String(apiPort) });
    let signUp = 0;
    const result = await startArrivals({
      port: apiPort,
      routes: [{ name: 'sign up', weight: 1, method: 'POST', path: '/signups', body: () => ({ email: `rush${(signUp += 1)}-${Date.now()}@example.com`, name: 'Rush' }) }],
      ratePerSecond: 20,
      durationSeconds: 5,
      requestTimeoutSeconds: 10,
    }).finished;
    const logs = [api, ...workers].map((process) => process.output()).join('\n');
    return { counts: result.counts, topError: result.topServerError?.message ?? '', refusedInLogs: isConnectionLimitMessage(logs) };
  }

  it('at 6 shipped workers, PostgreSQL refuses connections (53300) and sign-ups fail', async () => {
    const { counts, topError, refusedInLogs } = await signUpsDuringBacklog(shipped);
    expect(counts.failedHttp5xx).toBeGreaterThan(0);
    expect(isConnectionLimitMessage(topError)).toBe(true);
    expect(refusedInLogs).toBe(true);
  });

  it('at 6 fixed workers, every sign-up is saved and nothing is refused', async () => {
    const { counts, refusedInLogs } = await signUpsDuringBacklog(fixed);
    expect(counts).toMatchObject({ answered: 100, succeeded: 100, timeouts: 0, connectionErrors: 0 });
    expect(refusedInLogs).toBe(false);
  });
});

describe('3. a worker killed mid-job', () => {
  /** A slow provider (2 to 6 s an email), one worker that takes jobs, killed once it is sending; then a second worker. */
  async function killMidJob(worker: string, env: Record<string, string> = {}) {
    await mail('/control', { slowFactor: 20 });
    await enqueue(5);
    const [first] = await startWorkers(worker, 1, env);
    await waitFor(async () => Number((await query<{ n: string }>("SELECT count(*) AS n FROM jobs WHERE status = 'running'"))[0]!.n), (n) => n >= 1, 20_000);
    first!.child.kill('SIGKILL');
    await mail('/control', { slowFactor: 1 });
    await startWorkers(worker, 1, env);
  }

  it('a shipped worker leaves its jobs running forever', async () => {
    await killMidJob(shipped);
    await waitFor(async () => Number((await query<{ n: string }>("SELECT count(*) AS n FROM jobs WHERE status = 'queued'"))[0]!.n), (n) => n === 0, 30_000);
    // Long after the others are done, the killed worker's jobs are still "running", and no email went out for them.
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    const stuck = await query<{ id: string }>("SELECT id FROM jobs WHERE status = 'running'");
    expect(stuck.length).toBeGreaterThan(0);
  });

  it('a fixed worker\'s lease runs out and another sends the email, exactly once', async () => {
    await killMidJob(fixed, { LEASE_SECONDS: '3' });
    expect(await waitFor(unfinished, (left) => left === 0, 60_000)).toBe(0);
    expect(await mail<Stats>('/stats')).toMatchObject({ jobs: 5, duplicates: 0 });
  });
});

describe('4. the claim on a growing table', () => {
  const CLAIM = "SELECT id, payload FROM jobs WHERE status = 'queued' ORDER BY id LIMIT 1";
  const plan = async () =>
    ((await query<{ 'QUERY PLAN': unknown }>(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${CLAIM}`))[0]!['QUERY PLAN'] as Array<{ Plan: Record<string, unknown> }>)[0]!.Plan;
  /** Rows a plan's scans read and threw away (over every process of a parallel scan), and the index they used, from the plan tree. */
  const scans = (node: Record<string, unknown>): Array<{ index?: string; removed: number }> => [
    ...(typeof node['Relation Name'] === 'string' ? [{ index: node['Index Name'] as string | undefined, removed: Number(node['Rows Removed by Filter'] ?? 0) * Number(node['Actual Loops'] ?? 1) }] : []),
    ...((node.Plans as Array<Record<string, unknown>> | undefined) ?? []).flatMap(scans),
  ];

  it('reads the whole history to find one queued job; the partial index goes straight to it', async () => {
    await enqueue(1);
    const before = scans(await plan());
    // Every done job of the seeded history passed over (the test database holds the default size).
    expect(before.reduce((sum, scan) => sum + scan.removed, 0)).toBeGreaterThanOrEqual(DEFAULT_JOBS);
    await query(fs.readFileSync(path.join(SCENARIO_DIR, 'solution', 'fix.sql'), 'utf8'));
    await query('ANALYZE jobs');
    const after = scans(await plan());
    expect(after).toEqual([{ index: 'jobs_claimable_idx', removed: 0 }]);
  });
});
