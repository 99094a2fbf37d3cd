/** The benchmark's parsing, goal evaluation and report writing, on fixed inputs. */
import { describe, expect, it } from 'vitest';
import { evaluateGoals, renderMarkdown, type BenchResult } from '../../bench/report.js';
import { median } from '../../bench/sections/ceilings.js';
import { parsePgbenchTps } from '../../bench/sections/pgbench.js';
import { parseSeedRate } from '../../bench/sections/startup.js';
import type { RunSummary } from '../../lab/runs/run-record.js';

function summary(successRate: number, rps: number, p50: number, p99: number): RunSummary {
  return {
    users: 200, durationSeconds: 20, route: '/feed', totalRequests: 1000, succeeded: 1000, failedHttp5xx: 0, failedOtherStatus: 0,
    timeouts: 0, connectionErrors: 0, successRate, requestsPerSecond: rps, latencyMs: { avg: p50, p50, p95: p99, p99, max: p99 },
  };
}

const RESULT: BenchResult = {
  scenario: '01-connection-pools',
  startedAt: '2026-11-26T15:00:00.000Z',
  totalSeconds: 301,
  quick: false,
  machine: { cpuModel: 'Test CPU', cores: 2, memoryGiB: 24, node: 'v20.20.2', platform: 'linux-x64' },
  p99GoalMs: 1_000,
  unit: 'posts',
  dataset: { posts: 100_000, users: 5_000 },
  startup: { coldSeconds: 4.2, warmSeconds: 1.1, seedRowsPerSecond: 250_000, calibration: '60 unindexed feed queries/s …' },
  states: {
    users: 200,
    seconds: 20,
    runs: [
      { name: 'broken (connection per request)', summary: summary(70, 60, 2_000, 7_000) },
      { name: 'pool only', summary: summary(100, 35, 5_600, 7_400) },
      { name: 'pool + index', summary: summary(100, 3_000, 55, 120) },
    ],
    solvedCpu: { appMicros: 300, postgresMicros: 250, generatorMicros: 100, coresBusy: 1.95 },
  },
  pgbench: { clients: 10, seconds: 10, transactionsPerSecond: 8_000, postgresMicrosPerTransaction: 200, clientMicrosPerTransaction: 40 },
  generatorCeilingRequestsPerSecond: 12_000,
  loadUsers: 200,
  metricsOverhead: { onRuns: [2_900, 3_000, 3_100], offRuns: [3_000, 3_100, 3_200], onRequestsPerSecond: 3_000, offRequestsPerSecond: 3_100, lossPercent: 3.2 },
  metricsCost: { withMicros: 25.4, withoutMicros: 22.4, costMicros: 3 },
  scaling: [{ size: 100_000, shippedMs: 30, solvedMs: 0.1 }],
  own: null,
  notes: ['a note'],
};

