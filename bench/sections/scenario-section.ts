/**
 * A scenario's own section of the benchmark (its definition's bench.section): run last, on the
 * scratch database, with the processes it starts stopped whatever happens.
 */
import { spawn } from 'node:child_process';
import type { BenchProcess, BenchSection, BenchSectionResult } from '../../lab/scenario/definition.js';
import { ROOT_DIR } from '../../lab/config.js';
import { TSX_IMPORT } from '../../lab/tsx-import.js';

const STOP_GRACE_MS = 5_000;

export interface ScenarioSectionResult extends BenchSectionResult {
  title: string;
}

export async function measureScenarioSection(
  section: BenchSection,
  options: { appUrl: string; adminUrl: string; scenarioDir: string; quick: boolean; step(text: string): void },
): Promise<ScenarioSectionResult> {
  const started: BenchProcess[] = [];
  try {
    const result = await section.measure({
      ...options,
      startProcess(entry, env) {
        const process = startTypeScript(entry, env);
        started.push(process);
        return process;
      },
    });
    return { title: section.title, ...result };
  } finally {
    await Promise.all(started.map((process) => process.stop()));
  }
}

function startTypeScript(entry: string, env: Record<string, string>): BenchProcess {
  const child = spawn(process.execPath, ['--import', TSX_IMPORT, entry], {
    cwd: ROOT_DIR,
    env: { ...process.env, HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  return {
    output: () => output,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
      await exited;
      clearTimeout(killer);
    },
  };
}
