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
import { judgeReproduced, reproduceStep } from '../../lab/check/step-reproduce.js';
import { localTime } from '../../lab/loadtest/format.js';
import type { RunRecord } from '../../lab/runs/run-record.js';
import { listRuns } from '../../lab/runs/history.js';
import { scenario } from '../../lab/scenario/current.js';
import type { StepContext } from '../../lab/scenario/steps.js';
import { failedRun, runRecord } from '../helpers/run-records.js';

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
  const judge = () => judgeReproduced(listRuns(dir), labelledBroken);

  it('fails with no runs, and says how to make one on the scenario\'s app', () => {
    expect(judgeReproduced(listRuns(path.join(dir, 'missing')), labelledBroken)).toEqual({
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

  it('is the required step "reproduce", judged on the runs the runner read', async () => {
    const step = reproduceStep({ title: 'See it fail', hints: HINTS, ranOnTheBrokenApp: labelledBroken });
    expect(step).toMatchObject({ id: 'reproduce', title: 'See it fail', required: true, needs: [] });
    expect(await step.check(context({ runs: [failedRun()], drillsFile: '' }))).toMatchObject({ status: 'passed' });
  });
});

describe('the app survives a database restart', () => {
  const file = () => path.join(dir, 'drills.json');
  const drill = { finishedAt: '2026-11-26T15:10:00.000Z', databaseDownSeconds: 5, appCrashed: false };
  const at = localTime(drill.finishedAt);
  const route = scenario.drills.databaseProbeRoute;
  const step = databaseRestartStep({ id: 'db-restart', title: 'Survive a restart', required: false, hints: HINTS, advice: 'handle the error' });
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
