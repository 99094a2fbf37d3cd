/**
 * The engine's generic goal step, on fixed numbers: the load test's users and p99 bound come
 * from the definition's loadTest, a green recorded run with the fixes in place stands for it,
 * and it is measured (with load, announced) only once the steps it waits for pass.
 */
import { describe, expect, it } from 'vitest';
import { GOAL_SECONDS, goalNotMeasured, goalStep, goalTitle, greenRunWithFixes, judgeGoal, judgeGoalRecord } from '../../lab/check/step-goal.js';
import type { RunRecord, RunSummary } from '../../lab/runs/run-record.js';
import type { StepContext, StepResult } from '../../lab/scenario/steps.js';
import { failedRun, runRecord } from '../helpers/run-records.js';
import { scenario } from '../helpers/project-lab.js';

const { users, route, p99GoalMs } = scenario.loadTest;
const { fixes } = scenario.checks;

const summary = (overrides: Partial<RunSummary> = {}): RunSummary => ({
  ...runRecord().summary,
  users,
  route,
  durationSeconds: GOAL_SECONDS,
  totalRequests: 5_000,
  succeeded: 5_000,
  latencyMs: { avg: 45, p50: 40, p95: 120, p99: p99GoalMs / 5, max: p99GoalMs / 2 },
  ...overrides,
});

describe('the goal\'s judge', () => {
  it('is titled with the load test\'s users and p99 bound', () => {
    expect(goalTitle(scenario)).toBe(`Goal: ${users} users, 0 errors, p99 under ${p99GoalMs / 1000} s`);
  });

  it('passes 0 errors with p99 under the load test\'s green bound', () => {
    expect(judgeGoal(scenario, summary())).toEqual({
      status: 'passed',
      observed: `${users} users for ${GOAL_SECONDS} s: 5,000 requests, 0 failed, p50 40 ms, p99 ${p99GoalMs / 5} ms`,
      next: '',
    });
  });

  it('fails failed requests, pointing at the app\'s errors and the full load test', () => {
    const step = judgeGoal(scenario, summary({ succeeded: 4_700, failedHttp5xx: 300 }));
    expect(step).toMatchObject({ status: 'failed', observed: expect.stringMatching(/, 300 failed,/) });
    expect(step.next).toBe(`requests failed although ${fixes} pass: the \`npm start\` terminal shows the app's errors. Then run the full \`npm run loadtest\`: a green run with ${fixes} counts for this line`);
  });

  it('fails a p99 over the bound, asking whether the machine was busy', () => {
    const step = judgeGoal(scenario, summary({ latencyMs: { avg: 900, p50: 800, p95: p99GoalMs, p99: p99GoalMs * 1.6, max: p99GoalMs * 2 } }));
    expect(step).toMatchObject({ status: 'failed', next: expect.stringMatching(new RegExp(`^p99 was above ${p99GoalMs / 1000} s in this short run: was something else busy`)) });
  });

  it('for a mix: each route\'s p99, and the advice names the routes over the bound', () => {
    const part = (name: string, p99: number) => {
      const { users: _users, durationSeconds: _seconds, route: _route, routes: _routes, ...outcomes } = summary({ latencyMs: { avg: p99 / 4, p50: p99 / 3, p95: p99 / 2, p99, max: p99 } });
      return { ...outcomes, name, method: 'GET' as const, path: `/${name}` };
    };
    const mixed = (slowP99: number) => summary({ route: 'mix', routes: [part('search', p99GoalMs / 5), part('orders', slowP99)], latencyMs: { avg: 50, p50: 40, p95: 100, p99: slowP99, max: slowP99 } });
    expect(judgeGoal(scenario, mixed(p99GoalMs / 4))).toEqual({
      status: 'passed',
      observed: `${users} users for ${GOAL_SECONDS} s: 5,000 requests, 0 failed, p99 search ${p99GoalMs / 5} ms, orders ${p99GoalMs / 4} ms`,
      next: '',
    });
    expect(judgeGoal(scenario, mixed(p99GoalMs * 2)).next).toMatch(new RegExp(`^p99 was above ${p99GoalMs / 1000} s on orders in this short run`));
  });

  it('for a scenario whose load test sends at a rate: titled and judged by the rate', () => {
    const atRate = { ...scenario, loadTest: { ...scenario.loadTest, ratePerSecond: 40 } };
    expect(goalTitle(atRate)).toBe(`Goal: 40 requests/s, 0 errors, p99 under ${p99GoalMs / 1000} s`);
    expect(judgeGoal(atRate, summary({ users: 0, ratePerSecond: 40 })).observed).toMatch(new RegExp(`^40 requests/s for ${GOAL_SECONDS} s: 5,000 requests, 0 failed`));
  });

  it('before the fixes pass: not measured, and nothing to do on this line', () => {
    expect(goalNotMeasured(scenario)).toEqual({ status: 'failed', observed: `not measured yet: it runs once ${fixes} above pass`, next: '' });
  });
});

