import { describe, expect, it } from 'vitest';
import type { RunRecord } from '../runs/run-record.js';
import { renderSummary } from './report.js';

const plain = (_color: string, text: string) => text;

function record(summary: Partial<RunRecord['summary']>): RunRecord {
  return {
    id: 'r',
    label: 'pool only',
    labelGiven: false,
    startedAt: '2026-11-26T14:00:00.000Z',
    endedAt: '2026-11-26T14:00:30.000Z',
    partial: false,
    summary: {
      users: 200, durationSeconds: 30, route: '/feed', totalRequests: 1_800, succeeded: 1_800, failedHttp5xx: 0, failedOtherStatus: 0,
      timeouts: 0, connectionErrors: 0, successRate: 100, requestsPerSecond: 60, latencyMs: { avg: 3_100, p50: 3_000, p95: 3_900, p99: 4_200, max: 5_000 },
      inFlightAtEnd: 200, ...summary,
    },
    snapshot: { createdAtIndexPresent: false, newSessionsPerRequest: 0, peakConnections: 10, newSessions: 10 },
    verdict: 'amber',
  };
}

describe("the summary's Little's law line", () => {
  it('compares the two figures when every request was answered', () => {
    const text = renderSummary(record({}), 'next', 20, plain);
    expect(text).toMatch(/Little's law: 200 users ÷ 60\.0 req\/s ≈ 3\.33 s per request {2}\(measured mean: 3\.10 s\)/);
    expect(text).toMatch(/the fewer answers per second, the longer each wait/);
    expect(text).not.toMatch(/cannot agree/);
  });

  it('mentions a few timeouts without calling the comparison off', () => {
    const text = renderSummary(record({ totalRequests: 3_245, timeouts: 5 }), 'next', 20, plain);
    expect(text).toMatch(/the fewer answers per second, the longer each wait\.\n {2}5 requests timed out \(no answer within 20 s\): they are not in the mean/);
    expect(text).not.toMatch(/cannot agree/);
  });

  it('says the two cannot agree when many requests timed out, instead of implying they should', () => {
    const text = renderSummary(record({ totalRequests: 1_000, succeeded: 180, timeouts: 820, successRate: 18, requestsPerSecond: 1.2, latencyMs: { avg: 11_700, p50: 11_000, p95: 18_000, p99: 19_500, max: 19_900 } }), 'next', 20, plain);
    expect(text).toMatch(/200 users ÷ 1\.2 req\/s ≈ 166\.7 s per request {2}\(measured mean: 11\.7 s\)/);
    expect(text).toMatch(/The two cannot agree here: 820 requests timed out \(no answer within 20 s\), and the mean times only answered requests/);
  });
});
