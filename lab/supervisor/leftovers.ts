/**
 * After a supervisor was killed without cleaning up (kill -9, a closed terminal), its app may
 * still run and hold the app's port. The next start stops it, by the pid recorded in the stale
 * .lab/lab.json, once the process's command line shows it is that app (this checkout's
 * src/server.ts), never a program that merely got the same pid later. Where this system cannot
 * show command lines, it says so and leaves the process alone.
 * (A leftover PostgreSQL is handled by lab/postgres/embedded.ts through postmaster.pid.)
 */
import { APP_ENTRY } from '../config.js';
import { readLabStateFile } from '../lab-state.js';
import { isProcessAlive, stopProcess } from '../os/processes.js';
import { processFacts } from '../os/system.js';

export async function stopLeftoverApp(log: (line: string) => void): Promise<void> {
  const stale = readLabStateFile();
  if (!stale || isProcessAlive(stale.supervisorPid)) return;
  const pid = stale.appPid;
  if (pid === undefined || !isProcessAlive(pid)) return;
  const commandLine = processFacts().commandLine(pid);
  if (commandLine === undefined) {
    log(`an earlier lab's app may still hold port ${stale.appPort} (pid ${pid}); this system cannot show whose process that is, so it is left running. If the port is taken, stop pid ${pid} yourself.`);
    return;
  }
  if (!commandLine.includes(APP_ENTRY)) return;
  log(`stopping the app left running by an earlier lab (pid ${pid})`);
  await stopProcess(pid);
}
