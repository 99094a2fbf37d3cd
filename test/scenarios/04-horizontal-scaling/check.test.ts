/**
 * Scenario 4's `npm run check` against the whole lab as `npm start` runs it (the lab's balancer
 * in front of the instances, PostgreSQL at max_connections 40, the load test's rate measured on
 * this machine at the start), with the learner's files swapped as a learner would save them: the
 * shipped app and balancer.conf fail sessions, budget, crash and deploy with their lines;
 * solution/ passes them; a pool sized from the whole of max_connections fails the budget, and a
 * SIGTERM handler that closes at once, without leaving the rotation, fails the deploy.
 * Whether more instances answer more is a measurement of the machine (the benchmark's), so the
 * scaled step is held to what it observes: each instance's fair share, and its own ratio.
 * The learner's files run from a copy of the shipped ones, never from src/.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writePristineScenario } from '../../../lab/app-runner.js';
import { ROOT_DIR } from '../../../lab/config.js';
import { checkTargetOf } from '../../../lab/check/check-target.js';
import { runChecks, type CheckReport, type CheckTarget } from '../../../lab/check/run-checks.js';
import type { FleetMember } from '../../../lab/lab-context.js';
import { labPaths } from '../../../lab/lab.js';
import type { ScenarioStep } from '../../../lab/scenario/steps.js';
import steps from '../../../scenarios/04-horizontal-scaling/machinery/steps.js';
import { runCli } from '../../helpers/cli.js';
import { sql } from '../../helpers/database.js';
import { useLabSandbox } from '../../helpers/lab-sandbox.js';
import { lab, scenario, SCENARIO_DIR, scenarioPath } from '../../helpers/project-lab.js';
import { waitFor } from '../../helpers/wait.js';

const CLI = 'lab/cli.ts';
const SOLUTION_APP = fs.readFileSync(scenarioPath('solution/app.ts'), 'utf8');
const SOLUTION_BALANCER = fs.readFileSync(scenarioPath('solution/balancer.conf'), 'utf8');
const FIX_SQL = fs.readFileSync(scenarioPath('solution/fix.sql'), 'utf8');

/** `text` with each [from, to] replaced once; throws if a `from` is not there, so a changed file fails loudly. */
function edited(text: string, edits: Array<[string, string]>): string {
  return edits.reduce((result, [from, to]) => {
    if (!result.includes(from)) throw new Error(`the solution no longer contains ${JSON.stringify(from)}`);
    return result.replace(from, to);
  }, text);
}

/** The solution with each pool sized from max_connections less the reserved ones alone: 4 × 9 = 36 > 34. */
const WHOLE_BUDGET_APP = edited(SOLUTION_APP, [['Math.floor(34 / INSTANCES_AT_MOST)', 'Math.floor(37 / INSTANCES_AT_MOST)']]);
/** The solution closing at once on SIGTERM: in-flight requests finish, but it never leaves the rotation first. */
const CLOSES_AT_ONCE_APP = edited(SOLUTION_APP, [['const LEAVE_ROTATION_MS = 3_000;', 'const LEAVE_ROTATION_MS = 0;']]);

const byId = (report: CheckReport) => Object.fromEntries(report.steps.map((step) => [step.id, step]));
const stepsNamed = (...ids: string[]): ScenarioStep[] => ids.map((id) => steps.find((step) => step.id === id)!);

