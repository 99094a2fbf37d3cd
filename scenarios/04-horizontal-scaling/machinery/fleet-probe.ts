/**
 * What Scenario 4's checks read and do to the running lab: its app instances and the balancer
 * (through the lab server, as `npm run scale`, `chaos` and `deploy` do), their own metrics, the
 * machine's cores, and short loads through the balancer as the load test sends them.
 */
import os from 'node:os';
import type { CheckFleet, FleetMember, RunSummary } from '../../../lab/sdk.js';
import { LabError, parsePrometheusText, shortRun, sizeForDraws, sumOf } from '../../../lab/sdk.js';
import scenario from './scenario.js';

export const APP_ROLE = 'app';
export const MOST_INSTANCES = scenario.processes!.find((role) => role.role === APP_ROLE)!.count.max;
const METRICS_TIMEOUT_MS = 3_000;

/** The cores this machine gives Node.js processes: the most instances that can each run at once. */
export function machineCores(): number {
  return os.availableParallelism();
}

export function plural(n: number, noun: string, nouns = `${noun}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? noun : nouns}`;
}

/** The app's instances running now (each with its port). */
export async function instances(fleet: CheckFleet): Promise<FleetMember[]> {
  return (await fleet.members()).filter((member) => member.role === APP_ROLE && member.pid !== undefined && member.port !== undefined);
}

/** Runs `measure` with `count` instances, then puts the count the learner had back (one that was down counts: it is started again). */
export async function withInstances<T>(fleet: CheckFleet, count: number, measure: () => Promise<T>): Promise<T> {
  const before = (await fleet.members()).filter((member) => member.role === APP_ROLE).length;
  if (before !== count) await fleet.scale(APP_ROLE, count);
  try {
    return await measure();
  } finally {
    if (before !== count) await fleet.scale(APP_ROLE, Math.max(1, before));
  }
}

/** A process's own metrics, as Prometheus reads them. */
export async function metricsOf(member: FleetMember): Promise<ReturnType<typeof parsePrometheusText>> {
  const url = `http://127.0.0.1:${member.port}${member.metricsPath ?? '/metrics'}`;
  const response = await fetch(url, { signal: AbortSignal.timeout(METRICS_TIMEOUT_MS) });
  if (!response.ok) throw new LabError('MEASUREMENT_UNAVAILABLE', `${member.name}'s metrics (${url}) answered ${response.status}.`);
  return parsePrometheusText(await response.text());
}

/** The sum of a metric's samples whose labels include `labels`; 0 when the process does not publish it. */
export function total(samples: ReturnType<typeof parsePrometheusText>, name: string, labels: Record<string, string> = {}): number {
  return sumOf(samples, name, labels) ?? 0;
}

/** Each instance's count of the requests it answered so far (0 for one that does not answer). */
export async function requestsByInstance(members: FleetMember[]): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const member of members) counts.set(member.name, await metricsOf(member).then((samples) => total(samples, 'http_requests_total'), () => 0));
  return counts;
}

/**
 * The balancer's retries so far, by cause: `cut` ones reached an instance that then broke the
 * connection; `resent` counts the POSTs (logins) among them that it sent again all the same.
 */
export async function balancerRetries(fleet: CheckFleet): Promise<{ cut: number; refused: number; resent: number }> {
  const balancer = (await fleet.members()).find((member) => member.role === 'balancer');
  if (!balancer) throw new LabError('SCENARIO_DEFINITION', 'The lab runs no balancer in front of the app; Scenario 4 needs its "balancer" process.');
  const samples = await metricsOf(balancer);
  return {
    cut: total(samples, 'lab_balancer_retries_total', { cause: 'cut' }),
    refused: total(samples, 'lab_balancer_retries_total', { cause: 'refused' }),
    resent: total(samples, 'lab_balancer_non_idempotent_resent_total'),
  };
}

/** The load test's traffic through the balancer for `seconds`: its users (a closed model) unless a rate is given. */
export async function sendTraffic(appUrl: string, adminDatabaseUrl: string, seconds: number, ratePerSecond?: number): Promise<RunSummary> {
  const { users, mix, requestTimeoutSeconds } = scenario.loadTest;
  const size = await sizeForDraws(scenario, adminDatabaseUrl);
  return shortRun(appUrl, { routes: mix!, users, ...(ratePerSecond !== undefined ? { ratePerSecond } : {}), seconds, requestTimeoutSeconds, ...(size ? { size } : {}) });
}

/** The load test's rate on this machine (measured on the first start): what the goal sends. */
export function loadTestRate(): number {
  return scenario.loadTest.ratePerSecond!;
}
