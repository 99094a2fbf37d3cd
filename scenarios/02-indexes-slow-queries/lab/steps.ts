/** Scenario 2's steps, in the learner's order, as `npm run check` verifies them and `npm run hint` hints at them. */
import type { ScenarioStep } from '../../../lab/scenario/steps.js';

const steps: readonly ScenarioStep[] = [];

export default steps;
