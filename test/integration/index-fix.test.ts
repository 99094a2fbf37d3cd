/**
 * Fix 2 as the learner applies it: solution/fix.sql turns the feed query's plan from a
 * sequential scan of every post into an index scan that stops after 20 rows.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, sql, type TestDatabase } from '../helpers/database.js';
import { SCENARIO_FILES } from '../helpers/project-lab.js';

// The query src/server.ts runs for GET /feed.
const FEED_QUERY = `SELECT p.id, p.user_id AS "userId", u.username, p.content, p.created_at AS "createdAt"
  FROM posts p JOIN users u ON u.id = p.user_id ORDER BY p.created_at DESC LIMIT 20`;

async function planOf(url: string): Promise<string> {
  const rows = await sql<{ 'QUERY PLAN': string }>(url, `EXPLAIN ANALYZE ${FEED_QUERY}`);
  return rows.map((row) => row['QUERY PLAN']).join('\n');
}

describe('solution/fix.sql', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase('index');
  });
  afterAll(async () => {
    await database.drop();
  });

  it('the feed query scans every post before the fix and uses the index after', async () => {
    const before = await planOf(database.appUrl);
    expect(before).toMatch(/Seq Scan on posts/);
    expect(before).not.toMatch(/Index Scan.* on posts/);
    expect(before).toMatch(/Sort/);

    // The learner's role owns the table, so it may create the index itself.
    await sql(database.appUrl, fs.readFileSync(SCENARIO_FILES.solutionSql, 'utf8'));

    const after = await planOf(database.appUrl);
    expect(after).toMatch(/Index Scan Backward using posts_created_at_idx on posts/);
    expect(after).not.toMatch(/Seq Scan on posts/);
  });

  it('is safe to run twice', async () => {
    const fix = fs.readFileSync(SCENARIO_FILES.solutionSql, 'utf8');
    await sql(database.appUrl, fix);
    await sql(database.appUrl, fix);
    const indexes = await sql(database.adminUrl, "SELECT indexname FROM pg_indexes WHERE tablename = 'posts' AND indexname = 'posts_created_at_idx'");
    expect(indexes).toHaveLength(1);
  });
});
