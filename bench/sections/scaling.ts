/**
 * Section 6: how the feed query's cost grows with the table, without and with the index:
 * EXPLAIN ANALYZE execution time at several sizes (median of three runs each).
 */
import pg from 'pg';
import { scenario } from '../../lab/scenario/current.js';
import { defaultSize } from '../../lab/seeding.js';
import { FEED_QUERY } from '../../scenarios/01-connection-pools/machinery/queries.js';

export interface ScalingPoint {
  posts: number;
  withoutIndexMs: number;
  withIndexMs: number;
}

const INDEX = 'bench_posts_created_at_idx';

export async function measureScaling(databaseUrl: string, sizes: number[]): Promise<ScalingPoint[]> {
  const points: ScalingPoint[] = [];
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    for (const posts of sizes) {
      await scenario.dataset.seed(databaseUrl, { size: { ...defaultSize(), [scenario.dataset.unit]: posts }, force: true });
      await client.query(`DROP INDEX IF EXISTS ${INDEX}`);
      const withoutIndexMs = await medianExecutionMs(client);
      await client.query(`CREATE INDEX ${INDEX} ON posts (created_at)`);
      await client.query('ANALYZE posts');
      const withIndexMs = await medianExecutionMs(client);
      await client.query(`DROP INDEX ${INDEX}`);
      points.push({ posts, withoutIndexMs, withIndexMs });
    }
  } finally {
    await client.end();
  }
  return points;
}

/** "Execution Time" of EXPLAIN (ANALYZE, FORMAT JSON), median of three (the first warms the cache). */
async function medianExecutionMs(client: pg.Client): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < 3; i += 1) {
    const result = await client.query<{ 'QUERY PLAN': Array<{ 'Execution Time': number }> }>(`EXPLAIN (ANALYZE, FORMAT JSON) ${FEED_QUERY}`);
    times.push(result.rows[0]!['QUERY PLAN'][0]!['Execution Time']);
  }
  return times.sort((a, b) => a - b)[1]!;
}
