/** Turns what the generator measured into the RunSummary that is saved and shown. */
import type { RequestOutcomes, RouteSummary, RunSummary } from '../runs/run-record.js';
import type { LoadResult } from './generator.js';
import type { LatencyMs, TallyCounts } from './tally.js';

export interface RunShape {
  users: number;
  /** For a run sent at a rate: its requests per second. */
  ratePerSecond?: number;
  /** As the summary names it: a path, or "mix" (see mix.ts's runRoute). */
  route: string;
  method?: 'GET' | 'POST';
}

export function buildSummary(result: LoadResult, shape: RunShape): RunSummary {
  const seconds = Math.max(result.elapsedSeconds, 0.001);
  return {
    users: shape.users,
    ...(shape.ratePerSecond !== undefined ? { ratePerSecond: shape.ratePerSecond } : {}),
    // What really ran: shorter than asked after Ctrl-C, a little longer when answers were slow to stop.
    durationSeconds: round(result.elapsedSeconds, 1),
    route: shape.route,
    ...(shape.method === 'POST' ? { method: shape.method } : {}),
    ...outcomesOf(result.counts, result.latencyMs, seconds),
    inFlightAtEnd: result.inFlightAtEnd,
    topServerError: result.topServerError,
    ...(result.byRoute ? { routes: result.byRoute.map(({ route, counts, latencyMs }): RouteSummary => ({
      name: route.name,
      method: route.method ?? 'GET',
      path: route.path,
      ...outcomesOf(counts, latencyMs, seconds),
    })) } : {}),
  };
}

function outcomesOf(counts: TallyCounts, latencyMs: LatencyMs, seconds: number): RequestOutcomes {
  const totalRequests = counts.answered + counts.timeouts + counts.connectionErrors;
  return {
    totalRequests,
    succeeded: counts.succeeded,
    failedHttp5xx: counts.failedHttp5xx,
    failedOtherStatus: counts.failedOtherStatus,
    timeouts: counts.timeouts,
    connectionErrors: counts.connectionErrors,
    successRate: totalRequests === 0 ? 0 : round((counts.succeeded / totalRequests) * 100, 2),
    requestsPerSecond: round(counts.answered / seconds, 1),
    latencyMs: {
      avg: round(latencyMs.avg, 1),
      p50: round(latencyMs.p50, 1),
      p95: round(latencyMs.p95, 1),
      p99: round(latencyMs.p99, 1),
      max: round(latencyMs.max, 1),
    },
  };
}

/** All failed requests, whatever the cause: of a run, or of one of its routes. */
export function failedRequests(outcomes: RequestOutcomes): number {
  return outcomes.failedHttp5xx + outcomes.failedOtherStatus + outcomes.timeouts + outcomes.connectionErrors;
}

/**
 * Little's law: users in the system = throughput × time each spends there. With every user
 * always waiting on one request, users ÷ answers per second is the time one request must take.
 */
export function littlesLawSeconds(summary: RunSummary): number | null {
  // Sent at a rate, no user waits on each request: the law reads the other way (in flight = rate × time).
  if (summary.ratePerSecond !== undefined) return null;
  return summary.requestsPerSecond > 0 ? summary.users / summary.requestsPerSecond : null;
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
