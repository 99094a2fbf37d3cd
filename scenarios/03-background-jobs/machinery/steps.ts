/**
 * Scenario 3's steps, in the learner's order, as `npm run check` verifies them and
 * `npm run hint` hints at them: the failure reproduced (a recorded load test), then the queue
 * judged by what it does under real workers: each email once, a claim that reads little,
 * workers in parallel, the connection budget with every worker running, a worker killed
 * mid-job; then the goal.
 */
import type { RunRecord, ScenarioStep } from '../../../lab/sdk.js';
import { failedRequests, goalStep, isConnectionLimitMessage, reproduceStep } from '../../../lab/sdk.js';
import { HINTS } from './hints.js';
import scenario from './scenario.js';
import { budgetStep } from './step-budget.js';
import { claimStep } from './step-claim.js';
import { crashStep } from './step-crash.js';
import { onceStep } from './step-once.js';
import { parallelStep } from './step-parallel.js';
import { withdrawSignUps } from './sign-ups.js';

/** Most of the run's failed sign-ups were PostgreSQL refusing a connection (53300). */
export function refusedByTheDatabase(run: RunRecord): boolean {
  const { topServerError, failedHttp5xx } = run.summary;
  return topServerError !== null && topServerError !== undefined && isConnectionLimitMessage(topServerError.message) &&
    failedHttp5xx * 2 >= failedRequests(run.summary);
}

const genericGoal = goalStep(scenario, {
  waitsFor: [onceStep.id, claimStep.id, parallelStep.id, budgetStep.id, crashStep.id],
  // A recorded run does not say which worker ran: the goal always measures for itself.
  fixesInPlace: () => false,
  hints: HINTS.goal,
});

/** The goal, which then takes back the sign-ups its load queued, so the next check finds no backlog of its making. */
const goal: ScenarioStep = {
  ...genericGoal,
  async check(context) {
    try {
      return await genericGoal.check(context);
    } finally {
      await withdrawSignUps(context.admin);
    }
  },
};

const steps: readonly ScenarioStep[] = [
  reproduceStep(scenario, {
    title: 'Reproduce the failure: sign-ups refused once the workers scale out',
    hints: HINTS.reproduce,
    // The runs do not record the workers' code: the first run refused by the database counts.
    ranOnTheBrokenApp: () => true,
    failure: { name: 'PostgreSQL refusing connections ("too many clients", SQLSTATE 53300)', seenIn: refusedByTheDatabase },
  }),
  onceStep,
  claimStep,
  parallelStep,
  budgetStep,
  crashStep,
  goal,
];

export default steps;
