/**
 * The files reset and solve swap. Injectable, so tests can work on a copy and never
 * touch the learner's real src/server.ts.
 */
import path from 'node:path';
import { ROOT_DIR, STATE_DIR } from '../config.js';

export interface ScenarioFiles {
  /** Where the learner works: src/server.ts. */
  server: string;
  /** The broken server as shipped; a test keeps it byte-identical to the committed src/server.ts. */
  pristineServer: string;
  solutionServer: string;
  solutionSql: string;
  /** Reset keeps the learner's last version here, in case they wanted it after all. */
  serverBackup: string;
}

export const SCENARIO_FILES: ScenarioFiles = {
  server: path.join(ROOT_DIR, 'src', 'server.ts'),
  // Not a .ts file, so nothing compiles or imports it: it is data for `npm run reset`.
  pristineServer: path.join(ROOT_DIR, 'lab', 'reset', 'pristine-server.ts.txt'),
  solutionServer: path.join(ROOT_DIR, 'solution', 'server.fixed.ts'),
  solutionSql: path.join(ROOT_DIR, 'solution', 'fix.sql'),
  serverBackup: path.join(STATE_DIR, 'server.ts.before-reset'),
};
