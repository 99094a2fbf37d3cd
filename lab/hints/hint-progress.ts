/** Which hint level the learner has reached for each step, kept in the scenario's .lab/hints.json. */
import { readJsonFile, writeJsonFile } from '../json-file.js';

/** Levels already shown, by step id (0 or absent = none yet). */
export type HintProgress = Partial<Record<string, number>>;

export function readHintProgress(file: string): HintProgress {
  return readJsonFile<HintProgress>(file, {});
}

export function writeHintProgress(progress: HintProgress, file: string): void {
  writeJsonFile(file, progress);
}
