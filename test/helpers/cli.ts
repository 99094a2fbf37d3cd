/** Runs one of the lab's npm commands as a real child process (as `npm run …` would), with its output and exit code. */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { ROOT_DIR } from '../../lab/config.js';
import { TSX_IMPORT } from '../../lab/tsx-import.js';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunningCli {
  child: ChildProcess;
  /** Resolves once stdout contains the text. */
  waitForOutput(text: string): Promise<void>;
  result: Promise<CliResult>;
}

/** No command of the lab should run longer than this in a test; it is killed then. */
const KILL_AFTER_MS = 90_000;

export function startCli(entry: string, args: string[], env: Record<string, string>): RunningCli {
  const child = spawn(process.execPath, ['--import', TSX_IMPORT, path.join(ROOT_DIR, entry), ...args], {
    cwd: ROOT_DIR,
    env: { ...process.env, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const waiters: { text: string; resolve: () => void }[] = [];
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    for (const waiter of waiters.filter((w) => stdout.includes(w.text))) waiter.resolve();
  });
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const killer = setTimeout(() => child.kill('SIGKILL'), KILL_AFTER_MS);
  const result = new Promise<CliResult>((resolve) =>
    child.once('close', (code) => {
      clearTimeout(killer);
      resolve({ code, stdout, stderr });
    }),
  );
  return {
    child,
    result,
    waitForOutput: (text) =>
      stdout.includes(text)
        ? Promise.resolve()
        : Promise.race([
            new Promise<void>((resolve) => waiters.push({ text, resolve })),
            result.then((done) => {
              throw new Error(`exited (${done.code}) before printing ${JSON.stringify(text)}:\n${done.stdout}${done.stderr}`);
            }),
          ]),
  };
}

export function runCli(entry: string, args: string[], env: Record<string, string>): Promise<CliResult> {
  return startCli(entry, args, env).result;
}
