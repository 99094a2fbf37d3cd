/** Turns what the generator measured into the RunSummary that is saved and shown. */
import type { RunSummary } from '../runs/run-record.js';
import type { LoadResult } from './generator.js';

export interface RunShape {
  users: number;
  route: string;
}

export function buildSummary(result: LoadResult, shape: RunShape): RunSummary {
  const { counts } = result;
  const totalRequests = counts.answered + counts.timeouts + counts.connectionErrors;
  const seconds = Math.max(result.elapsedSeconds, 0.001);
  return {
    users: shape.users,
    // What really ran: shorter than asked after Ctrl-C, a little longer when answers were slow to stop.
    durationSeconds: round(result.elapsedSeconds, 1),
    route: shape.route,
    totalRequests,
    succeeded: counts.succeeded,
    failedHttp5xx: counts.failedHttp5xx,
    failedOtherStatus: counts.failedOtherStatus,
    timeouts: counts.timeouts,
    connectionErrors: counts.connectionErrors,
    successRate: totalRequests === 0 ? 0 : round((counts.succeeded / totalRequests) * 100, 2),
    requestsPerSecond: round(counts.answered / seconds, 1),
    latencyMs: {
      avg: round(result.latencyMs.avg, 1),
      p50: round(result.latencyMs.p50, 1),
      p95: round(result.latencyMs.p95, 1),
      p99: round(result.latencyMs.p99, 1),
      max: round(result.latencyMs.max, 1),
    },
    inFlightAtEnd: result.inFlightAtEnd,
    topServerError: result.topServerError,
  };
}

/** All failed requests, whatever the cause. */
export function failedRequests(summary: RunSummary): number {
  return summary.failedHttp5xx + summary.failedOtherStatus + summary.timeouts + summary.connectionErrors;
}

/**
 * Little's law: users in the system = throughput × time each spends there. With every user
 * always waiting on one request, users ÷ answers per second is the time one request must take.
 */
export function littlesLawSeconds(summary: RunSummary): number | null {
  return summary.requestsPerSecond > 0 ? summary.users / summary.requestsPerSecond : null;
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