describe("Scenario 4's checks, on the lab as npm start runs it", { timeout: 600_000 }, () => {
  const context = useLabSandbox();
  // The learner's folder: a copy of the shipped files inside node_modules (so packages resolve), ours to edit.
  const learnerDir = path.join(ROOT_DIR, 'node_modules', '.cache', `lab-check-04-${process.pid}`);
  const env = () => context.sandbox.env({ LAB_LEARNER_DIR: learnerDir }) as Record<string, string>;
  const instances = () => ((context.sandbox.state().processes ?? []) as FleetMember[]).filter((member) => member.role === 'app');
  const target = (): CheckTarget => checkTargetOf(context.sandbox.state(), labPaths(scenario, SCENARIO_DIR, context.sandbox.env(), ROOT_DIR));

  /** Saves the app as a learner would, and waits until every instance runs the new file and the balancer answers. */
  const saveApp = async (text: string) => {
    const before = new Set(instances().map((member) => member.pid));
    fs.writeFileSync(path.join(learnerDir, 'src', 'app.ts'), text);
    const restarted = (now: FleetMember[]) => now.length > 0 && now.every((member) => member.pid !== undefined && !before.has(member.pid));
    expect(restarted(await waitFor(async () => instances(), restarted, 30_000))).toBe(true);
    const page = `http://127.0.0.1:${context.sandbox.ports.appPort}/products/1`;
    expect(await waitFor(() => fetch(page).then((response) => response.ok, () => false), (ok) => ok, 30_000)).toBe(true);
  };

  beforeAll(async () => {
    fs.cpSync(writePristineScenario(lab).dir, learnerDir, { recursive: true });
    // Calibrated, as a learner's first start is: the rate is what this machine's one core answers × 1.3.
    context.lab = context.sandbox.start([], { LAB_LEARNER_DIR: learnerDir, LAB_CALIBRATE: 'on' });
    await context.lab.ready;
  });
  afterAll(() => fs.rmSync(learnerDir, { recursive: true, force: true }));

  it('as shipped: one instance under the load test reproduces it, and every step after scaling fails with what it saw', async () => {
    // The first start measured one process and set the rate from it.
    expect(context.lab!.output()).toMatch(/so the load test sends \d+ requests\/s \(1\.3× that\)/);
    const loadTest = await runCli(CLI, ['loadtest', '--duration', '5'], env());
    expect(loadTest.code, loadTest.stderr).not.toBeNull();
    expect((await runCli(CLI, ['scale', 'app', '2'], env())).code).toBe(0);

    const report = byId(await runChecks(scenario, steps, target()));
    expect(report.reproduce!.status, report.reproduce!.observed).toBe('passed');
    // The database saw one instance's connections: the run is named so.
    expect(report.reproduce!.observed).toMatch(/^run "1 instance"/);
    // The run recorded the one instance's own measure: full, which is what the step asks.
    expect(report.reproduce!.observed).toMatch(/app-1's event loop was busy (8\d|9\d|100)% of the run/);
    expect(report.scaled!.observed).toMatch(/^1 instance answered \d+ requests\/s; your 2 answered \d+ requests\/s/);
    // Only the first failing step gives advice (the step the learner is on): the lines say what each saw.
    expect(report.sessions!.status).toBe('failed');
    expect(report.sessions!.observed).toMatch(/then GET \/me with its cookie: [0-7] of 8 answered 200/);
    expect(report.budget!.status).toBe('failed');
    expect(report.budget!.observed).toMatch(/PostgreSQL refused connections|held 3[5-9] connections/);
    expect(report.crash!.status, report.crash!.observed).toBe('failed');
    // Passive checks alone: the returning instance waits for fail_timeout (10 s from the crash).
    expect(report.crash!.observed).toMatch(/it got requests ([5-9]|\d\d)\.\d s after it answered again|it got no request/);
    expect(report.deploy!.status, report.deploy!.observed).toBe('failed');
    expect(report.deploy!.observed).toMatch(/[1-9][\d,]* of [\d,]+ requests failed|[1-9]\d* that an instance had taken|[1-9]\d* that one refused/);
    expect(report.goal!.observed).toMatch(/^not measured yet/);
    // The check put the learner's count back.
    expect(instances()).toHaveLength(2);
  });

  it('solved (solution/app.ts and balancer.conf saved, solution/fix.sql run): every step but the machine\'s measurement passes', async () => {
    await sql(context.sandbox.state().appDatabaseUrl, FIX_SQL);
    fs.writeFileSync(path.join(learnerDir, 'balancer.conf'), SOLUTION_BALANCER);
    await saveApp(SOLUTION_APP);
    const report = byId(await runChecks(scenario, steps, target()));
    for (const id of ['reproduce', 'sessions', 'budget', 'crash', 'deploy']) expect(report[id]!.status, `${id}: ${report[id]!.observed}`).toBe('passed');
    // Each instance did about its share; whether the two answered 1.5× one is this machine's to say.
    const shares = [...report.scaled!.observed.matchAll(/app-\d (\d+)%/g)].map((match) => Number(match[1]));
    expect(shares).toHaveLength(2);
    for (const share of shares) expect(share).toBeGreaterThanOrEqual(25);
    if (report.scaled!.status === 'passed') expect(report.goal!.observed).not.toMatch(/^not measured yet/);
  });

  it('a pool sized from the whole of max_connections fails the budget once the database stalls', async () => {
    await saveApp(WHOLE_BUDGET_APP);
    const report = byId(await runChecks(scenario, stepsNamed('budget'), target()));
    expect(report.budget!.status, report.budget!.observed).toBe('failed');
    expect(report.budget!.observed).toMatch(/held 3[5-9] connections at the peak|PostgreSQL refused/);
  });

  it('a SIGTERM handler that closes at once, without leaving the rotation, fails the deploy', async () => {
    await saveApp(CLOSES_AT_ONCE_APP);
    const report = byId(await runChecks(scenario, stepsNamed('deploy'), target()));
    expect(report.deploy!.status, report.deploy!.observed).toBe('failed');
    expect(report.deploy!.observed).toMatch(/[1-9]\d* that one refused while still in rotation|[1-9]\d* that an instance had taken/);
  });
});
