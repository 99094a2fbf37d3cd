/** Entry point of `npm start`. */
import { reportFatal } from '../errors.js';
import { runSupervisor } from '../supervisor/supervisor.js';

// Exit explicitly once everything is stopped: the TypeScript loader keeps a helper process
// referenced, and a supervisor that lingers after "Stopped" would look like a hang.
runSupervisor().then(
  (code) => process.exit(code),
  (error: unknown) => process.exit(reportFatal(error)),
);
