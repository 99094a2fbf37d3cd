/** The benchmark's measuring sections, run very briefly against a real PostgreSQL (no timing asserted). */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { readPostmasterPid } from '../../lab/postgres/embedded.js';
import { measureGeneratorCeiling } from '../../bench/sections/ceilings.js';
import { measureMetricsCostMicros } from '../../bench/sections/metrics-cost.js';
import { hasPgbench, measurePgbench } from '../../bench/sections/pgbench.js';
import { measureScaling } from '../../bench/sections/scaling.js';
import { measureStates } from '../../bench/sections/states.js';
import { solvedState } from '../../bench/sections/bench-states.js';
import { learnerIndexes } from '../../lab/reset/scenario-state.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { lab, scenario } from '../helpers/project-lab.js';

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

  it("runs the definition's states in order and leaves no learner index behind", async () => {
    const postmasterPid = readPostmasterPid(inject('pgDataDir'));
    const states = await measureStates(lab, database.appUrl, { users: 20, seconds: 2, warmupSeconds: 1 }, postmasterPid);
    expect(states.runs.map((run) => run.name)).toEqual(scenario.bench!.states.map((state) => state.name));
    for (const { summary } of states.runs) {
      expect(summary.users).toBe(20);
      expect(summary.totalRequests).toBeGreaterThan(0);
    }
    expect(states.runs.at(-1)!.summary.successRate).toBe(100);
    // CPU was attributed to the app, PostgreSQL and the generator.
    expect(states.solvedCpu).toMatchObject({ appMicros: expect.any(Number), postgresMicros: expect.any(Number) });
    expect(states.solvedCpu!.appMicros).toBeGreaterThan(0);
    expect(states.solvedCpu!.postgresMicros).toBeGreaterThan(0);
    expect(states.solvedCpu!.generatorMicros).toBeGreaterThan(0);
    expect(await learnerIndexes(database.appUrl, scenario.database.tables)).toEqual([]);
  });

  it('measures what the request metrics cost in-process', async () => {
    const cost = await measureMetricsCostMicros(lab);
    expect(cost.withMicros).toBeGreaterThan(0);
    expect(cost.withoutMicros).toBeGreaterThan(0);
    expect(Number.isFinite(cost.costMicros)).toBe(true);
  });

  it('measures the generator against a no-work server', async () => {
    expect(await measureGeneratorCeiling(20, 1)).toBeGreaterThan(0);
  });

  it('measures the hottest query at two sizes, as shipped and solved', async () => {
    const points = await measureScaling(lab, database.appUrl, scenario.bench!.hotQuery!, solvedState(lab), [2_000, 4_000]);
    expect(points.map((point) => point.size)).toEqual([2_000, 4_000]);
    for (const point of points) {
      expect(point.shippedMs).toBeGreaterThan(0);
      expect(point.solvedMs).toBeGreaterThan(0);
    }
    expect(await learnerIndexes(database.appUrl, scenario.database.tables)).toEqual([]);
  });

  it.runIf(pgbenchInstalled || Boolean(process.env.CI))('reads pgbench’s throughput for the hottest query', async () => {
    const result = await measurePgbench(database.appUrl, scenario.bench!.hotQuery!, 2, 1);
    expect(result.transactionsPerSecond).toBeGreaterThan(0);
  });
});
