/**
 * This project's template database is the feed, seeded at the definition's default size (the
 * checks and plans the other tests assert need it); another scenario's data has no posts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_POSTS, DEFAULT_USERS } from '../../../scenarios/01-connection-pools/db/seed.js';
import { createTestDatabase, sql, type TestDatabase } from '../../helpers/database.js';
import { APP_DATABASE, scenario } from '../../helpers/project-lab.js';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase('template');
});

afterAll(async () => {
  await database?.drop();
});

describe("Scenario 1's test database", () => {
  it('is the feed, seeded with the default users and posts', async () => {
    expect(scenario.number).toBe(1);
    expect(APP_DATABASE).toBe('feed');
    const [counts] = await sql<{ posts: number; users: number }>(
      database.appUrl,
      'SELECT (SELECT count(*) FROM posts)::int AS posts, (SELECT count(*) FROM users)::int AS users',
    );
    expect(counts).toEqual({ posts: DEFAULT_POSTS, users: DEFAULT_USERS });
  });
});
