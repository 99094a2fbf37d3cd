/**
 * Scenario 3's `npm run check` against the whole lab as `npm start` runs it (API, workers, mail
 * stand-in, PostgreSQL at max_connections 40), with the learner's worker swapped as a learner
 * would save it: the shipped worker fails every queue step; solution/ passes them all; each
 * wrong fix the walkthrough expects fails the step that should catch it, with its line; a right
 * fix written another way passes.
 * The learner's files run from a copy of the shipped ones, never from src/.
 */
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writePristineScenario } from '../../../lab/app-runner.js';
import { ROOT_DIR } from '../../../lab/config.js';
import { checkTargetOf } from '../../../lab/check/check-target.js';
import { runChecks, type CheckReport, type CheckTarget } from '../../../lab/check/run-checks.js';
import type { FleetMember } from '../../../lab/lab-context.js';
import type { ScenarioStep } from '../../../lab/scenario/steps.js';
import steps from '../../../scenarios/03-background-jobs/machinery/steps.js';
import { runCli } from '../../helpers/cli.js';
import { sql } from '../../helpers/database.js';
import { useLabSandbox } from '../../helpers/lab-sandbox.js';
import { labPaths } from '../../../lab/lab.js';
import { lab, scenario, SCENARIO_DIR, scenarioPath } from '../../helpers/project-lab.js';
import { waitFor } from '../../helpers/wait.js';

const CLI = 'lab/cli.ts';
const SHIPPED_WORKER = fs.readFileSync(scenarioPath('machinery/pristine/worker.ts.txt'), 'utf8');
const SOLUTION_WORKER = fs.readFileSync(scenarioPath('solution/worker.ts'), 'utf8');
const FIX_SQL = fs.readFileSync(scenarioPath('solution/fix.sql'), 'utf8');

/** `text` with each [from, to] replaced once; throws if a `from` is not there, so a changed file fails loudly. */
function edited(text: string, edits: Array<[string, string]>): string {
  return edits.reduce((result, [from, to]) => {
    if (!result.includes(from)) throw new Error(`the worker no longer contains ${JSON.stringify(from)}`);
    return result.replace(from, to);
  }, text);
}

/** The shipped worker with each job in one transaction and the queued row locked (FOR UPDATE, without SKIP LOCKED). */
const SERIALISED_WORKER = edited(SHIPPED_WORKER, [
  [
    `const found = await client.query<Job>("SELECT id, payload FROM jobs WHERE status = 'queued' ORDER BY id LIMIT 1");`,
    `await client.query('BEGIN');\n    const found = await client.query<Job>("SELECT id, payload FROM jobs WHERE status = 'queued' ORDER BY id LIMIT 1 FOR UPDATE");`,
  ],
  ['if (!job) return false;', "if (!job) {\n      await client.query('COMMIT');\n      return false;\n    }"],
  [
    `await client.query("UPDATE jobs SET status = 'done', finished_at = now() WHERE id = $1", [job.id]);`,
    `await client.query("UPDATE jobs SET status = 'done', finished_at = now() WHERE id = $1", [job.id]);\n    await client.query('COMMIT');`,
  ],
]);
/** The solution with a bigger pool per worker. */
const BIG_POOL_WORKER = edited(SOLUTION_WORKER, [['max: 3 });', 'max: 10 });']]);
/** The solution without the idempotency key. */
const NO_KEY_WORKER = edited(SOLUTION_WORKER, [["'idempotency-key': `welcome-email-${job.id}` ", '']]);
/** The solution whose claim ignores expired leases, and which deletes jobs that ran too long instead. */
const DELETES_STUCK_WORKER = edited(SOLUTION_WORKER, [
  ["WHERE status = 'queued' OR (status = 'running' AND locked_until < now())", "WHERE status = 'queued'"],
  [
    'const loops = Array.from',
    "setInterval(() => void pool.query(\"DELETE FROM jobs WHERE status = 'running' AND created_at < now() - interval '10 seconds'\").catch(() => undefined), 2_000);\nconst loops = Array.from",
  ],
]);

/**
 * A right fix written another way: the claim as a CTE taking FOR NO KEY UPDATE SKIP LOCKED, the
 * lease as an interval product; the test pairs it with an index on (status, id) instead of the
 * partial one.
 */
