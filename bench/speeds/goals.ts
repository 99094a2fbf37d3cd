/**
 * What the lesson promises at any machine speed, judged on one speed's results: the three
 * states of a 200-user load test must look as SCENARIO.md says. Pure, so it is tested on
 * fixed numbers.
 */
import { failedRequests } from '../../lab/loadtest/summary.js';
import type { RunSummary } from '../../lab/runs/run-record.js';
import type { CalibrationDecision } from '../../lab/calibration.js';

/** The load test's client timeout: pool only must answer well within it. */
export const CLIENT_TIMEOUT_SECONDS = 20;

export interface SpeedSetting {
  id: 'both-cores' | 'one-core' | 'one-core-shared';
  /** How the speed is made, for the report. */
  description: string;
  /** Runs the lab, the load and PostgreSQL on core 0 only (taskset -c 0). */
  pinned: boolean;
  /** A busy loop shares core 0 with them. */
  burner: boolean;
}

export const SPEED_SETTINGS: SpeedSetting[] = [
  { id: 'both-cores', description: 'both cores, nothing else running', pinned: false, burner: false },
  { id: 'one-core', description: 'everything on one core (taskset -c 0)', pinned: true, burner: false },
  { id: 'one-core-shared', description: 'one core, shared with a CPU burner', pinned: true, burner: true },
];

export interface SpeedResult {
  setting: SpeedSetting;
  /** The pool-alone requests/s at the default size: the speed the lesson runs at. */
  poolAloneAtDefault: number;
  /** Two first starts' calibrations from the default size, to see whether the decision is stable. */
  calibrations: CalibrationDecision[][];
  posts: number;
  users: number;
  seconds: number;
  broken: RunSummary;
  poolOnly: RunSummary;
  poolAndIndex: RunSummary;
}

export interface SpeedGoal {
  state: 'broken' | 'pool only' | 'pool + index';
  target: string;
  measured: string;
  met: boolean;
}

/** The refusal PostgreSQL answers a full server with (SQLSTATE 53300), in either wording. */
const TOO_MANY_CONNECTIONS = /too many clients|remaining connection slots are reserved/;

export function evaluateSpeed(result: SpeedResult): SpeedGoal[] {
  const { broken, poolOnly, poolAndIndex } = result;
  const failedShare = (summary: RunSummary) => (summary.totalRequests === 0 ? 0 : (100 * failedRequests(summary)) / summary.totalRequests);
  const topError = broken.topServerError?.message ?? 'none';
  return [
    {
      state: 'broken',
      target: '≥ 20% failed, most said "too many clients" (53300)',
      measured: `${fmt(failedShare(broken), 1)}% failed; top error: ${topError}`,
      met: failedShare(broken) >= 20 && TOO_MANY_CONNECTIONS.test(topError),
    },
    {
      state: 'pool only',
      target: `0 failed, p50 ≥ 1 s, p99 ≤ ${CLIENT_TIMEOUT_SECONDS / 2} s`,
      measured: `${failedRequests(poolOnly)} failed, p50 ${seconds(poolOnly.latencyMs.p50)}, p99 ${seconds(poolOnly.latencyMs.p99)}`,
      met: failedRequests(poolOnly) === 0 && poolOnly.latencyMs.p50 >= 1_000 && poolOnly.latencyMs.p99 <= (CLIENT_TIMEOUT_SECONDS / 2) * 1_000,
    },
    {
      state: 'pool + index',
      target: '0 failed, p99 < 1 s',
      measured: `${failedRequests(poolAndIndex)} failed, p99 ${seconds(poolAndIndex.latencyMs.p99)}`,
      met: failedRequests(poolAndIndex) === 0 && poolAndIndex.latencyMs.p99 < 1_000,
    },
  ];
}

function seconds(ms: number): string {
  return ms >= 1_000 ? `${fmt(ms / 1_000, 2)} s` : `${fmt(ms, 0)} ms`;
}

export function fmt(value: number, digits: number): string {
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}
