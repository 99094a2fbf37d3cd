/**
 * External-database mode (a PostgreSQL of your own): with DATABASE_URL set, the lab starts
 * no PostgreSQL, applies the schema and seeds the server it is given, and leaves that server
 * running when it stops.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, sql, type TestDatabase } from '../helpers/database.js';
import { createLabSandbox, type LabSandbox } from '../../harness/sandbox.js';
import { lab as projectLab } from '../helpers/project-lab.js';

describe('npm start with DATABASE_URL', () => {
  let database: TestDatabase;
  let sandbox: LabSandbox;
  beforeAll(async () => {
    database = await createTestDatabase('external', { empty: true });
    sandbox = await createLabSandbox(projectLab);
  });
  afterAll(async () => {
    sandbox.remove();
    await database.drop();
  });

  it('creates the schema, seeds, serves the feed, and starts no PostgreSQL of its own', async () => {
    const lab = sandbox.start([], { DATABASE_URL: database.appUrl });
    await lab.ready;
    expect(lab.output()).toMatch(/your DATABASE_URL/);
    expect(lab.output()).toMatch(/5,000 users, 100,000 posts/);
    expect(sandbox.state().mode).toBe('external');
    expect(sandbox.state().postgresPid).toBeUndefined();

    const response = await fetch(`http://127.0.0.1:${sandbox.ports.appPort}/feed`);
    expect(response.status).toBe(200);
    const [owner] = await sql<{ tableowner: string }>(database.adminUrl, "SELECT tableowner FROM pg_tables WHERE tablename = 'posts'");
    expect(owner!.tableowner).toBe('feed_app');

    lab.child.kill('SIGINT');
    expect(await lab.exited).toBe(0);
    // The server it was given is still up.
    const [row] = await sql<{ count: string }>(database.appUrl, 'SELECT count(*) FROM posts');
    expect(Number(row!.count)).toBe(100_000);
  });

  it('explains an unreachable DATABASE_URL in one line', async () => {
    const lab = sandbox.start([], { DATABASE_URL: 'postgres://nobody:secret@127.0.0.1:1/none' });
    expect(await lab.exited).toBe(1);
    expect(lab.output()).toMatch(/✘ Cannot use the database in DATABASE_URL: .*Is it running and reachable\?/);
    expect(lab.output()).not.toMatch(/\n\s+at /);
  });
});
