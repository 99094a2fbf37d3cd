/** The engine's side of a verdict: the colour, and when the scenario's own advice is asked. */
import { describe, expect, it } from 'vitest';
import type { LabSnapshot, RunSummary } from '../runs/run-record.js';
import type { RunAdviceInput } from '../scenario/definition.js';
import { duration } from './figures.js';
import { nextStep, verdictFor } from './run-verdict.js';

/** The load test's p99 goal, as a scenario's definition gives it. */
const GOAL_MS = 1_000;

const healthy: RunSummary = {
  users: 50, durationSeconds: 10, route: '/items', totalRequests: 3_000, succeeded: 3_000, failedHttp5xx: 0, failedOtherStatus: 0,
  timeouts: 0, connectionErrors: 0, successRate: 100, requestsPerSecond: 300, latencyMs: { avg: 20, p50: 15, p95: 40, p99: 60, max: 90 },
};
const failing: RunSummary = { ...healthy, succeeded: 2_000, failedHttp5xx: 1_000, successRate: 66.67, topServerError: { message: 'boom', count: 1_000 } };
const snapshot: LabSnapshot = { newSessionsPerRequest: 0, peakConnections: 5, newSessions: 2, someIndexPresent: true };

describe('verdictFor', () => {
  it('is red on any failure or when nothing succeeded, amber above the p99 goal, green under it', () => {
    expect(verdictFor(failing, GOAL_MS)).toBe('red');
    expect(verdictFor({ ...healthy, succeeded: 0, totalRequests: 0 }, GOAL_MS)).toBe('red');
    expect(verdictFor({ ...healthy, latencyMs: { ...healthy.latencyMs, p99: GOAL_MS + 1 } }, GOAL_MS)).toBe('amber');
    expect(verdictFor({ ...healthy, latencyMs: { ...healthy.latencyMs, p99: GOAL_MS } }, GOAL_MS)).toBe('green');
  });
});

describe('the verdict of a traffic mix', () => {
  const route = (name: string, p99: number) => ({ ...healthy, name, method: 'GET' as const, path: `/${name}`, latencyMs: { ...healthy.latencyMs, p99 } });
  const mix: RunSummary = { ...healthy, route: 'mix', routes: [route('fast', 50), route('rare and slow', GOAL_MS * 2)] };

  it('is amber when one route is slow, even though the p99 of all requests is under the goal', () => {
    expect(verdictFor(mix, GOAL_MS)).toBe('amber');
    expect(verdictFor({ ...mix, routes: [route('fast', 50), route('also fast', 70)] }, GOAL_MS)).toBe('green');
  });

  it('names the slowest route in the general advice', () => {
    expect(nextStep('amber', mix, snapshot, [], {}, GOAL_MS)).toBe(
      `No errors, but p99 is above ${GOAL_MS / 1000} s on rare and slow (p99 ${duration(GOAL_MS * 2)}). Is something else busy on this machine? The dashboard shows where the time goes.`,
    );
  });
});

describe('nextStep', () => {
  it('speaks in general terms for a scenario that gives no advice', () => {
    expect(nextStep('green', healthy, snapshot, [], {}, GOAL_MS)).toBe(`Healthy: every request answered, p99 under ${GOAL_MS / 1000} s.`);
    expect(nextStep('red', failing, snapshot, [], {}, GOAL_MS)).toBe('Some requests failed. The most common error: "boom". The `npm start` terminal shows the app\'s own errors.');
  });

  it("asks the scenario, with the run and the general advice, and keeps the general advice when it says nothing", () => {
    const asked: RunAdviceInput[] = [];
    const runs = { nextStep: (run: RunAdviceInput) => (asked.push(run), run.snapshot.someIndexPresent ? `${run.general} Then step 4.` : undefined) };

    expect(nextStep('green', healthy, snapshot, [], runs, GOAL_MS)).toBe(`Healthy: every request answered, p99 under ${GOAL_MS / 1000} s. Then step 4.`);
    expect(nextStep('green', healthy, { ...snapshot, someIndexPresent: false }, [], runs, GOAL_MS)).toBe(`Healthy: every request answered, p99 under ${GOAL_MS / 1000} s.`);
    expect(asked[0]).toMatchObject({ verdict: 'green', summary: healthy, snapshot, earlierRuns: [] });
  });

  it('says the app stopped answering when most requests found no app, whatever the scenario would say', () => {
    const refused = { ...failing, failedHttp5xx: 10, connectionErrors: 990 };
    expect(nextStep('red', refused, snapshot, [], { nextStep: () => 'the scenario speaking' }, GOAL_MS)).toBe(
      'The app stopped answering: connections were refused or closed. Is it still running? Look at the `npm start` terminal.',
    );
  });
});
