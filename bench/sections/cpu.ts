/**
 * CPU time spent by each process during a measurement, from Linux's /proc (clock ticks of
 * user + system time). Used to explain a throughput ceiling: on a 2-core machine the load
 * generator, the app and PostgreSQL share the same cores.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { childPids } from '../../lab/os/processes.js';

const TICKS_PER_SECOND = Number(safeExec('getconf', ['CLK_TCK']) || 100);

export interface CpuSample {
  app: number;
  postgres: number;
  /** This process (where autocannon generates the load), in seconds. */
  generator: number;
  /** Children this process has waited for (pgbench), in seconds. */
  reapedChildren: number;
}

export interface CpuPerRequest {
  /** Microseconds of CPU per answered request, by process. */
  appMicros: number;
  postgresMicros: number;
  generatorMicros: number;
  /** Average cores busy during the measurement, all three together. */
  coresBusy: number;
}

/** Fields 14-17 of /proc/PID/stat: utime, stime, cutime, cstime (after the command name). */
function statTimes(pid: number | 'self'): { own: number; children: number } {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = (index: number) => Number(fields[index - 3]);
    return { own: (ticks(14) + ticks(15)) / TICKS_PER_SECOND, children: (ticks(16) + ticks(17)) / TICKS_PER_SECOND };
  } catch {
    return { own: 0, children: 0 };
  }
}

/** The postmaster, its live children (connection backends, workers), and its reaped children. */
function postgresSeconds(postmasterPid: number): number {
  const postmaster = statTimes(postmasterPid);
  let total = postmaster.own + postmaster.children;
  for (const child of childPids(postmasterPid) ?? []) total += statTimes(child).own;
  return total;
}

export function sampleCpu(appPid: number | undefined, postmasterPid: number): CpuSample {
  const self = statTimes('self');
  return {
    app: appPid === undefined ? 0 : statTimes(appPid).own,
    postgres: postgresSeconds(postmasterPid),
    generator: self.own,
    reapedChildren: self.children,
  };
}

export function cpuPerRequest(before: CpuSample, after: CpuSample, requests: number, seconds: number): CpuPerRequest {
  const perRequest = (a: number, b: number) => (requests > 0 ? ((b - a) / requests) * 1e6 : 0);
  const busy = after.app - before.app + (after.postgres - before.postgres) + (after.generator - before.generator);
  return {
    appMicros: perRequest(before.app, after.app),
    postgresMicros: perRequest(before.postgres, after.postgres),
    generatorMicros: perRequest(before.generator, after.generator),
    coresBusy: seconds > 0 ? busy / seconds : 0,
  };
}

function safeExec(command: string, args: string[]): string {
  try {
    return execFileSync(command, args, { encoding: 'utf8' }).trim();
  } catch {
    return '';
  }
}
