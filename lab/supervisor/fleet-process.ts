/**
 * One process of the fleet, "worker-2": the supervisor's own child, `node --import tsx <entry>`,
 * started again in place (same name, same port) when its files are saved. Being the parent,
 * the supervisor knows its pid and how it ended on every system, with nothing to look up:
 * after a crash it stays down until the next save, or comes back at once with
 * --restart-on-crash. Its output keeps a "worker-2 │" prefix ("app │" for a lone app).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import readline from 'node:readline';
import { isListening } from '../net/ports.js';
import { killProcessGroup } from '../os/processes.js';
import { TSX_IMPORT } from '../tsx-import.js';
import { delay, settlesWithin } from '../timing.js';

export interface FleetProcessOptions {
  /** "worker-2": its application_name in PostgreSQL and its label everywhere. */
  name: string;
  role: string;
  /** Its number within its role, from 1. */
  index: number;
  /** How the lab's lines name it: "app" for a role that only ever has one process, else its name. */
  label: string;
  entry: string;
  /** The learner's name for the entry file ("src/worker.ts"), for the lines that tell what to save. */
  entryName: string;
  /** Where it runs (the repository root: its imports find node_modules from there). */
  cwd: string;
  /** Set for a process that serves HTTP: its PORT. */
  port?: number;
  env: NodeJS.ProcessEnv;
  /** Start it again at once when it dies after it was up, as a process manager would. */
  restartOnCrash: boolean;
  /** Receives each line it prints. */
  onLine: (line: string) => void;
  /** Receives the supervisor's own lines about it: restarts and crashes. */
  log: (line: string) => void;
  /** Told whenever its pid changes (a start, an exit). */
  onChange: () => void;
}

/** How long a process without a port must run before an exit counts as a crash rather than a failed start. */
const UP_AFTER_MS = 1_000;
const STOP_GRACE_MS = 5_000;

interface Child {
  child: ChildProcess;
  pid: number;
  exited: Promise<void>;
  /** Answered on its port (a process with a port) or ran UP_AFTER_MS (one without). */
  up: boolean;
  /** Resolves to `up` once it is known: true when it came up, false when it exited first. */
  ready: Promise<boolean>;
  /** Set when the supervisor itself stops this child (a save, a scale down, Ctrl-C): its exit is no crash. */
  stopping: boolean;
  /** Set when it was sent SIGKILL as a crash: it is going, even before its exit arrives. */
  crashed: boolean;
}

export class FleetProcess {
  private current: Child | undefined;
  private stopped = false;
  private restarting: Promise<void> | undefined;
  private savedAgain = false;
  private settleFirstStart: (up: boolean) => void = () => undefined;
  /** Resolves true once the first child is up, false if it exits before. */
  readonly firstStart = new Promise<boolean>((resolve) => (this.settleFirstStart = resolve));

  constructor(readonly options: FleetProcessOptions) {}

  get name(): string {
    return this.options.name;
  }

  pid(): number | undefined {
    return this.current?.pid;
  }

  start(): void {
    const { options } = this;
    const env: NodeJS.ProcessEnv = { ...options.env };
    if (options.port === undefined) delete env.PORT;
    else env.PORT = String(options.port);
    const child = spawn(process.execPath, ['--import', TSX_IMPORT, options.entry], {
      cwd: options.cwd,
      env,
      // Own process group, so Ctrl-C in the terminal reaches the supervisor alone and it stops
      // things in order (on Windows: no console of its own, so no Ctrl-C either).
      detached: true,
      windowsHide: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    for (const stream of [child.stdout, child.stderr]) if (stream) readline.createInterface({ input: stream }).on('line', options.onLine);
    if (child.pid === undefined) {
      options.log(`⚠ Could not start the ${options.label} (${options.entryName}); save it to try again.`);
      this.settleFirstStart(false);
      return;
    }
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const started: Child = { child, pid: child.pid, exited, up: false, ready: Promise.resolve(false), stopping: false, crashed: false };
    this.current = started;
    options.onChange();
    child.once('exit', (code, signal) => this.onExit(started, signal ? `signal ${signal}` : `exit code ${code}`));
    started.ready = this.watchForUp(started);
  }

  /** Kills it and the processes it started with SIGKILL, as a crash would; returns the pid, or undefined when it is down. */
  crash(): number | undefined {
    if (!this.current) return undefined;
    this.current.crashed = true;
    killProcessGroup(this.current.pid);
    return this.current.pid;
  }

  /** True when no process runs, or the one running was just killed as a crash (its exit may not have arrived yet). */
  isDown(): boolean {
    return this.current === undefined || this.current.crashed;
  }

  /** Stops it and starts it again; saves during a restart are gathered into one more restart, never run side by side. */
  restart(): void {
    if (this.restarting) {
      this.savedAgain = true;
      return;
    }
    this.restarting = (async () => {
      do {
        this.savedAgain = false;
        await this.stopCurrent();
        if (!this.stopped) this.start();
      } while (this.savedAgain && !this.stopped);
    })().finally(() => (this.restarting = undefined));
  }

  /**
   * Stops it (SIGTERM, then SIGKILL after the grace period) and starts it again, as a deploy
   * does; resolves true once the new one is up, false if it exits first.
   */
  async replace(): Promise<boolean> {
    this.restart();
    return this.ready();
  }

  /** Resolves true once the process running now (after a restart under way) is up, false if it exits first. */
  async ready(): Promise<boolean> {
    await this.restarting;
    return (await this.current?.ready) ?? false;
  }

  /** Stops it for good (SIGTERM, then SIGKILL after a grace period). */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.restarting;
    await this.stopCurrent();
  }

  /** Sets `up` once the child answers on its port (or has run UP_AFTER_MS, without one), and answers it; false if it exits first. */
  private async watchForUp(started: Child): Promise<boolean> {
    let exited = false;
    void started.exited.then(() => (exited = true));
    const { port } = this.options;
    if (port === undefined) await settlesWithin(started.exited, UP_AFTER_MS);
    else while (!exited && !(await isListening(port, '127.0.0.1', 200))) await delay(100);
    started.up = !exited;
    if (started.up) this.settleFirstStart(true);
    return started.up;
  }

  private onExit(ended: Child, how: string): void {
    const { options } = this;
    if (this.current === ended) {
      this.current = undefined;
      options.onChange();
    }
    if (ended.stopping || this.stopped) return;
    if (!ended.up) {
      this.settleFirstStart(false);
      const before = options.port === undefined ? 'right after it started' : `before it answered on :${options.port}`;
      options.log(`⚠ The ${options.label} exited (${how}) ${before}. Fix what its output above says, then save ${options.entryName} to start it again.`);
    } else if (options.restartOnCrash) {
      options.log(`⚠ The ${options.label} process died (${how}). --restart-on-crash: starting it again, as a process manager would.`);
      this.start();
    } else {
      options.log(`⚠ The ${options.label} process died (${how}), and nothing restarts it. It stays down until you save ${options.entryName} (or run \`npm start -- --restart-on-crash\`).`);
    }
  }

  private async stopCurrent(): Promise<void> {
    const running = this.current;
    if (!running) return;
    running.stopping = true;
    running.child.kill('SIGTERM');
    if (!(await settlesWithin(running.exited, STOP_GRACE_MS))) {
      killProcessGroup(running.pid);
      await running.exited;
    }
  }
}
