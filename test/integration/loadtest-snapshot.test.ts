/** The load test's snapshot of the database: the engine's readings and the scenario's facts, on a real PostgreSQL. */
import type pg from 'pg';
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
    expect(Object.keys(snapshot)).toEqual(['early', 'late', 'newSessionsPerRequest', 'peakConnections', 'newSessions']);
  });

  it('says every fact is false, and the readings unknown, when the database cannot be read', async () => {
    const facts = { early: tableExists('there_all_along') };
    expect(await (await startLabSampler(undefined, facts)).finish(10)).toEqual({ early: false, newSessionsPerRequest: null, peakConnections: null, newSessions: null });
    const wrongPassword = database.adminUrl.replace(/:[^:@/]+@/, ':wrong@');
    expect(await (await startLabSampler(wrongPassword, facts)).finish(10)).toEqual({ early: false, newSessionsPerRequest: null, peakConnections: null, newSessions: null });
  });
});
