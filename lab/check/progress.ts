/**
 * The last check's outcome per step, kept in .lab/progress.json so `npm run hint` knows
 * which step the learner is on without running the checks again.
 */
import { readJsonFile, writeJsonFile } from '../json-file.js';
import type { StepStatus } from '../scenario/steps.js';

export interface Progress {
  checkedAt: string;
  steps: Array<{ id: string; status: StepStatus }>;
}

export function writeProgress(progress: Progress, file: string): void {
  writeJsonFile(file, progress);
}

export function readProgress(file: string): Progress | undefined {
  return readJsonFile<Progress | undefined>(file, undefined);
}
