/** `npm run check [-- --json]`: checks each step of the scenario (its definition's steps) against the running lab. */
import { parseArgs } from 'node:util';
import { DRILLS_FILE } from '../chaos/drill-record.js';
import { CHECK_LOADS_FILE } from '../check/load-marks.js';
import { writeProgress } from '../check/progress.js';
import { renderReport, reportAsJson } from '../check/render.js';
import { runChecks } from '../check/run-checks.js';
import { LabError, labNotRunning, runCommand, usageError } from '../errors.js';
import { checkHelp, exitWithTextIfHelpAsked, usageLine } from '../command-help.js';
import { readRunningLab } from '../lab-state.js';
import { readInProgress } from '../runs/run-store.js';
import { RUNS_DIR } from '../runs/run-record.js';
import { loadSteps } from '../scenario/current.js';


const steps = await loadSteps();
exitWithTextIfHelpAsked(checkHelp(steps));
runCommand(async () => {
  const json = parseCliArgs();
  const lab = readRunningLab();
  if (!lab?.adminDatabaseUrl) {
    throw labNotRunning('run `npm run check` again');
  }
  const loadTest = readInProgress();
  if (loadTest) {
    throw new LabError('LOAD_TEST_BUSY', `A load test is running (pid ${loadTest.pid}); the check would measure it too. Let it finish, then check again.`);
  }
  const say = (line: string) => {
    if (!json) console.log(line);
  };
  say('Checking each step against the running lab…');
  const report = await runChecks(steps, {
    appUrl: `http://127.0.0.1:${lab.appPort}`,
    adminDatabaseUrl: lab.adminDatabaseUrl,
    databaseName: decodeURIComponent(new URL(lab.appDatabaseUrl).pathname.slice(1)),
    runsDir: RUNS_DIR,
    drillsFile: DRILLS_FILE,
    checkLoadsFile: CHECK_LOADS_FILE,
    onLoad: (description) => say(`  ${description} (marked "npm run check" on the dashboard).`),
  });
  say('');
  writeProgress({ checkedAt: new Date().toISOString(), steps: report.steps.map(({ id, status }) => ({ id, status })) });
  console.log(json ? reportAsJson(report) : renderReport(report));
  return report.passed ? 0 : 1;
});

function parseCliArgs(): boolean {
  try {
    return parseArgs({ options: { json: { type: 'boolean', default: false } }, strict: true }).values.json ?? false;
  } catch (error) {
    throw usageError((error as Error).message, usageLine(checkHelp(steps)));
  }
}
