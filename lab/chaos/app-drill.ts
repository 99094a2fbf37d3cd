/**
 * `npm run chaos -- app`: has the supervisor kill its app process with SIGKILL (no cleanup,
 * no goodbye, like a crash or the kernel's out-of-memory killer), then watches /health from outside.
 */
import type { FleetKill } from '../lab-context.js';
import { firstFailureAfter, startProbe, waitForSuccessAfter } from './probe.js';

export interface AppDrillOptions {
  appUrl: string;
  /** Kills the app (the supervisor's POST /api/chaos/kill) and says which process and when. */
  kill: () => Promise<FleetKill>;
  /** How long to watch for the app coming back. */
  watchSeconds: number;
  /** Told right after the kill (to say what is going on while the drill watches). */
  onKilled?: (pid: number) => void;
}

export interface AppDrillResult {
  killedPid: number;
  killedAt: number;
  downAt?: number;
  backAt?: number;
  watchSeconds: number;
}

export async function runAppDrill(options: AppDrillOptions): Promise<AppDrillResult> {
  const probe = startProbe(`${options.appUrl}/health`);
  try {
    await new Promise((resolve) => setTimeout(resolve, 300));
    const { killedPid, killedAt } = await options.kill();
    options.onKilled?.(killedPid);
    const backAt = await waitForSuccessAfter(probe, killedAt + 1, options.watchSeconds * 1000);
    const samples = await probe.stop();
    const downAt = firstFailureAfter(samples, killedAt);
    return { killedPid, killedAt, watchSeconds: options.watchSeconds, ...(downAt !== undefined ? { downAt } : {}), ...(backAt !== undefined ? { backAt } : {}) };
  } finally {
    await probe.stop();
  }
}

/** What the learner reads after the drill; `appFile` is the app's file as they find it ("src/server.ts"). */
export function describeAppDrill(result: AppDrillResult, appFile: string): string {
  const lines = ['Seen from outside (GET /health every 100 ms):'];
  if (result.backAt !== undefined) {
    const down = result.downAt !== undefined ? (result.backAt - result.downAt) / 1000 : 0;
    lines.push(`  ✘ down for ${down.toFixed(1)} s`, '  ✔ back: something restarted it (npm start -- --restart-on-crash does, like a process manager)');
  } else {
    lines.push(
      `  ✘ down, and still down after ${result.watchSeconds} s: nothing restarts it.`,
      '',
      `One app process is a single point of failure. Bring it back by saving ${appFile}, or restart`,
      '`npm start -- --restart-on-crash` to have the lab restart it the way a process manager (systemd, Kubernetes) would.',
    );
  }
  return lines.join('\n');
}
