/**
 * The noisy-neighbour drill: one process of the scenario is held to one core, and a CPU burner
 * is started on the same core, for a while. The process then gets about half a core while the
 * others run where the system puts them: what a busy neighbour on a shared host does to one
 * instance. Afterwards the process may use every core again, and the burner has ended by itself.
 */
import type { CpuAffinity } from '../os/cpu-affinity.js';

/** The core the drill shares: the first, which every machine has. */
export const NOISY_CORE = 0;

export interface NoisyNeighbour {
  name: string;
  pid: number;
  core: number;
  burnerPid: number;
  seconds: number;
  /** Epoch ms. */
  endsAt: number;
}

export interface RunningNoisyNeighbour {
  started: NoisyNeighbour;
  /** Resolves once the process may use every core again (or is gone). */
  ended: Promise<void>;
  /** Ends it early: the burner stopped, the process's cores given back. */
  stop(): Promise<void>;
}

export async function startNoisyNeighbour(target: { name: string; pid: number }, seconds: number, affinity: CpuAffinity): Promise<RunningNoisyNeighbour> {
  const mask = await affinity.maskOf(target.pid);
  await affinity.pinToCore(target.pid, NOISY_CORE);
  let burnerPid: number;
  try {
    burnerPid = affinity.startBurner(NOISY_CORE, seconds);
  } catch (error) {
    await affinity.restoreMask(target.pid, mask).catch(() => undefined);
    throw error;
  }
  let finish: () => void = () => undefined;
  const ended = new Promise<void>((resolve) => (finish = resolve));
  let done = false;
  const release = async () => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    stopProcess(burnerPid);
    // A process that ended meanwhile (a crash, a restart) has nothing to give back.
    await affinity.restoreMask(target.pid, mask).catch(() => undefined);
    finish();
  };
  const timer = setTimeout(() => void release(), seconds * 1000);
  return {
    started: { name: target.name, pid: target.pid, core: NOISY_CORE, burnerPid, seconds, endsAt: Date.now() + seconds * 1000 },
    ended,
    stop: release,
  };
}

function stopProcess(pid: number): void {
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    // It ended by itself already.
  }
}
