/**
 * Step "budget": with the most instances the lab runs, customers logging in all at once, the
 * instances together stay within the database's connections and no login fails. The check
 * scales to the most instances, sends logins from many users at once for a few seconds, and
 * samples the connections the app's role holds.
 *
 * Midway it stalls writes to the users table for two seconds (a lock, as a migration takes):
 * the logins' UPDATE waits, so every instance's pool grows to its limit, as pools do when the
 * database slows down. A pool that may open more than its share shows it then, not on a good day.
 */
import type { ScenarioStep, StepVerdict } from '../../../lab/sdk.js';
import { connectionBudget, duration, failed, failedRequests, isConnectionLimitMessage, passed, peakConnectionsUnderStall, shortRun } from '../../../lab/sdk.js';
import { HINTS } from './hints.js';
import { MOST_INSTANCES, plural, withInstances } from './fleet-probe.js';
import scenario from './scenario.js';

/** The lab's own two connections and one for a psql of yours: solution/app.ts does the same sum. */
export const LAB_CONNECTIONS = 2;
export const PSQL_CONNECTIONS = 1;
/** Customers logging in at once: more than the budget, so that pools sized for one instance ask for too much. */
export const LOGIN_USERS = 60;
const LOGIN_SECONDS = 6;
const SAMPLE_MS = 100;
const STALL_AFTER_MS = 2_000;
export const STALL_MS = 2_000;

export interface BudgetObservation {
  instances: number;
  budget: number;
  maxConnections: number;
  reserved: number;
  /** max_connections was set above the plan's size. */
  raised: boolean;
  peakAppConnections: number;
  logins: number;
  failedLogins: number;
  refused: boolean;
  p99Ms: number;
}

export const budgetStep: ScenarioStep = {
  id: 'budget',
  title: `With ${MOST_INSTANCES} instances and everyone logging in at once, the app stays within the database's connections`,
  required: true,
  hints: HINTS.budget,
  needs: ['app', 'database', 'fleet'],
  async check({ admin, appUrl, fleet, sendLoad }) {
    const running = await connectionBudget(admin);
    // The plan's size, not whatever max_connections says now: raising it is buying a bigger plan.
    const maxConnections = scenario.database.maxConnections!;
    const reserved = running.reservedForSuperusers;
    const login = scenario.loadTest.mix!.find((route) => route.method === 'POST')!;
    const observation = await sendLoad(
      'connection budget',
      `The check runs ${MOST_INSTANCES} instances while ${LOGIN_USERS} users log in for ${LOGIN_SECONDS} s, stalls the users table for ${STALL_MS / 1000} s midway, and counts the app's connections`,
      () =>
        withInstances(fleet!, MOST_INSTANCES, async (): Promise<BudgetObservation> => {
          const stall = { role: scenario.database.role, table: 'users', stallAfterMs: STALL_AFTER_MS, stallMs: STALL_MS, sampleEveryMs: SAMPLE_MS };
          const { result: summary, peak } = await peakConnectionsUnderStall(admin, stall, () =>
            shortRun(appUrl, { routes: [login], users: LOGIN_USERS, seconds: LOGIN_SECONDS, requestTimeoutSeconds: scenario.loadTest.requestTimeoutSeconds }),
          );
          return {
            instances: MOST_INSTANCES,
            budget: maxConnections - reserved - LAB_CONNECTIONS - PSQL_CONNECTIONS,
            maxConnections,
            reserved,
            raised: running.maxConnections > maxConnections,
            peakAppConnections: peak,
            logins: summary.totalRequests,
            failedLogins: failedRequests(summary),
            refused: summary.topServerError !== null && summary.topServerError !== undefined && isConnectionLimitMessage(summary.topServerError.message),
            p99Ms: summary.latencyMs.p99,
          };
        }),
    );
    return judgeBudget(observation);
  },
};

export function judgeBudget(o: BudgetObservation): StepVerdict {
  const sum = `${o.maxConnections} allowed, ${o.reserved} kept for superusers, ${LAB_CONNECTIONS} for the lab, ${PSQL_CONNECTIONS} for your psql`;
  const outcome = o.failedLogins > 0
    ? `${plural(o.failedLogins, 'login')} of ${o.logins.toLocaleString('en-US')} failed${o.refused ? ': PostgreSQL refused connections (too many clients)' : ''}`
    : `all ${plural(o.logins, 'login')} answered (p99 ${duration(o.p99Ms)})`;
  const observed = `${o.instances} instances, ${LOGIN_USERS} users logging in, the users table stalled for ${STALL_MS / 1000} s: the instances held ${o.peakAppConnections} connections at the peak (their budget is ${o.budget}: ${sum}); ${outcome}`;
  if (o.peakAppConnections <= o.budget && o.failedLogins === 0) return passed(observed);
  if (o.raised && o.failedLogins === 0) {
    return failed(
      observed,
      `max_connections was raised above the plan's ${o.maxConnections}: on a managed database that is a bigger plan, paid every month, and each connection costs the server memory. Make the pools fit the budget instead`,
    );
  }
  const refused = o.failedLogins > 0 ? '' : 'nothing failed this time, but at such a peak a psql of yours, or the lab, is refused: ';
  return failed(
    observed,
    `${refused}each instance has its own pool, so ${o.instances} instances may open ${o.instances} × its size. A pool sized for one instance is too big for ${o.instances}: divide the budget by the most instances you will run (the hints show the sum)`,
  );
}
