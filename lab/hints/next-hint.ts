/**
 * Which hint `npm run hint` shows: for the first step the last check did not pass (required
 * steps first, then the bonus), one level stronger than last time, up to the third.
 */
import type { Progress } from '../check/progress.js';
import { STEPS, type StepId } from '../check/types.js';
import { HINTS } from './hint-text.js';
import type { HintProgress } from './hint-progress.js';

export interface Hint {
  step: StepId;
  title: string;
  level: 1 | 2 | 3;
  text: string;
}

const ORDER = Object.keys(STEPS) as StepId[];

/** The step the learner is on, by the last check; the first step when nothing was checked yet. Undefined when all pass. */
export function currentStep(progress: Progress | undefined): StepId | undefined {
  if (!progress) return ORDER[0];
  const status = new Map(progress.steps.map((step) => [step.id, step.status]));
  return ORDER.find((id) => status.get(id) !== 'passed');
}

export function nextHint(step: StepId, shown: HintProgress): Hint {
  const level = Math.min(3, (shown[step] ?? 0) + 1) as 1 | 2 | 3;
  const text = HINTS[step][level - 1]!;
  return { step, title: STEPS[step].title, level, text };
}
