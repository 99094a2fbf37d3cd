/** Entry point of `npm start`. */
import { parseArgs } from 'node:util';
import { LabError } from '../errors.js';
import type { Lab } from '../lab.js';
import { exitWithHelpIfAsked } from '../command-help.js';
import { runSupervisor } from '../supervisor/supervisor.js';

export async function run(lab: Lab, args: string[]): Promise<void> {
  exitWithHelpIfAsked(lab.scenario, lab.paths.scenario, 'start', args);
  let restartOnCrash: boolean;
  try {
    restartOnCrash = parseArgs({ args, options: { 'restart-on-crash': { type: 'boolean' } }, strict: true }).values['restart-on-crash'] === true;
  } catch (error) {
    throw new LabError('USAGE', `${(error as Error).message}. usage: npm start [-- --restart-on-crash]; npm start -- --help for more.`);
  }
  // Exit explicitly once everything is stopped: the TypeScript loader keeps a helper process
  // referenced, and a supervisor that lingers after "Stopped" would look like a hang.
  process.exit(await runSupervisor(lab, restartOnCrash));
}
