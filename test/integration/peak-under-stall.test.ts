/**
 * The budget checks' measurement (lab/check/peak-under-stall.ts) on a real PostgreSQL: while a
 * table is locked against writes midway through some work, it counts the most connections the
 * app's role held, lets the lock go, and gives the work's result back.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { peakConnectionsUnderStall } from '../../lab/check/peak-under-stall.js';
import { createTestDatabase, sql, type TestDatabase } from '../helpers/database.js';
import { waitFor } from '../helpers/wait.js';

const WRITERS = 5;

/** Whether someone holds an EXCLUSIVE lock on the users table now. */
async function usersLocked(adminUrl: string): Promise<boolean> {
  const rows = await sql<{ n: string }>(adminUrl, "SELECT count(*) AS n FROM pg_locks WHERE relation = 'users'::regclass AND mode = 'ExclusiveLock' AND granted");
  return Number(rows[0]!.n) > 0;
}

describe('the most connections a role holds while a table is stalled', () => {
  let database: TestDatabase;
  let admin: pg.Client;
  beforeAll(async () => {
    database = await createTestDatabase('stall');
    admin = new pg.Client({ connectionString: database.adminUrl });
    await admin.connect();
  });
  afterAll(async () => {
    await admin.end();
    await database.drop();
  });

  it('counts the writers that pile up behind the lock, and lets the lock go', async () => {
    const role = new URL(database.appUrl).username;
    const plan = { role, table: 'users', stallAfterMs: 100, stallMs: 3_000, sampleEveryMs: 50 };
    const { result, peak } = await peakConnectionsUnderStall(admin, plan, async () => {
      // Once the lock is held, each writer waits behind it on a connection of its own, as a pool's would.
      expect(await waitFor(() => usersLocked(database.adminUrl), (locked) => locked, 5_000)).toBe(true);
      const writers = Array.from({ length: WRITERS }, () => new pg.Client({ connectionString: database.appUrl }));
      try {
        await Promise.all(writers.map((client) => client.connect()));
        const finishedWhileLocked = await Promise.all(
          writers.map(async (client) => {
            await client.query('BEGIN');
            await client.query('LOCK TABLE users IN ROW EXCLUSIVE MODE');
            await client.query('COMMIT');
            return usersLocked(database.adminUrl);
          }),
        );
        return finishedWhileLocked;
      } finally {
        await Promise.all(writers.map((client) => client.end()));
      }
    });
    // No writer got through while the lock was held: they waited for it, and all of them were counted.
    expect(result).toEqual(Array(WRITERS).fill(false));
    expect(peak).toBeGreaterThanOrEqual(WRITERS);
    expect(await usersLocked(database.adminUrl)).toBe(false);
  });

  it('lets the lock go when the work fails', async () => {
    const role = new URL(database.appUrl).username;
    const plan = { role, table: 'users', stallAfterMs: 0, stallMs: 300, sampleEveryMs: 50 };
    await expect(peakConnectionsUnderStall(admin, plan, () => Promise.reject(new Error('work failed')))).rejects.toThrow('work failed');
    expect(await usersLocked(database.adminUrl)).toBe(false);
    // The admin connection is out of the stall's transaction: it takes new statements as before.
    expect((await admin.query('SELECT 1 AS one')).rows[0]).toEqual({ one: 1 });
  });
});
