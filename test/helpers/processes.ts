/** Processes a test starts itself (an app, a worker): run as the lab runs them, stopped by pid. */
import { spawn, type ChildProcess } from 'node:child_process';
import { ROOT_DIR } from '../../lab/config.js';
import { TSX_IMPORT } from '../../lab/tsx-import.js';

export interface TestProcess {
  child: ChildProcess;
  /** Everything it printed so far, stdout and stderr together. */
  output: () => string;
}

/** Starts `node --import tsx <file>` at the repository root with `env` added; `running` holds it until it exits. */
export function spawnTestProcess(file: string, env: Record<string, string>, running: Set<ChildProcess>): TestProcess {
  const child = spawn(process.execPath, ['--import', TSX_IMPORT, file], { cwd: ROOT_DIR, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  child.once('exit', () => running.delete(child));
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return { child, output: () => output };
}

/** Kills each with SIGKILL (by its pid) and resolves once all have exited. */
export async function stopTestProcesses(children: Iterable<ChildProcess>): Promise<void> {
  await Promise.all(
    [...children].map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGKILL');
        }),
    ),
  );
}
