/**
 * How busy the lab's processes and the machine were during a run: each process's CPU and its
 * event loop's utilisation from its own /metrics (process_cpu_seconds_total,
 * nodejs_eventloop_active_seconds_total), read at the run's start and end, and the machine's
 * busy cores from the operating system over the same interval.
 *
 * A process that restarted in between (another pid), did not answer, or does not publish a
 * measure is left out of it, or has null for that measure: a run is never failed for this.
 */
import type { FleetMember } from '../lab-context.js';
import { parsePrometheusText, sumOf } from '../metrics/prometheus-text.js';
import { machineBusySeconds, processorCount } from '../os/machine.js';
import type { ProcessUsage, RunUsage } from '../runs/run-record.js';

const CPU_SECONDS = 'process_cpu_seconds_total';
const EVENT_LOOP_BUSY_SECONDS = 'nodejs_eventloop_active_seconds_total';
const METRICS_TIMEOUT_MS = 2_000;

interface Reading {
  pid: number;
  cpuSeconds: number | null;
  eventLoopBusySeconds: number | null;
}

interface MachineReading {
  /** performance-clock milliseconds */
  at: number;
  busySeconds: number;
}

export interface UsageSampler {
  /** Reads everything again and returns what the run used; undefined when no process could be read. */
  finish(): Promise<RunUsage | undefined>;
}

/**
 * Reads every process that serves HTTP now (`members` lists them, from the lab server), and the
 * machine; `finish` reads them again. Never throws: a lab server that cannot be asked gives no usage.
 */
export async function startUsageSampler(members: () => Promise<FleetMember[]>): Promise<UsageSampler> {
  const listed = await members().catch(() => []);
  const atStart = await readAll(listed);
  const machineAtStart = readMachine();
  return {
    async finish() {
      // Listed again: a process started again during the run has another pid, and is left out.
      const atEnd = await readAll(await members().catch(() => []));
      const machineAtEnd = readMachine();
      const seconds = (machineAtEnd.at - machineAtStart.at) / 1000;
      if (seconds <= 0) return undefined;
      const processes: Record<string, ProcessUsage> = {};
      for (const [name, start] of atStart) {
        const end = atEnd.get(name);
        if (!end || end.pid !== start.pid) continue;
        processes[name] = {
          pid: start.pid,
          cpuCores: perSecond(start.cpuSeconds, end.cpuSeconds, seconds),
          eventLoopBusy: perSecond(start.eventLoopBusySeconds, end.eventLoopBusySeconds, seconds),
        };
      }
      if (Object.keys(processes).length === 0) return undefined;
      return {
        seconds,
        processes,
        machine: { cores: processorCount(), busyCores: Math.max(0, (machineAtEnd.busySeconds - machineAtStart.busySeconds) / seconds) },
      };
    },
  };
}

function perSecond(start: number | null, end: number | null, seconds: number): number | null {
  if (start === null || end === null || end < start) return null;
  return (end - start) / seconds;
}

function readMachine(): MachineReading {
  return { at: performance.now(), busySeconds: machineBusySeconds() };
}

async function readAll(members: FleetMember[]): Promise<Map<string, Reading>> {
  const readings = new Map<string, Reading>();
  await Promise.all(
    members.map(async (member) => {
      if (member.port === undefined || member.pid === undefined) return;
      const reading = await readProcess(member.port, member.metricsPath ?? '/metrics', member.pid);
      if (reading) readings.set(member.name, reading);
    }),
  );
  return readings;
}

async function readProcess(port: number, metricsPath: string, pid: number): Promise<Reading | undefined> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}${metricsPath}`, { signal: AbortSignal.timeout(METRICS_TIMEOUT_MS) });
    if (!response.ok) return undefined;
    const samples = parsePrometheusText(await response.text());
    return { pid, cpuSeconds: sumOf(samples, CPU_SECONDS), eventLoopBusySeconds: sumOf(samples, EVENT_LOOP_BUSY_SECONDS) };
  } catch {
    return undefined;
  }
}