describe('a green load-test run stands for the goal', () => {
  const appStart = Date.parse('2026-11-26T13:55:00.000Z');
  const green = (overrides: Partial<RunRecord> = {}): RunRecord => ({
    ...runRecord({ label: 'fixed', summary: { users, route, latencyMs: { avg: 30, p50: 25, p95: 90, p99: 377, max: 500 } } }),
    verdict: 'green',
    ...overrides,
  });
  /** In these tests, the fixes are in place in the runs labelled "fixed". */
  const labelledFixed = (run: RunRecord) => run.label === 'fixed';

  it('when it was green, on the goal\'s route with its users, with the fixes, by the app running now', () => {
    const run = greenRunWithFixes(scenario, [failedRun(), green()], appStart, labelledFixed);
    expect(run?.label).toBe('fixed');
    expect(judgeGoalRecord(scenario, run!)).toMatchObject({
      status: 'passed',
      observed: expect.stringMatching(new RegExp(`^your load test "fixed" at \\d\\d:\\d\\d was green with ${fixes}: ${users} users, 6,000 requests, 0 failed, p99 377 ms$`)),
    });
  });

  it('when it began in the second the app started, which the app reports rounded to the nearest second', () => {
    const run = green({ startedAt: '2026-11-26T13:55:00.000Z' });
    expect(greenRunWithFixes(scenario, [run], Date.parse('2026-11-26T13:55:00.600Z'), labelledFixed)).toBe(run);
    expect(greenRunWithFixes(scenario, [run], Date.parse('2026-11-26T13:55:01.600Z'), labelledFixed)).toBeUndefined();
  });

  it('not when the app restarted since, nor for another route, fewer users, a partial or amber run, or without the fixes', () => {
    expect(greenRunWithFixes(scenario, [green()], Date.parse('2026-11-26T14:05:00.000Z'), labelledFixed)).toBeUndefined();
    expect(greenRunWithFixes(scenario, [green()], undefined, labelledFixed)).toBeUndefined();
    expect(greenRunWithFixes(scenario, [green({ summary: { ...green().summary, route: `${route}/other` } })], appStart, labelledFixed)).toBeUndefined();
    expect(greenRunWithFixes(scenario, [green({ summary: { ...green().summary, users: users - 1 } })], appStart, labelledFixed)).toBeUndefined();
    expect(greenRunWithFixes(scenario, [green({ partial: true })], appStart, labelledFixed)).toBeUndefined();
    expect(greenRunWithFixes(scenario, [green({ verdict: 'amber' })], appStart, labelledFixed)).toBeUndefined();
    expect(greenRunWithFixes(scenario, [green({ label: 'half fixed' })], appStart, labelledFixed)).toBeUndefined();
  });

  it('at a rate: a green run at the rate or more stands for it, a run by users or at a lower rate does not', () => {
    const atRate = { ...scenario, loadTest: { ...scenario.loadTest, ratePerSecond: 40 } };
    const sentAt = (ratePerSecond: number) => green({ summary: { ...green().summary, users: 0, ratePerSecond } });
    expect(greenRunWithFixes(atRate, [sentAt(40)], appStart, labelledFixed)).toBeDefined();
    expect(judgeGoalRecord(atRate, sentAt(50)).observed).toMatch(/: 50 requests\/s, 6,000 requests/);
    expect(greenRunWithFixes(atRate, [sentAt(39)], appStart, labelledFixed)).toBeUndefined();
    expect(greenRunWithFixes(atRate, [green()], appStart, labelledFixed)).toBeUndefined();
    // And a scenario by users does not take a run sent at a rate.
    expect(greenRunWithFixes(scenario, [green({ summary: { ...green().summary, ratePerSecond: 500 } })], appStart, labelledFixed)).toBeUndefined();
  });
});

