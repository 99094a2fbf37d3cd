/** Which hint level the learner has reached for each step, kept in the scenario's .lab/hints.json. */
import path from 'node:path';
import { STATE_DIR } from '../config.js';
import { readJsonFile, writeJsonFile } from '../json-file.js';

export const HINTS_FILE = path.join(STATE_DIR, 'hints.json');

/** Levels already shown, by step id (0 or absent = none yet). */
export type HintProgress = Partial<Record<string, number>>;

export function readHintProgress(file = HINTS_FILE): HintProgress {
  return readJsonFile<HintProgress>(file, {});
}

export function writeHintProgress(progress: HintProgress, file = HINTS_FILE): void {
  writeJsonFile(file, progress);
}
