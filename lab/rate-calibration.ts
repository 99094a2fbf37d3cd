/**
 * Sets the load test's rate to this machine on the lab's first start, for a scenario whose
 * lesson is one process's capacity (`loadTest.rateCalibration`).
 *
 * Such a lesson needs a rate that one process of the shipped app cannot keep up with, and that
 * a few processes on separate cores can: on any machine, whatever its speed. So the lab runs one
 * process of the shipped app (a pristine copy, never the learner's) under the load test's users
 * for a few seconds and reads its CPU time per request from its own metrics
 * (process_cpu_seconds_total and http_requests_total). One core answers 1 ÷ that many requests a
 * second; the rate is `overload` times that. CPU time, not requests answered per second: a
 * machine that is busy while it is measured gives a process less than a core, which would lower
 * a rate from wall time until one process could keep up with it on a quiet day.
 *
 * The result is kept in the lab's state folder (load-rate.json); load-rate.ts reads it for every
 * command that opens the lab.
 */
import { startApp, writePristineScenario } from './app-runner.js';
import { LabError } from './errors.js';
import { writeJsonFile } from './json-file.js';
import { learnerPath, type Lab } from './lab.js';
import { readRateCalibration, type RateCalibration } from './load-rate.js';
import { startLoad } from './loadtest/generator.js';
import { undoLoadTestWrites } from './loadtest/undo-writes.js';
import { parsePrometheusText, sumOf } from './metrics/prometheus-text.js';

const WARM_UP_SECONDS = 2;
const MEASURE_SECONDS = 4;
const METRICS_TIMEOUT_MS = 3_000;

/** Pure: the rate for a CPU cost per request, `overload` times what one core answers. */
export function rateFor(cpuMillisecondsPerRequest: number, overload: number): number {
  if (!(cpuMillisecondsPerRequest > 0)) throw new LabError('CALIBRATION', `A CPU time of ${cpuMillisecondsPerRequest} ms per request cannot set a rate.`);
  return Math.max(1, Math.round((overload * 1000) / cpuMillisecondsPerRequest));
}

/**
 * Measures and keeps the rate when the scenario wants one and none is kept yet. Returns what it
 * measured, or undefined when there was nothing to do. Bounded in time; stops the app it started.
 */
export async function calibrateRateIfNeeded(
  lab: Lab,
  appDatabaseUrl: string,
  log: (line: string) => void,
  measure: (appDatabaseUrl: string) => Promise<number> = (url) => measureCpuPerRequest(lab, url),
): Promise<RateCalibration | undefined> {
  const wanted = lab.scenario.loadTest.rateCalibration;
  if (!wanted || readRateCalibration(lab.paths.loadRate)) return undefined;
  log(`Timing one process of the app under ${lab.scenario.loadTest.users} users, to set the load test's rate for this machine…`);
  const cpuMilliseconds = await measure(appDatabaseUrl);
  const calibration: RateCalibration = {
    ratePerSecond: rateFor(cpuMilliseconds, wanted.overload),
    cpuMillisecondsPerRequest: Math.round(cpuMilliseconds * 100) / 100,
    measuredAt: new Date().toISOString(),
  };
  writeJsonFile(lab.paths.loadRate, calibration);
  const oneCore = Math.round(1000 / cpuMilliseconds);
  log(
    `One process spent ${cpuMilliseconds.toFixed(1)} ms of CPU per request: one core answers about ${oneCore} requests/s, ` +
      `so the load test sends ${calibration.ratePerSecond} requests/s (${wanted.overload}× that). Measured once; delete ${learnerPath(lab.paths.loadRate, lab.paths.runFrom)} to measure again.`,
  );
  return calibration;
}

/**
 * One process of the shipped app under the load test's users and traffic: its CPU time per
 * request answered, in milliseconds, over a few seconds after a warm-up (its JIT compiles the
 * hot code first).
 */
export async function measureCpuPerRequest(lab: Lab, appDatabaseUrl: string): Promise<number> {
  const { scenario } = lab;
  const { users, mix, route, requestTimeoutSeconds } = scenario.loadTest;
  const size = await scenario.dataset.seededSize(appDatabaseUrl);
  const app = await startApp(writePristineScenario(lab).brokenServer, appDatabaseUrl);
  try {
    let first: Promise<ProcessWork> | undefined;
    const load = startLoad({
      port: app.port,
      ...(mix ? { routes: mix } : { route }),
      users,
      requestTimeoutSeconds,
      ...(size ? { size } : {}),
      durationSeconds: WARM_UP_SECONDS + MEASURE_SECONDS,
      onProgress: (progress) => {
        if (progress.elapsedSeconds >= WARM_UP_SECONDS) first ??= readWork(app.url);
      },
    });
    await load.finished;
    const last = await readWork(app.url);
    if (!first) throw new LabError('CALIBRATION', 'The calibration load ended before its warm-up did; the app could not be timed.');
    const before = await first;
    const requests = last.requests - before.requests;
    if (requests <= 0) throw new LabError('CALIBRATION', `The app answered no request while it was timed; its output:\n${app.output()}`);
    return ((last.cpuSeconds - before.cpuSeconds) * 1000) / requests;
  } finally {
    await app.stop();
    await undoLoadTestWrites(scenario, appDatabaseUrl);
  }
}

interface ProcessWork {
  cpuSeconds: number;
  requests: number;
}

/** The process's CPU seconds so far and the requests it has answered, from its /metrics. */
async function readWork(appUrl: string): Promise<ProcessWork> {
  const response = await fetch(`${appUrl}/metrics`, { signal: AbortSignal.timeout(METRICS_TIMEOUT_MS) });
  if (!response.ok) throw new LabError('CALIBRATION', `${appUrl}/metrics answered ${response.status}; the calibration reads the app's CPU time there.`);
  const samples = parsePrometheusText(await response.text());
  const cpuSeconds = sumOf(samples, 'process_cpu_seconds_total');
  if (cpuSeconds === null) {
    throw new LabError('CALIBRATION', `${appUrl}/metrics has no process_cpu_seconds_total; the calibration needs the app's default Node.js metrics.`);
  }
  return { cpuSeconds, requests: sumOf(samples, 'http_requests_total') ?? 0 };
}
