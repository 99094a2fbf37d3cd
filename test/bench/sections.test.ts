/** The benchmark's measuring sections, run very briefly against a real PostgreSQL (no timing asserted). */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { readPostmasterPid } from '../../lab/postgres/embedded.js';
import { measureGeneratorCeiling } from '../../bench/sections/ceilings.js';
import { measureMetricsCostMicros } from '../../bench/sections/metrics-cost.js';
import { hasPgbench, measurePgbench } from '../../bench/sections/pgbench.js';
import { measureScaling } from '../../bench/sections/scaling.js';
import { measureStates } from '../../bench/sections/states.js';
import { createTestDatabase, sql, type TestDatabase } from '../helpers/database.js';

// CI installs pgbench (postgresql-client), and there a missing one fails; a laptop without it skips that one test.
const pgbenchInstalled = await hasPgbench();

describe('benchmark sections', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase('bench');
  });
  afterAll(async () => {
    await database.drop();
  });

  it('runs the three states and leaves no index behind', async () => {
    const postmasterPid = readPostmasterPid(inject('pgDataDir'));
    const states = await measureStates(database.appUrl, { users: 20, seconds: 2, warmupSeconds: 1 }, postmasterPid);
    for (const state of [states.broken, states.poolOnly, states.poolAndIndex]) {
      expect(state.users).toBe(20);
      expect(state.totalRequests).toBeGreaterThan(0);
    }
    expect(states.poolAndIndex.successRate).toBe(100);
    // CPU was attributed to the app, PostgreSQL and the generator.
    expect(states.poolAndIndexCpu).toMatchObject({ appMicros: expect.any(Number), postgresMicros: expect.any(Number) });
    expect(states.poolAndIndexCpu!.appMicros).toBeGreaterThan(0);
    expect(states.poolAndIndexCpu!.postgresMicros).toBeGreaterThan(0);
    expect(states.poolAndIndexCpu!.generatorMicros).toBeGreaterThan(0);
    const indexes = await sql(database.adminUrl, "SELECT indexname FROM pg_indexes WHERE tablename = 'posts' AND indexname LIKE 'bench_%'");
    expect(indexes).toEqual([]);
  });

  it('measures what the request metrics cost in-process', async () => {
    const cost = await measureMetricsCostMicros();
    expect(cost.withMicros).toBeGreaterThan(0);
    expect(cost.withoutMicros).toBeGreaterThan(0);
    expect(Number.isFinite(cost.costMicros)).toBe(true);
  });

  it('measures the generator against a no-work server', async () => {
    expect(await measureGeneratorCeiling(20, 1)).toBeGreaterThan(0);
  });

  it('measures the feed query at two sizes, without and with an index', async () => {
    const points = await measureScaling(database.appUrl, [2_000, 4_000]);
    expect(points.map((point) => point.posts)).toEqual([2_000, 4_000]);
    for (const point of points) {
      expect(point.withoutIndexMs).toBeGreaterThan(0);
      expect(point.withIndexMs).toBeGreaterThan(0);
    }
  });

  it.runIf(pgbenchInstalled || Boolean(process.env.CI))('reads pgbench’s throughput for the feed query', async () => {
    const result = await measurePgbench(database.appUrl, 2, 1);
    expect(result.transactionsPerSecond).toBeGreaterThan(0);
  });
});
