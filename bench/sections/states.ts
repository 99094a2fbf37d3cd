/**
 * Section 2: the scenario's three states side by side, in one run so the ratios hold on a
 * noisy machine: broken (connection per request), pool only, pool + index.
 */
import pg from 'pg';
import { BROKEN_SERVER, FIXED_SERVER, startApp } from '../../lab/app-runner.js';
import type { RunSummary } from '../../lab/runs/run-record.js';
import { loadFor } from './load.js';

export interface StatesResult {
  users: number;
  seconds: number;
  broken: RunSummary;
  poolOnly: RunSummary;
  poolAndIndex: RunSummary;
}

const INDEX = 'bench_states_created_at_idx';

export interface LoadPlan {
  users: number;
  seconds: number;
  /** An unmeasured load first, so start-up work (compiling, JIT, first connections) is not counted. */
  warmupSeconds: number;
}

export async function measureStates(appDatabaseUrl: string, plan: LoadPlan): Promise<StatesResult> {
  const { users, seconds } = plan;
  await setIndex(appDatabaseUrl, false);
  const broken = await runAgainst(BROKEN_SERVER, appDatabaseUrl, plan);
  const poolOnly = await runAgainst(FIXED_SERVER, appDatabaseUrl, plan);
  await setIndex(appDatabaseUrl, true);
  try {
    const poolAndIndex = await runAgainst(FIXED_SERVER, appDatabaseUrl, plan);
    return { users, seconds, broken, poolOnly, poolAndIndex };
  } finally {
    await setIndex(appDatabaseUrl, false);
  }
}

export async function runAgainst(entry: string, databaseUrl: string, plan: LoadPlan, env: Record<string, string> = {}): Promise<RunSummary> {
  const app = await startApp(entry, databaseUrl, env);
  try {
    if (plan.warmupSeconds > 0) await loadFor(app.port, '/feed', plan.users, plan.warmupSeconds);
    // Let the previous storm of connections drain from PostgreSQL before measuring.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    return await loadFor(app.port, '/feed', plan.users, plan.seconds);
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
