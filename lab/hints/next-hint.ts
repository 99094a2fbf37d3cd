/**
 * Which hint `npm run hint` shows: for the first step, in the scenario's order, that the last
 * check did not pass, one level stronger than last time, up to the third.
 */
import type { Progress } from '../check/progress.js';
import type { ScenarioStep } from '../scenario/steps.js';
import type { HintProgress } from './hint-progress.js';

export interface Hint {
  step: string;
  title: string;
  level: 1 | 2 | 3;
  text: string;
}

/** The step the learner is on, by the last check; the first step when nothing was checked yet. Undefined when all pass. */
export function currentStep(steps: readonly ScenarioStep[], progress: Progress | undefined): ScenarioStep | undefined {
  if (!progress) return steps[0];
  const status = new Map(progress.steps.map((step) => [step.id, step.status]));
  return steps.find((step) => status.get(step.id) !== 'passed');
}

export function nextHint(step: ScenarioStep, shown: HintProgress): Hint {
  const level = Math.min(3, (shown[step.id] ?? 0) + 1) as 1 | 2 | 3;
  return { step: step.id, title: step.title, level, text: step.hints[(level - 1) as 0 | 1 | 2] };
}
