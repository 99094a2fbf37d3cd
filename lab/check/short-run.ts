/**
 * A few seconds of the load test's own generator against the app, for a check that measures
 * (the goal): the same users, the same traffic (one route, or the scenario's mix), the same
 * patience and the same summary as `npm run loadtest`, so the check and the load test never
 * disagree on what they measured. Loopback only; it ends by itself when the time is up.
 */
import { startArrivals } from '../loadtest/arrivals.js';
import { startLoad, type LoadTarget } from '../loadtest/generator.js';
import { runRoute } from '../loadtest/mix.js';
import { buildSummary } from '../loadtest/summary.js';
import type { RunSummary } from '../runs/run-record.js';
import type { DatasetSize } from '../scenario/definition.js';
import { assertLoopback } from './http-load.js';

export type ShortRun = LoadTarget & {
  users: number;
  /** Sent at this many requests a second instead of by users (the load test's --rate). */
  ratePerSecond?: number;
  seconds: number;
  /** How long one user waits for an answer: the load test's own patience (its definition's loadTest). */
  requestTimeoutSeconds: number;
  /** For a mix: the seeded dataset's size, which its parameters are drawn from. */
  size?: DatasetSize;
};

export async function shortRun(appUrl: string, run: ShortRun): Promise<RunSummary> {
  assertLoopback(appUrl);
  const target: LoadTarget = 'routes' in run ? { routes: run.routes } : { route: run.route };
  const options = {
    ...target,
    port: Number(new URL(appUrl).port),
    durationSeconds: run.seconds,
    // As long as the load test waits for one answer: a request it would count as answered counts here too.
    requestTimeoutSeconds: run.requestTimeoutSeconds,
    ...(run.size ? { size: run.size } : {}),
  };
  const load = run.ratePerSecond === undefined ? startLoad({ ...options, users: run.users }) : startArrivals({ ...options, ratePerSecond: run.ratePerSecond });
  const sent = 'routes' in run ? runRoute(run.routes) : { route: run.route };
  const shape = run.ratePerSecond === undefined ? { users: run.users } : { users: 0, ratePerSecond: run.ratePerSecond };
  return buildSummary(await load.finished, { ...shape, ...sent });
}
