/** Entry point of `npm start`. */
import { parseArgs } from 'node:util';
import { LabError, reportFatal } from '../errors.js';
import { exitWithHelpIfAsked } from '../command-help.js';
import { runSupervisor } from '../supervisor/supervisor.js';

exitWithHelpIfAsked('start');
try {
  parseArgs({ options: { 'restart-on-crash': { type: 'boolean' } }, strict: true });
} catch (error) {
  process.exit(reportFatal(new LabError('USAGE', `${(error as Error).message}. usage: npm start [-- --restart-on-crash]; npm start -- --help for more.`)));
}

// Exit explicitly once everything is stopped: the TypeScript loader keeps a helper process
// referenced, and a supervisor that lingers after "Stopped" would look like a hang.
runSupervisor().then(
  (code) => process.exit(code),
  (error: unknown) => process.exit(reportFatal(error)),
);
