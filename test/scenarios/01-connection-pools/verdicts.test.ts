/** Scenario 1's next steps after a run (scenarios/01-connection-pools/machinery/runs.ts), through the engine's verdict. */
import { describe, expect, it } from 'vitest';
import { nextStep as engineNextStep } from '../../../lab/loadtest/run-verdict.js';
import type { LabSnapshot, RunRecord, RunSummary } from '../../../lab/runs/run-record.js';
import runs from '../../../scenarios/01-connection-pools/machinery/runs.js';
import scenario from '../../../scenarios/01-connection-pools/machinery/scenario.js';

const GOAL = scenario.loadTest.p99GoalMs;
const nextStep = (...run: [RunRecord['verdict'], RunSummary, LabSnapshot, RunRecord[], string?]) =>
  engineNextStep(run[0], run[1], run[2], run[3], runs, GOAL, run[4]);

const summary: RunSummary = {
  users: 200, durationSeconds: 30, route: '/feed', totalRequests: 3_000, succeeded: 600, failedHttp5xx: 2_400, failedOtherStatus: 0,
  timeouts: 0, connectionErrors: 0, successRate: 20, requestsPerSecond: 100, latencyMs: { avg: 900, p50: 700, p95: 3_000, p99: 9_000, max: 12_000 },
  topServerError: { message: 'sorry, too many clients already', count: 2_000 },
};
const perRequest: LabSnapshot = {
  createdAtIndexPresent: false, newSessionsPerRequest: 1.1, peakConnections: 21, newSessions: 660,
  peakAppConnections: 20, peakServerConnections: 22, connectionsBeforeRefusal: 22,
};
const pool: LabSnapshot = { createdAtIndexPresent: false, newSessionsPerRequest: 0.001, peakConnections: 10, newSessions: 3 };
const APP_STARTED = '2026-12-04T10:00:00.000Z';
const brokenRun = { label: 'broken', snapshot: perRequest, appStartedAt: APP_STARTED } as RunRecord;
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

  it('an unchanged re-run on the same app process: the same as before, and step 2 is next', () => {
    expect(nextStep('red', summary, perRequest, [brokenRun], APP_STARTED)).toBe(
      'Same as before: the app has not restarted since that run, so it ran the same code and failed the same way. Most failures said: "sorry, too many clients already". ' +
        'Next, read src/server.ts: how many database connections does one request open? (SCENARIO.md, step 2)',
    );
  });

  it('after the app restarted (a save, a wrong fix): the code it runs now still opens a connection per request', () => {
    expect(nextStep('red', summary, perRequest, [brokenRun], '2026-12-04T10:05:00.000Z')).toBe(
      'The same failure as before, from an app that has restarted since: the code it runs now still opens a database connection for every request. ' +
        'Most failures said: "sorry, too many clients already". (SCENARIO.md, step 3, fix 1)',
    );
  });

  it('when the records do not say whether the app restarted, it asks nothing about it', () => {
    expect(nextStep('red', summary, perRequest, [{ ...brokenRun, appStartedAt: undefined } as RunRecord], APP_STARTED)).toBe(
      'The same failure as before: every request still opened its own database connection. Most failures said: "sorry, too many clients already". ' +
        '(SCENARIO.md, step 2 reads why; step 3, fix 1 fixes it)',
    );
  });

  it('names the index as done when only the connections remain', () => {
    expect(nextStep('red', { ...summary, topServerError: null }, { ...perRequest, createdAtIndexPresent: true }, [])).toBe(
      'The index is there, but every request still opened its own database connection, and PostgreSQL turned the extra ones away. (SCENARIO.md, step 3, fix 1)',
    );
    // Failures that were not refusals (the database never filled): it says nothing of turning connections away.
    const belowLimit = { ...perRequest, createdAtIndexPresent: true, peakServerConnections: 15 };
    expect(nextStep('red', { ...summary, topServerError: null }, belowLimit, [])).toBe(
      'The index is there, but every request still opened its own database connection. (SCENARIO.md, step 3, fix 1)',
    );
  });

  it('index alone at the default users without failures: the index is there, the connections are what is left', () => {
    const indexOnly = { ...perRequest, createdAtIndexPresent: true, newSessions: 1_290, peakAppConnections: 15, peakServerConnections: 17 };
    expect(nextStep('green', { ...healthy, succeeded: 1_290 }, indexOnly, [brokenRun])).toBe(
      'No failures this time, and the index is there, but every request still opened its own database connection ' +
        '(1,290 new sessions for 1,290 answers; at most 15 open at once, of the 22 the database takes). That is what fix 1 removes (SCENARIO.md, step 3, fix 1).',
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

  it('red with a pool the database stopped: names the size and the limit', () => {
    const tooBig = { ...pool, peakAppConnections: 20, peakConnections: 21, peakServerConnections: 22, connectionsBeforeRefusal: 22 };
    expect(nextStep('red', summary, tooBig, [brokenRun])).toBe(
      "The pool grew to 20 connections, as many as the database let the app have: it refuses a role like the app's once 22 client connections are open, " +
        "the lab's own included. Most failures said: \"sorry, too many clients already\". " +
        'A pool set bigger than that only turns waiting into errors: size it below the limit (SCENARIO.md, step 3, fix 1).',
    );
  });

  it('green with both fixes on a route whose every request read the whole table: the bonus index, not step 4', () => {
    const userPosts = { ...healthy, route: '/users/42/posts', succeeded: 1_000 };
    const scanned = { ...pool, createdAtIndexPresent: true, tables: { posts: { rows: 50_000, sequentialRowsRead: 49_000_000, indexRowsFetched: 0 } } };
    expect(nextStep('green', userPosts, scanned, [brokenRun])).toBe(
      'Green by the clock, but every request to /users/42/posts read the whole posts table (about 49,000 rows per request by a sequential scan; the table has about 50,000): ' +
        'the index on created_at does not serve this query. Look at its plan with EXPLAIN ANALYZE in `npm run db` (SCENARIO.md, Bonus B1).',
    );
    // The feed with its index reads about 20 rows a request through it: step 4 is next.
    const indexed = { ...scanned, tables: { posts: { rows: 50_000, sequentialRowsRead: 0, indexRowsFetched: 20_000 } } };
    expect(nextStep('green', healthy, indexed, [brokenRun])).toMatch(/Next: compare your runs \(SCENARIO.md, step 4\)/);
  });

  it('amber with a pool and no index: the feed query reads the whole table', () => {
    expect(nextStep('amber', healthy, pool, [])).toBe(
      `No errors, but slow (p99 above ${GOAL / 1000} s): requests queue for the pool's connections while each query reads the whole posts table. ` +
        'Look at the feed query\'s plan with `npm run db` (SCENARIO.md, step 3, fix 2).',
    );
  });

  it('amber with both fixes: something else is busy', () => {
    expect(nextStep('amber', healthy, { ...pool, createdAtIndexPresent: true }, [])).toBe(
      `No errors, but p99 is above ${GOAL / 1000} s. Is something else busy on this machine? The dashboard shows where the time goes.`,
    );
  });

  it('green: compare, then break it on purpose', () => {
    expect(nextStep('green', healthy, { ...pool, createdAtIndexPresent: true }, [])).toBe(
      `Healthy: every request answered, p99 under ${GOAL / 1000} s. Next: compare your runs (SCENARIO.md, step 4), then break it on purpose (SCENARIO.md, step 5).`,
    );
  });
});
