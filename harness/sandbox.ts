/**
 * Runs the whole lab (`npm start`'s entry point) as a child process with its own state
 * folder and free ports, so the tests and the benchmark can start, stop, kill and restart
 * it like a person would, beside a lab that may already run on the default ports.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writePristineScenario } from '../lab/app-runner.js';
import { ROOT_DIR } from '../lab/config.js';
import type { Lab } from '../lab/lab.js';
import { READY_LINE } from '../lab/supervisor/banner.js';
import type { LabState } from '../lab/lab-state.js';
import { freePort } from '../lab/net/free-port.js';
import { processFacts } from '../lab/os/system.js';
import { TSX_IMPORT } from '../lab/tsx-import.js';


export interface LabPorts {
  appPort: number;
  labPort: number;
  dbPort: number;
}

export interface LabInstance {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
  /** Resolves once the banner is printed; rejects if the lab exits first. */
  ready: Promise<void>;
}

export interface LabSandbox {
  stateDir: string;
  ports: LabPorts;
  env(extra?: Record<string, string>): NodeJS.ProcessEnv;
  /** Starts `npm start` (lab/cli.ts start); with `user`, as that OS user (the caller must be root). */
  start(args?: string[], extraEnv?: Record<string, string>, options?: { user?: { uid: number; gid: number } }): LabInstance;
  state(): LabState;
  /** Stops (SIGKILL) any process still running in the sandbox, then deletes its folder. */
  remove(): void;
}

/** A sandbox for `lab`'s scenario, whose lab runs the shipped broken app. */
export async function createLabSandbox(lab: Lab): Promise<LabSandbox> {
  const { dir: pristineDir } = writePristineScenario(lab);
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-sandbox-'));
  fs.chmodSync(stateDir, 0o755);
  const ports = { appPort: await freePort(), labPort: await freePort(), dbPort: await freePort() };
  const env = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => {
    const base: NodeJS.ProcessEnv = { ...process.env };
    delete base.DATABASE_URL;
    return {
      ...base,
      LAB_STATE_DIR: stateDir,
      PORT: String(ports.appPort),
      LAB_PORT: String(ports.labPort),
      LAB_DB_PORT: String(ports.dbPort),
      // The default size, always: the tests assert it (calibration has its own tests).
      LAB_CALIBRATE: 'off',
      // The shipped files, whatever the learner's src/ looks like now.
      LAB_LEARNER_DIR: pristineDir,
      // The scenario this process works on, whatever folder the lab is started from.
      LAB_SCENARIO: lab.paths.scenario,
      ...extra,
    };
  };
  return {
    stateDir,
    ports,
    env,
    start(args = [], extraEnv = {}, options = {}) {
      const child = spawn(process.execPath, ['--import', TSX_IMPORT, path.join(ROOT_DIR, 'lab', 'cli.ts'), 'start', ...args], {
        cwd: ROOT_DIR,
        env: env(extraEnv),
        stdio: ['ignore', 'pipe', 'pipe'],
        ...options.user,
      });
      let output = '';
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      const ready = new Promise<void>((resolve, reject) => {
        const onData = (chunk: Buffer) => {
          output += chunk.toString();
          if (output.includes(READY_LINE)) resolve();
        };
        child.stdout?.on('data', onData);
        child.stderr?.on('data', onData);
        void exited.then((code) => reject(new Error(`the lab exited (${code}) before it was ready:\n${output}`)));
      });
      ready.catch(() => undefined);
      return { child, output: () => output, exited, ready };
    },
    state() {
      return JSON.parse(fs.readFileSync(path.join(stateDir, 'lab.json'), 'utf8')) as LabState;
    },
    remove() {
      // Whatever a test left running in this sandbox (a killed supervisor's database and app),
      // found by the folder in its command line or environment, goes first.
      for (const pid of processFacts().processesMentioning(stateDir)) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
      fs.rmSync(stateDir, { recursive: true, force: true });
    },
  };
}
