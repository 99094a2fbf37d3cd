/**
 * Notices when the app process dies without a save: `tsx watch` runs the app as its child,
 * and after a crash by a signal (SIGKILL, as `npm run chaos -- app` sends) tsx waits
 * forever for an exit it already missed, so even a save would not bring the app back.
 * The monitor restarts the watcher instead: at once with --restart-on-crash (what a process
 * manager does), otherwise on the learner's next save of src/server.ts.
 * Linux only (it reads the watcher's children from /proc); elsewhere it does nothing.
 */
import fs from 'node:fs';
import path from 'node:path';
import { childPids } from '../os/processes.js';
import { isListening } from './ports.js';

export interface CrashMonitorOptions {
  port: number;
  /** The file whose save brings a crashed app back (src/server.ts). */
  entry: string;
  restartOnCrash: boolean;
  watcherPid: () => number | undefined;
  /** Stops the current watcher and starts a new one. */
  restart: () => Promise<void>;
  log: (line: string) => void;
}

const POLL_MS = 250;
/** tsx replaces the app within milliseconds on a save; a second without any app is a crash. */
const CRASH_AFTER_MS = 1_000;
/** After a save, tsx gets this long to start the app itself before the monitor steps in. */
const SAVE_GRACE_MS = 1_500;

export function monitorAppCrashes(options: CrashMonitorOptions): { stop(): void } {
  if (!fs.existsSync('/proc/self/stat')) return { stop: () => undefined };
  let stopped = false;
  let hadApp = false;
  let listened = false;
  let missingSince: number | undefined;
  let crashed = false;
  let restarting = false;

  const restart = async (why: string) => {
    if (restarting || stopped) return;
    restarting = true;
    options.log(why);
    try {
      await options.restart();
    } finally {
      hadApp = false;
      listened = false;
      crashed = false;
      missingSince = undefined;
      restarting = false;
    }
  };

  const poll = async () => {
    const watcher = options.watcherPid();
    if (stopped || restarting || watcher === undefined) return;
    if ((childPids(watcher) ?? []).length > 0) {
      hadApp = true;
      missingSince = undefined;
      if (!listened) listened = await isListening(options.port, '127.0.0.1', 200);
      return;
    }
    if (!hadApp || crashed) return;
    missingSince ??= Date.now();
    if (Date.now() - missingSince < CRASH_AFTER_MS) return;
    crashed = true;
    // An app that never listened failed at start-up (a mistake in the code): restarting it would only loop.
    if (options.restartOnCrash && listened) {
      await restart('⚠ The app process died. --restart-on-crash: starting it again, as a process manager would.');
    } else {
      options.log('⚠ The app process died, and nothing restarts it. It stays down until you save src/server.ts (or run `npm start -- --restart-on-crash`).');
    }
  };

  const timer = setInterval(() => void poll(), POLL_MS);
  let watcher: fs.FSWatcher | undefined;
  try {
    // Watch the folder, not the file: editors and `npm run reset` replace the file by renaming.
    watcher = fs.watch(path.dirname(options.entry), (_event, name) => {
      if (!crashed || name !== path.basename(options.entry)) return;
      setTimeout(() => {
        const pid = options.watcherPid();
        if (crashed && pid !== undefined && (childPids(pid) ?? []).length === 0) void restart('  src/server.ts saved: starting the app again.');
      }, SAVE_GRACE_MS);
    });
  } catch {
    // Without a file watch the learner can still restart `npm start`.
  }
  return {
    stop() {
      stopped = true;
      clearInterval(timer);
      watcher?.close();
    },
  };
}
