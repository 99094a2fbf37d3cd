/**
 * CPU time spent by each process during a measurement (user + system time), as lab/os tells
 * it: exact from /proc on Linux, from ps or PowerShell elsewhere (whole seconds on Linux's ps,
 * hundredths on macOS). Used to explain a throughput ceiling: on a 2-core machine the load
 * generator, the app and PostgreSQL share the same cores.
 */
import { processFacts } from '../../lab/os/system.js';
import type { ProcessFacts } from '../../lab/os/process-facts.js';

export interface CpuSample {
  app: number;
  postgres: number;
  /** This process (where autocannon generates the load), in seconds. */
  generator: number;
  /** Children this process has waited for (pgbench), in seconds; undefined where only Linux can tell. */
  reapedChildren?: number;
}

export interface CpuPerRequest {
  /** Microseconds of CPU per answered request, by process. */
  appMicros: number;
  postgresMicros: number;
  generatorMicros: number;
  /** Average cores busy during the measurement, all three together. */
  coresBusy: number;
}

/** Said in the report where this system cannot show CPU time per process. */
export const CPU_NOT_MEASURABLE = "This system did not show the CPU time of the app's and PostgreSQL's processes, so the bench cannot say where the CPU goes.";
/** Said where pgbench ran but its client's CPU cannot be read: only Linux keeps the CPU time of a finished child. */
export const PGBENCH_CPU_NOT_MEASURABLE = "pgbench's CPU per query is not shown: only Linux tells the CPU time of a program that has already ended.";

/** CPU so far of the app, PostgreSQL (the postmaster and its children) and this process; undefined when the system cannot tell. */
export function sampleCpu(appPid: number | undefined, postmasterPid: number, facts: ProcessFacts = processFacts()): CpuSample | undefined {
  const app = appPid === undefined ? 0 : facts.cpuSeconds(appPid);
  const postgres = facts.treeCpuSeconds(postmasterPid);
  if (app === undefined || postgres === undefined) return undefined;
  const own = process.cpuUsage();
  const reapedChildren = facts.reapedChildrenCpuSeconds();
  return { app, postgres, generator: (own.user + own.system) / 1e6, ...(reapedChildren !== undefined ? { reapedChildren } : {}) };
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
