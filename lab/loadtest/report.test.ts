import { describe, expect, it } from 'vitest';
import type { RouteSummary, RunRecord } from '../runs/run-record.js';
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

describe('the summary of a traffic mix', () => {
  const outcomes = (total: number, failed: number, p50: number, p99: number, perSecond: number) => ({
    totalRequests: total, succeeded: total - failed, failedHttp5xx: failed, failedOtherStatus: 0, timeouts: 0, connectionErrors: 0,
    successRate: ((total - failed) / total) * 100, requestsPerSecond: perSecond, latencyMs: { avg: p50, p50, p95: p99, p99, max: p99 },
  });
  const routes: RouteSummary[] = [
    { name: 'search', method: 'GET', path: '/products?category=:category', ...outcomes(1_200, 0, 1_200, 2_800, 40) },
    { name: 'my orders', method: 'GET', path: '/users/:userId/orders', ...outcomes(900, 0, 2_570, 3_010, 30) },
    { name: 'place order', method: 'POST', path: '/orders', ...outcomes(450, 12, 1_200, 2_000, 15) },
  ];

  it('says it sent a mix, and gives each route its requests, failures, p50, p99 and req/s under the totals', () => {
    const text = renderSummary({ ...record({ route: 'mix', routes }), verdict: 'red' }, 'next', 20, plain);
    expect(text.split('\n')[0]).toBe('200 users on a mix of 3 routes for 30 s');
    expect(text).toContain(
      [
        '  by route         requests    failed       p50       p99     req/s',
        '    search            1,200         0    1.20 s    2.80 s      40.0   GET /products',
        '    my orders           900         0    2.57 s    3.01 s      30.0   GET /users/:userId/orders',
        '    place order         450        12    1.20 s    2.00 s      15.0   POST /orders',
      ].join('\n'),
    );
    // The totals stay where they were.
    expect(text).toMatch(/ {2}requests {8}1,800 /);
  });

  it('names the method of a run on one POST route', () => {
    expect(renderSummary(record({ route: '/orders', method: 'POST' }), 'next', 20, plain).split('\n')[0]).toBe('200 users on POST /orders for 30 s');
  });
});


describe("the summary's CPU line", () => {
  it('gives each process its cores and event loop, then the whole machine', () => {
    const usage = {
      seconds: 30,
      processes: { 'app-1': { pid: 1, cpuCores: 0.973, eventLoopBusy: 0.988 }, balancer: { pid: 2, cpuCores: 0.08, eventLoopBusy: null }, 'app-2': { pid: 3, cpuCores: null, eventLoopBusy: null } },
      machine: { cores: 2, busyCores: 1 },
    };
    const text = renderSummary({ ...record({}), usage }, 'next', 20, plain);
    expect(text).toContain('  CPU used        app-1 0.97 cores (event loop busy 99%) · balancer 0.08 cores · app-2 CPU unknown · whole machine 1.00 core of 2');
    expect(text.indexOf('CPU used')).toBeGreaterThan(text.indexOf('throughput'));
  });

  it('is left out when the run recorded no usage', () => {
    expect(renderSummary(record({}), 'next', 20, plain)).not.toContain('CPU used');
  });
});
