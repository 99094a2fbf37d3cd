import { describe, expect, it } from 'vitest';
import type { RouteSummary, RunRecord } from '../runs/run-record.js';
import { ratio, renderRunsTable } from './runs-table.js';

function run(label: string, route: string, successRate: number, p50: number, p99: number, requestsPerSecond: number): RunRecord {
  return {
    id: label,
    label,
    labelGiven: false,
    startedAt: '2026-11-26T14:00:00.000Z',
    endedAt: '2026-11-26T14:00:30.000Z',
    partial: false,
    summary: {
      users: 200, durationSeconds: 30, route, totalRequests: 1_000, succeeded: 10 * successRate, failedHttp5xx: 1_000 - 10 * successRate, failedOtherStatus: 0,
      timeouts: 0, connectionErrors: 0, successRate, requestsPerSecond, latencyMs: { avg: p50, p50, p95: p99, p99, max: p99 },
    },
    snapshot: { createdAtIndexPresent: false, newSessionsPerRequest: null, peakConnections: null },
    verdict: successRate < 100 ? 'red' : 'green',
  };
}

describe('ratio', () => {
  it('says how a number compares with the first run', () => {
    expect(ratio(100, 7000, 'lower', 'higher')).toBe('70× lower');
    expect(ratio(2455, 75, 'lower', 'higher')).toBe('33× higher');
    expect(ratio(150, 100, 'lower', 'higher')).toBe('1.5× higher');
    expect(ratio(102, 100, 'lower', 'higher')).toBe('about the same');
    expect(ratio(0, 100, 'lower', 'higher')).toBe('n/a');
  });
});

describe('the runs table', () => {
  const table = renderRunsTable([
    run('broken', '/feed', 20, 700, 9_000, 100),
    run('pool + index', '/feed', 100, 30, 120, 3_300),
    run('user posts', '/users/42/posts', 100, 900, 2_000, 200),
    run('user posts, indexed', '/users/42/posts', 100, 20, 80, 4_000),
  ]);
  const line = (label: string) => table.split('\n').find((row) => row.includes(` ${label} `))!;

  it('shows the route and p50 of each run', () => {
    expect(table.split('\n')[1]).toMatch(/│ # │ run +│ started +│ users │ route +│ success │ +p50 │ +p99 │ req\/s │ vs first run/);
    expect(line('broken')).toMatch(/│ \/feed +│ +20\.0% │ +700 ms │ +9\.00 s │/);
  });

  it('compares success too, and only with the first run on the same route', () => {
    expect(line('pool + index')).toMatch(/success \+80 pts, p99 75× lower, req\/s 33× higher/);
    expect(line('user posts')).toMatch(/│ — +│$/);
    expect(line('user posts, indexed')).toMatch(/success about the same, p99 25× lower, req\/s 20× higher/);
  });
});

describe('the runs table with traffic-mix runs', () => {
  const route = (name: string, successRate: number, p50: number, p99: number, requestsPerSecond: number): RouteSummary => ({
    name, method: 'GET', path: `/${name}`, totalRequests: 100, succeeded: successRate, failedHttp5xx: 100 - successRate, failedOtherStatus: 0,
    timeouts: 0, connectionErrors: 0, successRate, requestsPerSecond, latencyMs: { avg: p50, p50, p95: p99, p99, max: p99 },
  });
  const mixRun = (label: string, routes: RouteSummary[]): RunRecord => {
    const base = run(label, 'mix', 100, 1_000, 3_000, 50);
    return { ...base, summary: { ...base.summary, routes } };
  };
  const table = renderRunsTable([
    mixRun('no index', [route('search', 100, 1_200, 2_800, 20), route('orders', 90, 2_500, 3_000, 15)]),
    run('orders only', '/orders', 100, 900, 2_000, 200),
    mixRun('one index', [route('search', 100, 600, 1_400, 40), route('orders', 100, 100, 300, 60)]),
  ]);
  const lines = table.split('\n');
  const index = (text: string) => lines.findIndex((row) => row.includes(text));

  it('shows each route of a mix run on its own line under the run', () => {
    expect(lines[index(' no index ')]).toMatch(/│ mix +│/);
    expect(lines[index(' no index ') + 1]).toMatch(/│ +│ +│ +│ +│ · search +│ +100% │ +1\.20 s │ +2\.80 s │ +20\.0 │ — +│/);
    expect(lines[index(' no index ') + 2]).toMatch(/│ · orders +│ +90\.0% │ +2\.50 s │ +3\.00 s │ +15\.0 │ — +│/);
    // A run on one route has no such lines.
    expect(lines[index(' orders only ') + 1]).toMatch(/ one index /);
  });

  it('compares each route with the same route in the first run of the mix', () => {
    expect(lines[index(' one index ') + 1]).toMatch(/· search .*success about the same, p99 2\.0× lower, req\/s 2\.0× higher/);
    expect(lines[index(' one index ') + 2]).toMatch(/· orders .*success \+10 pts, p99 10× lower, req\/s 4\.0× higher/);
  });
});

