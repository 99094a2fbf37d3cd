/** `npm run runs`: the table of every load-test run so far. `npm run runs -- --clear` forgets them. */
import { parseArgs } from 'node:util';
import { LabError } from '../errors.js';
import type { Lab } from '../lab.js';
import { painter } from '../loadtest/figures.js';
import { firstLine } from '../loadtest/options.js';
import { renderRunsTable } from '../loadtest/runs-table.js';
import { clearRuns, listRuns, readInProgress } from '../runs/run-store.js';

const USAGE = 'Usage: npm run runs [-- --clear | --json]';

export async function run(lab: Lab, args: string[]): Promise<number> {
  const { paths } = lab;
  let values: { clear?: boolean; json?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: { clear: { type: 'boolean' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    }));
  } catch (error) {
    throw new LabError('USAGE', `${firstLine(error)}. ${USAGE}`);
  }
  if (values.help) {
    console.log(`${USAGE}\n\n  (no option)  the table of all load-test runs, oldest first\n  --clear      delete every saved run\n  --json       the saved runs as JSON`);
    return 0;
  }
  if (values.clear) {
    const deleted = clearRuns(paths.runs);
    console.log(deleted === 0 ? 'No runs to clear.' : `Cleared ${deleted} run${deleted === 1 ? '' : 's'}. The next load test starts a new table.`);
    return 0;
  }
  const runs = listRuns(paths.runs);
  if (values.json) {
    console.log(JSON.stringify(runs, null, 2));
    return 0;
  }
  console.log(renderRunsTable(runs, painter(process.stdout)));
  const running = readInProgress(paths.inProgressRun);
  if (running) console.log(`A load test is running now: ${running.users} users on ${running.route} for ${running.durationSeconds} s (pid ${running.pid}).`);
  return 0;
}
