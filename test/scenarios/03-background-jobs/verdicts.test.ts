/**
 * Scenario 3's steps as `npm run check` and `npm run hint` read them, and their judgements on
 * fixed observations: each failing line says what was seen and teaches the next move, each
 * wrong fix the walkthrough expects fails with its own line.
 */
import { describe, expect, it } from 'vitest';
import steps from '../../../scenarios/03-background-jobs/machinery/steps.js';
import { judgeBudget } from '../../../scenarios/03-background-jobs/machinery/step-budget.js';
import { judgeClaim, mostRowsPerJob } from '../../../scenarios/03-background-jobs/machinery/step-claim.js';
import { judgeCrash } from '../../../scenarios/03-background-jobs/machinery/step-crash.js';
import { judgeOnce } from '../../../scenarios/03-background-jobs/machinery/step-once.js';
import { judgeParallel } from '../../../scenarios/03-background-jobs/machinery/step-parallel.js';

const allDone = { queued: 0, running: 0, done: 60, failed: 0, gone: 0, seconds: 1.2 };
const eachOnce = { once: 60, duplicated: 0, extraEmails: 0, missing: 0, replays: 0 };

describe("Scenario 3's steps", () => {
  it('are seven and all required, in the walkthrough\'s order', () => {
    expect(steps.map((step) => [step.id, step.required])).toEqual([
      ['reproduce', true],
      ['once', true],
      ['claim', true],
      ['parallel', true],
      ['budget', true],
      ['crash', true],
      ['goal', true],
    ]);
  });

  it('each have three hints, and only the last gives the answer away', () => {
    for (const step of steps) {
      expect(step.hints, step.id).toHaveLength(3);
      for (const text of step.hints) expect(text.length, step.id).toBeGreaterThan(40);
    }
    const hint = (id: string, level: number) => steps.find((step) => step.id === id)!.hints[level]!;
    expect(hint('once', 0)).not.toMatch(/SKIP LOCKED/);
    expect(hint('once', 2)).toMatch(/FOR UPDATE SKIP LOCKED/);
    expect(hint('claim', 0)).not.toMatch(/INDEX/);
    expect(hint('claim', 2)).toMatch(/CREATE INDEX/);
    expect(hint('crash', 2)).toMatch(/locked_until/);
    expect(hint('budget', 2)).toMatch(/34/);
  });

  it('drive the fleet only where they say they need it', () => {
    const needFleet = steps.filter((step) => step.needs.includes('fleet')).map((step) => step.id);
    expect(needFleet).toEqual(['once', 'claim', 'parallel', 'budget', 'crash']);
  });
});

describe('each email once', () => {
  it('fails on duplicates, naming the race', () => {
    const verdict = judgeOnce({ jobs: 60, workers: 3, outcome: allDone, mail: { once: 11, duplicated: 49, extraEmails: 167, missing: 0, replays: 0 } });
    expect(verdict.status).toBe('failed');
    expect(verdict.observed).toBe('60 jobs with 3 workers: the provider sent 227 emails for them; 49 users got the same welcome email more than once (167 extra emails)');
    expect(verdict.next).toMatch(/one step that only one worker can win/);
  });

  it('passes one email per job, and tips when the idempotency key hid double work', () => {
    expect(judgeOnce({ jobs: 60, workers: 3, outcome: allDone, mail: eachOnce })).toMatchObject({ status: 'passed', next: '' });
    const keyed = judgeOnce({ jobs: 60, workers: 3, outcome: allDone, mail: { ...eachOnce, replays: 40 } });
    expect(keyed.status).toBe('passed');
    expect(keyed.next).toMatch(/took the same job/);
  });

  it('fails on jobs never done or emails never sent', () => {
    expect(judgeOnce({ jobs: 60, workers: 3, outcome: { ...allDone, queued: 50, done: 10, seconds: 60 }, mail: eachOnce }).observed).toMatch(/50 jobs still queued/);
    expect(judgeOnce({ jobs: 60, workers: 3, outcome: allDone, mail: { ...eachOnce, once: 55, missing: 5 } }).observed).toMatch(/5 emails never reached the provider/);
  });
});

