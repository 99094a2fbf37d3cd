/** The checks that read files only: a recorded failed run (step 1) and the last database drill (bonus). */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recordDatabaseDrill } from '../../lab/chaos/drill-record.js';
import { checkDatabaseRestart } from '../../lab/check/step-db-restart.js';
import { checkReproduced } from '../../lab/check/step-reproduce.js';
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

  it('counts timeouts and refused connections as failures too', () => {
    writeRun('a.json', runRecord({ summary: { timeouts: 3, successRate: 100 } }));
    expect(checkReproduced(dir).status).toBe('passed');
  });
});

describe('bonus: the app survives a database restart', () => {
  const file = () => path.join(dir, 'drills.json');
  const drill = { finishedAt: '2026-11-26T15:10:00.000Z', databaseDownSeconds: 5, appCrashed: false };

  it('is skipped until the drill has run', () => {
    expect(checkDatabaseRestart(file(), 42)).toMatchObject({ status: 'skipped', observed: 'not tried yet', required: false });
  });

  it('passes when this very app process served again after the database returned', () => {
    recordDatabaseDrill({ ...drill, appPid: 42, appServedAgain: true, recoverySeconds: 0.4 }, file());
    expect(checkDatabaseRestart(file(), 42)).toMatchObject({
      status: 'passed',
      observed: 'in the drill at 15:10 UTC the app served /feed again 0.4 s after the database returned',
    });
  });

  it('is skipped again once the app has restarted since the drill', () => {
    recordDatabaseDrill({ ...drill, appPid: 42, appServedAgain: true, recoverySeconds: 0.4 }, file());
    expect(checkDatabaseRestart(file(), 43).status).toBe('skipped');
  });

  it('fails when the app crashed in the drill, pointing at the pool’s error event', () => {
    recordDatabaseDrill({ ...drill, appPid: 42, appServedAgain: false, recoverySeconds: null, appCrashed: true }, file());
    expect(checkDatabaseRestart(file(), undefined)).toMatchObject({
      status: 'failed',
      observed: 'in the drill at 15:10 UTC the app crashed when the database went away (an earlier app process)',
      next: expect.stringMatching(/"error"/),
    });
  });
});
