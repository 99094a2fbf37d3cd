/** Which hint level the learner has reached for each step, kept in .lab/hints.json. */
import path from 'node:path';
import { STATE_DIR } from '../config.js';
import { readJsonFile, writeJsonFile } from '../json-file.js';
import type { StepId } from '../check/types.js';

export const HINTS_FILE = path.join(STATE_DIR, 'hints.json');

/** Levels already shown, per step (0 = none yet). */
export type HintProgress = Partial<Record<StepId, number>>;

export function readHintProgress(file = HINTS_FILE): HintProgress {
  return readJsonFile<HintProgress>(file, {});
}

export function writeHintProgress(progress: HintProgress, file = HINTS_FILE): void {
  writeJsonFile(file, progress);
}
