/**
 * `npm run solve`: applies the scenario's solution (its SQL, and its fixed server over the
 * learner's when it has one), for instructors and tests. `npm run reset` undoes it.
 */
import { LabError, runCommand } from '../errors.js';
import { resolveLabDatabase } from '../lab-connection.js';
import { SCENARIO_FILES } from '../reset/scenario-files.js';
import { applySolution } from '../reset/scenario-state.js';
import { scenario } from '../scenario/current.js';
import { exitWithHelpIfAsked } from '../command-help.js';

exitWithHelpIfAsked('solve');
runCommand(async () => {
  if (process.argv.length > 2) throw new LabError('USAGE', `npm run solve takes no options (got ${process.argv.slice(2).join(' ')}).`);
  const { appUrl } = resolveLabDatabase();
  await applySolution(SCENARIO_FILES, appUrl);
  const { app, solutionServer, solutionSql, solutionSqlSummary } = scenario.files;
  const server = solutionServer === undefined ? '' : `${app} is now ${solutionServer}, and `;
  console.log(`✔ Solution applied: ${server}${solutionSqlSummary} of ${solutionSql} exist${solutionSqlSummary.endsWith('s') ? '' : 's'}.`);
  console.log('  The app restarts by itself. `npm run check` to see every step pass; `npm run reset` to start over.');
  return 0;
});
