/** The checks that read files only: a recorded failed run (step 1) and the last database drill (bonus). */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recordDatabaseDrill } from '../../lab/chaos/drill-record.js';
import { checkDatabaseRestart } from '../../lab/check/step-db-restart.js';
import { checkReproduced } from '../../lab/check/step-reproduce.js';
import { localTime } from '../../lab/loadtest/format.js';
import { failedRun, runRecord } from '../helpers/run-records.js';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-records-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const writeRun = (name: string, content: unknown) => fs.writeFileSync(path.join(dir, name), typeof content === 'string' ? content : JSON.stringify(content));

describe('step 1: a recorded load-test run that failed', () => {
  it('fails with no runs, and says how to make one', () => {
    expect(checkReproduced(path.join(dir, 'missing'))).toMatchObject({
      status: 'failed',
      observed: 'no load-test run is recorded yet',
      next: expect.stringMatching(/npm run loadtest/),
    });
  });

  it('fails when every run succeeded, and ignores half-written and in-progress files', () => {
    writeRun('a.json', runRecord());
    writeRun('b.json', '{"id": "half');
    writeRun('in-progress.json', { id: 'x', pid: 1 });
    expect(checkReproduced(dir)).toMatchObject({ status: 'failed', observed: '1 run recorded, none with failed requests' });
  });

  it('passes on a run with failed requests, naming it', () => {
    writeRun('a.json', runRecord());
    writeRun('b.json', failedRun());
    const step = checkReproduced(dir);
    expect(step.status).toBe('passed');
    expect(step.observed).toBe('run "broken" (2026-11-26 14:00): 1,200 of 6,000 requests failed with 200 users (80.0% succeeded)');
  });

  it('quotes the first reproduction, not a wrong fix, a drill or a later failure', () => {
    writeRun('a.json', failedRun());
    // Later failures: a wrong fix (still a connection per request) and a drill on the fixed app.
    writeRun('b.json', runRecord({ label: 'wrong fix', startedAt: '2026-11-26T15:00:00.000Z', summary: { succeeded: 3_000, failedHttp5xx: 3_000, successRate: 50 } }));
    writeRun('c.json', {
      ...runRecord({ label: 'database drill', startedAt: '2026-11-26T16:00:00.000Z', summary: { succeeded: 5_000, connectionErrors: 100, successRate: 98 } }),
      snapshot: { createdAtIndexPresent: true, newSessionsPerRequest: 0, peakConnections: 10, newSessions: 10 },
    });
    expect(checkReproduced(dir).observed).toMatch(/^run "broken" \(2026-11-26 14:00\): 1,200 of 6,000/);
  });

  it('counts timeouts and refused connections as failures too', () => {
    writeRun('a.json', runRecord({ summary: { timeouts: 3, successRate: 100 } }));
    expect(checkReproduced(dir).status).toBe('passed');
  });
});

describe('bonus: the app survives a database restart', () => {
  const file = () => path.join(dir, 'drills.json');
  const drill = { finishedAt: '2026-11-26T15:10:00.000Z', databaseDownSeconds: 5, appCrashed: false };
  const at = localTime(drill.finishedAt);

  it('is skipped until the drill has run', () => {
    expect(checkDatabaseRestart(file())).toMatchObject({ status: 'skipped', observed: 'not tried yet', required: false });
  });

  it('passes when the app served again after the database returned, without crashing', () => {
    recordDatabaseDrill({ ...drill, appPid: 42, appServedAgain: true, recoverySeconds: 0.4 }, file());
    expect(checkDatabaseRestart(file())).toMatchObject({
      status: 'passed',
      observed: `in the drill at ${at} the app served /feed again 0.4 s after the database returned, without restarting`,
    });
  });

  it('still passes after the app or the lab restarted since: the drill is what counts', () => {
    recordDatabaseDrill({ ...drill, appPid: 42, appServedAgain: true, recoverySeconds: 0.4 }, file());
    // Nothing about the app running now enters the judgement: the same file, the same answer.
    expect(checkDatabaseRestart(file()).status).toBe('passed');
  });

  it('fails when the app crashed in the drill, pointing at the pool’s error event', () => {
    recordDatabaseDrill({ ...drill, appPid: 42, appServedAgain: false, recoverySeconds: null, appCrashed: true }, file());
    expect(checkDatabaseRestart(file())).toMatchObject({
      status: 'failed',
      observed: `in the drill at ${at} the app crashed when the database went away`,
      next: expect.stringMatching(/"error"/),
    });
  });

  it('fails when the app never served again, even if it did not crash', () => {
    recordDatabaseDrill({ ...drill, appPid: 42, appServedAgain: false, recoverySeconds: null }, file());
    expect(checkDatabaseRestart(file())).toMatchObject({ status: 'failed', observed: `in the drill at ${at} the app did not serve /feed again after the database returned` });
  });
});
