/**
 * Sections 4 and 5: the load generator's own ceiling (200 users on a server that does no
 * work), and what the app's request metrics cost (the fixed app with METRICS=off vs on).
 */
import { spawn } from 'node:child_process';
import { freePort } from '../../lab/net/free-port.js';
import { isListening } from '../../lab/net/ports.js';
import type { Lab } from '../../lab/lab.js';
import { loadFor } from './load.js';
import { serverOf, solvedState } from './bench-states.js';
import { runAgainst, type LoadPlan } from './states.js';

export interface MetricsOverheadResult {
  /** req/s of each alternating run, so the noise is visible next to the difference. */
  onRuns: number[];
  offRuns: number[];
  onRequestsPerSecond: number;
  offRequestsPerSecond: number;
  /** How much slower with metrics, in percent of the rate without (negative: faster). */
  lossPercent: number;
}

/** req/s the generator reaches against a separate process that answers `{}` at once. */
export async function measureGeneratorCeiling(users: number, seconds: number): Promise<number> {
  const port = await freePort();
  const noWorkServer = `require('node:http').createServer((q, s) => { s.setHeader('content-type', 'application/json'); s.end('{}'); }).listen(${port}, '127.0.0.1')`;
  const server = spawn(process.execPath, ['-e', noWorkServer], { stdio: 'ignore' });
  try {
    const deadline = Date.now() + 10_000;
    while (!(await isListening(port))) {
      if (Date.now() > deadline) throw new Error('the no-work server did not start');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return (await loadFor(port, { route: '/' }, users, seconds)).requestsPerSecond;
  } finally {
    server.kill('SIGTERM');
  }
}

/**
 * The solved app with metrics on and off (the database must be in the solved state).
 * Alternates metrics on/off runs in ABBA order (on, off, off, on, on, off, …), so neither
 * setting always runs first and drift on a busy machine hits both alike.
 */
export async function measureMetricsOverhead(lab: Lab, databaseUrl: string, plan: LoadPlan, rounds: number): Promise<MetricsOverheadResult> {
  const onRuns: number[] = [];
  const offRuns: number[] = [];
  const server = serverOf(lab, solvedState(lab));
  const runOn = async () => onRuns.push((await runAgainst(lab, server, databaseUrl, plan)).requestsPerSecond);
  const runOff = async () => offRuns.push((await runAgainst(lab, server, databaseUrl, plan, { METRICS: 'off' })).requestsPerSecond);
  for (let round = 0; round < rounds; round += 1) {
    if (round % 2 === 0) {
      await runOn();
      await runOff();
    } else {
      await runOff();
      await runOn();
    }
  }
  const on = median(onRuns);
  const off = median(offRuns);
  return { onRuns, offRuns, onRequestsPerSecond: on, offRequestsPerSecond: off, lossPercent: off > 0 ? ((off - on) / off) * 100 : 0 };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
