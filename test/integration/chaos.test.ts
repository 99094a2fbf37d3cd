/**
 * The single point of failure drills on real processes: a database drill through the lab
 * server's route on a PostgreSQL of the test's own (it gets stopped), and an app drill on a
 * real `tsx watch`. Checks what the issue promises: the solution serves again within 2 s of
 * the database's return and keeps every post it acknowledged; a killed app stays down until
 * restarted (a save, or --restart-on-crash).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeAppDrill, runAppDrill } from '../../lab/chaos/app-drill.js';
import { chaosRoutes } from '../../lab/chaos/chaos-routes.js';
import { describeDatabaseDrill, runDatabaseDrill } from '../../lab/chaos/database-drill.js';
import { takeDatabaseAway, type OutageTiming } from '../../lab/chaos/database-outage.js';
import { PG_SUPERUSER, PG_SUPERUSER_PASSWORD, ROOT_DIR } from '../../lab/config.js';
import { applySchema, provisionAppRoleAndDatabase } from '../../lab/database/provision.js';
import { embeddedAdminUrl, embeddedAppUrl, embeddedMaintenanceUrl } from '../../lab/database/urls.js';
import { startLabServer } from '../../lab/lab-server.js';
import { isProcessAlive } from '../../lab/os/processes.js';
import { initialiseCluster, startServer, type RunningPostgres } from '../../lab/postgres/embedded.js';
import { monitorAppCrashes } from '../../lab/supervisor/app-crash-monitor.js';
import { startAppProcess, type AppProcess } from '../../lab/supervisor/app-process.js';
import type { DatabaseControl, LabContext } from '../../lab/supervisor/context.js';
import { isListening } from '../../lab/supervisor/ports.js';
import { seed } from '../../db/seed.js';
import { FIXED_SERVER, startApp, writePristineScenario, type RunningApp } from '../../lab/app-runner.js';
import { createTestDatabase, sql } from '../helpers/database.js';
import { freePort } from '../../lab/net/free-port.js';
import { writeVariant } from '../helpers/server-variants.js';

describe('database drill', () => {
  let workDir: string;
  let server: RunningPostgres | undefined;
  let control: DatabaseControl;
  let labServer: FastifyInstance;
  let labPort: number;
  const written: string[] = [];

  beforeAll(async () => {
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-chaos-pg-'));
    fs.chmodSync(workDir, 0o755);
    const options = {
      dataDir: path.join(workDir, 'pgdata'),
      port: await freePort(),
      logFile: path.join(workDir, 'postgres.log'),
      superuser: PG_SUPERUSER,
      superuserPassword: PG_SUPERUSER_PASSWORD,
    };
    await initialiseCluster(options);
    server = await startServer(options);
    await provisionAppRoleAndDatabase(embeddedMaintenanceUrl(options.port));
    await applySchema(embeddedAppUrl(options.port));
    await seed(embeddedAppUrl(options.port), { users: 50, posts: 2_000 });
    control = {
      mode: 'embedded',
      appUrl: embeddedAppUrl(options.port),
      adminUrl: embeddedAdminUrl(options.port),
      pid: () => server?.pid,
      async stop() {
        await server?.stop();
        server = undefined;
      },
      async start() {
        server ??= await startServer(options);
      },
    };
    labPort = await freePort();
    const context = { settings: {} as LabContext['settings'], database: control, app: { port: 0, watcherPid: () => undefined } };
    labServer = await startLabServer({ port: labPort, host: '127.0.0.1', context, routes: [chaosRoutes] });
  });
  afterAll(async () => {
    await labServer?.close();
    await server?.stop();
    fs.rmSync(workDir, { recursive: true, force: true });
    for (const file of written) fs.rmSync(file, { force: true });
  });

  const takeAway = (seconds: number) => async (): Promise<OutageTiming> => {
    const response = await fetch(`http://127.0.0.1:${labPort}/api/chaos/db`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ seconds }),
    });
    expect(response.status).toBe(200);
    return (await response.json()) as OutageTiming;
  };
  const pidWhileAlive = (app: RunningApp) => () => (isProcessAlive(app.pid) ? app.pid : undefined);

  it('the route refuses a bad duration with a 400', async () => {
    const response = await fetch(`http://127.0.0.1:${labPort}/api/chaos/db`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ seconds: 0 }),
    });
    expect(response.status).toBe(400);
  });

  it('the solution serves again within 2 s of the database’s return, and keeps every post it acknowledged under load', async () => {
    const app = await startApp(FIXED_SERVER, control.appUrl);
    const acknowledged: number[] = [];
    let writing = true;
    // 20 writers and 20 feed readers at once, each sending its next request as soon as the last ends.
    const writeLoop = async (writer: number) => {
      for (let i = 0; writing; i += 1) {
        try {
          const response = await fetch(`${app.url}/posts`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ userId: 1 + writer, content: `during the drill: writer ${writer}, post ${i}` }),
            signal: AbortSignal.timeout(5_000),
          });
          if (response.status === 201) acknowledged.push(((await response.json()) as { id: number }).id);
        } catch {
          // Refused while the database is away: not acknowledged, so not promised.
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };
    const readLoop = async () => {
      while (writing) {
        await fetch(`${app.url}/feed`, { signal: AbortSignal.timeout(5_000) }).then((r) => r.arrayBuffer()).catch(() => undefined);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };
    const writer = Promise.all([...Array.from({ length: 20 }, (_, n) => writeLoop(n)), ...Array.from({ length: 20 }, readLoop)]);
    try {
      const result = await runDatabaseDrill({ appUrl: app.url, takeAway: takeAway(2), appPid: pidWhileAlive(app) });
      writing = false;
      await writer;
      expect(result.record).toMatchObject({ appServedAgain: true, appCrashed: false, appPid: app.pid });
      expect(result.record.recoverySeconds).toBeLessThanOrEqual(2);
      expect(result.firstFailureAt).toBeDefined();
      expect(describeDatabaseDrill(result)).toMatch(/✔ served again \d+\.\d s after the database returned, by the same app process/);

      expect(acknowledged.length).toBeGreaterThan(0);
      const stored = await sql<{ id: number }>(control.adminUrl, 'SELECT id FROM posts WHERE id = ANY($1::int[])', [acknowledged]);
      expect(stored.map((row) => row.id).sort((a, b) => a - b)).toEqual([...acknowledged].sort((a, b) => a - b));
    } finally {
      writing = false;
      await writer;
      await app.stop();
    }
  });

  it('a pool without an error listener crashes the app, and the drill says so', async () => {
    const file = writeVariant('poolWithoutErrorListener');
    written.push(file);
    const app = await startApp(file, control.appUrl);
    try {
      // Fill the pool with idle connections, which break when the database stops.
      await Promise.all(Array.from({ length: 5 }, () => fetch(`${app.url}/feed`).then((r) => r.arrayBuffer())));
      const result = await runDatabaseDrill({ appUrl: app.url, takeAway: takeAway(1), appPid: pidWhileAlive(app) });
      expect(result.record).toMatchObject({ appCrashed: true, appServedAgain: false });
      expect(describeDatabaseDrill(result)).toMatch(/✘ the app process \(pid \d+\) is gone: it crashed/);
    } finally {
      await app.stop();
    }
  }, 30_000);
});

describe('database drill on an external DATABASE_URL (the lab cannot stop that server)', () => {
  it('refuses new connections and ends open ones for the outage, then lets them in again', async () => {
    const database = await createTestDatabase('external');
    const app = await startApp(FIXED_SERVER, database.appUrl);
    try {
      const control: DatabaseControl = {
        mode: 'external',
        appUrl: database.appUrl,
        adminUrl: database.adminUrl,
        pid: () => undefined,
        stop: () => Promise.reject(new Error('not ours')),
        start: () => Promise.reject(new Error('not ours')),
      };
      const result = await runDatabaseDrill({ appUrl: app.url, takeAway: () => takeDatabaseAway(control, 1), appPid: () => app.pid });
      expect(result.timing.mode).toBe('external');
      expect(result.firstFailureAt).toBeDefined();
      expect(result.record).toMatchObject({ appServedAgain: true, appCrashed: false });
      expect(describeDatabaseDrill(result)).toMatch(/^Refused new connections to the database and ended the open ones/);
      const [row] = await sql<{ allowed: boolean }>(database.adminUrl, 'SELECT datallowconn AS allowed FROM pg_database WHERE datname = current_database()');
      expect(row?.allowed).toBe(true);
    } finally {
      await app.stop();
      await database.drop();
    }
  });
});

describe('app drill', () => {
  let entry: string;
  let app: AppProcess | undefined;
  let port: number;
  const appOutput: string[] = [];
  beforeAll(async () => {
    // A copy of the solution under test/ (tsx watch ignores node_modules, where the pristine
    // copies are), importing the pristine metrics, so "saving" it touches no real file.
    entry = path.join(ROOT_DIR, 'test', 'fixtures', 'variant-app-drill.ts');
    fs.mkdirSync(path.dirname(entry), { recursive: true });
    const metrics = path.relative(path.dirname(entry), path.join(writePristineScenario(), 'src', 'metrics.js'));
    fs.writeFileSync(entry, fs.readFileSync(FIXED_SERVER, 'utf8').replace("from '../src/metrics.js'", `from '${metrics}'`));
    port = await freePort();
  });
  afterAll(async () => {
    await app?.stop();
    fs.rmSync(entry, { force: true });
  });

  async function startWatched(restartOnCrash: boolean) {
    // The app never reaches the database in these drills; /health does not query it.
    const options = { port, host: '127.0.0.1', databaseUrl: 'postgres://nobody:x@127.0.0.1:1/none', entry, onLine: (line: string) => appOutput.push(line) };
    app = startAppProcess(options);
    const monitor = monitorAppCrashes({
      port,
      entry,
      restartOnCrash,
      watcherPid: () => app?.watcherPid,
      async restart() {
        process.kill(-app!.watcherPid, 'SIGKILL');
        await app!.stop();
        app = startAppProcess(options);
      },
      log: () => undefined,
    });
    if (!(await waitUntil(() => isListening(port), 20_000))) throw new Error(`the app did not start:\n${appOutput.join('\n')}`);
    return monitor;
  }

  it('kills the app, which stays down until src/server.ts is saved', async () => {
    const monitor = await startWatched(false);
    try {
      const result = await runAppDrill({ appUrl: `http://127.0.0.1:${port}`, watcherPid: app!.watcherPid, watchSeconds: 2 });
      expect(result.downAt).toBeDefined();
      expect(result.backAt).toBeUndefined();
      expect(describeAppDrill(result)).toMatch(/still down after 2 s: nothing restarts it/);
      expect(await isListening(port)).toBe(false);

      fs.appendFileSync(entry, '\n');
      expect(await waitUntil(() => isListening(port), 20_000)).toBe(true);
    } finally {
      monitor.stop();
      await app?.stop();
    }
  }, 60_000);

  it('with --restart-on-crash the app comes back by itself', async () => {
    const monitor = await startWatched(true);
    try {
      const result = await runAppDrill({ appUrl: `http://127.0.0.1:${port}`, watcherPid: app!.watcherPid, watchSeconds: 15 });
      expect(result.backAt).toBeDefined();
      expect(describeAppDrill(result)).toMatch(/✔ back: something restarted it/);
    } finally {
      monitor.stop();
      await app?.stop();
    }
  }, 60_000);
});

async function waitUntil(condition: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}
