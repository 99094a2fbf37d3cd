/**
 * `npm run chaos -- kill ROLE`: has the supervisor kill one process of the fleet with SIGKILL,
 * then watches the lab's process list to see whether anything brings it back. For a process
 * without a port (a worker) there is no /health to probe from outside: its pid is what says
 * whether it runs.
 */
import type { FleetKill } from '../lab-context.js';
import { delay } from '../timing.js';

export interface ProcessDrillOptions {
  /** Kills one process (the supervisor's POST /api/chaos/kill) and says which, its pid and when. */
  kill: () => Promise<FleetKill>;
  /** The pid the lab lists now for a process name (.lab/lab.json), undefined while it is down. */
  pidOf: (name: string) => number | undefined;
  watchSeconds: number;
  onKilled?: (kill: FleetKill) => void;
}

export interface ProcessDrillResult extends FleetKill {
  /** The new pid and when it was seen, if it came back within the watch. */
  back?: { pid: number; at: number };
  watchSeconds: number;
}

const POLL_MS = 100;

export async function runProcessDrill(options: ProcessDrillOptions): Promise<ProcessDrillResult> {
  const killed = await options.kill();
  options.onKilled?.(killed);
  const deadline = killed.killedAt + options.watchSeconds * 1000;
  while (Date.now() < deadline) {
    const pid = options.pidOf(killed.name);
    if (pid !== undefined && pid !== killed.killedPid) return { ...killed, back: { pid, at: Date.now() }, watchSeconds: options.watchSeconds };
    await delay(POLL_MS);
  }
  return { ...killed, watchSeconds: options.watchSeconds };
}

export function describeProcessDrill(result: ProcessDrillResult): string {
  if (result.back) {
    const seconds = (result.back.at - result.killedAt) / 1000;
    return `  ✔ ${result.name} is back (pid ${result.back.pid}) after ${seconds.toFixed(1)} s: something restarted it (npm start -- --restart-on-crash does, like a process manager).`;
  }
  return [
    `  ✘ ${result.name} is still down after ${result.watchSeconds} s: nothing restarts it.`,
    '',
    'Whatever it was doing when it died was cut off mid-way. Bring it back by saving its file, or',
    'restart `npm start -- --restart-on-crash` to have the lab restart it the way a process manager would.',
  ].join('\n');
}
