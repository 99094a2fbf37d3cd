/** Timing the unindexed feed query: a real, bounded measurement that leaves no connection behind. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { measureFeedQueriesPerSecond } from '../../lab/calibration.js';
import { createTestDatabase, sql, type TestDatabase } from '../helpers/database.js';

describe('measureFeedQueriesPerSecond', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase('calibrate');
  });
  afterAll(async () => {
    await database.drop();
  });

  it('measures a positive rate in about two seconds and closes its connections', async () => {
    const started = Date.now();
    const rate = await measureFeedQueriesPerSecond(database.appUrl);
    expect(rate).toBeGreaterThan(0);
    expect(Date.now() - started).toBeLessThan(15_000);
    const rows = await sql<{ count: string }>(
      database.adminUrl,
      "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND usename = 'feed_app'",
    );
    expect(Number(rows[0]!.count)).toBe(0);
  });
});
