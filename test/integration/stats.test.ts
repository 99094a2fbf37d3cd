/** lab/database/stats.ts against a real PostgreSQL: each reading moves when the thing it measures happens. */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientConnectionsByState, maxConnections, sessionsOpened, tableRowsRead } from '../../lab/database/stats.js';
import { createTestDatabase, sql, type TestDatabase } from '../helpers/database.js';
import { waitFor } from '../helpers/wait.js';
import { scenario } from '../helpers/project-lab.js';

describe('database statistics', () => {
  let database: TestDatabase;
  let admin: pg.Client;
  beforeAll(async () => {
    database = await createTestDatabase('stats');
    admin = new pg.Client({ connectionString: database.adminUrl });
    await admin.connect();
  });
  afterAll(async () => {
    await admin?.end();
    await database?.drop();
  });

  it('counts each new session opened to the database', async () => {
    const before = await sessionsOpened(admin, database.name);
    for (let i = 0; i < 5; i += 1) await sql(database.appUrl, 'SELECT 1');
    // A session's statistics are flushed as it ends, a moment after the client has gone.
    const opened = await waitFor(async () => (await sessionsOpened(admin, database.name)) - before, (n) => n >= 5);
    expect(opened).toBe(5);
  });

  it('lists open client connections by state, without the caller', async () => {
    const idle = new pg.Client({ connectionString: database.appUrl });
    await idle.connect();
    try {
      const pid = (await admin.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
      expect(await clientConnectionsByState(admin, database.name, pid)).toEqual({ idle: 1 });
    } finally {
      await idle.end();
    }
  });

  it('reads max_connections: the scenario\'s connection budget, as the learner\'s lab runs with it', async () => {
    expect(await maxConnections(admin)).toBe(scenario.database.maxConnections ?? 100);
  });

  it('counts the rows each table gives, by sequential scan and through an index, and 0 for a table not there', async () => {
    const tables = ['posts', 'users', 'no_such_table'];
    const before = await tableRowsRead(admin, tables);
    await sql(database.appUrl, 'SELECT count(*) FROM posts WHERE content LIKE $1', ['%nothing matches this%']);
    // users by its primary key: an index fetch of one row.
    await sql(database.appUrl, 'SELECT username FROM users WHERE id = 1');
    const after = await waitFor(
      () => tableRowsRead(admin, tables),
      (rows) => rows.posts!.sequential - before.posts!.sequential >= 100_000 && rows.users!.index > before.users!.index,
    );
    expect(after.posts!.sequential - before.posts!.sequential).toBeGreaterThanOrEqual(100_000);
    expect(after.posts!.index - before.posts!.index).toBe(0);
    expect(after.users!.index - before.users!.index).toBe(1);
    expect(after.users!.sequential - before.users!.sequential).toBe(0);
    expect(after.no_such_table).toEqual({ sequential: 0, index: 0 });
  });
});
