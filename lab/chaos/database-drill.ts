/**
 * `npm run chaos -- db`, from the outside: probe the scenario's page (its definition's
 * drills.databaseProbeRoute) every 100 ms, have the database taken away and brought back,
 * then report what a user of the app saw and whether the same app process came through it.
 */
import type { DatabaseDrillRecord } from './drill-record.js';
import type { OutageTiming } from './database-outage.js';
import { firstFailureAfter, startProbe, waitForSuccessAfter } from './probe.js';

/** After the database returns, how long the drill waits for the app to serve again. */
export const RECOVERY_WAIT_MS = 10_000;

export interface DatabaseDrillOptions {
  appUrl: string;
  /** The page probed, one that needs the database: "/feed". */
  route: string;
  /** Takes the database away and resolves once it is back. */
  takeAway: () => Promise<OutageTiming>;
  /** The app process now (to see whether it survived). */
  appPid: () => number | undefined;
}

export interface DatabaseDrillResult {
  /** The page that was probed. */
  route: string;
  timing: OutageTiming;
  record: DatabaseDrillRecord;
  /** First failed probe after the database went away. */
  firstFailureAt?: number;
  /** First probe answered 200 after the database returned. */
  servedAgainAt?: number;
  appPidBefore?: number;
  appPidAfter?: number;
}

export async function runDatabaseDrill(options: DatabaseDrillOptions): Promise<DatabaseDrillResult> {
  const appPidBefore = options.appPid();
  const probe = startProbe(`${options.appUrl}${options.route}`);
  let timing: OutageTiming;
  let servedAgainAt: number | undefined;
  try {
    timing = await options.takeAway();
    // A crashed app will not serve again: no need to wait the full time for it.
    const crashed = () => appPidBefore !== undefined && options.appPid() !== appPidBefore;
    servedAgainAt = await waitForSuccessAfter(probe, timing.restartedAt, RECOVERY_WAIT_MS, crashed);
  } finally {
    await probe.stop();
  }
  const appPidAfter = options.appPid();
  const firstFailureAt = firstFailureAfter(probe.samples, timing.stoppedAt);
  const appCrashed = appPidBefore !== undefined && appPidAfter !== appPidBefore;
  const record: DatabaseDrillRecord = {
    finishedAt: new Date().toISOString(),
    ...(appPidBefore !== undefined ? { appPid: appPidBefore } : {}),
    databaseDownSeconds: (timing.restartedAt - timing.stoppedAt) / 1000,
    appServedAgain: servedAgainAt !== undefined && !appCrashed,
    recoverySeconds: servedAgainAt !== undefined ? Math.max(0, servedAgainAt - timing.restartedAt) / 1000 : null,
    appCrashed,
  };
  return {
    route: options.route,
    timing,
    record,
    ...(firstFailureAt !== undefined ? { firstFailureAt } : {}),
    ...(servedAgainAt !== undefined ? { servedAgainAt } : {}),
    ...(appPidBefore !== undefined ? { appPidBefore } : {}),
    ...(appPidAfter !== undefined ? { appPidAfter } : {}),
  };
}

/** What the learner reads after the drill. */
export function describeDatabaseDrill(result: DatabaseDrillResult): string {
  const { route, timing, record } = result;
  const how = timing.mode === 'embedded'
    ? `Stopped the embedded PostgreSQL at ${clock(timing.stoppedAt)} and started it again at ${clock(timing.restartedAt)}` +
      `${timing.postgresPid !== undefined ? ` (new pid ${timing.postgresPid})` : ''}.`
    : `Refused new connections to the database and ended the open ones at ${clock(timing.stoppedAt)}; allowed them again at ${clock(timing.restartedAt)}.`;
  const lines = [how, `The database was away for ${record.databaseDownSeconds.toFixed(1)} s.`, '', `Seen from outside (GET ${route} every 100 ms):`];
  if (result.firstFailureAt !== undefined) {
    const until = result.servedAgainAt ?? Date.now();
    lines.push(`  ✘ ${route} failed from ${clock(result.firstFailureAt)}, for ${((until - result.firstFailureAt) / 1000).toFixed(1)} s`);
  } else {
    lines.push('  ✔ no probe failed (the database was away only between probes, or the app answered from elsewhere)');
  }
  if (record.appCrashed) {
    lines.push(
      `  ✘ the app process (pid ${result.appPidBefore}) is gone: it crashed when the database went away.`,
      '    A pool emits "error" when an idle connection breaks; with no listener for it, the whole app dies.',
    );
  } else if (record.appServedAgain) {
    lines.push(`  ✔ served again ${record.recoverySeconds!.toFixed(1)} s after the database returned, by the same app process`);
  } else {
    lines.push(`  ✘ still failing ${RECOVERY_WAIT_MS / 1000} s after the database returned: the app does not reconnect by itself`);
  }
  lines.push('', `One database is a single point of failure: while it is away, nothing the app does can serve ${route}.`);
  return lines.join('\n');
}

function clock(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(11, 22);
}
