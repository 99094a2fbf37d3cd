/** `npm run bench -- --slow`: the lesson's goals at one speed and the side-by-side report, on fixed inputs. */
import { describe, expect, it } from 'vitest';
import { evaluateSpeed, SPEED_SETTINGS, type SpeedResult } from '../../bench/speeds/goals.js';
import { renderSpeedsMarkdown } from '../../bench/speeds/report.js';
import type { RunSummary } from '../../lab/runs/run-record.js';
import { runRecord } from '../helpers/run-records.js';

const summary = (overrides: Partial<RunSummary>): RunSummary => runRecord({ summary: overrides }).summary;
const latency = (p50: number, p99: number) => ({ avg: p50, p50, p95: p99, p99, max: p99 });

const TOO_MANY = { message: 'sorry, too many clients already', count: 900 };

function speed(overrides: Partial<SpeedResult> = {}, settingIndex = 0): SpeedResult {
  return {
    setting: SPEED_SETTINGS[settingIndex]!,
    poolAloneAtDefault: 60,
    calibrations: [
      [{ measuredRequestsPerSecond: 60, predictedWaitSeconds: 3.3, size: 100_000, changed: false, reason: 'kept' }],
      [{ measuredRequestsPerSecond: 58, predictedWaitSeconds: 3.4, size: 100_000, changed: false, reason: 'kept' }],
    ],
    posts: 100_000,
    users: 200,
    seconds: 30,
    broken: summary({ totalRequests: 3_000, succeeded: 1_500, failedHttp5xx: 1_500, successRate: 50, topServerError: TOO_MANY }),
    poolOnly: summary({ latencyMs: latency(3_000, 4_500) }),
    poolAndIndex: summary({ latencyMs: latency(40, 90) }),
    ...overrides,
  };
}

describe('the lesson at one speed', () => {
  it('passes when the three states look as the walkthrough says', () => {
    expect(evaluateSpeed(speed()).map((goal) => goal.met)).toEqual([true, true, true]);
  });

  it('fails a broken server that failed too little, or for another reason than the connection limit', () => {
    const fewFailures = speed({ broken: summary({ totalRequests: 1_000, succeeded: 900, failedHttp5xx: 100, topServerError: TOO_MANY }) });
    expect(evaluateSpeed(fewFailures)[0]!.met).toBe(false);
    const otherError = speed({ broken: summary({ totalRequests: 1_000, succeeded: 500, failedHttp5xx: 500, topServerError: { message: 'Connection terminated', count: 500 } }) });
    expect(evaluateSpeed(otherError)[0]!.met).toBe(false);
    const timeouts = speed({ broken: summary({ totalRequests: 1_000, succeeded: 500, timeouts: 500, topServerError: null }) });
    expect(evaluateSpeed(timeouts)[0]).toMatchObject({ met: false, measured: expect.stringContaining('50.0% failed; top error: none') });
  });

  it('fails a pool-only state that is too fast to show the queue, too close to the timeout, or failing', () => {
    expect(evaluateSpeed(speed({ poolOnly: summary({ latencyMs: latency(900, 1_500) }) }))[1]!.met).toBe(false);
    expect(evaluateSpeed(speed({ poolOnly: summary({ latencyMs: latency(6_000, 10_500) }) }))[1]!.met).toBe(false);
    expect(evaluateSpeed(speed({ poolOnly: summary({ timeouts: 3, latencyMs: latency(3_000, 4_000) }) }))[1]!.met).toBe(false);
  });

  it('fails pool + index at a p99 of a second or more', () => {
    expect(evaluateSpeed(speed({ poolAndIndex: summary({ latencyMs: latency(300, 1_000) }) }))[2]!.met).toBe(false);
  });
});

describe('the report of every speed', () => {
  it('shows each speed with its slowdown against both cores, its calibrations and a mark per goal', () => {
    const report = renderSpeedsMarkdown({
      startedAt: '2026-11-27T02:00:00.000Z',
      totalSeconds: 600,
      machine: { cpuModel: 'Test CPU', cores: 2, memoryGiB: 24, node: 'v20.20.2', platform: 'linux-x64' },
      results: [speed(), speed({ poolAloneAtDefault: 20, poolAndIndex: summary({ latencyMs: latency(400, 1_400) }) }, 2)],
      notes: [],
    });
    expect(report).toContain('| both cores, nothing else running | 1.0× | 60 req/s → 100,000 / 58 req/s → 100,000 | 100,000 | broken |');
    expect(report).toMatch(/\| one core, shared with a CPU burner \| 3\.0× \|/);
    expect(report.match(/✔/g)).toHaveLength(5);
    expect(report.match(/✘/g)).toHaveLength(1);
  });
});
