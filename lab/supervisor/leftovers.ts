/**
 * After a supervisor was killed without cleaning up (kill -9, a closed terminal), its app
 * watcher may still run and hold the app's port. The next start stops it, by the process
 * group id recorded in the stale .lab/lab.json, after checking that pid is still our watcher.
 * (A leftover PostgreSQL is handled by lab/postgres/embedded.ts through postmaster.pid.)
 */
import fs from 'node:fs';
import { readLabStateFile } from '../lab-state.js';
import { isProcessAlive, signalGroup } from '../os/processes.js';

export async function stopLeftoverApp(log: (line: string) => void): Promise<void> {
  const stale = readLabStateFile();
  if (!stale || isProcessAlive(stale.supervisorPid)) return;
  const pid = stale.appPid;
  if (pid === undefined || !isProcessAlive(pid) || !isTsxWatcher(pid)) return;
  log(`stopping the app left running by an earlier lab (pid ${pid})`);
  signalGroup(pid, 'SIGTERM');
  const deadline = Date.now() + 5_000;
  while (isProcessAlive(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  signalGroup(pid, 'SIGKILL');
}

function isTsxWatcher(pid: number): boolean {
  try {
    const commandLine = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return commandLine.some((part) => part.includes('tsx')) && commandLine.includes('watch');
  } catch {
    // No /proc (macOS): do not guess about someone else's process.
    return false;
  }
}
