/**
 * `npm run bench -- --slow`: the lesson at three machine speeds made on this one machine —
 * both cores, everything on one core, and one core shared with a busy loop — each a first
 * start's calibration followed by the three states under the load test's users. A learner's
 * laptop or Codespace may be 3× slower than the machine the lab was written on; this shows,
 * without that machine, whether the states still look as SCENARIO.md says.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { TSX_IMPORT } from '../../lab/tsx-import.js';
import { describeMachine } from '../machine.js';
import { SPEED_SETTINGS, type SpeedResult, type SpeedSetting } from './goals.js';
import { renderSpeedsMarkdown, type SpeedsReport } from './report.js';

const WORKER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'worker.ts');
/** The core every pinned process shares. */
const CORE = '0';
/** A worker (calibration twice and three states) gets this long before it is stopped. */
const WORKER_TIMEOUT_MS = 20 * 60_000;

/** `scenarioFolder`: the scenario whose lesson each speed runs. */
export async function runSpeeds(scenarioFolder: string, outDir: string, stateSeconds: number, log: (line: string) => void): Promise<SpeedsReport> {
  const started = Date.now();
  const results: SpeedResult[] = [];
  const notes: string[] = [];
  const canPin = hasTaskset();
  if (!canPin) notes.push('taskset (Linux, package util-linux) is not available here, so only the both-cores speed was measured.');
  for (const setting of SPEED_SETTINGS) {
    if (setting.pinned && !canPin) continue;
    log(`speed: ${setting.description}`);
    results.push(await runWorker(scenarioFolder, setting, stateSeconds));
  }
  const report: SpeedsReport = { startedAt: new Date(started).toISOString(), totalSeconds: (Date.now() - started) / 1000, machine: describeMachine(), results, notes };
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, 'speeds.json'), `${JSON.stringify(report, null, 2)}\n`);
  fs.writeFileSync(path.join(outDir, 'speeds.md'), renderSpeedsMarkdown(report));
  return report;
}

async function runWorker(scenarioFolder: string, setting: SpeedSetting, stateSeconds: number): Promise<SpeedResult> {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bench-speed-')), 'result.json');
  const burner = setting.burner ? startBurner() : undefined;
  try {
    const command = [process.execPath, '--import', TSX_IMPORT, WORKER, '--scenario', scenarioFolder, '--speed', setting.id, '--seconds', String(stateSeconds), '--out', out];
    const child = spawn(setting.pinned ? 'taskset' : command[0]!, setting.pinned ? ['-c', CORE, ...command] : command.slice(1), {
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    const code = await exitOf(child, WORKER_TIMEOUT_MS);
    if (code !== 0) throw new Error(`the ${setting.id} run failed (exit ${code})`);
    return JSON.parse(fs.readFileSync(out, 'utf8')) as SpeedResult;
  } finally {
    if (burner) await stop(burner);
    fs.rmSync(path.dirname(out), { recursive: true, force: true });
  }
}

/** A busy loop on the pinned core that ends by itself after the worker's time limit. */
function startBurner(): ChildProcess {
  const loop = `const end = Date.now() + ${WORKER_TIMEOUT_MS}; while (Date.now() < end) {}`;
  return spawn('taskset', ['-c', CORE, process.execPath, '-e', loop], { stdio: 'ignore' });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

async function exitOf(child: ChildProcess, timeoutMs: number): Promise<number | null> {
  // SIGTERM, so the worker stops the database it started (taskset passes it on: it became the worker).
  const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
  try {
    return await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code) => resolve(code));
    });
  } finally {
    clearTimeout(timer);
  }
}

function hasTaskset(): boolean {
  return spawnSync('taskset', ['-c', CORE, 'true'], { stdio: 'ignore' }).status === 0;
}
