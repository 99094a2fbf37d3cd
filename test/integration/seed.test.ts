/** db/seed.ts on a real database: sizes, idempotence, and recovery from an interrupted seed. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_POSTS, DEFAULT_USERS, seed } from '../../scenarios/01-connection-pools/db/seed.js';
import { createTestDatabase, sql, type TestDatabase } from '../helpers/database.js';

async function counts(url: string) {
  const [row] = await sql<{ users: string; posts: string; seeds: string }>(
    url,
    'SELECT (SELECT count(*) FROM users) AS users, (SELECT count(*) FROM posts) AS posts, (SELECT count(*) FROM seed_info) AS seeds',
  );
  return { users: Number(row!.users), posts: Number(row!.posts), seeds: Number(row!.seeds) };
}

describe('seeding', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase('seed');
  });
  afterAll(async () => {
    await database.drop();
  });

  it('the template was seeded with the default size', async () => {
    expect(await counts(database.appUrl)).toEqual({ users: DEFAULT_USERS, posts: DEFAULT_POSTS, seeds: 1 });
  });

  it('skips when already seeded with the same size, and changes nothing', async () => {
    const [before] = await sql<{ max: number }>(database.appUrl, 'SELECT max(id) AS max FROM posts');
    const result = await seed(database.appUrl);
    expect(result.skipped).toBe(true);
    const [after] = await sql<{ max: number }>(database.appUrl, 'SELECT max(id) AS max FROM posts');
    expect(after!.max).toBe(before!.max);
  });

  it('re-seeds to a requested size, replacing the rows', async () => {
    const progress: number[] = [];
    const result = await seed(database.appUrl, { users: 300, posts: 120_000, onProgress: (done) => progress.push(done) });
    expect(result.skipped).toBe(false);
    expect(await counts(database.appUrl)).toEqual({ users: 300, posts: 120_000, seeds: 1 });
    expect(progress).toEqual([50_000, 100_000, 120_000]);
    const [range] = await sql<{ oldest_days: number; newest_days: number; authors: string; texts: string }>(
      database.appUrl,
      `SELECT extract(epoch FROM now() - min(created_at)) / 86400 AS oldest_days,
              extract(epoch FROM now() - max(created_at)) / 86400 AS newest_days,
              count(DISTINCT user_id) AS authors, count(DISTINCT content) AS texts FROM posts`,
    );
    // Spread over the last year, written by many users, with varied texts.
    expect(Number(range!.oldest_days)).toBeGreaterThan(300);
    expect(Number(range!.oldest_days)).toBeLessThanOrEqual(365);
    expect(Number(range!.newest_days)).toBeLessThan(1);
    expect(Number(range!.authors)).toBe(300);
    expect(Number(range!.texts)).toBeGreaterThan(500);
  });

  it('leaves the foreign key from posts to users in place and validated', async () => {
    const constraints = await sql<{ conname: string; convalidated: boolean }>(
      database.adminUrl,
      "SELECT conname, convalidated FROM pg_constraint WHERE conrelid = 'posts'::regclass AND contype = 'f'",
    );
    expect(constraints).toEqual([{ conname: 'posts_user_id_fkey', convalidated: true }]);
    await expect(sql(database.appUrl, "INSERT INTO posts (user_id, content) VALUES (999999, 'orphan')")).rejects.toThrow(/foreign key/);
  });

  it('redoes a seed that was interrupted (no seed_info row)', async () => {
    // What an interrupted seed leaves behind cannot be half the rows (one transaction),
    // but tables filled some other way without the marker must be replaced, not added to.
    await sql(database.appUrl, 'DELETE FROM seed_info');
    await sql(database.appUrl, "INSERT INTO posts (user_id, content) VALUES (1, 'stray row')");
    const result = await seed(database.appUrl, { users: 300, posts: 1_000 });
    expect(result.skipped).toBe(false);
    expect(await counts(database.appUrl)).toEqual({ users: 300, posts: 1_000, seeds: 1 });
  });
});
