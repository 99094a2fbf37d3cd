/** Load-test run records as the load test (lab/loadtest/command.ts) writes them (lab/runs/run-record.ts), for tests of their readers. */
import type { RunRecord } from '../../lab/runs/run-record.js';

export function runRecord(overrides: { label?: string; startedAt?: string; summary?: Partial<RunRecord['summary']> } = {}): RunRecord {
  const startedAt = overrides.startedAt ?? '2026-11-26T14:00:00.000Z';
  return {
    id: `${startedAt.replaceAll(':', '-')}-a1b2`,
    label: overrides.label ?? 'broken',
    labelGiven: false,
    startedAt,
    endedAt: '2026-11-26T14:00:30.000Z',
    partial: false,
    summary: {
      users: 200,
      durationSeconds: 30,
      route: '/feed',
      totalRequests: 6_000,
      succeeded: 6_000,
      failedHttp5xx: 0,
      failedOtherStatus: 0,
      timeouts: 0,
      connectionErrors: 0,
      successRate: 100,
      requestsPerSecond: 200,
      latencyMs: { avg: 50, p50: 40, p95: 90, p99: 120, max: 300 },
      ...overrides.summary,
    },
    snapshot: { createdAtIndexPresent: false, newSessionsPerRequest: 1, peakConnections: 100 },
    verdict: 'red',
  };
}

/** A run of the broken server: a fifth of the requests failed with "too many clients". */
export function failedRun(): RunRecord {
  return runRecord({ summary: { succeeded: 4_800, failedHttp5xx: 1_200, successRate: 80, topServerError: { message: 'sorry, too many clients already', count: 1_200 } } });
}
