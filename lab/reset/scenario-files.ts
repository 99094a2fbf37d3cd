/**
 * The files reset and solve swap, from the scenario's definition. Injectable, so tests can work
 * on a copy and never touch the learner's real app file.
 */
import path from 'node:path';
import { scenarioFile, type Lab } from '../lab.js';

export interface ScenarioFiles {
  /**
   * The app file the lab runs, which reset restores and solve replaces: src/server.ts, or the
   * file LAB_APP_ENTRY names (a test's lab runs a copy, and must never rewrite the learner's).
   */
  server: string;
  /** The broken server as shipped; CI keeps it byte-identical to the committed one. */
  pristineServer: string;
  /**
   * Every learner file as shipped, by its path in the scenario's folder ("src/metrics.ts"), with
   * the copy that holds it: tests and the benchmark run these, never the learner's working copy.
   */
  pristine: Array<{ learnerFile: string; copy: string }>;
  /** The fixed app; undefined when the scenario's fix is SQL only (the shipped app is the fixed one). */
  solutionServer: string | undefined;
  solutionSql: string;
  /** Reset keeps the learner's last version here, in case they wanted it after all. */
  serverBackup: string;
}

/** The lab's files, from its scenario's definition and its paths. */
export function scenarioFiles(lab: Lab): ScenarioFiles {
  const { files } = lab.scenario;
  const pristine = Object.entries(files.pristine).map(([learnerFile, copy]) => ({ learnerFile, copy: scenarioFile(lab, copy) }));
  return {
    server: lab.paths.appEntry,
    pristineServer: pristine.find((entry) => entry.learnerFile === files.app)!.copy,
    pristine,
    solutionServer: files.solutionServer === undefined ? undefined : scenarioFile(lab, files.solutionServer),
    solutionSql: scenarioFile(lab, files.solutionSql),
    serverBackup: path.join(lab.paths.state, `${path.basename(files.app)}.before-reset`),
  };
}
