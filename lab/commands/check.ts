/** `npm run check [-- --json]`: checks each step of the scenario (its definition's steps) against the running lab. */
import { parseArgs } from 'node:util';
import { writeProgress } from '../check/progress.js';
import { renderReport, reportAsJson } from '../check/render.js';
import { checkTargetOf } from '../check/check-target.js';
import { runChecks } from '../check/run-checks.js';
import { LabError, labNotRunning, usageError } from '../errors.js';
import { checkHelp, exitWithTextIfHelpAsked, usageLine } from '../command-help.js';
import { readRunningLab } from '../lab-state.js';
import { learnerFile, loadSteps, type Lab } from '../lab.js';
import { refusedBalancerSettings } from '../check/balancer-settings-note.js';
import { readInProgress } from '../runs/run-store.js';

export async function run(lab: Lab, args: string[]): Promise<number> {
  const { scenario, paths } = lab;
  const steps = await loadSteps(scenario);
  const help = checkHelp(scenario, steps);
  exitWithTextIfHelpAsked(help, args);
  const json = parseCliArgs(args, help);
  const running = readRunningLab(paths.labState);
  if (!running?.adminDatabaseUrl) {
    throw labNotRunning('run `npm run check` again');
  }
  const loadTest = readInProgress(paths.inProgressRun);
  if (loadTest) {
    throw new LabError('LOAD_TEST_BUSY', `A load test is running (pid ${loadTest.pid}); the check would measure it too. Let it finish, then check again.`);
  }
  const say = (line: string) => {
    if (!json) console.log(line);
  };
  const settings = scenario.balancer?.settings;
  const refused = settings === undefined ? undefined : refusedBalancerSettings(learnerFile(lab, settings), settings);
  if (refused) say(refused);
  say('Checking each step against the running lab…');
  const report = await runChecks(scenario, steps, {
    ...checkTargetOf(running, paths),
    onLoad: (description) => say(`  ${description} (marked "npm run check" on the dashboard).`),
  });
  say('');
  writeProgress({ checkedAt: new Date().toISOString(), steps: report.steps.map(({ id, status }) => ({ id, status })) }, paths.checkProgress);
  console.log(json ? reportAsJson(report) : renderReport(report));
  return report.passed ? 0 : 1;
}

function parseCliArgs(args: string[], help: string): boolean {
  try {
    return parseArgs({ args, options: { json: { type: 'boolean', default: false } }, strict: true }).values.json ?? false;
  } catch (error) {
    throw usageError((error as Error).message, usageLine(help));
  }
}
