/**
 * `npm run solve`: applies the solution (solution/server.fixed.ts over src/server.ts, and
 * solution/fix.sql's index), for instructors and tests. `npm run reset` undoes it.
 */
import { LabError, runCommand } from '../errors.js';
import { resolveLabDatabase } from '../lab-connection.js';
import { SCENARIO_FILES } from '../reset/scenario-files.js';
import { applySolution } from '../reset/scenario-state.js';
import { exitWithHelpIfAsked } from '../help.js';

exitWithHelpIfAsked('solve');
runCommand(async () => {
  if (process.argv.length > 2) throw new LabError(`npm run solve takes no options (got ${process.argv.slice(2).join(' ')}).`, 2);
  const { appUrl } = resolveLabDatabase();
  await applySolution(SCENARIO_FILES, appUrl);
  console.log('✔ Solution applied: src/server.ts is now solution/server.fixed.ts, and posts_created_at_idx exists.');
  console.log('  The app restarts by itself. `npm run check` to see every step pass; `npm run reset` to start over.');
  return 0;
});
