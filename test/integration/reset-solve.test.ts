/**
 * `npm run solve` then `npm run reset`, on a copy of src/server.ts (never the real one) and a
 * database copy: the round trip gives back the byte-identical broken server and no extra
 * index, keeps every row, and never drops a primary key or unique constraint's index. The
 * commands work on the app the lab runs (LAB_APP_ENTRY, a test's copy), never on src/.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ScenarioFiles } from '../../lab/reset/scenario-files.js';
import { applySolution, dropLearnerIndexes, learnerIndexes, restorePristineServer, serverIsPristine } from '../../lab/reset/scenario-state.js';
import { clearRuns } from '../../lab/runs/run-store.js';
import { runCli } from '../helpers/cli.js';
import { createTestDatabase, sql, type TestDatabase } from '../helpers/database.js';
import { SCENARIO_FILES, scenario } from '../helpers/project-lab.js';

describe('solve → reset round trip', () => {
  let database: TestDatabase;
  let dir: string;
  let files: ScenarioFiles;
  beforeAll(async () => {
    database = await createTestDatabase('reset');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-reset-'));
    files = { ...SCENARIO_FILES, server: path.join(dir, 'server.ts'), serverBackup: path.join(dir, 'backup.ts') };
    fs.copyFileSync(SCENARIO_FILES.pristineServer, files.server);
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
    expect(fs.readFileSync(files.server).equals(fs.readFileSync(SCENARIO_FILES.solutionServer!))).toBe(true);
    expect(await allIndexes()).toContain('posts_created_at_idx');
  });

  it('reset restores the broken server byte for byte and drops only the learner’s indexes', async () => {
    const constraintIndexes = ['posts_pkey', 'users_pkey', 'users_username_key'];
    await sql(database.appUrl, 'CREATE INDEX learner_user_idx ON posts (user_id)');
    await sql(database.appUrl, 'CREATE INDEX learner_partial ON users (created_at) WHERE id > 10');
    expect((await learnerIndexes(database.adminUrl, scenario.database.tables)).map((index) => index.name).sort()).toEqual(['learner_partial', 'learner_user_idx', 'posts_created_at_idx']);
    const rowsBefore = await rowCounts();

    expect(restorePristineServer(files)).toBe(true);
    const dropped = await dropLearnerIndexes(database.adminUrl, scenario.database.tables);

    expect(fs.readFileSync(files.server).equals(fs.readFileSync(SCENARIO_FILES.pristineServer))).toBe(true);
    expect(serverIsPristine(files)).toBe(true);
    expect(fs.readFileSync(files.serverBackup).equals(fs.readFileSync(SCENARIO_FILES.solutionServer!))).toBe(true);
    expect(dropped.sort()).toEqual(['learner_partial', 'learner_user_idx', 'posts_created_at_idx']);
    expect(await allIndexes()).toEqual(constraintIndexes);
    expect(await rowCounts()).toEqual(rowsBefore);
  });

  it('a second reset changes nothing', async () => {
    expect(restorePristineServer(files)).toBe(false);
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

describe('npm run solve and npm run reset on a lab that runs another app file (LAB_APP_ENTRY)', () => {
  let database: TestDatabase;
  let dir: string;
  let env: Record<string, string>;
  let app: string;
  beforeAll(async () => {
    database = await createTestDatabase('reset_entry');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-reset-entry-'));
    app = path.join(dir, 'server.ts');
    fs.writeFileSync(app, '// the learner\'s own work\n');
    env = { LAB_STATE_DIR: path.join(dir, 'state'), LAB_APP_ENTRY: app, DATABASE_URL: database.appUrl };
  });
  afterAll(async () => {
    await database?.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('swap that file, and keep its last version in the state folder', async () => {
    const solved = await runCli('lab/cli.ts', ['solve'], env);
    expect(solved.code, solved.stderr).toBe(0);
    expect(fs.readFileSync(app).equals(fs.readFileSync(SCENARIO_FILES.solutionServer!))).toBe(true);

    const reset = await runCli('lab/cli.ts', ['reset', '--yes'], env);
    expect(reset.code, reset.stderr).toBe(0);
    expect(reset.stdout).toContain(`✔ Reset: original ${app} restored`);
    expect(fs.readFileSync(app).equals(fs.readFileSync(SCENARIO_FILES.pristineServer))).toBe(true);
    expect(fs.readFileSync(path.join(dir, 'state', 'server.ts.before-reset')).equals(fs.readFileSync(SCENARIO_FILES.solutionServer!))).toBe(true);
  });
});
