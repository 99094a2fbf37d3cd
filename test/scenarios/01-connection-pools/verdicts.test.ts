/** Scenario 1's next steps after a run (scenarios/01-connection-pools/lab/runs.ts), through the engine's verdict. */
import { describe, expect, it } from 'vitest';
import { nextStep as engineNextStep } from '../../../lab/loadtest/verdict.js';
import type { LabSnapshot, RunRecord, RunSummary } from '../../../lab/runs/run-record.js';
import runs from '../../../scenarios/01-connection-pools/lab/runs.js';
import scenario from '../../../scenarios/01-connection-pools/lab/scenario.js';

const GOAL = scenario.loadTest.p99GoalMs;
const nextStep = (...run: [RunRecord['verdict'], RunSummary, LabSnapshot, RunRecord[]]) => engineNextStep(...run, runs);

const summary: RunSummary = {
  users: 200, durationSeconds: 30, route: '/feed', totalRequests: 3_000, succeeded: 600, failedHttp5xx: 2_400, failedOtherStatus: 0,
  timeouts: 0, connectionErrors: 0, successRate: 20, requestsPerSecond: 100, latencyMs: { avg: 900, p50: 700, p95: 3_000, p99: 9_000, max: 12_000 },
  topServerError: { message: 'sorry, too many clients already', count: 2_000 },
};
const perRequest: LabSnapshot = { createdAtIndexPresent: false, newSessionsPerRequest: 1.1, peakConnections: 97, newSessions: 660 };
const pool: LabSnapshot = { createdAtIndexPresent: false, newSessionsPerRequest: 0.001, peakConnections: 10, newSessions: 3 };
const brokenRun = { label: 'broken', snapshot: perRequest } as RunRecord;
const healthy: RunSummary = {
  ...summary, succeeded: 3_000, failedHttp5xx: 0, successRate: 100, topServerError: null, latencyMs: { avg: 20, p50: 15, p95: 40, p99: 60, max: 90 },
};

describe('the red verdict of a connection per request', () => {
  it('calls the first reproduction the failure the lab starts with', () => {
    expect(nextStep('red', summary, perRequest, [])).toBe(
      'This is the failure the lab starts with — expected. Most failures said: "sorry, too many clients already". ' +
        'Now read src/server.ts: how many database connections does one request open? (SCENARIO.md, step 2)',
    );
  });

  it('does not say so for a later run that fails the same way (a wrong fix)', () => {
    expect(nextStep('red', summary, perRequest, [brokenRun])).toBe(
      'The same failure as before: every request still opened its own database connection. Most failures said: "sorry, too many clients already". ' +
        'If you changed src/server.ts, did the app restart with it? The `npm start` terminal says. (SCENARIO.md, step 3, fix 1)',
    );
  });

  it('names the index as done when only the connections remain', () => {
    expect(nextStep('red', { ...summary, topServerError: null }, { ...perRequest, createdAtIndexPresent: true }, [])).toBe(
      'The index is there, but every request still opened its own database connection, and PostgreSQL turned the extra ones away. (SCENARIO.md, step 3, fix 1)',
    );
  });
});

describe('the other verdicts of Scenario 1', () => {
  it('red, mostly refused or closed connections: the app stopped answering', () => {
    const refused = { ...summary, failedHttp5xx: 100, connectionErrors: 2_300 };
    expect(nextStep('red', refused, perRequest, [])).toBe(
      'The app stopped answering: connections were refused or closed. Is it still running? Look at the `npm start` terminal.',
    );
  });

  it('red with a pool, mostly timeouts: requests waited too long', () => {
    const slow = { ...summary, failedHttp5xx: 100, timeouts: 2_300, topServerError: null };
    expect(nextStep('red', slow, pool, [])).toBe(
      'Requests waited longer than the load test allows. Watch the dashboard during a run: where do requests queue?',
    );
  });

  it('red with a pool, other failures: quotes the most common error', () => {
    expect(nextStep('red', { ...summary, topServerError: { message: 'boom', count: 5 } }, pool, [])).toBe(
      'Some requests failed. The most common error: "boom". The `npm start` terminal shows the app\'s own errors.',
    );
  });

  it('no failures with fewer users, but a connection per request', () => {
    expect(nextStep('green', { ...healthy, users: 50 }, perRequest, [])).toBe(
      `No failures with 50 users, but the app still opens a new database connection for every request. Run with the default ${scenario.loadTest.users} users (\`npm run loadtest\`) to see what that costs.`,
    );
  });

  it('amber with a pool and no index: the feed query reads the whole table', () => {
    expect(nextStep('amber', healthy, pool, [])).toBe(
      `No errors, but slow (p99 above ${GOAL} ms): requests queue for the pool's connections while each query reads the whole posts table. ` +
        'Look at the feed query\'s plan with `npm run db` (SCENARIO.md, step 3, fix 2).',
    );
  });

  it('amber with both fixes: something else is busy', () => {
    expect(nextStep('amber', healthy, { ...pool, createdAtIndexPresent: true }, [])).toBe(
      `No errors, but p99 is above ${GOAL} ms. Is something else busy on this machine? The dashboard shows where the time goes.`,
    );
  });

  it('green: compare, then break it on purpose', () => {
    expect(nextStep('green', healthy, { ...pool, createdAtIndexPresent: true }, [])).toBe(
      `Healthy: every request answered, p99 under ${GOAL} ms. Next: compare your runs (SCENARIO.md, step 4), then break it on purpose (SCENARIO.md, step 5).`,
    );
  });
});
