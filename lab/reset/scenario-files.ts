/**
 * The files reset and solve swap. Injectable, so tests can work on a copy and never
 * touch the learner's real src/server.ts.
 */
import path from 'node:path';
import { ROOT_DIR, STATE_DIR } from '../config.js';

export interface ScenarioFiles {
  /** Where the learner works: src/server.ts. */
  server: string;
  /** The broken server as shipped; CI keeps it byte-identical to the committed src/server.ts. */
  pristineServer: string;
  /** src/metrics.ts as shipped (tests and the benchmark run the pristine server beside it). */
  pristineMetrics: string;
  solutionServer: string;
  solutionSql: string;
  /** Reset keeps the learner's last version here, in case they wanted it after all. */
  serverBackup: string;
}

export const SCENARIO_FILES: ScenarioFiles = {
  server: path.join(ROOT_DIR, 'src', 'server.ts'),
  // Not .ts files, so nothing compiles or imports them: they are data for `npm run reset`,
  // and for the tests and the benchmark, which never run the learner's working copy.
  pristineServer: path.join(ROOT_DIR, 'lab', 'reset', 'pristine', 'server.ts.txt'),
  pristineMetrics: path.join(ROOT_DIR, 'lab', 'reset', 'pristine', 'metrics.ts.txt'),
  solutionServer: path.join(ROOT_DIR, 'solution', 'server.fixed.ts'),
  solutionSql: path.join(ROOT_DIR, 'solution', 'fix.sql'),
  serverBackup: path.join(STATE_DIR, 'server.ts.before-reset'),
};
