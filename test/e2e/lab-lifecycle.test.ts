/**
 * `npm start` as a person uses it: cold start, a working feed, a second start refused,
 * Ctrl-C leaving no process behind, a warm start that keeps the data, a taken port named,
 * and recovery after the supervisor is killed with SIGKILL.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isListening } from '../../lab/net/ports.js';
import { sql } from '../helpers/database.js';
import { createLabSandbox, type LabInstance, type LabSandbox } from '../../harness/sandbox.js';
import { processFacts } from '../../lab/os/system.js';
import { lab as projectLab } from '../helpers/project-lab.js';

async function waitUntil(condition: () => boolean | Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return condition();
}

describe('npm start', () => {
  let sandbox: LabSandbox;
  let lab: LabInstance | undefined;

  beforeAll(async () => {
    sandbox = await createLabSandbox(projectLab);
  });
  afterAll(async () => {
    if (lab && lab.child.exitCode === null) {
      lab.child.kill('SIGINT');
      await lab.exited;
    }
    sandbox.remove();
  });

  it('starts cold: creates the database, seeds it and prints the banner', async () => {
    lab = sandbox.start();
    await lab.ready;
    const output = lab.output();
    expect(output).toMatch(/Seeded 105,000 rows/);
    expect(output).toMatch(new RegExp(`http://localhost:${sandbox.ports.appPort}/feed`));
    expect(output).toMatch(new RegExp(`http://localhost:${sandbox.ports.labPort}`));
    expect(output).toMatch(/5,000 users, 100,000 posts/);
    // The budget the learner's database really has, read from the running server.
    expect(output).toMatch(/Connections +25 allowed \(max_connections\), 3 of them kept for superusers: 22 for the app/);
    expect(output).not.toMatch(/feed_app:feed_app@/); // the password is not printed
    // The sandbox's state folder is in the system's temporary folder: named whole, not "../../tmp/…".
    expect(output).toContain(`created a new PostgreSQL cluster in ${path.join(sandbox.stateDir, 'pgdata')}`);
  });

  it('serves the 20 newest posts, from the app role, on loopback only', async () => {
    const response = await fetch(`http://127.0.0.1:${sandbox.ports.appPort}/feed`);
    expect(response.status).toBe(200);
    expect(((await response.json()) as { posts: unknown[] }).posts).toHaveLength(20);
    const state = sandbox.state();
    expect(state.appDatabaseUrl).toMatch(/^postgres:\/\/feed_app:/);
    expect(state.adminDatabaseUrl).toMatch(/^postgres:\/\/postgres:/);
    expect(state.appDatabaseUrl).toContain(`@127.0.0.1:${sandbox.ports.dbPort}/`);
    // The database listens on loopback only, and the app role is no superuser.
    const [listen] = await sql<{ listen_addresses: string }>(state.adminDatabaseUrl, 'SHOW listen_addresses');
    expect(listen!.listen_addresses).toBe('127.0.0.1');
    const [role] = await sql<{ rolsuper: boolean }>(state.appDatabaseUrl, 'SELECT rolsuper FROM pg_roles WHERE rolname = current_user');
    expect(role!.rolsuper).toBe(false);
  });

  it('refuses a second start while the first runs', async () => {
    const second = sandbox.start();
    expect(await second.exited).toBe(1);
    expect(second.output()).toMatch(/already running \(pid \d+\)/);
    expect(second.output()).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('stops everything it started on Ctrl-C', async () => {
    const state = sandbox.state();
    lab!.child.kill('SIGINT');
    expect(await lab!.exited).toBe(0);
    expect(lab!.output()).toContain(`Stopped. Your data is kept in ${sandbox.stateDir}/`);
    expect(await isListening(sandbox.ports.appPort)).toBe(false);
    expect(await isListening(sandbox.ports.dbPort)).toBe(false);
    expect(await waitUntil(() => processFacts().processesMentioning(sandbox.stateDir).length === 0, 5_000)).toBe(true);
    for (const pid of [state.postgresPid!, state.appPid!]) expect(() => process.kill(pid, 0)).toThrow();
  });

  it('starts warm without seeding again and keeps what was written', async () => {
    lab = sandbox.start();
    await lab.ready;
    expect(lab.output()).not.toMatch(/Seeding/);
    const created = await fetch(`http://127.0.0.1:${sandbox.ports.appPort}/posts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userId: 3, content: 'still here after a restart' }),
    });
    expect(created.status).toBe(201);
    lab.child.kill('SIGINT');
    expect(await lab.exited).toBe(0);

    lab = sandbox.start();
    await lab.ready;
    const feed = (await (await fetch(`http://127.0.0.1:${sandbox.ports.appPort}/feed`)).json()) as { posts: Array<{ content: string }> };
    expect(feed.posts[0]!.content).toBe('still here after a restart');
  });

  it('recovers after the supervisor is killed with SIGKILL', async () => {
    lab!.child.kill('SIGKILL');
    await lab!.exited;
    // The app watcher and PostgreSQL were in their own process groups: they are still running.
    expect(processFacts().processesMentioning(sandbox.stateDir).length).toBeGreaterThan(0);

    lab = sandbox.start();
    await lab.ready;
    expect(lab.output()).toMatch(/stopping the app left running by an earlier lab/);
    const response = await fetch(`http://127.0.0.1:${sandbox.ports.appPort}/feed`);
    expect(response.status).toBe(200);
    lab.child.kill('SIGINT');
    expect(await lab.exited).toBe(0);
    expect(await waitUntil(() => processFacts().processesMentioning(sandbox.stateDir).length === 0, 5_000)).toBe(true);
  });

  it('names the port and the variable to change when the app port is taken', async () => {
    const blocker = net.createServer().listen(sandbox.ports.appPort, '127.0.0.1');
    await new Promise((resolve) => blocker.once('listening', resolve));
    try {
      const attempt = sandbox.start();
      expect(await attempt.exited).toBe(1);
      expect(attempt.output()).toMatch(new RegExp(`Port ${sandbox.ports.appPort} \\(the app\\) is already in use.*PORT=`));
    } finally {
      blocker.close();
    }
  });

  it('rejects a bad port setting with one line', async () => {
    const attempt = sandbox.start([], { PORT: 'eighty' });
    expect(await attempt.exited).toBe(1);
    expect(attempt.output().trim()).toBe('✘ PORT=eighty is not a port number; use a whole number from 1 to 65535, e.g. PORT=3000.');
  });
});

describe('npm start on a fresh machine, with calibration on (the default)', () => {
  let sandbox: LabSandbox;
  afterAll(async () => {
    sandbox.remove();
  });

  it('times a pool alone under the load test\'s users, says what it decided and why, and loads that many posts', async () => {
    sandbox = await createLabSandbox(projectLab);
    const lab = sandbox.start([], { LAB_CALIBRATE: 'on' });
    await lab.ready;
    const output = lab.output();
    expect(output).toContain('Timing a pool alone under 200 users');
    expect(output, output).toMatch(/\d+ requests\/s answered → (a pool alone would make users wait about [\d.]+ s: the lesson shows as it is|this machine is (fast|slow) for [\d,]+ posts)/);
    const replaced = [...output.matchAll(/Seeding ([\d,]+) posts instead/g)].at(-1);
    const expectedPosts = replaced ? replaced[1] : '100,000';
    expect(output).toContain(`5,000 users, ${expectedPosts} posts`);
    lab.child.kill('SIGINT');
    expect(await lab.exited).toBe(0);
  });
});

describe('npm start as root in a folder the postgres OS user cannot enter', () => {
  it.runIf(process.getuid?.() === 0)('explains in one line how to move the lab', async () => {
    const sandbox = await createLabSandbox(projectLab);
    const privateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-private-'));
    fs.chmodSync(privateDir, 0o700);
    try {
      const lab = sandbox.start([], { LAB_STATE_DIR: path.join(privateDir, 'state') });
      expect(await lab.exited).toBe(1);
      expect(lab.output()).toMatch(/✘ PostgreSQL runs as the "postgres" OS user when you are root, and that user cannot reach .*LAB_STATE_DIR=/);
      expect(lab.output()).not.toMatch(/Unexpected error/);
    } finally {
      fs.rmSync(privateDir, { recursive: true, force: true });
      sandbox.remove();
    }
  });
});
