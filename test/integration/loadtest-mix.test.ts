/**
 * `npm run loadtest` and `npm run runs` for a scenario whose load test sends a traffic mix (a
 * fixture only the tests know), as child processes against a scripted server: the mix by
 * default, one route of it with --route, each route's results in the record and the tables.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT_DIR } from '../../lab/config.js';
import type { RunRecord } from '../../lab/runs/run-record.js';
import { runCli } from '../helpers/cli.js';
import { createTestDatabase, sql, type TestDatabase } from '../helpers/database.js';
import { startScriptedServer, type ScriptedRequest, type ScriptedServer } from '../helpers/scripted-server.js';

const FIXTURE = path.join(ROOT_DIR, 'test', 'engine', 'fixture-with-a-mix');
const CLI = 'lab/cli.ts';

describe('a load test with a traffic mix', () => {
  let server: ScriptedServer;
  let seen: ScriptedRequest[] = [];
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'loadtest-mix-'));
  // No lab database: the draws use the seed's default size (40 items).
  const env = () => ({ LAB_STATE_DIR: stateDir, LAB_SCENARIO: FIXTURE, PORT: String(server.port), DATABASE_URL: '' });
  beforeAll(async () => {
    server = await startScriptedServer((_, request) => {
      // The load test reads the app's /metrics once before and once after a run, to know which process served it: not load.
      if (request.url === '/metrics') return { kind: 'answer', status: 404 };
      seen.push(request);
      if (request.method === 'POST') return { kind: 'answer', status: 201 };
      return request.url.startsWith('/items/') ? { kind: 'answer', status: 404 } : { kind: 'answer', status: 200 };
    });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('sends the whole mix by default, and saves each route\'s results beside the totals', async () => {
    seen = [];
    const result = await runCli(CLI, ['loadtest', '--json'], env());
    expect(result.code, result.stderr).toBe(0);
    const { summary } = JSON.parse(result.stdout) as RunRecord;

    expect(summary).toMatchObject({ users: 8, route: 'mix' });
    expect(summary.routes!.map(({ name, method, path: pattern }) => ({ name, method, path: pattern }))).toEqual([
      { name: 'list', method: 'GET', path: '/items?page=:page' },
      { name: 'item', method: 'GET', path: '/items/:id' },
      { name: 'add', method: 'POST', path: '/items' },
    ]);
    const [list, item, add] = summary.routes!;
    expect(list!.succeeded).toBe(list!.totalRequests);
    expect(item!.failedOtherStatus).toBe(item!.totalRequests);
    expect(add!.succeeded).toBe(add!.totalRequests);
    expect(list!.totalRequests + item!.totalRequests + add!.totalRequests).toBe(summary.totalRequests);
    expect(Math.min(list!.totalRequests, item!.totalRequests, add!.totalRequests)).toBeGreaterThan(0);

    // What reached the server: drawn parameters within the fixture's ranges, and JSON bodies.
    for (const request of seen) {
      if (request.method === 'POST') expect(JSON.parse(request.body)).toEqual({ name: expect.stringMatching(/^(pen|cup|hat)$/), quantity: expect.any(Number) });
      else expect(request.url).toMatch(/^\/items(\?page=[1-5]|\/([1-9]|[1-3][0-9]|40))$/);
    }
  });

  it('--route sends one route of the mix, by its name', async () => {
    seen = [];
    const result = await runCli(CLI, ['loadtest', '--json', '--route', 'add', '--duration', '1'], env());
    expect(result.code, result.stderr).toBe(0);
    const { summary } = JSON.parse(result.stdout) as RunRecord;

    expect(summary).toMatchObject({ route: '/items', method: 'POST' });
    expect(summary.routes).toBeUndefined();
    expect(summary.succeeded).toBeGreaterThan(0);
    expect(new Set(seen.map((request) => `${request.method} ${request.url}`))).toEqual(new Set(['POST /items']));
  });

  it('says the mix and each route in the summary and in `npm run runs`', async () => {
    const result = await runCli(CLI, ['loadtest', '--label', 'mixed'], env());
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/Load test: 8 users on http:\/\/127\.0\.0\.1:\d+, a mix of 3 routes \(list 50%, item 33%, add 17%\), for 2 s\./);
    expect(result.stdout).toMatch(/^8 users on a mix of 3 routes for /m);
    expect(result.stdout).toMatch(/^ {2}by route +requests +failed +p50 +p99 +req\/s$/m);
    expect(result.stdout).toMatch(/^ {4}item +[\d,]+ +[\d,]+ .* GET \/items\/:id$/m);

    const runs = await runCli(CLI, ['runs'], env());
    expect(runs.stdout).toMatch(/│ 1 │ run 1 +│.*│ mix +│/);
    expect(runs.stdout).toMatch(/│ 2 │ run 2 +│.*│ POST \/items +│/);
    expect(runs.stdout).toMatch(/│ 3 │ mixed +│.*│ mix +│/);
    expect(runs.stdout.split('\n').filter((line) => /│ · (list|item|add) +│/.test(line))).toHaveLength(6);
  });

  it('lists the mix in --help, and names its routes when --route names none of them', async () => {
    const help = await runCli(CLI, ['loadtest', '--help'], env());
    expect(help.stdout).toContain('-r, --route R       one route of the mix, by name or path, or any path (default: the whole mix)');
    expect(help.stdout).toContain('Each request goes to one route of the mix, drawn by its share: list 50%, item 33%, add 17%.');
    expect(help.stdout).toContain('  add               POST /items');

    const wrong = await runCli(CLI, ['loadtest', '--route', 'checkout'], env());
    expect(wrong.code).toBe(2);
    expect(wrong.stderr.trim()).toBe(
      '✘ --route "checkout" is neither a route of the mix ("list", "item", "add") nor a path on the app; use one like /items?page=1. See `npm run loadtest -- --help`.',
    );
  });
});

describe("undoing the mix's writes", () => {
  let database: TestDatabase;
  let server: ScriptedServer;
  let writing: Promise<unknown> | undefined;
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'loadtest-undo-'));
  const env = (databaseUrl: string) => ({ LAB_STATE_DIR: stateDir, LAB_SCENARIO: FIXTURE, PORT: String(server.port), DATABASE_URL: databaseUrl });
  beforeAll(async () => {
    database = await createTestDatabase('mixundo', { empty: true });
    await sql(database.appUrl, 'CREATE TABLE items (id serial PRIMARY KEY, name text NOT NULL); INSERT INTO items (name) SELECT \'seeded\' FROM generate_series(1, 40)');
    // Like an app that saves what it is sent: the first POST of the run adds five items.
    server = await startScriptedServer((_, request) => {
      if (request.method === 'POST') writing ??= sql(database.appUrl, "INSERT INTO items (name) SELECT 'added' FROM generate_series(1, 5)");
      return { kind: 'answer', status: 200 };
    });
  });
  afterAll(async () => {
    await server?.close();
    await database?.drop();
  });

  it("removes what earlier runs left before a run, and this run's writes after it", async () => {
    // Left by a run that never got to undo its writes.
    await sql(database.appUrl, "INSERT INTO items (name) SELECT 'left over' FROM generate_series(1, 7)");
    const result = await runCli(CLI, ['loadtest'], env(database.appUrl));
    expect(result.code, result.stderr).toBe(0);
    await writing;

    // Seven before the run, so only the run's own five after it.
    expect(result.stdout).toContain('Removed the items the load test added (5 rows), so the next run starts from the same data.');
    expect(await sql(database.appUrl, 'SELECT count(*)::int AS items, max(id) AS last FROM items')).toEqual([{ items: 40, last: 40 }]);
    // And vacuumed: the removed rows' index entries do not pile up run after run.
    expect(await sql(database.appUrl, "SELECT last_vacuum IS NOT NULL AS vacuumed FROM pg_stat_user_tables WHERE relname = 'items'")).toEqual([{ vacuumed: true }]);
  });

  it('says so, and still saves the run, when the database refuses the undo', async () => {
    const empty = await createTestDatabase('mixundo', { empty: true });
    try {
      const result = await runCli(CLI, ['loadtest', '--duration', '1'], env(empty.appUrl));
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toContain('Could not remove the items the load test added: relation "items" does not exist. The next load test tries again.');
      expect(result.stdout).toMatch(/Saved as "run \d+"/);
    } finally {
      await empty.drop();
    }
  });
});

