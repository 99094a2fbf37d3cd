/** Scenario 1's run fact "the feed's index existed": only a usable index led by posts.created_at counts. */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createdAtIndexPresent } from '../../../scenarios/01-connection-pools/machinery/runs.js';
import { createTestDatabase, sql, type TestDatabase } from '../../helpers/database.js';

describe('createdAtIndexPresent', () => {
  let database: TestDatabase;
  let admin: pg.Client;
  beforeAll(async () => {
    database = await createTestDatabase('feed_fact');
    admin = new pg.Client({ connectionString: database.adminUrl });
    await admin.connect();
  });
  afterAll(async () => {
    await admin?.end();
    await database?.drop();
  });

  it('finds only indexes led by created_at that the feed can use', async () => {
    expect(await createdAtIndexPresent(admin)).toBe(false);
    await sql(database.appUrl, 'CREATE INDEX wrong_column ON posts (user_id)');
    await sql(database.appUrl, 'CREATE INDEX created_second ON posts (user_id, created_at)');
    await sql(database.appUrl, "CREATE INDEX partial_recent ON posts (created_at) WHERE content <> ''");
    expect(await createdAtIndexPresent(admin)).toBe(false);
    await sql(database.appUrl, 'CREATE INDEX composite_first ON posts (created_at DESC, id)');
    expect(await createdAtIndexPresent(admin)).toBe(true);
  });
});
