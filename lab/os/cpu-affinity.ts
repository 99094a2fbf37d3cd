/**
 * Holding processes to one core, for the noisy-neighbour drill. Linux has `taskset` (util-linux,
 * on every distribution the lab runs on); macOS gives programs no way to choose a process's core,
 * and Windows's way (a process's ProcessorAffinity) is not wired here: on both the drill says so
 * in one line. LAB_OS=portable takes the portable path on Linux too, as the other facts do.
 */
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { LabError } from '../errors.js';
import { linuxFacilities } from './system.js';

const run = promisify(execFile);

export interface CpuAffinity {
  /** The process's current mask as taskset prints it (hex, "3" is cores 0 and 1), to put back later. */
  maskOf(pid: number): Promise<string>;
  /** Holds the process to `core` alone. */
  pinToCore(pid: number, core: number): Promise<void>;
  /** Gives the process a mask read earlier with maskOf. */
  restoreMask(pid: number, mask: string): Promise<void>;
  /** Starts a process that keeps `core` busy for `seconds` and then exits by itself; returns its pid. */
  startBurner(core: number, seconds: number): number;
}

/** Why this system cannot hold a process to one core, in one line with what to do instead. */
export function noAffinityReason(platform: NodeJS.Platform): string {
  const system = platform === 'darwin' ? 'macOS' : platform === 'win32' ? 'Windows' : 'this system';
  return `${system} gives the lab no way to hold a process to one core, which a noisy neighbour needs; on Linux (the scenario's dev container is Linux) it works`;
}

/**
 * taskset's way, or a LabError (NOT_ON_THIS_SYSTEM) that says why not. `onLinux` is false on
 * Linux forced to the portable path (LAB_OS=portable), which then answers as macOS would.
 */
export function cpuAffinity(onLinux: boolean = linuxFacilities(), platform: NodeJS.Platform = process.platform): CpuAffinity {
  if (!onLinux) throw new LabError('NOT_ON_THIS_SYSTEM', noAffinityReason(platform === 'linux' ? 'darwin' : platform));
  return tasksetAffinity;
}

const tasksetAffinity: CpuAffinity = {
  async maskOf(pid) {
    const { stdout } = await taskset(['-p', String(pid)]);
    const mask = /:\s*([0-9a-f,]+)\s*$/i.exec(stdout.trim())?.[1];
    if (!mask) throw new LabError('NOT_ON_THIS_SYSTEM', `taskset did not say which cores process ${pid} may use: ${stdout.trim()}`);
    return mask;
  },
  async pinToCore(pid, core) {
    await taskset(['-pc', String(core), String(pid)]);
  },
  async restoreMask(pid, mask) {
    await taskset(['-p', mask, String(pid)]);
  },
  startBurner(core, seconds) {
    // Bounded in time by its own clock: it ends even if the lab is gone.
    const loop = `const end = Date.now() + ${Math.round(seconds * 1000)}; while (Date.now() < end) {}`;
    const child = spawn('taskset', ['-c', String(core), process.execPath, '-e', loop], { stdio: 'ignore', detached: false });
    child.unref();
    if (child.pid === undefined) throw new LabError('NOT_ON_THIS_SYSTEM', 'taskset could not start the CPU burner');
    return child.pid;
  },
};

async function taskset(args: string[]): Promise<{ stdout: string }> {
  try {
    return await run('taskset', args);
  } catch (error) {
    const { code, stderr } = error as { code?: string; stderr?: string };
    if (code === 'ENOENT') throw new LabError('NOT_ON_THIS_SYSTEM', 'taskset is not installed (it comes with util-linux: apt-get install util-linux)');
    throw new LabError('NOT_ON_THIS_SYSTEM', `taskset ${args.join(' ')} failed: ${(stderr ?? String(error)).trim()}`);
  }
}
