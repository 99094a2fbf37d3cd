/**
 * Both servers (the broken one and the solution) behave the same for one person at a time:
 * every route's happy path, and a clear 4xx JSON error for bad input, never a 5xx.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, sql, type TestDatabase } from '../../helpers/database.js';
import { startApp, type RunningApp } from '../../../lab/app-runner.js';
import { BROKEN_SERVER, FIXED_SERVER } from '../../helpers/project-lab.js';

interface Post {
  id: number;
  userId: number;
  content: string;
  createdAt: string;
  username?: string;
}

describe.each([
  ['src/server.ts (broken)', BROKEN_SERVER],
  ['solution/server.fixed.ts', FIXED_SERVER],
])('%s', (_name, entry) => {
  let database: TestDatabase;
  let app: RunningApp;
  beforeAll(async () => {
    database = await createTestDatabase('api');
    app = await startApp(entry, database.appUrl);
  });
  afterAll(async () => {
    await app?.stop();
    await database?.drop();
  });

  async function post(body: unknown, contentType = 'application/json') {
    const response = await fetch(`${app.url}/posts`, {
      method: 'POST',
      headers: { 'content-type': contentType },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  it('GET /health says ok', async () => {
    const response = await fetch(`${app.url}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('GET /feed returns the 20 newest posts with their authors', async () => {
    const response = await fetch(`${app.url}/feed`);
    expect(response.status).toBe(200);
    const { posts } = (await response.json()) as { posts: Post[] };
    expect(posts).toHaveLength(20);
    const newest = await sql<{ id: number }>(database.appUrl, 'SELECT id FROM posts ORDER BY created_at DESC LIMIT 20');
    expect(posts.map((p) => p.id)).toEqual(newest.map((row) => row.id));
    expect(posts[0]).toMatchObject({ username: expect.any(String), content: expect.any(String), userId: expect.any(Number) });
  });

  it('POST /posts stores a post that then leads the feed and the author’s page', async () => {
    const created = await post({ userId: 7, content: 'Hello from the test 👋' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ userId: 7, content: 'Hello from the test 👋', id: expect.any(Number) });

    const feed = (await (await fetch(`${app.url}/feed`)).json()) as { posts: Post[] };
    expect(feed.posts[0]!.id).toBe(created.body.id);

    const page = await fetch(`${app.url}/users/7/posts`);
    expect(page.status).toBe(200);
    const userPosts = (await page.json()) as { user: { id: number; username: string }; posts: Post[] };
    expect(userPosts.user.id).toBe(7);
    expect(userPosts.posts[0]!.id).toBe(created.body.id);
    expect(userPosts.posts.every((p) => p.userId === 7)).toBe(true);
  });

  it('accepts exactly 280 characters counted as a person counts them', async () => {
    // 280 thumbs-up with a skin tone: 560 code points, 280 characters to a reader.
    const created = await post({ userId: 1, content: '👍🏽'.repeat(280) });
    expect(created.status).toBe(201);
  });

  it.each([
    ['a missing content', { userId: 1 }, 400, /content/],
    ['a missing userId', { content: 'hi' }, 400, /userId/],
    ['userId as a string', { userId: '1', content: 'hi' }, 400, /userId/],
    ['userId as a float', { userId: 1.5, content: 'hi' }, 400, /userId/],
    ['userId zero', { userId: 0, content: 'hi' }, 400, /userId/],
    ['userId beyond the integer range', { userId: 2 ** 31, content: 'hi' }, 400, /userId/],
    ['content as a number', { userId: 1, content: 42 }, 400, /content/],
    ['empty content', { userId: 1, content: '' }, 400, /content/],
    ['an extra field', { userId: 1, content: 'hi', admin: true }, 400, /additional/],
    ['281 characters', { userId: 1, content: 'x'.repeat(281) }, 400, /281 characters/],
    ['281 emoji characters', { userId: 1, content: '👍🏽'.repeat(281) }, 400, /281 characters/],
    ['a NUL byte', { userId: 1, content: 'a\u0000b' }, 400, /NUL/],
    ['an unknown user', { userId: 999_999, content: 'hi' }, 422, /user 999999 does not exist/],
  ])('POST /posts with %s → %i', async (_case, body, status, message) => {
    const response = await post(body);
    expect(response.status).toBe(status);
    expect(String(response.body.message)).toMatch(message);
  });

  it.each([
    ['malformed JSON', '{"userId": 1,', 'application/json', 400],
    ['a __proto__ key', '{"userId": 1, "content": "hi", "__proto__": {"x": 1}}', 'application/json', 400],
    ['a wrong content type', 'userId=1&content=hi', 'application/x-www-form-urlencoded', 415],
  ])('POST /posts with %s → %i', async (_case, body, contentType, status) => {
    const response = await post(body, contentType);
    expect(response.status).toBe(status);
    expect(response.body.message).toEqual(expect.any(String));
  });

  it.each([
    ['abc', 400],
    ['-1', 400],
    ['0', 400],
    ['1.5', 400],
    ['0x1F', 400],
    ['99999999999999999999', 400],
    ['999999', 404],
  ])('GET /users/%s/posts → %i with a JSON message', async (id, status) => {
    const response = await fetch(`${app.url}/users/${id}/posts`);
    expect(response.status).toBe(status);
    const body = (await response.json()) as { message: string };
    expect(body.message).toEqual(expect.any(String));
  });

  it('never lost a post: every 201 above is in the table', async () => {
    const [row] = await sql<{ count: string }>(database.appUrl, "SELECT count(*) FROM posts WHERE content LIKE 'Hello from the test%' OR content LIKE '👍🏽%'");
    expect(Number(row!.count)).toBe(2);
  });
});
