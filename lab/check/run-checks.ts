/**
 * Runs a scenario's steps (lab/scenario/steps.ts) against a lab, in the learner's order, and
 * never throws for a step: a step that cannot be observed fails with what went wrong. Each step
 * sees the results of the steps before it. Load is sent only where a step sends it, announced
 * through `onLoad` and marked for the dashboard.
 */
import pg from 'pg';
import { listRuns } from '../runs/run-store.js';
import type { ScenarioDefinition } from '../scenario/definition.js';
import type { CheckFleet, ScenarioStep, StepContext, StepResult, StepVerdict } from '../scenario/steps.js';
import { markCheckLoad } from './load-marks.js';
import { failed } from './step-verdicts.js';

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
  /** The running lab's processes, for the steps that scale or kill them; without it those steps fail, saying so. */
  fleet?: CheckFleet;
}

export interface CheckReport {
  steps: StepResult[];
  /** Every required step passed. */
  passed: boolean;
}

export async function runChecks(scenario: ScenarioDefinition, steps: readonly ScenarioStep[], target: CheckTarget): Promise<CheckReport> {
  const appAnswers = await answers(`${target.appUrl}/health`);
  const admin = new pg.Client({ connectionString: target.adminDatabaseUrl, application_name: 'lab check' });
  admin.on('error', () => undefined);
  let adminError: string | undefined;
  await admin.connect().catch((error: unknown) => (adminError = messageOf(error)));
  const results: StepResult[] = [];
  const context: Omit<StepContext, 'before'> = {
    appUrl: target.appUrl,
    admin,
    adminDatabaseUrl: target.adminDatabaseUrl,
    databaseName: target.databaseName,
    runs: listRuns(target.runsDir),
    drillsFile: target.drillsFile,
    ...(target.fleet ? { fleet: target.fleet } : {}),
    sendLoad: (label, description, send) => {
      target.onLoad?.(description);
      return markCheckLoad(`npm run check: ${label}`, send, target.checkLoadsFile);
    },
  };
  try {
    for (const step of steps) {
      let verdict: StepVerdict;
      if (step.needs.includes('app') && !appAnswers) {
        verdict = failed(`the app does not answer at ${target.appUrl}`, `is \`npm start\` running? Look at its output (app │ …) for an error in ${scenario.files.app}`);
      } else if (step.needs.includes('database') && adminError) {
        verdict = failed(`cannot reach the database: ${adminError}`, 'is `npm start` running? It starts the database');
      } else if (step.needs.includes('fleet') && !target.fleet) {
        verdict = failed('this step scales or kills the lab\'s processes, and no lab server was given to drive them', 'run it with `npm run check` while `npm start` runs');
      } else {
        verdict = await observed(() => step.check({ ...context, before: [...results] }));
      }
      results.push({ id: step.id, title: step.title, required: step.required, ...verdict });
    }
  } finally {
    await admin.end().catch(() => undefined);
  }
  return { steps: adviceOnlyWhereReached(results), passed: results.every((s) => !s.required || s.status === 'passed') };
}

/**
 * The learner is on the first required step that does not pass. Steps after it say what
 * was observed but not what to do (the fix would spoil the steps in between; `npm run hint`
 * stages it instead), and a bonus step says how to try it only once every required step passes.
 */
export function adviceOnlyWhereReached(steps: StepResult[]): StepResult[] {
  const current = steps.findIndex((s) => s.required && s.status !== 'passed');
  return steps.map((s, index) => {
    const reached = current === -1 || index <= current || (!s.required && s.status === 'failed');
    return reached ? s : { ...s, next: '' };
  });
}

async function observed(check: () => Promise<StepVerdict> | StepVerdict): Promise<StepVerdict> {
  try {
    return await check();
  } catch (error) {
    return failed(`the check could not observe this step: ${messageOf(error)}`, 'make sure the lab is running (`npm start`), then check again');
  }
}

async function answers(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(3_000) });
    await response.arrayBuffer();
    return response.ok;
  } catch {
    return false;
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
