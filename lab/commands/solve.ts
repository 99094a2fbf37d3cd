/**
 * `npm run solve`: applies the scenario's solution (its SQL, and its fixed server over the
 * learner's when it has one), for instructors and tests. `npm run reset` undoes it.
 */
import { LabError } from '../errors.js';
import type { Lab } from '../lab.js';
import { resolveLabDatabase } from '../lab-connection.js';
import { scenarioFiles } from '../reset/scenario-files.js';
import { applySolution } from '../reset/scenario-state.js';
import { exitWithHelpIfAsked } from '../command-help.js';

export async function run(lab: Lab, args: string[]): Promise<number> {
  exitWithHelpIfAsked(lab.scenario, lab.paths.scenario, 'solve', args);
  if (args.length > 0) throw new LabError('USAGE', `npm run solve takes no options (got ${args.join(' ')}).`);
  const { appUrl } = resolveLabDatabase(lab);
  await applySolution(scenarioFiles(lab), appUrl);
  const { solutionFiles = {}, solutionSql, solutionSqlSummary } = lab.scenario.files;
  const code = Object.entries(solutionFiles).map(([learner, fixed]) => `${learner} is now ${fixed}, and `).join('');
  console.log(`✔ Solution applied: ${code}${solutionSqlSummary} of ${solutionSql} exist${solutionSqlSummary.endsWith('s') ? '' : 's'}.`);
  console.log('  The app restarts by itself. `npm run check` to see every step pass; `npm run reset` to start over.');
  return 0;
}
