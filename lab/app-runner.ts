/**
 * Starts the scenario's app (the shipped broken one, the solution, or a variant) as a real child
 * process on a free port, without watch mode, and stops it by its pid. Used by the tests and
 * the benchmark to compare servers side by side.
 *
 * They never run the learner's working copy: src/server.ts may be half fixed, or fixed. The
 * servers run from a pristine copy of the learner's files, written from lab/reset/pristine/
 * into node_modules/.cache (inside the project, so their imports find node_modules).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT_DIR } from './config.js';
import { scenarioFile, type Lab } from './lab.js';
import { freePort } from './net/free-port.js';
import { isListening } from './net/ports.js';
import { TSX_IMPORT } from './tsx-import.js';

export interface RunningApp {
  url: string;
  port: number;
  pid: number;
  output(): string;
  stop(): Promise<void>;
  exited: Promise<number | null>;
}

/** A scenario's learner files as shipped, and its solution, copied where servers can run them. */
export interface PristineScenario {
  /** The folder that mirrors the scenario's learner files. */
  dir: string;
  /** The shipped broken server (a copy of its pristine copy). */
  brokenServer: string;
  /** The solution, beside the pristine files it imports (the shipped server when the fix is SQL only). */
  fixedServer: string;
}

/**
 * Writes the lab's pristine copies (again, if anything changed them) and says where they are. A
 * server variant written beside the app file imports the pristine files next to it.
 */
export function writePristineScenario(lab: Lab): PristineScenario {
  const { app, pristine, solutionFiles = {} } = lab.scenario.files;
  const dir = path.join(ROOT_DIR, 'node_modules', '.cache', 'lab-pristine', path.basename(lab.paths.scenario));
  const brokenServer = path.join(dir, app);
  const fixedApp = solutionFiles[app];
  const fixedServer = fixedApp === undefined ? brokenServer : path.join(dir, fixedApp);
  const contents: Array<[content: Buffer, to: string]> = [
    ...Object.entries(pristine).map(([learnerFile, copy]): [Buffer, string] => [fs.readFileSync(scenarioFile(lab, copy)), path.join(dir, learnerFile)]),
    ...Object.values(solutionFiles).map((fixed): [Buffer, string] => [fs.readFileSync(scenarioFile(lab, fixed)), path.join(dir, fixed)]),
    // Inside node_modules, Node does not look further up for the project's package.json: say
    // here that these files are ES modules, as the scenario's "type": "module" does for src/.
    [Buffer.from('{ "type": "module" }\n'), path.join(dir, 'package.json')],
  ];
  for (const [content, to] of contents) {
    if (fs.existsSync(to) && fs.readFileSync(to).equals(content)) continue;
    fs.mkdirSync(path.dirname(to), { recursive: true });
    // Whole files at once: a benchmark and a test run may write the same copy at the same time.
    const temporary = `${to}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, content);
    fs.renameSync(temporary, to);
  }
  return { dir, brokenServer, fixedServer };
}

/** Runs a server file (written by writePristineScenario, or a variant beside it) until stop(). */
export async function startApp(entry: string, databaseUrl: string, extraEnv: Record<string, string> = {}): Promise<RunningApp> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', TSX_IMPORT, entry], {
    cwd: ROOT_DIR,
    env: { ...process.env, DATABASE_URL: databaseUrl, PORT: String(port), HOST: '127.0.0.1', ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let hasExited = false;
  void exited.then(() => (hasExited = true));
  const deadline = Date.now() + 30_000;
  while (!(await isListening(port))) {
    if (hasExited) throw new Error(`${path.basename(entry)} exited before listening:\n${output}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${path.basename(entry)} did not listen on :${port} within 30 s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    pid: child.pid!,
    output: () => output,
    exited,
    async stop() {
      if (hasExited) return;
      child.kill('SIGTERM');
      const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 5_000).unref());
      if ((await Promise.race([exited, timeout])) === 'timeout') {
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
}