describe('the claim', () => {
  it('allows 1% of the table per job taken, at least a thousand rows', () => {
    expect(mostRowsPerJob(200_000)).toBe(2_000);
    expect(mostRowsPerJob(5_000)).toBe(1_000);
  });

  it('fails a sequential scan per claim and an index over every job, and tells which', () => {
    const scan = judgeClaim({ jobsTaken: 30, rowsRead: 52_626_109, sequentialRowsRead: 52_000_000, sequentialScans: 260, tableRows: 200_090 });
    expect(scan.status).toBe('failed');
    expect(scan.observed).toMatch(/1,754,204 rows per job .* by sequential scans/);
    const wideIndex = judgeClaim({ jobsTaken: 30, rowsRead: 6_000_000, sequentialRowsRead: 0, sequentialScans: 0, tableRows: 200_090 });
    expect(wideIndex.observed).toMatch(/through an index that holds every job/);
  });

  it('passes a claim that reads a few rows per job', () => {
    expect(judgeClaim({ jobsTaken: 30, rowsRead: 631, sequentialRowsRead: 0, sequentialScans: 0, tableRows: 218_455 }).status).toBe('passed');
  });

  it('does not count a scan or two from elsewhere against a claim that took 30 jobs, and says so', () => {
    const twoScans = judgeClaim({ jobsTaken: 30, rowsRead: 101_483, sequentialRowsRead: 100_682, sequentialScans: 2, tableRows: 50_341 });
    expect(twoScans.status).toBe('passed');
    expect(twoScans.observed).toBe(
      "30 jobs taken: the database read 801 rows of jobs meanwhile (not counting 2 sequential scans, too few to be the claim's: it would scan once per job), 27 rows per job (the table holds about 50,341 jobs)",
    );
    // One scan per job taken is the claim's own.
    expect(judgeClaim({ jobsTaken: 30, rowsRead: 1_510_800, sequentialRowsRead: 1_510_000, sequentialScans: 30, tableRows: 50_341 }).status).toBe('failed');
  });
});

describe('workers in parallel', () => {
  const burst = (workers: number, done: number, seconds: number) => ({ workers, jobs: done, outcome: { ...allDone, done, seconds } });

  it('passes four workers at three times one worker\'s rate or more', () => {
    expect(judgeParallel(burst(1, 120, 4.3), burst(4, 480, 4.8)).status).toBe('passed');
  });

  it('fails workers that wait for each other, saying why', () => {
    const verdict = judgeParallel(burst(1, 120, 24), burst(4, 480, 90));
    expect(verdict.status).toBe('failed');
    expect(verdict.observed).toMatch(/1\.1× one worker's rate \(3× is the least expected\)/);
    expect(verdict.next).toMatch(/skip a job another is taking/);
  });
});

describe('the connection budget', () => {
  const base = { workers: 8, budget: 34, maxConnections: 40, reserved: 3, raised: false, signUps: 4_000, failedSignUps: 0, refusedSignUps: false, p99Ms: 90 };

  it('passes the app within its 34 with nothing failed', () => {
    expect(judgeBudget({ ...base, peakAppConnections: 34 }).status).toBe('passed');
  });

  it('fails sign-ups refused by the database, with the sum to do', () => {
    const verdict = judgeBudget({ ...base, peakAppConnections: 37, failedSignUps: 412, refusedSignUps: true });
    expect(verdict.status).toBe('failed');
    expect(verdict.observed).toMatch(/held 37 connections at the peak \(their budget is 34: 40 allowed, 3 kept for superusers, 2 for the lab, 1 for your psql\); 412 sign-ups of 4,000 failed: PostgreSQL refused/);
    expect(verdict.next).toMatch(/size the pools from the budget/);
  });

  it('fails pools over the budget even when nothing failed this time', () => {
    expect(judgeBudget({ ...base, peakAppConnections: 37 }).next).toMatch(/nothing failed this time/);
  });

  it('fails a raised max_connections: a bigger plan, not a fix', () => {
    const verdict = judgeBudget({ ...base, raised: true, peakAppConnections: 58 });
    expect(verdict.status).toBe('failed');
    expect(verdict.next).toMatch(/max_connections was raised above the plan's 40/);
  });
});

describe('a worker killed mid-job', () => {
  const crash = { jobs: 60, workers: 3, killed: 'worker-3', waitedSeconds: 20, leased: false, outcome: allDone, mail: eachOnce };

  it("fails jobs left 'running' with no lease", () => {
    const verdict = judgeCrash({ ...crash, outcome: { ...allDone, running: 6, done: 54 } });
    expect(verdict.status).toBe('failed');
    expect(verdict.observed).toBe("60 jobs, 3 workers, worker-3 killed while it sent: 20 s later, 6 jobs still 'running', with nothing that says when their claim ends");
    expect(verdict.next).toMatch(/a lease/);
  });

  it('fails jobs deleted to unstick the queue', () => {
    expect(judgeCrash({ ...crash, outcome: { ...allDone, done: 54, gone: 6 } }).observed).toMatch(/6 jobs gone from the table/);
  });

  it('fails emails sent twice after the lease ran out, pointing at the idempotency key', () => {
    const verdict = judgeCrash({ ...crash, leased: true, waitedSeconds: 45, mail: { ...eachOnce, once: 54, duplicated: 6, extraEmails: 6 } });
    expect(verdict.observed).toMatch(/6 users got the welcome email twice/);
    expect(verdict.next).toMatch(/Idempotency-Key/);
  });

  it('passes every job done with each email once', () => {
    expect(judgeCrash({ ...crash, leased: true, mail: { ...eachOnce, replays: 6 } })).toMatchObject({ status: 'passed' });
  });
});