describe('the goal step', () => {
  const HINTS = ['a nudge', 'where to look', 'nearly the answer'] as const;
  const step = goalStep(scenario, { waitsFor: ['fix-a', 'fix-b'], fixesInPlace: () => true, hints: HINTS });
  const result = (id: string, status: StepResult['status']): StepResult => ({ id, title: id, required: true, status, observed: '', next: '' });
  const loads: string[] = [];
  const context = (before: StepResult[]): StepContext => ({
    // Nothing answers here: the app's start time is unknown, so no recorded run can stand for the goal.
    appUrl: 'http://127.0.0.1:9',
    admin: { query: () => Promise.reject(new Error('the goal reads no database')) } as unknown as StepContext['admin'],
    adminDatabaseUrl: 'postgres://nobody:secret@127.0.0.1:9/none',
    databaseName: 'none',
    runs: [],
    drillsFile: '',
    before,
    sendLoad: async <T>(label: string, description: string) => {
      loads.push(`${label}: ${description}`);
      return summary() as T;
    },
  });

  it('is required and needs the app', () => {
    expect(step).toMatchObject({ id: 'goal', title: goalTitle(scenario), required: true, needs: ['app'], hints: HINTS });
  });

  it('sends nothing until every step it waits for passed', async () => {
    loads.length = 0;
    expect(await step.check(context([result('fix-a', 'passed')]))).toEqual(goalNotMeasured(scenario));
    expect(await step.check(context([result('fix-a', 'passed'), result('fix-b', 'failed')]))).toEqual(goalNotMeasured(scenario));
    expect(loads).toEqual([]);
  });

  it('then measures, announcing the load it sends', async () => {
    loads.length = 0;
    const verdict = await step.check(context([result('other', 'failed'), result('fix-a', 'passed'), result('fix-b', 'passed')]));
    expect(verdict).toEqual(judgeGoal(scenario, summary()));
    expect(loads).toEqual([`goal: The goal sends ${users} users to ${route} for ${GOAL_SECONDS} s, as the load test does`]);
  });

  describe('with a probe of the answers', () => {
    const fixed = [result('fix-a', 'passed'), result('fix-b', 'passed')];
    const probe = (verdict: StepResult['status']) => ({
      title: 'fresh answers',
      check: async () => verdict === 'passed'
        ? { status: 'passed' as const, observed: 'a new order was listed at once', next: '' }
        : { status: 'failed' as const, observed: 'a new order was missing', next: 'ask the database' },
    });

    it('names the probe in its title', () => {
      expect(goalStep(scenario, { waitsFor: [], fixesInPlace: () => true, hints: HINTS, probe: probe('passed') }).title).toBe(`${goalTitle(scenario)}, fresh answers`);
    });

    it('fails as the probe says, before sending any load', async () => {
      loads.length = 0;
      const probed = goalStep(scenario, { waitsFor: ['fix-a', 'fix-b'], fixesInPlace: () => true, hints: HINTS, probe: probe('failed') });
      expect(await probed.check(context(fixed))).toEqual({ status: 'failed', observed: 'a new order was missing', next: 'ask the database' });
      expect(loads).toEqual([]);
    });

    it('when the probe passes, measures and adds the probe\'s line to the goal\'s', async () => {
      loads.length = 0;
      const probed = goalStep(scenario, { waitsFor: ['fix-a', 'fix-b'], fixesInPlace: () => true, hints: HINTS, probe: probe('passed') });
      expect(await probed.check(context(fixed))).toEqual({ ...judgeGoal(scenario, summary()), observed: `${judgeGoal(scenario, summary()).observed}; a new order was listed at once` });
      expect(loads).toHaveLength(1);
    });
  });
});
