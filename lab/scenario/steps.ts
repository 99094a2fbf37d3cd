/**
 * The steps of a scenario, as `npm run check` verifies them and `npm run hint` hints at them.
 * A scenario lists its steps in its own module (its definition's `steps` loads it), built from
 * its own checks and the engine's generic ones (lab/check/: reproduce, goal, database restart).
 *
 * A check looks at the running app and the database from outside, never at the learner's
 * source. It is split in two: an observation (HTTP, SQL) and a pure judgement of what was
 * observed, so the judgement can be tested on fixed numbers.
 */
import type pg from 'pg';
import type { FleetDeploy, FleetKill, FleetMember } from '../lab-context.js';
import type { RunRecord } from '../runs/run-record.js';

export type StepStatus = 'passed' | 'failed' | 'skipped';

/** What a check concludes about its step. */
export interface StepVerdict {
  status: StepStatus;
  /** What the check saw, in the learner's words: "a burst of 50 requests opened 50 new database connections". */
  observed: string;
  /**
   * What to try next; for a passed step, empty or an optional tip (shown as "tip:"). The runner
   * empties it for steps the learner has not reached.
   */
  next: string;
}

/** A step's line in the report: its verdict with the step's id, title and weight. */
export interface StepResult extends StepVerdict {
  id: string;
  title: string;
  /** Required steps decide the exit code; bonus steps never do. */
  required: boolean;
}

/** What a step's check may use. The runner owns the connections and closes them. */
export interface StepContext {
  /** The app's base URL, loopback only, e.g. http://127.0.0.1:3000 */
  appUrl: string;
  /** The lab's own connection (superuser in embedded mode) to the app's database. */
  admin: Pick<pg.Client, 'query'>;
  /**
   * The same connection's URL, for work that needs a connection of its own (the goal reads the
   * seeded size its mix draws from, and undoes what the mix wrote).
   */
  adminDatabaseUrl: string;
  /** The app's database name, as pg_stat_database names it. */
  databaseName: string;
  /** The recorded load-test runs, oldest first. */
  runs: RunRecord[];
  /** File where the database drill records its outcome (.lab/drills.json). */
  drillsFile: string;
  /** The results of the steps before this one, in order. */
  before: readonly StepResult[];
  /**
   * Sends load to the app: announces it to the learner in one line (`description`) and marks
   * it on the dashboard as "npm run check: <label>" while `send` runs.
   */
  sendLoad<T>(label: string, description: string, send: () => Promise<T>): Promise<T>;
  /** The running lab's processes, for a step that needs them (`needs: ['fleet']`): scale one role, kill one process. */
  fleet?: CheckFleet;
}

/**
 * The running lab's processes as a check drives them: the same requests to the lab server as
 * `npm run scale` and `npm run chaos -- kill` send. A step that changes the fleet puts it back.
 */
export interface CheckFleet {
  members(): Promise<FleetMember[]>;
  /** Sets a role's count and answers once the processes started or stopped. */
  scale(role: string, count: number): Promise<FleetMember[]>;
  /** Kills the role's highest-numbered running process with SIGKILL, as a crash would. */
  kill(role: string): Promise<FleetKill>;
  /** Replaces the role's processes one at a time, as `npm run deploy` does, and answers once the last is back. */
  deploy(role: string): Promise<FleetDeploy>;
}

/** Three hints, each assuming the learner read the ones before: a nudge, where to look, nearly the answer. */
export type StepHints = readonly [nudge: string, whereToLook: string, nearlyTheAnswer: string];

export interface ScenarioStep {
  /** Stable and short ("pool"): `npm run hint -- --step ID` and `npm run check -- --json` use it. */
  id: string;
  /** The line's title; it names the problem, not the fix, since a learner sees it before reaching the step. */
  title: string;
  required: boolean;
  hints: StepHints;
  /**
   * What the check cannot do without: the app answering its /health, the database reachable,
   * the lab server driving the fleet.
   * When one is missing the runner fails the step with a line saying so, without running it.
   */
  needs: ReadonlyArray<'app' | 'database' | 'fleet'>;
  /** Observes and judges. A throw fails the step with what went wrong; it never stops the others. */
  check(context: StepContext): Promise<StepVerdict> | StepVerdict;
}