const UNUSUAL_WORKER = edited(SOLUTION_WORKER, [
  [
    `\`UPDATE jobs
        SET status = 'running', attempts = attempts + 1, locked_until = now() + make_interval(secs => $1)
      WHERE id = (SELECT id FROM jobs
                   WHERE status = 'queued' OR (status = 'running' AND locked_until < now())
                   ORDER BY id
                   LIMIT 1
                   FOR UPDATE SKIP LOCKED)
      RETURNING id, attempts, payload\``,
    `\`WITH next AS (
       SELECT id FROM jobs
        WHERE status IN ('queued', 'running') AND (status = 'queued' OR locked_until < now())
        ORDER BY id LIMIT 1
        FOR NO KEY UPDATE SKIP LOCKED
     )
     UPDATE jobs SET status = 'running', attempts = jobs.attempts + 1, locked_until = now() + $1 * interval '1 second'
       FROM next WHERE jobs.id = next.id
     RETURNING jobs.id, jobs.attempts, jobs.payload\``,
  ],
]);

const byId = (report: CheckReport) => Object.fromEntries(report.steps.map((step) => [step.id, step]));
const stepsNamed = (...ids: string[]): ScenarioStep[] => ids.map((id) => steps.find((step) => step.id === id)!);

describe("Scenario 3's checks, on the lab as npm start runs it", { timeout: 600_000 }, () => {
  const context = useLabSandbox();
  // The learner's folder: a copy of the shipped files inside node_modules (so `pg` resolves), ours to edit.
  const learnerDir = path.join(ROOT_DIR, 'node_modules', '.cache', `lab-check-03-${process.pid}`);
  const workerFile = path.join(learnerDir, 'src', 'worker.ts');
  const env = () => context.sandbox.env({ LAB_LEARNER_DIR: learnerDir }) as Record<string, string>;
  const workers = () => ((context.sandbox.state().processes ?? []) as FleetMember[]).filter((member) => member.role === 'worker');
  // As `npm run check` finds it: from the lab's lab.json, with the sandbox's state folder.
  const target = (): CheckTarget => checkTargetOf(context.sandbox.state(), labPaths(scenario, SCENARIO_DIR, context.sandbox.env(), ROOT_DIR));

  /**
   * Saves the worker as a learner would, and waits until every worker runs the new file and the
   * API answers again (a save in src/ restarts every process whose file lives there).
   */
  const saveWorker = async (text: string) => {
    const before = new Set(workers().map((member) => member.pid));
    fs.writeFileSync(workerFile, text);
    const restarted = (now: FleetMember[]) => now.length > 0 && now.every((member) => member.pid !== undefined && !before.has(member.pid));
    expect(restarted(await waitFor(async () => workers(), restarted, 30_000))).toBe(true);
    const health = `http://127.0.0.1:${context.sandbox.ports.appPort}/health`;
    const answers = () => fetch(health).then((response) => response.ok, () => false);
    expect(await waitFor(answers, (ok) => ok, 30_000)).toBe(true);
  };

  beforeAll(async () => {
    fs.cpSync(writePristineScenario(lab).dir, learnerDir, { recursive: true });
    context.lab = context.sandbox.start([], { LAB_LEARNER_DIR: learnerDir });
    await context.lab.ready;
  });
  afterAll(() => fs.rmSync(learnerDir, { recursive: true, force: true }));

  it('as shipped: a load test at 6 workers reproduces the refusals, and every queue step fails with what it saw', async () => {
    expect((await runCli(CLI, ['scale', 'worker', '6'], env())).code).toBe(0);
    const loadTest = await runCli(CLI, ['loadtest', '--duration', '5'], env());
    expect(loadTest.code, loadTest.stderr).not.toBeNull();
    expect((await runCli(CLI, ['scale', 'worker', '3'], env())).code).toBe(0);

    const report = byId(await runChecks(scenario, steps, target()));
    expect(report.reproduce!.status, report.reproduce!.observed).toBe('passed');
    expect(report.once!.status).toBe('failed');
    expect(report.once!.observed).toMatch(/users? got the same welcome email more than once/);
    expect(report.claim!.status).toBe('failed');
    expect(report.claim!.observed).toMatch(/rows per job/);
    expect(report.parallel!.observed).toMatch(/^not measured yet/);
    expect(report.budget!.status).toBe('failed');
    expect(report.budget!.observed).toMatch(/8 workers with 1,000 jobs waiting/);
    expect(report.crash!.observed).toMatch(/^not measured yet/);
    expect(report.goal!.observed).toMatch(/^not measured yet/);
  });

  it('solved (solution/worker.ts saved, solution/fix.sql run): every step passes', async () => {
    await saveWorker(SOLUTION_WORKER);
    await sql(context.sandbox.state().appDatabaseUrl, FIX_SQL);
    const report = await runChecks(scenario, steps, target());
    expect(report.steps.filter((step) => step.status !== 'passed').map((step) => `${step.id}: ${step.observed}`)).toEqual([]);
    expect(report.passed).toBe(true);
  });

  it("a scan of the whole table from elsewhere, reported inside the claim step's burst, does not fail a right claim", async () => {
    // What a worker's connection that scanned the table just before the index was made does: it
    // reports its reads up to 10 s later. Here a connection of the test scans once, as soon as
    // the check's jobs appear, and disconnects, so its report lands inside the first burst.
    const url = context.sandbox.state().appDatabaseUrl;
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const lastId = async () => Number((await client.query<{ id: string | null }>('SELECT max(id) AS id FROM jobs')).rows[0]?.id ?? 0);
    const before = await lastId();
    const scanned = (async () => {
      try {
        expect(await waitFor(lastId, (id) => id > before, 120_000)).toBeGreaterThan(before);
        await client.query('SET enable_indexscan = off; SET enable_indexonlyscan = off; SET enable_bitmapscan = off');
        await client.query('SELECT count(*) FROM jobs');
      } finally {
        await client.end();
      }
    })();
    const report = byId(await runChecks(scenario, stepsNamed('claim'), target()));
    await scanned;
    expect(report.claim!.status, report.claim!.observed).toBe('passed');
  });

  it('a lock held through the email (FOR UPDATE without SKIP LOCKED) sends each email once but serialises the workers', async () => {
    await saveWorker(SERIALISED_WORKER);
    const report = byId(await runChecks(scenario, stepsNamed('once', 'claim', 'parallel'), target()));
    expect(report.once!.status, report.once!.observed).toBe('passed');
    expect(report.claim!.status, report.claim!.observed).toBe('passed');
    expect(report.parallel!.status, report.parallel!.observed).toBe('failed');
    expect(report.parallel!.next).toMatch(/the workers wait for each other/);
  });

  it('a bigger pool per worker breaks the budget once the database stalls', async () => {
    await saveWorker(BIG_POOL_WORKER);
    const report = byId(await runChecks(scenario, stepsNamed('budget'), target()));
    expect(report.budget!.status, report.budget!.observed).toBe('failed');
    expect(report.budget!.observed).toMatch(/held 3[5-9] connections at the peak|PostgreSQL refused/);
  });

  it("without the idempotency key, the killed worker's emails are sent twice", async () => {
    await saveWorker(NO_KEY_WORKER);
    const report = byId(await runChecks(scenario, stepsNamed('once', 'crash'), target()));
    expect(report.crash!.status, report.crash!.observed).toBe('failed');
    expect(report.crash!.observed).toMatch(/got the welcome email twice/);
    expect(report.crash!.next).toMatch(/Idempotency-Key/);
  });

  it('deleting jobs that run too long loses them', async () => {
    await saveWorker(DELETES_STUCK_WORKER);
    const report = byId(await runChecks(scenario, stepsNamed('once', 'crash'), target()));
    expect(report.crash!.status, report.crash!.observed).toBe('failed');
    expect(report.crash!.observed).toMatch(/gone from the table/);
  });

  it('a right fix written another way (a CTE claim, an index on (status, id)) passes every queue step', async () => {
    await sql(context.sandbox.state().appDatabaseUrl, 'DROP INDEX IF EXISTS jobs_claimable_idx; CREATE INDEX jobs_status_id_idx ON jobs (status, id)');
    await saveWorker(UNUSUAL_WORKER);
    const report = await runChecks(scenario, stepsNamed('once', 'claim', 'parallel', 'budget', 'crash'), target());
    expect(report.steps.filter((step) => step.status !== 'passed').map((step) => `${step.id}: ${step.observed}`)).toEqual([]);
  });
});