describe('benchmark parsing', () => {
  it('reads tps from pgbench and refuses output without it', () => {
    const output = 'number of transactions actually processed: 81234\nlatency average = 1.231 ms\ninitial connection time = 12.3 ms\ntps = 8123.456789 (without initial connection time)\n';
    expect(parsePgbenchTps(output)).toBeCloseTo(8123.456789);
    expect(() => parsePgbenchTps('pgbench: error: connection refused')).toThrow(/no tps line/);
  });

  it('reads the seed rate the lab prints', () => {
    expect(parseSeedRate('  Seeded 105,000 rows in 0.4 s (261,845 rows/s).')).toBe(261_845);
    expect(parseSeedRate('no seeding today')).toBeNull();
  });

  it('takes medians of odd and even counts', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});

describe('benchmark goals and report', () => {
  it('judges each goal from the measured ratios', () => {
    const goals = Object.fromEntries(evaluateGoals(RESULT).map((goal) => [goal.name, goal]));
    expect(goals['Cold start to ready']!.met).toBe(true);
    expect(goals['Fixed app vs database ceiling (pgbench)']).toMatchObject({ met: false, measured: '38% (3,000 req/s ÷ 8,000 TPS)' });
    expect(goals['Load generator vs fixed app']).toMatchObject({ met: true, measured: '4.0× (12,000 ÷ 3,000 req/s)' });
    // 3 µs of the app's 300 µs per request: 1%, whatever the noisy A/B runs say.
    expect(goals['Request metrics overhead']).toMatchObject({ met: true });
    expect(goals['Request metrics overhead']!.measured).toMatch(/^1\.0% of the app's CPU \(3\.0 of 300 µs per request\); A\/B runs: 3,000 vs 3,100 req\/s, 3\.2%$/);
  });

  it('marks a goal unmeasured, not failed, when pgbench is missing', () => {
    const goals = evaluateGoals({ ...RESULT, pgbench: null });
    expect(goals.find((goal) => goal.name.startsWith('Fixed app vs database'))).toMatchObject({ met: null, measured: 'n/a' });
  });

  it('writes a Markdown report with the machine, the goals, the three states and the scaling table', () => {
    const markdown = renderMarkdown(RESULT);
    expect(markdown).toContain('on Test CPU, 2 cores, 24 GiB');
    expect(markdown).toContain('| Load generator vs fixed app | ≥ 3× | 4.0× (12,000 ÷ 3,000 req/s) | ✔ |');
    expect(markdown).toContain('| broken (connection per request) | 70.0% | 2.00 s | 7.00 s | 60 | 0 |');
    expect(markdown).toContain('| pool + index | 100.0% | 55 ms | 120 ms | 3,000 | 0 |');
    expect(markdown).toContain('| posts | as shipped | solved | ratio |');
    expect(markdown).toContain('| 100,000 | 30.0 ms | 0.10 ms | 300.0× |');
    expect(markdown).toContain('- a note');
    expect(markdown).not.toMatch(/\n\n\n/);
    // Where the CPU went: 650 µs per request on 2 cores bounds the machine at ~3,077 req/s.
    expect(markdown).toContain('| the app (Node.js: HTTP, JSON, pg protocol) | 300 µs | 46% |');
    expect(markdown).toContain('2 cores ÷ 650 µs bounds this machine at about 3,077 req/s; measured 3,000.');
    expect(markdown).toContain('pgbench spends 200 µs of PostgreSQL CPU and 40 µs of client CPU per query.');
  });

  it("adds the scenario's own section under its title, before the notes", () => {
    const markdown = renderMarkdown({ ...RESULT, own: { title: 'The queue', markdown: '| queue | jobs/s |\n|---|---|\n| ours | 900 |\n', figures: {} } });
    expect(markdown).toContain('\n## The queue\n\n| queue | jobs/s |\n|---|---|\n| ours | 900 |\n\n## Notes');
    expect(renderMarkdown(RESULT)).not.toContain('## The queue');
  });

  it('judges the solved state on every route of a mix, and shows each route of each state', () => {
    const route = (name: string, p99: number, failed: number) => ({ ...summary(100, 100, 10, p99), name, method: 'GET' as const, path: `/${name}`, timeouts: failed });
    const shipped = { ...summary(100, 50, 500, 3_000), route: 'mix', routes: [route('search', 3_000, 4), route('my orders', 900, 0)] };
    const solved = { ...summary(100, 900, 10, 80), route: 'mix', routes: [route('search', 80, 0), route('my orders', 1_200, 0)] };
    const mixed: BenchResult = { ...RESULT, states: { ...RESULT.states, runs: [{ name: 'as shipped', summary: shipped }, { name: 'solved', summary: solved }] } };
    const goal = evaluateGoals(mixed)[0]!;
    // The whole mix's p99 is 80 ms, but one route misses the 1 s goal: not green.
    expect(goal).toMatchObject({ met: false, measured: '0 failed, worst route p99 1,200 ms' });
    const markdown = renderMarkdown(mixed);
    expect(markdown).toContain('### Per route (green: no failed request and p99 under 1 s)');
    expect(markdown).toContain('| as shipped | search | 100.0% | 10 ms | 3.00 s | 100 | 4 | ✘ |');
    expect(markdown).toContain('| solved | search | 100.0% | 10 ms | 80 ms | 100 | 0 | ✔ |');
    expect(markdown).toContain('| solved | my orders | 100.0% | 10 ms | 1.20 s | 100 | 0 | ✘ |');
  });
});
