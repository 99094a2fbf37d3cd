/**
 * `npm run reset [-- --yes] [-- --runs]`: puts the scenario back to its start: the original
 * app file, no extra indexes on its tables; the data stays. Asks first unless --yes.
 */
import fs from 'node:fs';
import readline from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { describeIndex } from '../database/indexes.js';
import { LabError, usageError } from '../errors.js';
import { resolveLabDatabase } from '../lab-connection.js';
import { learnerPath, type Lab } from '../lab.js';
import { scenarioFiles } from '../reset/scenario-files.js';
import { dropLearnerIndexes, isPristine, learnerIndexes, restorePristineFiles } from '../reset/scenario-state.js';
import { clearRuns, countRuns } from '../runs/run-store.js';
import { exitWithHelpIfAsked, usageOf } from '../command-help.js';

export async function run(lab: Lab, args: string[]): Promise<number> {
  const { scenario, paths } = lab;
  exitWithHelpIfAsked(scenario, paths.scenario, 'reset', args);
  const { yes, runs } = parseCliArgs(args, usageOf(scenario, paths.scenario, 'reset'));
  const { adminUrl } = resolveLabDatabase(lab);
  const tables = scenario.database.tables;
  const indexes = await learnerIndexes(adminUrl, tables);
  const runCount = countRuns(paths.runs);
  const files = scenarioFiles(lab);

  const shown = (file: string) => learnerPath(file, paths.runFrom);
  console.log('Reset puts the scenario back to its start:');
  for (const swapped of files.swapped) {
    console.log(isPristine(swapped)
      ? `  • ${shown(swapped.file)} is already the original`
      : `  • ${shown(swapped.file)} ← the original, as shipped (yours is kept in ${shown(swapped.backup)})`);
  }
  console.log(indexes.length > 0 ? `  • drop your indexes: ${indexes.map(describeIndex).join(', ')}` : '  • no extra indexes to drop');
  console.log(`  • hint progress and drill results start over; the data (${scenario.database.tables.join(', ')}) is kept`);
  console.log(runs ? `  • delete ${runCount} recorded load-test run(s)` : `  • keep ${runCount} recorded load-test run(s) (--runs deletes them)`);

  if (!yes && !(await confirm())) {
    console.log('Nothing changed.');
    return 1;
  }
  const restored = restorePristineFiles(files);
  const dropped = await dropLearnerIndexes(adminUrl, tables);
  for (const file of [paths.hints, paths.checkProgress, paths.drills]) fs.rmSync(file, { force: true });
  const removedRuns = runs ? clearRuns(paths.runs) : 0;
  console.log(
    `✔ Reset: ${restored.length > 0 ? `original ${restored.map((swapped) => shown(swapped.file)).join(', ')} restored` : `${files.swapped.map((swapped) => shown(swapped.file)).join(', ')} unchanged`}, ` +
      `${dropped.length} index(es) dropped${runs ? `, ${removedRuns} run(s) deleted` : ''}. The app restarts by itself.`,
  );
  return 0;
}

async function confirm(): Promise<boolean> {
  if (!process.stdin.isTTY) throw new LabError('USAGE', 'Reset asks before it changes anything; with no terminal to ask, add --yes: npm run reset -- --yes');
  const prompt = readline.createInterface({ input: process.stdin, output: process.stdout });
  try {
    return /^y(es)?$/i.test((await prompt.question('Go ahead? [y/N] ')).trim());
  } finally {
    prompt.close();
  }
}

function parseCliArgs(args: string[], usage: string) {
  try {
    const { values } = parseArgs({
      args,
      options: { yes: { type: 'boolean', short: 'y', default: false }, runs: { type: 'boolean', default: false } },
      strict: true,
    });
    return { yes: values.yes ?? false, runs: values.runs ?? false };
  } catch (error) {
    throw usageError((error as Error).message, usage);
  }
}
