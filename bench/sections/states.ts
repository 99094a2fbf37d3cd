/**
 * Section 2: the scenario's states side by side (its definition's `bench.states`: as shipped,
 * after each fix, solved), in one run so the ratios hold on a noisy machine.
 */
import { startApp } from '../../lab/app-runner.js';
import type { Lab } from '../../lab/lab.js';
import { undoLoadTestWrites } from '../../lab/loadtest/undo-writes.js';
import { defaultSize } from '../../lab/seeding.js';
import type { RunSummary } from '../../lab/runs/run-record.js';
import { applyStateSql, benchStates, serverOf } from './bench-states.js';
import { cpuPerRequest, sampleCpu, type CpuPerRequest } from './cpu.js';
import { loadFor, scenarioTraffic } from './load.js';

export interface StateRun {
  name: string;
  /** The whole run, with each route of a mix in its `routes`. */
  summary: RunSummary;
}

export interface StatesResult {
  users: number;
  seconds: number;
  /** In the definition's order: as shipped first, solved last. */
  runs: StateRun[];
  /** Where the CPU went during the solved (last) state's run; null when this system cannot tell. */
  solvedCpu: CpuPerRequest | null;
}

export interface LoadPlan {
  users: number;
  seconds: number;
  /** An unmeasured load first, so start-up work (compiling, JIT, first connections) is not counted. */
  warmupSeconds: number;
}

export async function measureStates(lab: Lab, appDatabaseUrl: string, plan: LoadPlan, postmasterPid?: number, states = benchStates(lab)): Promise<StatesResult> {
  const runs: StateRun[] = [];
  let solvedCpu: CpuPerRequest | null = null;
  try {
    for (const [index, state] of states.entries()) {
      await applyStateSql(lab, appDatabaseUrl, state);
      const last = index === states.length - 1;
      const summary = await runAgainst(lab, serverOf(lab, state), appDatabaseUrl, plan, {}, (appPid) => {
        if (!last || postmasterPid === undefined) return undefined;
        const before = sampleCpu(appPid, postmasterPid);
        return (done) => {
          const after = sampleCpu(appPid, postmasterPid);
          if (before && after) solvedCpu = cpuPerRequest(before, after, done.totalRequests, done.durationSeconds);
        };
      });
      runs.push({ name: state.name, summary });
    }
    return { users: plan.users, seconds: plan.seconds, runs, solvedCpu };
  } finally {
    await applyStateSql(lab, appDatabaseUrl, {});
  }
}

/** Called just before the measured load with the app's pid; its result is called with the summary after. */
type MeasureAround = (appPid: number) => ((summary: RunSummary) => void) | undefined;

export async function runAgainst(
  lab: Lab,
  entry: string,
  databaseUrl: string,
  plan: LoadPlan,
  env: Record<string, string> = {},
  measureAround?: MeasureAround,
): Promise<RunSummary> {
  const app = await startApp(entry, databaseUrl, env);
  try {
    const traffic = scenarioTraffic(lab.scenario);
    // The size a mix draws its ids within: the database's seed, else the default.
    const size = (await lab.scenario.dataset.seededSize(databaseUrl).catch(() => undefined)) ?? defaultSize(lab.scenario);
    if (plan.warmupSeconds > 0) await loadFor(app.port, traffic, plan.users, plan.warmupSeconds, size);
    // Let the previous storm of connections drain from PostgreSQL before measuring.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const finish = measureAround?.(app.pid);
    const summary = await loadFor(app.port, traffic, plan.users, plan.seconds, size);
    finish?.(summary);
    return summary;
  } finally {
    await app.stop();
    // Every state starts from the seed's data, as every load test does.
    await undoLoadTestWrites(lab.scenario, databaseUrl);
  }
}
