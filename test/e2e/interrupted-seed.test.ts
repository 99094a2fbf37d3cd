/**
 * Ctrl-C in the middle of `npm run seed` loses nothing: the seed runs in one transaction, so
 * the database keeps the complete dataset it had, and the next seed starts from a clean slate.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT_DIR } from '../../lab/config.js';
import { sql } from '../helpers/database.js';
import { waitFor } from '../helpers/wait.js';
import { createLabSandbox, type LabInstance, type LabSandbox } from '../../harness/sandbox.js';
import { processFacts } from '../../lab/os/system.js';
import { TSX_IMPORT } from '../../lab/tsx-import.js';
import { lab as projectLab } from '../helpers/project-lab.js';


function runSeed(sandbox: LabSandbox, args: string[]) {
  const child = spawn(process.execPath, ['--import', TSX_IMPORT, path.join(ROOT_DIR, 'lab', 'cli.ts'), 'seed', ...args], {
    cwd: ROOT_DIR,
    env: sandbox.env(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code, signal) => resolve(code ?? (signal ? -1 : null))));
  return { child, exited, output: () => output };
}

describe('npm run seed', () => {
  let sandbox: LabSandbox;
  let lab: LabInstance;
  beforeAll(async () => {
    sandbox = await createLabSandbox(projectLab);
    lab = sandbox.start();
    await lab.ready;
  });
  afterAll(async () => {
    lab.child.kill('SIGINT');
    await lab.exited;
    sandbox.remove();
  });

  it('interrupted by Ctrl-C, leaves the previous complete dataset in place', async () => {
    const seed = runSeed(sandbox, ['--posts', '2000000']);
    const deadline = Date.now() + 30_000;
    while (!/seeding posts: [\d,]+\/2,000,000/.test(seed.output()) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(seed.output()).toMatch(/seeding posts: [\d,]+\/2,000,000/);
    seed.child.kill('SIGINT');
    await seed.exited;

    const counts = async () => {
      const [row] = await sql<{ posts: string; seed: string }>(
        sandbox.state().appDatabaseUrl,
        'SELECT (SELECT count(*) FROM posts) AS posts, (SELECT posts FROM seed_info) AS seed',
      );
      return { posts: Number(row!.posts), seed: Number(row!.seed) };
    };
    // Wait for PostgreSQL to notice the closed connection and end the seed's session (rolling it back).
    const seedSessions = async () =>
      Number((await sql<{ n: string }>(sandbox.state().adminDatabaseUrl, "SELECT count(*) AS n FROM pg_stat_activity WHERE usename = 'feed_app'"))[0]!.n);
    expect(await waitFor(seedSessions, (n) => n === 0)).toBe(0);
    expect(await counts()).toEqual({ posts: 100_000, seed: 100_000 });

    const again = runSeed(sandbox, ['--posts', '150000']);
    expect(await again.exited).toBe(0);
    expect(await counts()).toEqual({ posts: 150_000, seed: 150_000 });
  });

  it('without a size, keeps the size seeded now (not the default), and --force regenerates it', async () => {
    const again = runSeed(sandbox, []);
    expect(await again.exited).toBe(0);
    expect(again.output()).toMatch(/Already seeded with [\d,]+ users, 150,000 posts\. Use --force to seed again\./);
    const forced = runSeed(sandbox, ['--force']);
    expect(await forced.exited).toBe(0);
    expect(forced.output()).toMatch(/Seeding [\d,]+ users, 150,000 posts/);
    const [row] = await sql<{ posts: string }>(sandbox.state().appDatabaseUrl, 'SELECT count(*) AS posts FROM posts');
    expect(Number(row!.posts)).toBe(150_000);
  });

  it('rejects a bad size with one line and the usage', async () => {
    const seed = runSeed(sandbox, ['--posts', 'lots']);
    expect(await seed.exited).toBe(2);
    expect(seed.output().trim()).toBe('✘ --posts lots is not a whole number from 1,000 to 20,000,000. usage: npm run seed -- [--posts N] [--users N] [--force]');
  });
});

describe('npm start interrupted by Ctrl-C while it seeds', () => {
  let sandbox: LabSandbox;
  afterAll(async () => {
    sandbox.remove();
  });

  it('stops cleanly, and the next start ends with a complete dataset', async () => {
    sandbox = await createLabSandbox(projectLab);
    const first = sandbox.start();
    const deadline = Date.now() + 60_000;
    while (!first.output().includes('Seeding the database') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(first.output()).toContain('Seeding the database');
    first.child.kill('SIGINT');
    const code = await first.exited;
    expect(code, first.output()).toBe(130);
    expect(first.output()).toContain('Stopped during start-up.');
    expect(processFacts().processesMentioning(sandbox.stateDir)).toEqual([]);

    // Whether the seed's transaction had committed or not, the next start finds a whole dataset.
    const second = sandbox.start();
    await second.ready;
    expect(second.output()).toMatch(/5,000 users, 100,000 posts/);
    const [row] = await sql<{ posts: string; seeded: string }>(
      sandbox.state().appDatabaseUrl,
      'SELECT (SELECT count(*) FROM posts) AS posts, (SELECT posts FROM seed_info) AS seeded',
    );
    expect({ posts: Number(row!.posts), seeded: Number(row!.seeded) }).toEqual({ posts: 100_000, seeded: 100_000 });
    second.child.kill('SIGINT');
    expect(await second.exited).toBe(0);
  });
});
