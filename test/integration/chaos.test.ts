/**
 * The single point of failure drills on real processes: a database drill through the lab
 * server's route on a PostgreSQL of the test's own (it gets stopped), and an app drill through
 * the same lab server on the supervisor's real app runner. Checks what the issue promises: the
 * solution serves again within 2 s of the database's return and keeps every post it
 * acknowledged; a killed app stays down until restarted (a save, or --restart-on-crash).
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
import { Fleet } from '../../lab/supervisor/fleet.js';
import type { DatabaseControl, FleetControl, FleetKill, LabContext } from '../../lab/lab-context.js';
import { isListening } from '../../lab/net/ports.js';
import { seed } from '../../scenarios/01-connection-pools/db/seed.js';
import { startApp, type RunningApp } from '../../lab/app-runner.js';
import { createTestDatabase, sql } from '../helpers/database.js';
import { freePort } from '../../lab/net/free-port.js';
import { writeVariant } from '../helpers/server-variants.js';
import { waitUntil } from '../helpers/wait.js';
import { FIXED_SERVER, lab, PRISTINE_DIR, scenario } from '../helpers/project-lab.js';
import { learnerPath } from '../../lab/lab.js';

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
    await provisionAppRoleAndDatabase(embeddedMaintenanceUrl(options.port), scenario.database);
    await applySchema(embeddedAppUrl(options.port, scenario.database), lab.paths.schema);
    await seed(embeddedAppUrl(options.port, scenario.database), { users: 50, posts: 2_000 });
    control = {
      mode: 'embedded',
      appUrl: embeddedAppUrl(options.port, scenario.database),
      adminUrl: embeddedAdminUrl(options.port, scenario.database),
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
    // The drill rewrites lab.json when the server returns: this test's own, never the learner's.
    const context: LabContext = { lab: { ...lab, paths: { ...lab.paths, labState: path.join(workDir, 'lab.json') } }, database: control, fleet: {} as FleetControl };
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
      const result = await runDatabaseDrill({ appUrl: app.url, route: scenario.drills.databaseProbeRoute, takeAway: takeAway(2), appPid: pidWhileAlive(app) });
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
      const result = await runDatabaseDrill({ appUrl: app.url, route: scenario.drills.databaseProbeRoute, takeAway: takeAway(1), appPid: pidWhileAlive(app) });
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
      const result = await runDatabaseDrill({ appUrl: app.url, route: scenario.drills.databaseProbeRoute, takeAway: () => takeDatabaseAway(control, 1), appPid: () => app.pid });
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
  let folder: string;
  let entry: string;
  let fleet: Fleet | undefined;
  let labServer: FastifyInstance | undefined;
  let port: number;
  let labPort: number;
  const appOutput: string[] = [];
  const labLines: string[] = [];
  const pids: Array<number | undefined> = [];
  // The solution, importing the pristine src/metrics.ts (never the learner's) from its folder.
  const fixedServer = () =>
    fs.readFileSync(FIXED_SERVER, 'utf8').replace("from '../src/metrics.js'", `from '${path.relative(folder, path.join(PRISTINE_DIR, 'src', 'metrics.js'))}'`);
  beforeAll(async () => {
    // A copy of the solution in a folder of its own beside the fixtures, so "saving" it touches no real file.
    folder = path.join(ROOT_DIR, 'test', 'fixtures', 'variant-app-drill');
    fs.mkdirSync(folder, { recursive: true });
    entry = path.join(folder, 'server.ts');
    fs.writeFileSync(entry, fixedServer());
    port = await freePort();
    labPort = await freePort();
  });
  afterAll(async () => {
    await labServer?.close();
    await fleet?.stop();
    fs.rmSync(folder, { recursive: true, force: true });
  });

  /** The app under the supervisor's runner, and the lab server's drill route in front of it. */
  async function startSupervised(restartOnCrash: boolean) {
    appOutput.length = 0;
    labLines.length = 0;
    pids.length = 0;
    // The app never reaches the database in these drills; /health does not query it.
    fleet = await Fleet.start({
      roles: [{ role: 'app', entry, count: { default: 1, min: 1, max: 1 }, http: true, primary: true }],
      appPort: port,
      host: '127.0.0.1',
      databaseUrl: 'postgres://nobody:x@127.0.0.1:1/none',
      cwd: ROOT_DIR,
      restartOnCrash,
      learnerPath: (file) => learnerPath(file, lab.paths.runFrom),
      onLine: (_label, line) => appOutput.push(line),
      log: (line) => labLines.push(line),
      onChange: (members) => pids.push(members[0]?.pid),
    });
    const context: LabContext = { lab, database: {} as DatabaseControl, fleet };
    labServer = await startLabServer({ port: labPort, host: '127.0.0.1', context, routes: [chaosRoutes] });
    await fleet.watching;
    if (!(await fleet.primary.firstStart)) throw new Error(`the app did not start:\n${appOutput.join('\n')}`);
  }
  async function stopSupervised() {
    await labServer?.close();
    labServer = undefined;
    await fleet?.stop();
  }
  const killThroughLabServer = async (): Promise<FleetKill> => {
    const response = await fetch(`http://127.0.0.1:${labPort}/api/chaos/kill`, { method: 'POST' });
    expect(response.status).toBe(200);
    return (await response.json()) as FleetKill;
  };

  it('kills the app, which stays down until its file is saved; the pid is known at each step', async () => {
    await startSupervised(false);
    try {
      const firstPid = fleet!.primary.pid();
      const result = await runAppDrill({ appUrl: `http://127.0.0.1:${port}`, kill: killThroughLabServer, watchSeconds: 2 });
      expect(result.killedPid).toBe(firstPid);
      expect(result.downAt).toBeDefined();
      expect(result.backAt).toBeUndefined();
      expect(describeAppDrill(result, 'server.ts')).toMatch(/still down after 2 s: nothing restarts it/);
      expect(await isListening(port)).toBe(false);
      expect(isProcessAlive(firstPid!)).toBe(false);
      expect(fleet!.primary.pid()).toBeUndefined();
      expect(labLines.join('\n')).toMatch(/The app process died \(signal SIGKILL\), and nothing restarts it\. It stays down until you save test\/fixtures\/variant-app-drill\/server\.ts/);

      // With the app down, the route says so instead of killing anything.
      const again = await fetch(`http://127.0.0.1:${labPort}/api/chaos/kill`, { method: 'POST' });
      expect(again.status).toBe(409);
      expect(((await again.json()) as { message: string }).message).toMatch(/the app is not running right now/);

      fs.appendFileSync(entry, '\n');
      expect(await waitUntil(() => isListening(port), 20_000)).toBe(true);
      expect(labLines).toContain('test/fixtures/variant-app-drill/server.ts saved: starting the app.');
      expect(pids).toEqual([firstPid, undefined, fleet!.primary.pid()]);
      expect(fleet!.primary.pid()).not.toBe(firstPid);
    } finally {
      await stopSupervised();
    }
  }, 60_000);

  it('a save that breaks the server shows the error, and the next save brings the app back', async () => {
    await startSupervised(false);
    try {
      const firstPid = fleet!.primary.pid()!;
      fs.writeFileSync(entry, `${fixedServer()}\nconst broken: number = ;\n`);
      expect(await waitUntil(async () => labLines.some((line) => /exited \(exit code 1\) before it answered/.test(line)), 20_000)).toBe(true);
      expect(isProcessAlive(firstPid)).toBe(false);
      expect(appOutput.join('\n')).toMatch(/server\.ts/); // the error names the file
      expect(await isListening(port)).toBe(false);

      fs.writeFileSync(entry, fixedServer());
      expect(await waitUntil(() => isListening(port), 20_000)).toBe(true);
    } finally {
      await stopSupervised();
    }
  }, 60_000);

  it('with --restart-on-crash the app comes back by itself', async () => {
    await startSupervised(true);
    try {
      const result = await runAppDrill({ appUrl: `http://127.0.0.1:${port}`, kill: killThroughLabServer, watchSeconds: 15 });
      expect(result.backAt).toBeDefined();
      expect(describeAppDrill(result, 'server.ts')).toMatch(/✔ back: something restarted it/);
      expect(labLines.join('\n')).toMatch(/--restart-on-crash: starting it again/);
      expect(fleet!.primary.pid()).toBeDefined();
      expect(fleet!.primary.pid()).not.toBe(result.killedPid);
    } finally {
      await stopSupervised();
    }
  }, 60_000);
});
