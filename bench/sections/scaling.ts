/**
 * Section 6: how the scenario's hottest query (`bench.hotQuery`) grows with the dataset's unit,
 * as shipped and solved: EXPLAIN ANALYZE execution time at several sizes (median of three runs each).
 */
import pg from 'pg';
import type { Lab } from '../../lab/lab.js';
import type { BenchState } from '../../lab/scenario/definition.js';
import { defaultSize } from '../../lab/seeding.js';
import { applyStateSql } from './bench-states.js';

export interface ScalingPoint {
  /** How many of the dataset's unit (posts, orders) were seeded. */
  size: number;
  shippedMs: number;
  solvedMs: number;
}

export async function measureScaling(lab: Lab, databaseUrl: string, query: string, solved: Pick<BenchState, 'sql'>, sizes: number[]): Promise<ScalingPoint[]> {
  const { scenario } = lab;
  const points: ScalingPoint[] = [];
  try {
    for (const size of sizes) {
      await scenario.dataset.seed(databaseUrl, { size: { ...defaultSize(scenario), [scenario.dataset.unit]: size }, force: true });
      await applyStateSql(lab, databaseUrl, {});
      const shippedMs = await medianExecutionMs(databaseUrl, query);
      await applyStateSql(lab, databaseUrl, solved);
      const solvedMs = await medianExecutionMs(databaseUrl, query);
      points.push({ size, shippedMs, solvedMs });
    }
  } finally {
    await applyStateSql(lab, databaseUrl, {});
  }
  return points;
}

/** "Execution Time" of EXPLAIN (ANALYZE, FORMAT JSON), median of three (the first warms the cache). */
async function medianExecutionMs(databaseUrl: string, query: string): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const times: number[] = [];
    for (let i = 0; i < 3; i += 1) {
      const result = await client.query<{ 'QUERY PLAN': Array<{ 'Execution Time': number }> }>(`EXPLAIN (ANALYZE, FORMAT JSON) ${query}`);
      times.push(result.rows[0]!['QUERY PLAN'][0]!['Execution Time']);
    }
    return times.sort((a, b) => a - b)[1]!;
  } finally {
    await client.end();
  }
}
