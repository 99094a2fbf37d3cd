/**
 * `npm run reset [-- --yes] [-- --runs]`: puts the scenario back to its start: the original
 * app file, no extra indexes on its tables; the data stays. Asks first unless --yes.
 */
import fs from 'node:fs';
import readline from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { DRILLS_FILE } from '../chaos/drill-record.js';
import { describeIndex } from '../database/indexes.js';
import { PROGRESS_FILE } from '../check/progress.js';
import { LabError, runCommand, usageError } from '../errors.js';
import { HINTS_FILE } from '../hints/hint-progress.js';
import { resolveLabDatabase } from '../lab-connection.js';
import { RUNS_DIR } from '../runs/run-record.js';
import { SCENARIO_FILES } from '../reset/scenario-files.js';
import { learnerPath, scenario } from '../scenario/current.js';
import { dropLearnerIndexes, learnerIndexes, restorePristineServer, serverIsPristine } from '../reset/scenario-state.js';
import { clearRuns, countRuns } from '../runs/run-store.js';
import { exitWithHelpIfAsked, usageOf } from '../command-help.js';


exitWithHelpIfAsked('reset');
runCommand(async () => {
  const { yes, runs } = parseCliArgs();
  const { adminUrl } = resolveLabDatabase();
  const indexes = await learnerIndexes(adminUrl);
  const runCount = countRuns(RUNS_DIR);

  const app = learnerPath(SCENARIO_FILES.server);
  console.log('Reset puts the scenario back to its start:');
  console.log(serverIsPristine(SCENARIO_FILES)
    ? `  • ${app} is already the original`
    : `  • ${app} ← the original broken server (yours is kept in ${learnerPath(SCENARIO_FILES.serverBackup)})`);
  console.log(indexes.length > 0 ? `  • drop your indexes: ${indexes.map(describeIndex).join(', ')}` : '  • no extra indexes to drop');
  console.log(`  • hint progress and drill results start over; the data (${scenario.database.tables.join(', ')}) is kept`);
  console.log(runs ? `  • delete ${runCount} recorded load-test run(s)` : `  • keep ${runCount} recorded load-test run(s) (--runs deletes them)`);

  if (!yes && !(await confirm())) {
    console.log('Nothing changed.');
    return 1;
  }
  const restored = restorePristineServer(SCENARIO_FILES);
  const dropped = await dropLearnerIndexes(adminUrl);
  for (const file of [HINTS_FILE, PROGRESS_FILE, DRILLS_FILE]) fs.rmSync(file, { force: true });
  const removedRuns = runs ? clearRuns(RUNS_DIR) : 0;
  console.log(
    `✔ Reset: ${restored ? `original ${app} restored` : `${app} unchanged`}, ` +
      `${dropped.length} index(es) dropped${runs ? `, ${removedRuns} run(s) deleted` : ''}. The app restarts by itself.`,
  );
  return 0;
});

async function confirm(): Promise<boolean> {
  if (!process.stdin.isTTY) throw new LabError('USAGE', 'Reset asks before it changes anything; with no terminal to ask, add --yes: npm run reset -- --yes');
  const prompt = readline.createInterface({ input: process.stdin, output: process.stdout });
  try {
    return /^y(es)?$/i.test((await prompt.question('Go ahead? [y/N] ')).trim());
  } finally {
    prompt.close();
  }
}

function parseCliArgs() {
  try {
    const { values } = parseArgs({
      options: { yes: { type: 'boolean', short: 'y', default: false }, runs: { type: 'boolean', default: false } },
      strict: true,
    });
    return { yes: values.yes ?? false, runs: values.runs ?? false };
  } catch (error) {
    throw usageError((error as Error).message, usageOf('reset'));
  }
}
