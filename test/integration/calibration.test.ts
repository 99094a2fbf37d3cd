/** Timing the unindexed solution (Scenario 1: a pool alone): a real, bounded measurement through the solution's server that leaves nothing behind. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { measureRequestsPerSecond } from '../../lab/calibration.js';
import { createTestDatabase, sql, type TestDatabase } from '../helpers/database.js';
import { lab } from '../helpers/project-lab.js';

describe('measureRequestsPerSecond', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase('calibrate');
  });
  afterAll(async () => {
    await database.drop();
  });

  it('measures a positive rate in a few seconds, through no more connections than the pool, and closes them', async () => {
    const started = Date.now();
    const sessions = async () =>
      Number((await sql<{ n: string }>(database.adminUrl, 'SELECT sessions AS n FROM pg_stat_database WHERE datname = current_database()'))[0]!.n);
    const sessionsBefore = await sessions();
    const rate = await measureRequestsPerSecond(lab, database.appUrl);
    expect(rate).toBeGreaterThan(0);
    expect(Date.now() - started).toBeLessThan(30_000);
    // The solution's pool holds at most 10: what ran was the pool-alone state, not the broken
    // server. Besides: the calibration's one read of the seeded size, and this test's own reading.
    expect(await sessions()).toBeLessThanOrEqual(sessionsBefore + 10 + 1 + 1);
    const open = await sql<{ count: string }>(
      database.adminUrl,
      "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND usename = 'feed_app'",
    );
    expect(Number(open[0]!.count)).toBe(0);
  });
});
