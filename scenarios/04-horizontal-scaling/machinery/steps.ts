/**
 * Scenario 4's steps, in the learner's order, as `npm run check` verifies them and
 * `npm run hint` hints at them: one instance saturated (a recorded load test); then the
 * instances judged by what they do under the check's own load, through the balancer: more
 * instances answering more, a session every instance knows, the connection budget at the most
 * instances, a crash, a rolling deploy; then the goal.
 */
import type { ScenarioStep } from '../../../lab/sdk.js';
import { goalStep } from '../../../lab/sdk.js';
import { machineCores } from './fleet-probe.js';
import { HINTS } from './hints.js';
import scenario from './scenario.js';
import { budgetStep } from './step-budget.js';
import { reproduceFullStep } from './step-reproduce.js';
import { crashStep } from './step-crash.js';
import { deployStep } from './step-deploy.js';
import { scaledStep } from './step-scaled.js';
import { sessionsStep } from './step-sessions.js';

const genericGoal = goalStep(scenario, {
  waitsFor: [scaledStep.id, sessionsStep.id, budgetStep.id, crashStep.id, deployStep.id],
  // A recorded run does not say how many instances served it: the goal always measures for itself.
  fixesInPlace: () => false,
  hints: HINTS.goal,
});

/** The goal, which on a machine with one core says why no count of instances can meet it there. */
const goal: ScenarioStep = {
  ...genericGoal,
  async check(context) {
    const verdict = await genericGoal.check(context);
    if (verdict.status !== 'failed' || machineCores() >= 2 || context.before.some((step) => step.required && step.status !== 'passed')) return verdict;
    return {
      ...verdict,
      next: 'this machine has one core, and the load test sends more than one core can answer: no count of instances can meet it here. On a machine with 2 cores or more it can; every other step is judged as anywhere',
    };
  },
};

const steps: readonly ScenarioStep[] = [
  reproduceFullStep,
  scaledStep,
  sessionsStep,
  budgetStep,
  crashStep,
  deployStep,
  goal,
];

export default steps;
