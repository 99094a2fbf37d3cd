/** The verdicts a step's judge reaches (lab/scenario/steps.ts), written the same way by every check. */
import type { StepVerdict } from '../scenario/steps.js';

/** A step that passed; `tip`, when given, is a better way the learner may still want to know (shown as "tip:"). */
export function passed(observed: string, tip = ''): StepVerdict {
  return { status: 'passed', observed, next: tip };
}

export function failed(observed: string, next: string): StepVerdict {
  return { status: 'failed', observed, next };
}

/** A step the learner has not tried (a bonus): shown as "–", never counted as a failure. */
export function skipped(observed: string, next = ''): StepVerdict {
  return { status: 'skipped', observed, next };
}
