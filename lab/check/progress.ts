/**
 * The last check's outcome per step, kept in .lab/progress.json so `npm run hint` knows
 * which step the learner is on without running the checks again.
 */
import path from 'node:path';
import { STATE_DIR } from '../config.js';
import { readJsonFile, writeJsonFile } from '../json-file.js';
import type { StepStatus } from '../scenario/steps.js';

export const PROGRESS_FILE = path.join(STATE_DIR, 'progress.json');

export interface Progress {
  checkedAt: string;
  steps: Array<{ id: string; status: StepStatus }>;
}

export function writeProgress(progress: Progress, file = PROGRESS_FILE): void {
  writeJsonFile(file, progress);
}

export function readProgress(file = PROGRESS_FILE): Progress | undefined {
  return readJsonFile<Progress | undefined>(file, undefined);
}
