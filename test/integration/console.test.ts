/** `npm run db -- -c "SQL"` with the built-in console, as a person runs it, on a database copy. */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT_DIR } from '../../lab/config.js';
import { endsStatement } from '../../lab/console/statement-ends.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';

const run = promisify(execFile);

describe('npm run db (built-in console)', () => {
  let database: TestDatabase;
  let stateDir: string;
  beforeAll(async () => {
    database = await createTestDatabase('console');
    // An empty state folder: no running lab, so the console uses DATABASE_URL.
    stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-console-'));
  });
  afterAll(async () => {
    await database?.drop();
    fs.rmSync(stateDir, { recursive: true, force: true });
  });

  async function db(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    try {
      const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'lab/cli.ts', 'db', '--builtin', ...args], {
        cwd: ROOT_DIR,
        env: { ...process.env, DATABASE_URL: database.appUrl, LAB_STATE_DIR: stateDir },
      });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  }

  it('-c prints an aligned table and the row count, values as PostgreSQL writes them', async () => {
    const result = await db('-c', "SELECT id, username FROM users WHERE id <= 2 ORDER BY id; SELECT NULL AS nothing, 'x' AS letter");
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      [
        '┌────┬───────────────┐',
        '│ id │ username      │',
        '├────┼───────────────┤',
        '│ 1  │ brave_otter_1 │',
        '│ 2  │ sunny_otter_2 │',
        '└────┴───────────────┘',
        '(2 rows)',
        '',
        '┌─────────┬────────┐',
        '│ nothing │ letter │',
        '├─────────┼────────┤',
        '│         │ x      │',
        '└─────────┴────────┘',
        '(1 row)',
        '',
      ].join('\n'),
    );
  });

  it('-c shows EXPLAIN ANALYZE as the indented plan, not boxed', async () => {
    const result = await db('-c', 'EXPLAIN ANALYZE SELECT * FROM posts ORDER BY created_at DESC LIMIT 20');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Limit {2}\(cost=/);
    expect(result.stdout).toMatch(/\n +->  .*Seq Scan on posts/);
    expect(result.stdout).toMatch(/\nExecution Time: [\d.]+ ms\n$/);
    expect(result.stdout).not.toMatch(/│/);
  });

  it('-c prints the command’s tag as pg reports it, and -f runs a file', async () => {
    expect((await db('-c', 'CREATE INDEX console_idx ON posts (user_id)')).stdout).toBe('CREATE\n');
    expect((await db('-f', 'solution/fix.sql')).stdout).toBe('CREATE\n');
    expect((await db('-c', "INSERT INTO posts (user_id, content) VALUES (1, 'from the console')")).stdout).toBe('INSERT 0 1\n');
  });

  it('a mistake prints PostgreSQL’s error on stderr and exits 1', async () => {
    const result = await db('-c', 'SELEC 1');
    expect(result).toMatchObject({ code: 1, stdout: '', stderr: 'ERROR:  syntax error at or near "SELEC"\n' });
  });

  it('several -c run in order, as psql runs them, and the first that fails stops the rest', async () => {
    const both = await db('-c', 'CREATE TABLE console_many (n int)', '-c', 'INSERT INTO console_many VALUES (1), (2)');
    expect(both).toMatchObject({ code: 0, stdout: 'CREATE\nINSERT 0 2\n' });
    const stopped = await db('-c', 'SELEC 1', '-c', 'DROP TABLE console_many');
    expect(stopped.code).toBe(1);
    expect((await db('-c', 'SELECT count(*)::int AS n FROM console_many')).stdout).toContain('│ 2 │');
  });

  it('bad options get the usage line and exit 2', async () => {
    const result = await db('-c', 'SELECT 1', '-f', 'x.sql');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/usage: npm run db/);
  });
});

describe('a statement ends at a ; outside quotes and comments', () => {
  it.each([
    ['SELECT 1;', true],
    ['SELECT 1', false],
    ['SELECT\n  1\n;', true],
    ["SELECT ';'", false],
    ["SELECT ';';", true],
    ['SELECT 1 -- done;', false],
    ['SELECT $$ ; $$', false],
    ['SELECT $x$ ; $x$;  ', true],
  ])('%j → %s', (text, complete) => {
    expect(endsStatement(text)).toBe(complete);
  });
});
