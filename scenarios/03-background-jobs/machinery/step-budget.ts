/**
 * Step "budget": with every worker the scenario allows running through a backlog while people
 * sign up, the app's processes together stay within the database's connection budget, and no
 * sign-up fails. The check scales the workers to the most, queues a backlog, sends the load
 * test's sign-ups for a few seconds, and samples the connections the app's role holds.
 *
 * Midway it stalls the jobs table for two seconds (a lock, as a migration or a VACUUM FULL
 * takes): statements wait, so every pool grows to its limit, as pools do when the database
 * slows down. A pool that may open more than its share shows it then, not on a good day.
 */
import type { ScenarioStep, StepVerdict } from '../../../lab/sdk.js';
import { connectionBudget, duration, failed, failedRequests, isConnectionLimitMessage, passed, peakConnectionsUnderStall } from '../../../lab/sdk.js';
import { measureSignUps, withdrawSignUps } from './sign-ups.js';
import { HINTS } from './hints.js';
import { plural, withOwnJobs, withWorkers } from './queue-probe.js';
import scenario from './scenario.js';

/**
 * The app's share of the plan: max_connections less the superusers' reserved slots, the lab's
 * own two connections and one for a psql of yours. solution/worker.ts does the same sum.
 */
export const LAB_CONNECTIONS = 2;
export const PSQL_CONNECTIONS = 1;
export const BACKLOG_JOBS = 1_000;
const SAMPLE_MS = 100;
/** When the stall starts after the sign-ups begin, and how long it lasts. */
const STALL_AFTER_MS = 2_000;
export const STALL_MS = 2_000;

export const MOST_WORKERS = scenario.processes!.find((role) => role.role === 'worker')!.count.max;

export interface BudgetObservation {
  workers: number;
  /** What the app's processes may hold together. */
  budget: number;
  maxConnections: number;
  reserved: number;
  /** max_connections was set above the plan's size. */
  raised: boolean;
  peakAppConnections: number;
  signUps: number;
  failedSignUps: number;
  refusedSignUps: boolean;
  p99Ms: number;
}

export const budgetStep: ScenarioStep = {
  id: 'budget',
  title: `With ${MOST_WORKERS} workers busy and people signing up, the app stays within the database's connections`,
  required: true,
  hints: HINTS.budget,
  needs: ['app', 'database', 'fleet'],
  async check({ admin, appUrl, fleet, sendLoad }) {
    const running = await connectionBudget(admin);
    // The plan's size, not whatever max_connections says now: raising it is buying a bigger plan.
    const maxConnections = scenario.database.maxConnections!;
    const reserved = running.reservedForSuperusers;
    const { users } = scenario.loadTest;
    const observation = await sendLoad('connection budget', `The check runs ${MOST_WORKERS} workers on ${BACKLOG_JOBS.toLocaleString('en-US')} jobs while ${users} users sign up, stalls the jobs table for ${STALL_MS / 1000} s midway, and counts the app's connections`, () =>
      withWorkers(fleet!, MOST_WORKERS, () => withOwnJobs(admin, BACKLOG_JOBS, async (): Promise<BudgetObservation> => {
        const stall = { role: scenario.database.role, table: 'jobs', stallAfterMs: STALL_AFTER_MS, stallMs: STALL_MS, sampleEveryMs: SAMPLE_MS };
        try {
          const { result: summary, peak } = await peakConnectionsUnderStall(admin, stall, () => measureSignUps(appUrl));
          return {
            workers: MOST_WORKERS,
            budget: maxConnections - reserved - LAB_CONNECTIONS - PSQL_CONNECTIONS,
            maxConnections,
            reserved,
            raised: running.maxConnections > maxConnections,
            peakAppConnections: peak,
            signUps: summary.totalRequests,
            failedSignUps: failedRequests(summary),
            refusedSignUps: summary.topServerError !== null && summary.topServerError !== undefined && isConnectionLimitMessage(summary.topServerError.message),
            p99Ms: summary.latencyMs.p99,
          };
        } finally {
          await withdrawSignUps(admin);
        }
      })));
    return judgeBudget(observation);
  },
};

export function judgeBudget(o: BudgetObservation): StepVerdict {
  const sum = `${o.maxConnections} allowed, ${o.reserved} kept for superusers, ${LAB_CONNECTIONS} for the lab, ${PSQL_CONNECTIONS} for your psql`;
  const failures = o.failedSignUps > 0
    ? `${plural(o.failedSignUps, 'sign-up')} of ${o.signUps.toLocaleString('en-US')} failed${o.refusedSignUps ? ': PostgreSQL refused connections (too many clients)' : ''}`
    : `all ${plural(o.signUps, 'sign-up')} saved (p99 ${duration(o.p99Ms)})`;
  const observed = `${o.workers} workers with ${BACKLOG_JOBS.toLocaleString('en-US')} jobs waiting, the jobs table stalled for ${STALL_MS / 1000} s: the API and the workers held ${o.peakAppConnections} connections at the peak (their budget is ${o.budget}: ${sum}); ${failures}`;
  if (o.peakAppConnections <= o.budget && o.failedSignUps === 0) return passed(observed);
  if (o.raised && o.failedSignUps === 0) {
    return failed(
      observed,
      `max_connections was raised above the plan's ${o.maxConnections}: on a managed database that is a bigger plan, paid every month. Make the pools fit the budget instead`,
    );
  }
  const refused = o.failedSignUps > 0 ? '' : 'nothing failed this time, but at such a peak a psql of yours, or the lab, is refused: ';
  return failed(
    observed,
    `${refused}every worker's pool may open as many connections as it has jobs in progress, and ${o.workers} workers × that, plus the API's pool, is more than the database takes. A connection is needed only while a statement runs: size the pools from the budget (the hints show the sum)`,
  );
}
