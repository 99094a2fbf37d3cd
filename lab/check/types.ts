/**
 * What a check looks at and what it reports. Checks observe the running app and the
 * database from outside; none of them reads the learner's source.
 */
import { LOADTEST_P99_GOAL_MS } from '../config.js';
import { GOAL_USERS } from './goal-bound.js';

/** The steps of the scenario, in the order a learner meets them. */
export type StepId = 'reproduce' | 'pool' | 'index' | 'goal' | 'bonus-user-posts' | 'bonus-db-restart';

export type StepStatus = 'passed' | 'failed' | 'skipped';

export interface StepResult {
  id: StepId;
  title: string;
  /** Required steps decide the exit code; bonus steps never do. */
  required: boolean;
  status: StepStatus;
  /** What the check saw, in the learner's words: "a burst of 50 requests opened 50 new database connections". */
  observed: string;
  /** What to try next; empty when the step passed, and for a step the learner has not reached. */
  next: string;
}

/** Where the checks find the lab: the app over HTTP, the database as the lab's admin. */
export interface CheckTarget {
  /** The app's base URL, loopback only, e.g. http://127.0.0.1:3000 */
  appUrl: string;
  /** The lab's own connection (superuser in embedded mode) to the app's database. */
  adminDatabaseUrl: string;
  /** The app's database name, as pg_stat_database names it. */
  databaseName: string;
  /** Folder of recorded load-test runs (.lab/runs). */
  runsDir: string;
  /** File where the database drill records its outcome (.lab/drills.json). */
  drillsFile: string;
  /** File where the check marks the load it sends, for the dashboard (.lab/check-loads.json). */
  checkLoadsFile: string;
  /** Told, in one line, each time the check is about to send load to the app. */
  onLoad?: (description: string) => void;
}

/** Each step's line title, and whether it decides the exit code. */
export const STEPS: Record<StepId, { title: string; required: boolean }> = {
  reproduce: { title: 'Reproduce the failure with a load test', required: true },
  // Titles name the problem, not the fix: a learner sees them before reaching the step.
  pool: { title: 'Fix 1: connections', required: true },
  index: { title: 'Fix 2: the feed query', required: true },
  goal: { title: `Goal: ${GOAL_USERS} users, 0 errors, p99 under ${LOADTEST_P99_GOAL_MS / 1000} s`, required: true },
  'bonus-user-posts': { title: 'Bonus: the other slow endpoint, /users/:id/posts', required: false },
  'bonus-db-restart': { title: 'Bonus: the app survives a database restart', required: false },
};

export function passed(id: StepId, observed: string): StepResult {
  return { id, ...STEPS[id], status: 'passed', observed, next: '' };
}

export function failed(id: StepId, observed: string, next: string): StepResult {
  return { id, ...STEPS[id], status: 'failed', observed, next };
}

export function skipped(id: StepId, observed: string, next = ''): StepResult {
  return { id, ...STEPS[id], status: 'skipped', observed, next };
}
