/**
 * The engine's check runner and its report, with steps made up for the test (no scenario's):
 * the steps run in order and see the results before them, a step never stops the others, a
 * step whose app or database is missing says so without running, load is announced and
 * marked, and only the step the learner is on gives advice.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCheckLoads } from '../../lab/check/load-marks.js';
import { renderReport, reportAsJson } from '../../lab/check/render.js';
import { adviceOnlyWhereReached, runChecks, type CheckTarget } from '../../lab/check/run-checks.js';
import { failed, passed, skipped } from '../../lab/check/step-verdicts.js';
import type { ScenarioStep, StepContext, StepResult, StepVerdict } from '../../lab/scenario/steps.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { scenario } from '../helpers/project-lab.js';

const HINTS = ['a nudge', 'where to look', 'nearly the answer'] as const;

function step(id: string, check: ScenarioStep['check'], options: Partial<ScenarioStep> = {}): ScenarioStep {
  return { id, title: `Step ${id}`, required: true, hints: HINTS, needs: [], check, ...options };
}

let database: TestDatabase;
let health: http.Server;
let appUrl: string;
let stateDir: string;
beforeAll(async () => {
  database = await createTestDatabase('runner', { empty: true });
  health = http.createServer((_request, response) => response.end('ok'));
  await new Promise<void>((resolve) => health.listen(0, '127.0.0.1', resolve));
  appUrl = `http://127.0.0.1:${(health.address() as AddressInfo).port}`;
  stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-runner-'));
});
afterAll(async () => {
  await new Promise((resolve) => health?.close(resolve));
  await database?.drop();
  fs.rmSync(stateDir, { recursive: true, force: true });
});

let loads: string[] = [];
const target = (overrides: Partial<CheckTarget> = {}): CheckTarget => {
  loads = [];
  return {
    appUrl,
    adminDatabaseUrl: database.adminUrl,
    databaseName: database.name,
    runsDir: path.join(stateDir, 'runs'),
    drillsFile: path.join(stateDir, 'drills.json'),
    checkLoadsFile: path.join(stateDir, 'check-loads.json'),
    onLoad: (description) => loads.push(description),
    ...overrides,
  };
};
/** Nothing listens there: a lab that is not running. */
const NOWHERE = 'http://127.0.0.1:9';

describe('running the steps', () => {
  it('in order, each seeing the results before it, on the lab\'s app and database', async () => {
    const seen: string[][] = [];
    const recordBefore = (verdict: StepVerdict) => (context: StepContext) => {
      seen.push(context.before.map((result) => `${result.id} ${result.status}`));
      return verdict;
    };
    const report = await runChecks(scenario, [
      step('a', recordBefore(passed('a saw'))),
      step('b', async (context) => {
        const rows = (await context.admin.query<{ answer: number }>('SELECT 41 + 1 AS answer')).rows;
        seen.push(context.before.map((result) => `${result.id} ${result.status}`));
        return passed(`the database says ${rows[0]!.answer}`);
      }, { needs: ['app', 'database'] }),
      step('c', recordBefore(skipped('not tried')), { required: false }),
    ], target());
    expect(seen).toEqual([[], ['a passed'], ['a passed', 'b passed']]);
    expect(report.steps).toEqual([
      { id: 'a', title: 'Step a', required: true, status: 'passed', observed: 'a saw', next: '' },
      { id: 'b', title: 'Step b', required: true, status: 'passed', observed: 'the database says 42', next: '' },
      { id: 'c', title: 'Step c', required: false, status: 'skipped', observed: 'not tried', next: '' },
    ]);
    // A bonus step never decides the outcome.
    expect(report.passed).toBe(true);
  });

  it('never throws for a step: one that cannot observe fails with what went wrong, and the next still runs', async () => {
    const report = await runChecks(scenario, [
      step('a', () => {
        throw new Error('the plan had no rows');
      }),
      step('b', () => passed('fine')),
    ], target());
    expect(report.steps[0]).toMatchObject({ status: 'failed', observed: 'the check could not observe this step: the plan had no rows' });
    expect(report.steps[1]).toMatchObject({ status: 'passed' });
    expect(report.passed).toBe(false);
  });

  it('fails a step whose app or database is missing without running it, and runs the steps that need neither', async () => {
    const ran: string[] = [];
    const running = (id: string) => () => {
      ran.push(id);
      return passed('ran');
    };
    const report = await runChecks(scenario, [
      step('app', running('app'), { needs: ['app'] }),
      step('database', running('database'), { needs: ['database'] }),
      step('records', running('records')),
    ], target({ appUrl: NOWHERE, adminDatabaseUrl: 'postgres://nobody:secret@127.0.0.1:9/none' }));
    expect(ran).toEqual(['records']);
    expect(report.steps[0]).toMatchObject({
      status: 'failed',
      observed: `the app does not answer at ${NOWHERE}`,
      next: `is \`npm start\` running? Look at its output (app │ …) for an error in ${scenario.files.app}`,
    });
    expect(report.steps[1]).toMatchObject({ status: 'failed', observed: expect.stringMatching(/^cannot reach the database: /) });
  });

  it('announces the load a step sends in one line, and marks it for the dashboard while it runs', async () => {
    const checkLoadsFile = path.join(stateDir, 'marks.json');
    let openWhileSending: unknown;
    await runChecks(scenario, [
      step('a', async ({ sendLoad }) => {
        await sendLoad('fix a', 'Step a sends 3 requests', async () => {
          openWhileSending = readCheckLoads(checkLoadsFile).at(-1);
        });
        return passed('sent');
      }),
    ], target({ checkLoadsFile }));
    expect(loads).toEqual(['Step a sends 3 requests']);
    expect(openWhileSending).toMatchObject({ label: 'npm run check: fix a', end: null });
    expect(readCheckLoads(checkLoadsFile).at(-1)).toMatchObject({ label: 'npm run check: fix a', end: expect.any(Number) });
  });
});

