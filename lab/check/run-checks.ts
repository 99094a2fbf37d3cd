/**
 * Runs every step's check against a lab, in the learner's order, and never throws for a
 * step: a step that cannot be observed fails with what went wrong. Load is sent only where
 * a step needs it (fix 1's bursts; the goal's run, once both fixes pass and no green load
 * test can stand for it), announced through `onLoad` and marked for the dashboard.
 */
import pg from 'pg';
import { listRuns } from '../runs/history.js';
import { markCheckLoad } from './load-marks.js';
import { checkDatabaseRestart } from './step-db-restart.js';
import { appStartedAt, goalNotMeasured, greenRunWithBothFixes, judgeGoal, judgeGoalRecord, measureGoal } from './step-goal.js';
import { checkUserPostsIndex, judgeFeedIndex, observeFeedIndex } from './step-index.js';
import { BURST_SIZE, judgePool, observePool } from './step-pool.js';
import { checkReproduced } from './step-reproduce.js';
import { GOAL_SECONDS, GOAL_USERS } from './goal-bound.js';
import { failed, type CheckTarget, type StepId, type StepResult } from './types.js';

export interface CheckReport {
  steps: StepResult[];
  /** Every required step passed. */
  passed: boolean;
}

export async function runChecks(target: CheckTarget): Promise<CheckReport> {
  const runs = listRuns(target.runsDir);
  const steps: StepResult[] = [checkReproduced(target.runsDir)];
  const appAnswers = await answers(`${target.appUrl}/health`);
  const admin = new pg.Client({ connectionString: target.adminDatabaseUrl, application_name: 'lab check' });
  admin.on('error', () => undefined);
  let adminError: string | undefined;
  await admin.connect().catch((error: unknown) => (adminError = messageOf(error)));
  const sendLoad = <T>(label: string, description: string, send: () => Promise<T>) => {
    target.onLoad?.(description);
    return markCheckLoad(`npm run check: ${label}`, send, target.checkLoadsFile);
  };
  try {
    const notAnswering = (id: StepId) =>
      failed(id, `the app does not answer at ${target.appUrl}`, 'is `npm start` running? Look at its output (app │ …) for an error in src/server.ts');
    const noDatabase = (id: StepId) => failed(id, `cannot reach the database: ${adminError}`, 'is `npm start` running? It starts the database');

    let pool: StepResult;
    if (!appAnswers) pool = notAnswering('pool');
    else if (adminError) pool = noDatabase('pool');
    else {
      pool = await step('pool', async () => {
        const observation = await sendLoad('fix 1', `Fix 1 sends bursts of ${BURST_SIZE} requests to your app, to count the connections they open`, () =>
          observePool(target.appUrl, admin, target.databaseName));
        return judgePool(observation);
      });
    }
    steps.push(pool);

    const index = adminError ? noDatabase('index') : await step('index', async () => judgeFeedIndex(await observeFeedIndex(admin)));
    steps.push(index);

    if (!appAnswers) steps.push(notAnswering('goal'));
    else if (pool.status !== 'passed' || index.status !== 'passed') steps.push(goalNotMeasured());
    else {
      steps.push(await step('goal', async () => {
        const record = greenRunWithBothFixes(runs, await appStartedAt(target.appUrl));
        if (record) return judgeGoalRecord(record);
        const summary = await sendLoad('goal', `The goal sends ${GOAL_USERS} users to /feed for ${GOAL_SECONDS} s, as the load test does`, () =>
          measureGoal(target.appUrl));
        return judgeGoal(summary);
      }));
    }

    if (adminError) steps.push(noDatabase('bonus-user-posts'));
    else steps.push(await step('bonus-user-posts', () => checkUserPostsIndex(admin, runs)));

    steps.push(checkDatabaseRestart(target.drillsFile));
  } finally {
    await admin.end().catch(() => undefined);
  }
  return { steps: adviceOnlyWhereReached(steps), passed: steps.every((s) => !s.required || s.status === 'passed') };
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

async function step(id: StepId, run: () => Promise<StepResult>): Promise<StepResult> {
  try {
    return await run();
  } catch (error) {
    return failed(id, `the check could not observe this step: ${messageOf(error)}`, 'make sure the lab is running (`npm start`), then check again');
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
