/** The machine a benchmark ran on, for the report: figures mean little without it. */
import os from 'node:os';

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  node: string;
  platform: string;
  /** The 1, 5 and 15-minute load averages when the run started (other work shares the cores); absent in older results and on Windows. */
  loadAverage?: number[];
}

export function describeMachine(): MachineInfo {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.platform()}-${os.arch()}`,
    ...(os.platform() === 'win32' ? {} : { loadAverage: os.loadavg().map((value) => Math.round(value * 100) / 100) }),
  };
}
