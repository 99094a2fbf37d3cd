/**
 * Runs every step's check against a lab, in the learner's order, and never throws for a
 * step: a step that cannot be observed fails with what went wrong.
 */
import pg from 'pg';
import { checkDatabaseRestart } from './step-db-restart.js';
import { judgeGoal, observeGoal } from './step-goal.js';
import { checkUserPostsIndex, judgeFeedIndex, observeFeedIndex } from './step-index.js';
import { judgePool, observePool } from './step-pool.js';
import { checkReproduced } from './step-reproduce.js';
import { failed, type CheckTarget, type StepId, type StepResult } from './types.js';

export interface CheckReport {
  steps: StepResult[];
  /** Every required step passed. */
  passed: boolean;
}

export async function runChecks(target: CheckTarget): Promise<CheckReport> {
  const steps: StepResult[] = [checkReproduced(target.runsDir)];
  const appAnswers = await answers(`${target.appUrl}/health`);
  const admin = new pg.Client({ connectionString: target.adminDatabaseUrl, application_name: 'lab check' });
  admin.on('error', () => undefined);
  let adminError: string | undefined;
  await admin.connect().catch((error: unknown) => (adminError = messageOf(error)));
  try {
    const notAnswering = (id: StepId) =>
      failed(id, `the app does not answer at ${target.appUrl}`, 'is `npm start` running? Look at its output (app │ …) for an error in src/server.ts');
    const noDatabase = (id: StepId) => failed(id, `cannot reach the database: ${adminError}`, 'is `npm start` running? It starts the database');

    if (!appAnswers) steps.push(notAnswering('pool'));
    else if (adminError) steps.push(noDatabase('pool'));
    else steps.push(await step('pool', async () => judgePool(await observePool(target.appUrl, admin, target.databaseName))));

    if (adminError) steps.push(noDatabase('index'));
    else steps.push(await step('index', async () => judgeFeedIndex(await observeFeedIndex(admin))));

    if (!appAnswers) steps.push(notAnswering('goal'));
    else steps.push(await step('goal', async () => judgeGoal(await observeGoal(target.appUrl))));

    if (adminError) steps.push(noDatabase('bonus-user-posts'));
    else steps.push(await step('bonus-user-posts', () => checkUserPostsIndex(admin)));

    steps.push(checkDatabaseRestart(target.drillsFile, target.appPid?.()));
  } finally {
    await admin.end().catch(() => undefined);
  }
  return { steps, passed: steps.every((s) => !s.required || s.status === 'passed') };
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
