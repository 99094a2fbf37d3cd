/**
 * Section 2: the scenario's three states side by side, in one run so the ratios hold on a
 * noisy machine: broken (connection per request), pool only, pool + index.
 */
import pg from 'pg';
import { BROKEN_SERVER, FIXED_SERVER, startApp } from '../../lab/app-runner.js';
import type { RunSummary } from '../../lab/runs/run-record.js';
import { cpuPerRequest, sampleCpu, type CpuPerRequest } from './cpu.js';
import { loadFor } from './load.js';

export interface StatesResult {
  users: number;
  seconds: number;
  broken: RunSummary;
  poolOnly: RunSummary;
  poolAndIndex: RunSummary;
  /** Where the CPU went during the pool + index run; null when this system cannot tell. */
  poolAndIndexCpu: CpuPerRequest | null;
}

const INDEX = 'bench_states_created_at_idx';

export interface LoadPlan {
  users: number;
  seconds: number;
  /** An unmeasured load first, so start-up work (compiling, JIT, first connections) is not counted. */
  warmupSeconds: number;
}

export async function measureStates(appDatabaseUrl: string, plan: LoadPlan, postmasterPid?: number): Promise<StatesResult> {
  const { users, seconds } = plan;
  await setIndex(appDatabaseUrl, false);
  const broken = await runAgainst(BROKEN_SERVER, appDatabaseUrl, plan);
  const poolOnly = await runAgainst(FIXED_SERVER, appDatabaseUrl, plan);
  await setIndex(appDatabaseUrl, true);
  try {
    let poolAndIndexCpu: CpuPerRequest | null = null;
    const poolAndIndex = await runAgainst(FIXED_SERVER, appDatabaseUrl, plan, {}, (appPid) => {
      if (postmasterPid === undefined) return undefined;
      const before = sampleCpu(appPid, postmasterPid);
      return (summary) => {
        const after = sampleCpu(appPid, postmasterPid);
        if (before && after) poolAndIndexCpu = cpuPerRequest(before, after, summary.totalRequests, summary.durationSeconds);
      };
    });
    return { users, seconds, broken, poolOnly, poolAndIndex, poolAndIndexCpu };
  } finally {
    await setIndex(appDatabaseUrl, false);
  }
}

/** Called just before the measured load with the app's pid; its result is called with the summary after. */
type MeasureAround = (appPid: number) => ((summary: RunSummary) => void) | undefined;

export async function runAgainst(
  entry: string,
  databaseUrl: string,
  plan: LoadPlan,
  env: Record<string, string> = {},
  measureAround?: MeasureAround,
): Promise<RunSummary> {
  const app = await startApp(entry, databaseUrl, env);
  try {
    if (plan.warmupSeconds > 0) await loadFor(app.port, '/feed', plan.users, plan.warmupSeconds);
    // Let the previous storm of connections drain from PostgreSQL before measuring.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const finish = measureAround?.(app.pid);
    const summary = await loadFor(app.port, '/feed', plan.users, plan.seconds);
    finish?.(summary);
    return summary;
  } finally {
    await app.stop();
  }
}

export async function setIndex(databaseUrl: string, present: boolean): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(present ? `CREATE INDEX IF NOT EXISTS ${INDEX} ON posts (created_at)` : `DROP INDEX IF EXISTS ${INDEX}`);
    if (present) await client.query('ANALYZE posts');
  } finally {
    await client.end();
  }
}
