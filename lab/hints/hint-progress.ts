/** Which hint level the learner has reached for each step, kept in .lab/hints.json. */
import fs from 'node:fs';
import path from 'node:path';
import { STATE_DIR } from '../config.js';
import type { StepId } from '../check/types.js';

export const HINTS_FILE = path.join(STATE_DIR, 'hints.json');

/** Levels already shown, per step (0 = none yet). */
export type HintProgress = Partial<Record<StepId, number>>;

export function readHintProgress(file = HINTS_FILE): HintProgress {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as HintProgress;
  } catch {
    return {};
  }
}

export function writeHintProgress(progress: HintProgress, file = HINTS_FILE): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(progress, null, 2)}\n`);
}
