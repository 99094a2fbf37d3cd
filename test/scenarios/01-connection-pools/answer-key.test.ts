/**
 * The fix 1 code in Scenario 1's SCENARIO.md answer key works: put in place of query() in the pristine
 * src/server.ts, the server answers 200 simultaneous /feed requests without an error and
 * holds no more connections than its pool allows.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type RunningApp } from '../../../lab/app-runner.js';
import { burst } from '../../../lab/check/http-load.js';
import { createTestDatabase, sql, type TestDatabase } from '../../helpers/database.js';
import { fencedBlocks, readDoc } from '../../helpers/markdown.js';
import { PRISTINE_DIR, SCENARIO_FILES, SHIPPED_APP } from '../../helpers/project-lab.js';

const USERS = 200;
// Written beside the pristine copy of src/metrics.ts (never in the learner's src/), and deleted afterwards.
const PATCHED_SERVER = path.join(PRISTINE_DIR, 'src', 'answer-key-server.ts');

function answerKeyFix(): string {
  const scenario = readDoc('SCENARIO.md');
  const key = scenario.slice(scenario.indexOf('## Answer key'));
  const code = fencedBlocks('SCENARIO.md', key).filter((block) => block.language === 'ts');
  expect(code, 'one ```ts block in the answer key').toHaveLength(1);
  return code[0]!.body;
}

/** The shipped src/server.ts with its query() (and the comment above it) replaced by the answer key's code. */
function patchedServer(fix: string): string {
  const broken = fs.readFileSync(SHIPPED_APP, 'utf8');
  const start = broken.indexOf('// Runs one SQL statement');
  const end = broken.indexOf('\n}\n', broken.indexOf('async function query(')) + 3;
  expect(start, 'src/server.ts still has the comment above query()').toBeGreaterThan(-1);
  return broken.slice(0, start) + fix + '\n' + broken.slice(end);
}

describe("SCENARIO.md's answer key, fix 1", () => {
  let database: TestDatabase;
  let app: RunningApp;

  beforeAll(async () => {
    fs.writeFileSync(PATCHED_SERVER, patchedServer(answerKeyFix()));
    database = await createTestDatabase('docs_answer');
    // With the index in place the burst takes a moment instead of seconds; the connection
    // count is what this test is about.
    await sql(database.appUrl, fs.readFileSync(SCENARIO_FILES.solutionSql, 'utf8'));
    app = await startApp(PATCHED_SERVER, database.appUrl);
  });
  afterAll(async () => {
    await app?.stop();
    await database?.drop();
    fs.rmSync(PATCHED_SERVER, { force: true });
  });

  it('answers 200 simultaneous requests and keeps at most 10 connections', async () => {
    const result = await burst(`${app.url}/feed`, USERS, 20_000);
    expect({ ok: result.ok, networkErrors: result.noAnswer, errors: result.errorBodies.slice(0, 3) }).toEqual({
      ok: USERS,
      networkErrors: 0,
      errors: [],
    });
    // The pool keeps its connections open after the burst; a connection per query leaves none.
    const [row] = await sql<{ count: string }>(
      database.adminUrl,
      "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND usename = 'feed_app' AND backend_type = 'client backend'",
    );
    expect(Number(row?.count)).toBeGreaterThan(0);
    expect(Number(row?.count)).toBeLessThanOrEqual(10);
  });
});
