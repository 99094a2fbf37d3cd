/**
 * `npm run solve` then `npm run reset`, on a copy of src/server.ts (never the real one) and a
 * database copy: the round trip gives back the byte-identical broken server and no extra
 * index, keeps every row, and never drops a primary key or unique constraint's index. The
 * commands work on the learner folder the lab runs (LAB_LEARNER_DIR, a test's copy), never on src/.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScenarioFiles, SwappedFile } from '../../lab/reset/scenario-files.js';
import { applySolution, dropLearnerIndexes, isPristine, learnerIndexes, restorePristineFiles } from '../../lab/reset/scenario-state.js';
import { clearRuns } from '../../lab/runs/run-store.js';
import { runCli } from '../helpers/cli.js';
import { createTestDatabase, sql, type TestDatabase } from '../helpers/database.js';
import { SCENARIO_FILES, SHIPPED_APP, SOLUTION_APP, scenario } from '../helpers/project-lab.js';

describe('solve → reset round trip', () => {
  let database: TestDatabase;
  let dir: string;
  let files: ScenarioFiles;
  let server: SwappedFile;
  beforeAll(async () => {
    database = await createTestDatabase('reset');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-reset-'));
    server = { ...SCENARIO_FILES.swapped[0]!, file: path.join(dir, 'server.ts'), backup: path.join(dir, 'backup.ts') };
    files = { ...SCENARIO_FILES, swapped: [server] };
    fs.copyFileSync(SHIPPED_APP, server.file);
  });
  afterAll(async () => {
    await database?.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const allIndexes = async () =>
    (await sql<{ indexname: string }>(database.adminUrl, "SELECT indexname FROM pg_indexes WHERE schemaname = 'public' AND tablename IN ('posts', 'users') ORDER BY 1")).map((row) => row.indexname);
  const rowCounts = async () => sql(database.adminUrl, 'SELECT (SELECT count(*) FROM posts) AS posts, (SELECT count(*) FROM users) AS users');

  it('solve puts the solution in place and creates the index', async () => {
    await applySolution(files, database.appUrl);
    expect(fs.readFileSync(server.file).equals(fs.readFileSync(SOLUTION_APP!))).toBe(true);
    expect(await allIndexes()).toContain('posts_created_at_idx');
  });

  it('reset restores the broken server byte for byte and drops only the learner’s indexes', async () => {
    const constraintIndexes = ['posts_pkey', 'users_pkey', 'users_username_key'];
    await sql(database.appUrl, 'CREATE INDEX learner_user_idx ON posts (user_id)');
    await sql(database.appUrl, 'CREATE INDEX learner_partial ON users (created_at) WHERE id > 10');
    expect((await learnerIndexes(database.adminUrl, scenario.database.tables)).map((index) => index.name).sort()).toEqual(['learner_partial', 'learner_user_idx', 'posts_created_at_idx']);
    const rowsBefore = await rowCounts();

    expect(restorePristineFiles(files)).toEqual([server]);
    const dropped = await dropLearnerIndexes(database.adminUrl, scenario.database.tables);

    expect(fs.readFileSync(server.file).equals(fs.readFileSync(SHIPPED_APP))).toBe(true);
    expect(isPristine(server)).toBe(true);
    expect(fs.readFileSync(server.backup).equals(fs.readFileSync(SOLUTION_APP!))).toBe(true);
    expect(dropped.sort()).toEqual(['learner_partial', 'learner_user_idx', 'posts_created_at_idx']);
    expect(await allIndexes()).toEqual(constraintIndexes);
    expect(await rowCounts()).toEqual(rowsBefore);
  });

  it('a second reset changes nothing', async () => {
    expect(restorePristineFiles(files)).toEqual([]);
    expect(await dropLearnerIndexes(database.adminUrl, scenario.database.tables)).toEqual([]);
  });

  it('--runs deletes finished runs but not the one in progress', () => {
    const runs = path.join(dir, 'runs');
    fs.mkdirSync(runs);
    for (const name of ['a.json', 'b.json', 'in-progress.json']) fs.writeFileSync(path.join(runs, name), '{}');
    expect(clearRuns(runs)).toBe(2);
    expect(fs.readdirSync(runs)).toEqual(['in-progress.json']);
  });
});

describe('npm run solve and npm run reset on a lab that runs a copy of the learner\'s files (LAB_LEARNER_DIR)', () => {
  let database: TestDatabase;
  let dir: string;
  let env: Record<string, string>;
  let app: string;
  beforeAll(async () => {
    database = await createTestDatabase('reset_entry');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-reset-entry-'));
    app = path.join(dir, scenario.files.app);
    fs.mkdirSync(path.dirname(app), { recursive: true });
    fs.writeFileSync(app, '// the learner\'s own work\n');
    env = { LAB_STATE_DIR: path.join(dir, 'state'), LAB_LEARNER_DIR: dir, DATABASE_URL: database.appUrl };
  });
  afterAll(async () => {
    await database?.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('swap that file, and keep its last version in the state folder', async () => {
    const solved = await runCli('lab/cli.ts', ['solve'], env);
    expect(solved.code, solved.stderr).toBe(0);
    expect(fs.readFileSync(app).equals(fs.readFileSync(SOLUTION_APP!))).toBe(true);

    const reset = await runCli('lab/cli.ts', ['reset', '--yes'], env);
    expect(reset.code, reset.stderr).toBe(0);
    expect(reset.stdout).toContain(`✔ Reset: original ${app} restored`);
    expect(fs.readFileSync(app).equals(fs.readFileSync(SHIPPED_APP))).toBe(true);
    expect(fs.readFileSync(path.join(dir, 'state', 'server.ts.before-reset')).equals(fs.readFileSync(SOLUTION_APP!))).toBe(true);
  });
});
