/**
 * The engine's generic steps that read files only: a recorded failed run ("reproduce") and
 * the last database drill ("the app survives a database restart"). Their wording about the
 * scenario (its app, its probe route) comes from the definition.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recordDatabaseDrill } from '../../lab/chaos/drill-record.js';
import { databaseRestartStep } from '../../lab/check/step-db-restart.js';
import { judgeReproduced, judgeSlownessReproduced, reproduceStep } from '../../lab/check/step-reproduce.js';
import { localDateTime, localTime } from '../../lab/loadtest/figures.js';
import { WHOLE_MIX } from '../../lab/loadtest/mix.js';
import type { RunRecord } from '../../lab/runs/run-record.js';
import { listRuns } from '../../lab/runs/run-store.js';
import type { StepContext } from '../../lab/scenario/steps.js';
import { failedRun, runRecord } from '../helpers/run-records.js';
import { scenario } from '../helpers/project-lab.js';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-records-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const writeRun = (name: string, content: unknown) => fs.writeFileSync(path.join(dir, name), typeof content === 'string' ? content : JSON.stringify(content));
const HINTS = ['a nudge', 'where to look', 'nearly the answer'] as const;
/** The steps below read only these two fields of their context. */
const context = (fields: Pick<StepContext, 'runs' | 'drillsFile'>) => fields as StepContext;

describe('reproduce: a recorded load-test run that failed', () => {
  /** In these tests, the runs labelled "broken" ran on the app as shipped. */
  const labelledBroken = (run: RunRecord) => run.label === 'broken';
  const judge = () => judgeReproduced(scenario, listRuns(dir), labelledBroken);

  it('fails with no runs, and says how to make one on the scenario\'s app', () => {
    expect(judgeReproduced(scenario, listRuns(path.join(dir, 'missing')), labelledBroken)).toEqual({
      status: 'failed',
      observed: 'no load-test run is recorded yet',
      next: `run \`npm run loadtest\` while the broken ${scenario.files.app} runs, and watch the dashboard`,
    });
  });

  it('fails when every run succeeded, and ignores half-written and in-progress files', () => {
    writeRun('a.json', runRecord());
    writeRun('b.json', '{"id": "half');
    writeRun('in-progress.json', { id: 'x', pid: 1 });
    expect(judge()).toMatchObject({ status: 'failed', observed: '1 run recorded, none with failed requests' });
  });

  it('passes on a run with failed requests, naming it', () => {
    writeRun('a.json', runRecord());
    writeRun('b.json', failedRun());
    expect(judge()).toEqual({
      status: 'passed',
      observed: 'run "broken" (2026-11-26 14:00): 1,200 of 6,000 requests failed with 200 users (80.0% succeeded)',
      next: '',
    });
  });

  it('quotes the first failing run of the broken app, not an earlier drill nor a later failure', () => {
    writeRun('a.json', runRecord({ label: 'database drill', startedAt: '2026-11-26T13:00:00.000Z', summary: { succeeded: 5_000, connectionErrors: 100, successRate: 98 } }));
    writeRun('b.json', failedRun());
    writeRun('c.json', runRecord({ label: 'broken', startedAt: '2026-11-26T15:00:00.000Z', summary: { succeeded: 3_000, failedHttp5xx: 3_000, successRate: 50 } }));
    expect(judge().observed).toMatch(/^run "broken" \(2026-11-26 14:00\): 1,200 of 6,000/);
  });

  it('quotes the first failing run when none ran on the broken app', () => {
    writeRun('a.json', runRecord({ label: 'database drill', summary: { succeeded: 5_000, connectionErrors: 100, successRate: 98 } }));
    expect(judge()).toMatchObject({ status: 'passed', observed: expect.stringMatching(/^run "database drill"/) });
  });

  it('counts timeouts and refused connections as failures too', () => {
    writeRun('a.json', runRecord({ summary: { timeouts: 3, successRate: 100 } }));
    expect(judge().status).toBe('passed');
  });

  it('names a run sent at a rate by its rate, not by users', () => {
    const atRate = failedRun();
    atRate.summary = { ...atRate.summary, users: 0, ratePerSecond: 40 };
    expect(judgeReproduced(scenario, [atRate], labelledBroken).observed).toMatch(/: 1,200 of 6,000 requests failed at 40 requests\/s \(80\.0% succeeded\)$/);
  });

  describe('when the scenario names the failure its walkthrough explains', () => {
    const refusal = { name: 'the database refusing connections', seenIn: (run: RunRecord) => run.summary.topServerError?.message === 'full' };
    const refused = runRecord({ label: 'broken', summary: { succeeded: 600, failedHttp5xx: 5_400, successRate: 10, topServerError: { message: 'full', count: 5_400 } } });
    const timedOut = runRecord({ label: 'broken', startedAt: '2026-11-26T13:00:00.000Z', summary: { succeeded: 534, timeouts: 35, successRate: 93.8, topServerError: null } });

    it('does not take a run that failed otherwise (a swamped machine\'s timeouts) for it, and says what that run failed with', () => {
      expect(judgeReproduced(scenario, [timedOut], labelledBroken, refusal)).toEqual({
        status: 'failed',
        observed: '1 run recorded; run "broken" failed 35 of 6,000 requests, but 35 timed out, not the database refusing connections',
        next: expect.stringMatching(/not the failure this step explains: run `npm run loadtest` again/),
      });
    });

    it('passes on a later run that shows it, quoting that run', () => {
      expect(judgeReproduced(scenario, [timedOut, refused], labelledBroken, refusal)).toMatchObject({
        status: 'passed',
        observed: expect.stringMatching(/^run "broken" \(2026-11-26 14:00\): 5,400 of 6,000 requests failed/),
      });
    });
  });

  it('is the required step "reproduce", judged on the runs the runner read', async () => {
    const step = reproduceStep(scenario, { title: 'See it fail', hints: HINTS, ranOnTheBrokenApp: labelledBroken });
    expect(step).toMatchObject({ id: 'reproduce', title: 'See it fail', required: true, needs: [] });
    expect(await step.check(context({ runs: [failedRun()], drillsFile: '' }))).toMatchObject({ status: 'passed' });
  });
});

