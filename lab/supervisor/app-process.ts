/**
 * Runs the learner's app (the definition's files.app, e.g. src/server.ts) as the supervisor's
 * own child process, `node --import tsx <app>`, and starts it again whenever a file of its folder is
 * saved, the way nodemon does. Being the parent, the supervisor knows the app's pid and how it
 * ended on every system, with nothing to look up: after a crash the app stays down until the
 * next save, or comes back at once with --restart-on-crash. Its output keeps an "app │" prefix.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { APP_ENTRY, ROOT_DIR } from '../config.js';
import { learnerPath } from '../scenario/current.js';
import { isListening } from '../net/ports.js';
import { watchSources } from './source-watcher.js';
import { TSX_IMPORT } from '../tsx-import.js';
import { delay, settlesWithin } from '../timing.js';

export interface AppProcessOptions {
  port: number;
  host: string;
  databaseUrl: string;
  /** The app's entry file (the scenario's app by default); a save in its folder restarts the app. */
  entry?: string;
  /** Start the app again at once when it dies after it has served, as a process manager would. */
  restartOnCrash: boolean;
  /** Receives each line the app prints. */
  onLine?: (line: string) => void;
  /** Receives the supervisor's own lines about the app: restarts and crashes. */
  log: (line: string) => void;
  /** Told the pid of each new app process, and undefined when the app goes down. */
  onPid?: (pid: number | undefined) => void;
}

export interface AppProcess {
  /** The running app's pid, or undefined while it is down. */
  pid(): number | undefined;
  /** Resolves true once the first app process answers on its port, false if it exits before. */
  firstStart: Promise<boolean>;
  /** Resolves once saves are being watched. */
  watching: Promise<void>;
  /** Kills the running app with SIGKILL, as a crash would; returns its pid, or undefined when none runs. */
  crash(): number | undefined;
  /** Stops watching and stops the app (SIGTERM, then SIGKILL after a grace period). */
  stop(): Promise<void>;
}

interface Instance {
  child: ChildProcess;
  pid: number;
  exited: Promise<void>;
  listened: boolean;
  /** Set when the supervisor itself stops this process (a save, Ctrl-C): its exit is no crash. */
  stopping: boolean;
}

const STOP_GRACE_MS = 5_000;

export function startAppProcess(options: AppProcessOptions): AppProcess {
  const entry = options.entry ?? APP_ENTRY;
  const folder = path.dirname(entry);
  // As the learner finds it from where they ran npm start: "src/server.ts" in the scenario's folder.
  const entryName = learnerPath(entry);
  const print = options.onLine ?? ((line: string) => console.log(`app │ ${line}`));
  let current: Instance | undefined;
  let stopped = false;
  let settleFirstStart: (listened: boolean) => void = () => undefined;
  const firstStart = new Promise<boolean>((resolve) => (settleFirstStart = resolve));

  const start = (): void => {
    const child = spawn(process.execPath, ['--import', TSX_IMPORT, entry], {
      cwd: ROOT_DIR,
      env: { ...process.env, DATABASE_URL: options.databaseUrl, PORT: String(options.port), HOST: options.host },
      // Own process group, so Ctrl-C in the terminal reaches the supervisor alone and it stops
      // things in order (on Windows: no console of its own, so no Ctrl-C either).
      detached: true,
      windowsHide: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    for (const stream of [child.stdout, child.stderr]) if (stream) readline.createInterface({ input: stream }).on('line', print);
    if (child.pid === undefined) {
      options.log(`⚠ Could not start the app (${entryName}); save it to try again.`);
      settleFirstStart(false);
      return;
    }
    const instance: Instance = {
      child,
      pid: child.pid,
      exited: new Promise((resolve) => child.once('exit', () => resolve())),
      listened: false,
      stopping: false,
    };
    current = instance;
    options.onPid?.(instance.pid);
    child.once('exit', (code, signal) => onExit(instance, signal ? `signal ${signal}` : `exit code ${code}`));
    void watchForListening(instance);
  };

  const watchForListening = async (instance: Instance): Promise<void> => {
    let exited = false;
    void instance.exited.then(() => (exited = true));
    while (!exited && !(await isListening(options.port, '127.0.0.1', 200))) await delay(100);
    instance.listened = !exited;
    if (instance.listened) settleFirstStart(true);
  };

  const onExit = (instance: Instance, how: string): void => {
    if (current === instance) {
      current = undefined;
      options.onPid?.(undefined);
    }
    if (instance.stopping || stopped) return;
    if (!instance.listened) {
      settleFirstStart(false);
      options.log(`⚠ The app exited (${how}) before it answered on :${options.port}. Fix what its output above says, then save ${entryName} to start it again.`);
    } else if (options.restartOnCrash) {
      options.log(`⚠ The app process died (${how}). --restart-on-crash: starting it again, as a process manager would.`);
      start();
    } else {
      options.log(`⚠ The app process died (${how}), and nothing restarts it. It stays down until you save ${entryName} (or run \`npm start -- --restart-on-crash\`).`);
    }
  };

  const stopCurrent = async (): Promise<void> => {
    const instance = current;
    if (!instance) return;
    instance.stopping = true;
    instance.child.kill('SIGTERM');
    if (!(await settlesWithin(instance.exited, STOP_GRACE_MS))) {
      instance.child.kill('SIGKILL');
      await instance.exited;
    }
  };

  // Saves during a restart are gathered into one more restart, never run side by side.
  let restarting: Promise<void> | undefined;
  let savedAgain = false;
  const restart = (): void => {
    if (restarting) {
      savedAgain = true;
      return;
    }
    restarting = (async () => {
      do {
        savedAgain = false;
        await stopCurrent();
        if (!stopped) start();
      } while (savedAgain && !stopped);
    })().finally(() => (restarting = undefined));
  };

  const watcher = watchSources(
    folder,
    (file) => {
      if (stopped) return;
      options.log(`${learnerPath(path.join(folder, file))} saved: ${current ? 'restarting' : 'starting'} the app.`);
      restart();
    },
    (message) => options.log(`⚠ ${message}`),
  );
  start();

  return {
    pid: () => current?.pid,
    firstStart,
    watching: watcher.ready,
    crash() {
      if (!current) return undefined;
      current.child.kill('SIGKILL');
      return current.pid;
    },
    async stop() {
      stopped = true;
      await watcher.close();
      await restarting;
      await stopCurrent();
    },
  };
}