describe('advice only where the learner is', () => {
  const result = (id: string, status: StepResult['status'], required = true): StepResult =>
    ({ id, title: `Step ${id}`, required, status, observed: 'seen', next: status === 'passed' ? '' : 'do this' });

  it('keeps the advice of the step the learner is on and of a bonus tried, drops it elsewhere', () => {
    const steps = adviceOnlyWhereReached([
      result('a', 'passed'),
      result('b', 'failed'),
      result('c', 'failed'),
      result('d', 'failed'),
      result('bonus-1', 'skipped', false),
      result('bonus-2', 'failed', false),
    ]);
    expect(steps.map((s) => s.next)).toEqual(['', 'do this', '', '', '', 'do this']);
  });

  it('lets a bonus not tried say how to try it once every required step passes', () => {
    const steps = adviceOnlyWhereReached([result('a', 'passed'), result('b', 'passed'), result('bonus-1', 'skipped', false), result('bonus-2', 'skipped', false)]);
    expect(steps.map((s) => s.next)).toEqual(['', '', 'do this', 'do this']);
  });

  it('is how the runner reports: a step after the one the learner is on gives no advice', async () => {
    const report = await runChecks(scenario, [
      step('a', () => failed('a failed', 'try a')),
      step('b', () => failed('b failed', 'try b')),
    ], target());
    expect(report.steps.map((s) => s.next)).toEqual(['try a', '']);
  });
});

describe('the report', () => {
  const results: StepResult[] = [
    { id: 'a', title: 'Reproduce it', required: true, status: 'passed', observed: 'a run failed', next: '' },
    { id: 'b', title: 'Fix it', required: true, status: 'failed', observed: 'still broken', next: 'look here' },
    { id: 'c', title: 'Measure it', required: true, status: 'failed', observed: 'not measured yet', next: '' },
    { id: 'd', title: 'Bonus: more', required: false, status: 'skipped', observed: 'not tried yet', next: '' },
  ];

  it('shows each step\'s line, what it saw, and the advice of the step the learner is on, announced as expected once', () => {
    expect(renderReport({ steps: results, passed: false })).toBe([
      '✔ Reproduce it',
      '    saw: a run failed',
      '',
      '✘ Fix it',
      '    saw: still broken',
      '    try: look here',
      '    This is the step you are on, so this ✘ is expected. `npm run hint` gives a hint.',
      '',
      '✘ Measure it',
      '    saw: not measured yet',
      '',
      '– Bonus: more (skipped)',
      '    saw: not tried yet',
      '',
      '1 of 3 required steps pass.',
    ].join('\n'));
  });

  it('shows a passed step\'s advice as an optional tip, not as something to try', () => {
    const tipped: StepResult = { ...results[0]!, ...passed('a run failed', 'a better way exists') };
    expect(renderReport({ steps: [tipped], passed: true }).split('\n').slice(0, 3)).toEqual(['✔ Reproduce it', '    saw: a run failed', '    tip: a better way exists']);
  });

  it('says when every required step passes, and points at the bonus steps if there are any', () => {
    const done = results.map((s) => (s.required ? { ...s, status: 'passed' as const, next: '' } : s));
    expect(renderReport({ steps: done, passed: true })).toMatch(/\nAll 3 required steps pass\. The bonus steps are yours to explore\.$/);
    expect(renderReport({ steps: done.filter((s) => s.required), passed: true })).toMatch(/\nAll 3 required steps pass\.$/);
  });

  it('says so when no step is required yet (a scenario in progress), rather than that all pass', () => {
    const bonusOnly = results.filter((s) => !s.required);
    expect(renderReport({ steps: bonusOnly, passed: true })).toMatch(/\nNo step of this scenario is required yet: nothing here passes or fails\.$/);
  });

  it('says the same as JSON, for scripts', () => {
    expect(JSON.parse(reportAsJson({ steps: results, passed: false }))).toEqual({
      passed: false,
      steps: results.map((s) => ({ id: s.id, title: s.title, required: s.required, passed: s.status === 'passed', status: s.status, observed: s.observed, next: s.next })),
    });
  });
});
