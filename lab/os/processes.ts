/**
 * Process facts that Node answers the same way on every system: is a pid alive, and stopping
 * one process by its pid. (On Windows every signal but 0 ends the process at once.)
 */
import { isWindows } from './system.js';

/** True while a process with this pid exists (EPERM: it exists but belongs to someone else). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Asks a process to end (SIGTERM), waits up to graceMs, then ends it (SIGKILL). Resolves true
 * once it is gone; false if it outlived even SIGKILL's wait (not ours to stop, for instance).
 */
export async function stopProcess(pid: number, graceMs = 5_000): Promise<boolean> {
  for (const [signal, waitMs] of [['SIGTERM', graceMs], ['SIGKILL', 2_000]] as const) {
    try {
      process.kill(pid, signal);
    } catch {
      return !isProcessAlive(pid);
    }
    const deadline = Date.now() + waitMs;
    while (isProcessAlive(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    if (!isProcessAlive(pid)) return true;
  }
  return false;
}

/**
 * Ends a process and every process in its group at once (SIGKILL to the group), as a crash of
 * a container would: a child it started (nginx under its sidecar) goes with it. The process
 * must lead its own group (started with `detached: true`). Windows has no groups: the process alone.
 */
export function killProcessGroup(pid: number): void {
  try {
    process.kill(isWindows() ? pid : -pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}
