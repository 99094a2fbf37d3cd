/**
 * Scenario 4's steps, in the learner's order, as `npm run check` verifies them and
 * `npm run hint` hints at them: one instance saturated (a recorded load test), then the goal.
 */
import type { ScenarioStep } from '../../../lab/sdk.js';
import { goalStep, reproduceStep } from '../../../lab/sdk.js';
import { HINTS } from './hints.js';
import scenario from './scenario.js';

const steps: readonly ScenarioStep[] = [
  reproduceStep(scenario, {
    title: 'Reproduce it: one instance is full while the machine has cores to spare',
    hints: HINTS.reproduce,
    shows: 'slowness',
    ranOnTheBrokenApp: () => true,
  }),
  goalStep(scenario, { waitsFor: [], fixesInPlace: () => false, hints: HINTS.goal }),
];

export default steps;
