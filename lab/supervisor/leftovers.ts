/**
 * After a supervisor was killed without cleaning up (kill -9, a closed terminal), its processes
 * may still run and hold the app's port or database connections. The next start stops each
 * one, by the pid recorded in the stale .lab/lab.json, once the process's command line shows it
 * runs one of this scenario's entry files (this checkout's src/server.ts, src/worker.ts…),
 * never a program that merely got the same pid later. Where this system cannot show command
 * lines, it says so and leaves the process alone.
 * (A leftover PostgreSQL is handled by lab/postgres/embedded.ts through postmaster.pid.)
 */
import { readLabStateFile } from '../lab-state.js';
import { isProcessAlive, stopProcess } from '../os/processes.js';
import { processFacts } from '../os/system.js';

/** `entries`: the absolute entry files of the scenario's roles. */
export async function stopLeftoverProcesses(labStateFile: string, entries: readonly string[], log: (line: string) => void): Promise<void> {
  const stale = readLabStateFile(labStateFile);
  if (!stale || isProcessAlive(stale.supervisorPid)) return;
  // A lab.json written before the fleet lists only the app.
  const recorded = stale.processes ?? (stale.appPid === undefined ? [] : [{ name: 'app', pid: stale.appPid }]);
  const alone = recorded.length === 1;
  for (const { name, pid } of recorded) {
    if (pid === undefined || !isProcessAlive(pid)) continue;
    const commandLine = processFacts().commandLine(pid);
    if (commandLine === undefined) {
      log(`an earlier lab's ${alone ? 'app' : name} may still run (pid ${pid}, app port ${stale.appPort}); this system cannot show whose process that is, so it is left running. If a port is taken, stop pid ${pid} yourself.`);
      continue;
    }
    if (!entries.some((entry) => commandLine.includes(entry))) continue;
    log(`stopping ${alone ? 'the app' : name} left running by an earlier lab (pid ${pid})`);
    await stopProcess(pid);
  }
}
