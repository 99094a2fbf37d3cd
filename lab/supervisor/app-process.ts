/**
 * Runs the learner's app (src/server.ts) under `tsx watch`, which restarts it on every save,
 * the way nodemon does. Its output is passed through with an "app │" prefix.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import readline from 'node:readline';
import { APP_ENTRY, ROOT_DIR } from '../config.js';
import { signalGroup } from '../os/processes.js';

export interface AppProcessOptions {
  port: number;
  host: string;
  databaseUrl: string;
  entry?: string;
  /** Receives each line the app prints. */
  onLine?: (line: string) => void;
}

export interface AppProcess {
  /** The `tsx watch` process; the app itself runs as its child, in the same process group. */
  watcherPid: number;
  stop(): Promise<void>;
  exited: Promise<void>;
}

const STOP_GRACE_MS = 5_000;

export function startAppProcess(options: AppProcessOptions): AppProcess {
  const tsxCli = createRequire(import.meta.url).resolve('tsx/cli');
  const child = spawn(process.execPath, [tsxCli, 'watch', '--clear-screen=false', options.entry ?? APP_ENTRY], {
    cwd: ROOT_DIR,
    env: {
      ...process.env,
      DATABASE_URL: options.databaseUrl,
      PORT: String(options.port),
      HOST: options.host,
    },
    // Own process group, so the supervisor can stop the watcher and the app together by
    // signalling the group, and Ctrl-C reaches the supervisor first (it stops things in order).
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) throw new Error(`Could not start the app (${options.entry ?? APP_ENTRY}).`);
  const print = options.onLine ?? ((line: string) => console.log(`app │ ${line}`));
  for (const stream of [child.stdout, child.stderr]) {
    if (stream) readline.createInterface({ input: stream }).on('line', print);
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let stopping: Promise<void> | undefined;
  return {
    watcherPid: child.pid,
    exited,
    stop() {
      stopping ??= stopGroup(child, exited);
      return stopping;
    },
  };
}

async function stopGroup(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  signalGroup(child.pid, 'SIGTERM');
  const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), STOP_GRACE_MS).unref());
  if ((await Promise.race([exited, timer])) === 'timeout') {
    signalGroup(child.pid, 'SIGKILL');
    await exited;
  }
  // The app may outlive the watcher for a moment; make sure nothing of the group is left.
  signalGroup(child.pid, 'SIGKILL');
}