describe('reproduce: slowness, a recorded run of the whole traffic that was not green', () => {
  const labelledBroken = (run: RunRecord) => run.label === 'broken';
  const { mix, route, p99GoalMs } = scenario.loadTest;
  const wholeTraffic = mix ? WHOLE_MIX : route;
  const traffic = mix ? 'the whole mix' : route;
  const run = (label: string, verdict: RunRecord['verdict'], summary: Partial<RunRecord['summary']> = {}, startedAt?: string): RunRecord => ({
    ...runRecord({ label, ...(startedAt ? { startedAt } : {}), summary: { route: wholeTraffic, latencyMs: { avg: 900, p50: 800, p95: 1_900, p99: 2_400, max: 3_000 }, ...summary } }),
    verdict,
  });
  const judge = (runs: RunRecord[]) => judgeSlownessReproduced(scenario, runs, labelledBroken);

  it('fails with no runs, with runs on one route only, and with green runs only, saying each time what would count', () => {
    expect(judge([])).toEqual({ status: 'failed', observed: `no load-test run of ${traffic} is recorded yet`, next: 'run `npm run loadtest` with the dashboard open' });
    expect(judge([run('broken', 'amber', { route: '/somewhere/else' })])).toEqual({
      status: 'failed', observed: `1 run recorded, each on one route (--route); this step needs a run of ${traffic}`, next: 'run `npm run loadtest` without --route',
    });
    expect(judge([run('fast', 'green'), run('fast again', 'green')])).toMatchObject({
      status: 'failed',
      observed: `2 runs of ${traffic} recorded, each green: 0 failed, p99 under ${p99GoalMs / 1000} s${mix ? ' on every route' : ''}`,
      next: expect.stringMatching(/^a run only counts here if it was slow: `npm run reset`/),
    });
  });

  it('passes on an amber (or red) run, quoting the first one on the broken app and each route\'s p99', () => {
    const routes = [
      { ...run('x', 'amber').summary, name: 'search', method: 'GET' as const, path: '/search', latencyMs: { avg: 1, p50: 300, p95: 500, p99: 700, max: 900 } },
      { ...run('x', 'amber').summary, name: 'my page', method: 'GET' as const, path: '/me', latencyMs: { avg: 1, p50: 900, p95: 1_500, p99: 1_620, max: 2_000 } },
    ];
    const verdict = judge([
      run('wrong fix', 'amber', {}, '2026-11-26T13:00:00.000Z'),
      run('broken', 'amber', { routes }, '2026-11-26T14:00:00.000Z'),
      run('broken', 'red', {}, '2026-11-26T15:00:00.000Z'),
    ]);
    expect(verdict).toEqual({
      status: 'passed',
      observed: `run "broken" (${localDateTime('2026-11-26T14:00:00.000Z')}), ${traffic} with 200 users: 0 of 6,000 requests failed; p99 search 700 ms, my page 1.62 s (green is under ${p99GoalMs / 1000} s)`,
      next: '',
    });
    expect(judge([run('wrong fix', 'amber')]).observed).toMatch(/^run "wrong fix" .*p99 2\.40 s \(green/);
  });

  it('is what reproduceStep judges when the scenario says the problem shows as slowness', async () => {
    const step = reproduceStep(scenario, { title: 'See it crawl', hints: HINTS, ranOnTheBrokenApp: labelledBroken, shows: 'slowness' });
    expect(await step.check(context({ runs: [run('broken', 'green')], drillsFile: '' }))).toMatchObject({ status: 'failed' });
    expect(await step.check(context({ runs: [run('broken', 'amber')], drillsFile: '' }))).toMatchObject({ status: 'passed' });
  });
});

describe('the app survives a database restart', () => {
  const file = () => path.join(dir, 'drills.json');
  const drill = { finishedAt: '2026-11-26T15:10:00.000Z', databaseDownSeconds: 5, appCrashed: false };
  const at = localTime(drill.finishedAt);
  const route = scenario.drills.databaseProbeRoute;
  const step = databaseRestartStep(scenario, { id: 'db-restart', title: 'Survive a restart', required: false, hints: HINTS, advice: 'handle the error' });
  const check = () => step.check(context({ runs: [], drillsFile: file() }));

  it('is the scenario\'s step, with its id, title and weight', () => {
    expect(step).toMatchObject({ id: 'db-restart', title: 'Survive a restart', required: false, needs: [] });
  });

  it('is skipped until the drill has run', async () => {
    expect(await check()).toEqual({ status: 'skipped', observed: 'not tried yet', next: 'run `npm run chaos -- db` while the lab runs, then check again' });
  });

  it('passes when the app served again after the database returned, without crashing', async () => {
    recordDatabaseDrill({ ...drill, appPid: 42, appServedAgain: true, recoverySeconds: 0.4 }, file());
    expect(await check()).toMatchObject({
      status: 'passed',
      observed: `in the drill at ${at} the app served ${route} again 0.4 s after the database returned, without restarting`,
    });
  });

  it('still passes after the app or the lab restarted since: the drill is what counts', async () => {
    recordDatabaseDrill({ ...drill, appPid: 42, appServedAgain: true, recoverySeconds: 0.4 }, file());
    // Nothing about the app running now enters the judgement: the same file, the same answer.
    expect((await check()).status).toBe('passed');
  });

  it('fails when the app crashed in the drill, with the scenario\'s advice before the way to try again', async () => {
    recordDatabaseDrill({ ...drill, appPid: 42, appServedAgain: false, recoverySeconds: null, appCrashed: true }, file());
    expect(await check()).toEqual({
      status: 'failed',
      observed: `in the drill at ${at} the app crashed when the database went away`,
      next: 'handle the error, then run `npm run chaos -- db` while the lab runs, then check again',
    });
  });

  it('fails when the app never served again, even if it did not crash', async () => {
    recordDatabaseDrill({ ...drill, appPid: 42, appServedAgain: false, recoverySeconds: null }, file());
    expect(await check()).toMatchObject({ status: 'failed', observed: `in the drill at ${at} the app did not serve ${route} again after the database returned` });
  });
});
