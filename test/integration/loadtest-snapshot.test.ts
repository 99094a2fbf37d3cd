/** The load test's snapshot of the database: the engine's readings and the scenario's facts, on a real PostgreSQL. */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLabSampler } from '../../lab/loadtest/snapshot.js';
import { createTestDatabase, sql, type TestDatabase } from '../helpers/database.js';

/** A scenario fact: does the table `name` exist? */
const tableExists = (name: string) => async (client: Pick<pg.Client, 'query'>) =>
  (await client.query<{ present: boolean }>('SELECT to_regclass($1) IS NOT NULL AS present', [`public.${name}`])).rows[0]!.present;

describe("the snapshot's scenario facts", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase('snapshot', { empty: true });
    await sql(database.appUrl, 'CREATE TABLE there_all_along (id int)');
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('holds a fact true only when it was true at the start and at the end of the run', async () => {
    const sampler = await startLabSampler(database.adminUrl, { early: tableExists('there_all_along'), late: tableExists('made_mid_run') });
    await sql(database.appUrl, 'CREATE TABLE made_mid_run (id int)');
    const snapshot = await sampler.finish(10);

    expect(snapshot).toMatchObject({ early: true, late: false, newSessions: expect.any(Number) });
    expect(Object.keys(snapshot)).toEqual(['early', 'late', 'newSessionsPerRequest', 'peakConnections', 'newSessions', 'peakServerConnections', 'connectionsBeforeRefusal']);
  });

  it("counts the app role's connections apart, and the rows each table gave sequential scans and indexes during the run", async () => {
    await sql(database.appUrl, 'CREATE TABLE readings (id int PRIMARY KEY); INSERT INTO readings SELECT generate_series(1, 500); ANALYZE readings');
    const appRole = decodeURIComponent(new URL(database.appUrl).username);
    const sampler = await startLabSampler(database.adminUrl, {}, { appRole, tables: ['readings'] });
    // A "pool" of three connections held open while the sampler watches, each reading the table once in full.
    const pool = Array.from({ length: 3 }, () => new pg.Client({ connectionString: database.appUrl }));
    try {
      for (const client of pool) await client.connect();
      for (const client of pool) await client.query('SELECT count(*) FROM readings');
      await pool[0]!.query('SELECT id FROM readings WHERE id = 7');
      await sampler.sampleNow();
    } finally {
      for (const client of pool) await client.end();
    }
    const snapshot = await sampler.finish(4);

    expect(snapshot.peakAppConnections).toBe(3);
    // The sampler's own connection counts against max_connections, so the server's peak includes it.
    expect(snapshot.peakServerConnections).toBeGreaterThanOrEqual(4);
    const [settings] = await sql<{ slots: number }>(database.adminUrl,
      "SELECT current_setting('max_connections')::int - current_setting('superuser_reserved_connections')::int - coalesce(current_setting('reserved_connections', true)::int, 0) AS slots");
    expect(snapshot.connectionsBeforeRefusal).toBe(settings!.slots);
    expect(snapshot.tables).toEqual({ readings: { rows: 500, sequentialRowsRead: 1_500, indexRowsFetched: 1 } });
  });

  it('says every fact is false, and the readings unknown, when the database cannot be read', async () => {
    const facts = { early: tableExists('there_all_along') };
    expect(await (await startLabSampler(undefined, facts)).finish(10)).toEqual({ early: false, newSessionsPerRequest: null, peakConnections: null, newSessions: null });
    const wrongPassword = database.adminUrl.replace(/:[^:@/]+@/, ':wrong@');
    expect(await (await startLabSampler(wrongPassword, facts)).finish(10)).toEqual({ early: false, newSessionsPerRequest: null, peakConnections: null, newSessions: null });
  });
});

