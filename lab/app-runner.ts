/**
 * Starts a feed server (src/server.ts, solution/server.fixed.ts, or a variant) as a real
 * child process on a free port, without watch mode, and stops it by its pid. Used by the
 * tests and the benchmark to compare servers side by side.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { ROOT_DIR } from './config.js';
import { freePort } from './net/free-port.js';
import { isListening } from './supervisor/ports.js';
import { TSX_IMPORT } from './tsx-import.js';

export interface RunningApp {
  url: string;
  port: number;
  pid: number;
  output(): string;
  stop(): Promise<void>;
  exited: Promise<number | null>;
}

export const BROKEN_SERVER = path.join(ROOT_DIR, 'src', 'server.ts');
export const FIXED_SERVER = path.join(ROOT_DIR, 'solution', 'server.fixed.ts');


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
