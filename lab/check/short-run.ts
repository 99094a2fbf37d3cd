/**
 * A few seconds of the load test's own generator against the app, for a check that measures
 * (the goal): the same users, the same patience and the same summary as `npm run loadtest`, so
 * the check and the load test never disagree on what they measured. Loopback only; it ends by
 * itself when the time is up.
 */
import { startLoad } from '../loadtest/generator.js';
import { buildSummary } from '../loadtest/summary.js';
import type { RunSummary } from '../runs/run-record.js';
import { scenario } from '../scenario/current.js';
import { assertLoopback } from './http-load.js';

export async function shortRun(appUrl: string, run: { route: string; users: number; seconds: number }): Promise<RunSummary> {
  assertLoopback(appUrl);
  const load = startLoad({
    port: Number(new URL(appUrl).port),
    route: run.route,
    users: run.users,
    durationSeconds: run.seconds,
    // As long as the load test waits for one answer: a request it would count as answered counts here too.
    requestTimeoutSeconds: scenario.loadTest.requestTimeoutSeconds,
  });
  return buildSummary(await load.finished, { users: run.users, route: run.route });
}
