/**
 * The lab exporter against a real PostgreSQL: each metric equals what a direct SQL query
 * (or the server's log) shows, with the exporter's own connection left out.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { markCheckLoad } from '../../lab/check/load-marks.js';
import { LabExporter } from '../../lab/exporter/lab-exporter.js';
import { writeInProgress } from '../../lab/runs/run-store.js';
import { parsePrometheusText } from '../../lab/metrics/prometheus-text.js';
import { snapshotOf, sumAt } from '../../lab/metrics/window.js';
import { fillUntilRefused, holdConnectionLoggingIn } from '../helpers/connection-storm.js';
import { createTestDatabase, sql, type TestDatabase } from '../helpers/database.js';
import { waitFor } from '../helpers/wait.js';
import { scenario } from '../helpers/project-lab.js';

describe('lab exporter', () => {
  let database: TestDatabase;
  let exporter: LabExporter;
  let admin: pg.Client;
  const opened: pg.Client[] = [];
  const runsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'exporter-runs-'));

  const scrape = async () => {
    await exporter.collect();
    return snapshotOf(0, parsePrometheusText(await exporter.metrics()));
  };
  const metric = async (name: string, labels?: Record<string, string>) => sumAt(await scrape(), name, labels);
  const clientBackendsSql = async () => {
    const rows = await sql<{ count: string }>(
      database.adminUrl,
      "SELECT count(*) AS count FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid() AND pid <> $1",
      [exporter.statsBackendPid],
    );
    return Number(rows[0]?.count);
  };

  beforeAll(async () => {
    database = await createTestDatabase('exporter');
    admin = new pg.Client({ connectionString: database.adminUrl });
    await admin.connect();
    exporter = new LabExporter({
      adminUrl: database.adminUrl,
      tables: scenario.database.tables,
      postgresLogFile: inject('pgLogFile'),
      // Nothing listens here: the app is "down".
      appHealthUrl: 'http://127.0.0.1:9/health',
      inProgressRunFile: path.join(runsDir, 'in-progress.json'),
      checkLoadsFile: path.join(runsDir, 'check-loads.json'),
    });
    await exporter.collect();
  });
  afterAll(async () => {
    await Promise.all(opened.map((client) => client.end().catch(() => undefined)));
    await exporter?.close();
    await admin?.end();
    await database?.drop();
  });

  it('reports max_connections and the app as down', async () => {
    const [row] = await sql<{ max_connections: string }>(database.adminUrl, 'SHOW max_connections');
    expect(await metric('lab_db_max_connections')).toBe(Number(row?.max_connections));
    expect(await metric('lab_app_up')).toBe(0);
    expect(await metric('lab_db_up')).toBe(1);
  });

  it('reports the cores the lab\'s processes can run on, as Node.js counts them', async () => {
    expect(await metric('lab_machine_cores')).toBe(os.availableParallelism());
  });

  it('counts open connections like pg_stat_activity does, without its own', async () => {
    for (let i = 0; i < 3; i += 1) {
      const client = new pg.Client({ connectionString: database.appUrl });
      await client.connect();
      opened.push(client);
    }
    const snapshot = await scrape();
    expect(exporter.statsBackendPid).toBeGreaterThan(0);
    // The admin client of this test is open too; the SQL helper's own connection is left out.
    expect(sumAt(snapshot, 'lab_db_connections')).toBe(await clientBackendsSql());
    expect(sumAt(snapshot, 'lab_db_connections', { state: 'idle' })).toBeGreaterThanOrEqual(3);
    expect(sumAt(snapshot, 'lab_db_connections', { state: 'logging in' })).toBe(0);
  });

  it('counts a connection that has not finished logging in as "logging in"', async () => {
    const loggingIn = await holdConnectionLoggingIn(inject('pgPort'), 'feed_app', database.name);
    try {
      expect(await metric('lab_db_connections', { state: 'logging in' })).toBe(1);
    } finally {
      loggingIn.release();
    }
  });

  it('counts the connections waiting for a lock another transaction holds', async () => {
    expect(await metric('lab_db_lock_waits')).toBe(0);
    const holder = new pg.Client({ connectionString: database.appUrl });
    const waiter = new pg.Client({ connectionString: database.appUrl });
    await holder.connect();
    await waiter.connect();
    opened.push(holder, waiter);
    await holder.query('BEGIN');
    await holder.query('SELECT id FROM posts WHERE id = 1 FOR UPDATE');
    // The waiter's update blocks on the row until the holder's transaction ends.
    const blocked = waiter.query('UPDATE posts SET content = content WHERE id = 1');
    expect(await waitFor(() => metric('lab_db_lock_waits'), (count) => count === 1)).toBe(1);
    await holder.query('ROLLBACK');
    await blocked;
    expect(await metric('lab_db_lock_waits')).toBe(0);
  });

  it('counts new sessions, and rows read from each table by sequential scan and through an index, as pg_stat_* show them', async () => {
    // The test's admin client is long-lived, so reading through it opens no session.
    const direct = async () => {
      const sessions = await admin.query<{ n: string }>('SELECT sessions AS n FROM pg_stat_database WHERE datname = current_database()');
      const rows = await admin.query<{ table: string; seq: string; idx: string }>(
        "SELECT relname AS table, seq_tup_read AS seq, idx_tup_fetch AS idx FROM pg_stat_user_tables WHERE relname IN ('posts', 'users')",
      );
      const table = (name: string) => rows.rows.find((row) => row.table === name);
      return { sessions: Number(sessions.rows[0]?.n), sequential: Number(table('posts')?.seq), usersByIndex: Number(table('users')?.idx) };
    };
    const before = { exported: await scrape(), direct: await direct() };
    for (let i = 0; i < 4; i += 1) await sql(database.appUrl, 'SELECT count(*) FROM posts WHERE content LIKE $1', ['%never%']);
    await sql(database.appUrl, 'SELECT username FROM users WHERE id IN (1, 2, 3)');
    // Sessions report their statistics as they end, a moment after the client has gone.
    await waitFor(direct, (now) => now.sessions - before.direct.sessions >= 5 && now.usersByIndex - before.direct.usersByIndex >= 3);
    const after = { exported: await scrape(), direct: await direct() };
    const exported = (name: string, labels?: Record<string, string>) =>
      (sumAt(after.exported, name, labels) ?? 0) - (sumAt(before.exported, name, labels) ?? 0);

    expect(after.direct.sessions - before.direct.sessions).toBe(5);
    expect(exported('lab_db_sessions_opened_total')).toBe(5);
    expect(after.direct.sequential - before.direct.sequential).toBeGreaterThanOrEqual(4 * 100_000);
    expect(exported('lab_table_rows_read_total', { table: 'posts', scan: 'sequential' })).toBe(after.direct.sequential - before.direct.sequential);
    expect(exported('lab_table_rows_read_total', { table: 'posts', scan: 'index' })).toBe(0);
    expect(exported('lab_table_rows_read_total', { table: 'users', scan: 'index' })).toBe(3);
    expect(exported('lab_table_rows_read_total', { table: 'users', scan: 'sequential' })).toBe(0);
  });

  it('counts refused connections from the server log', async () => {
    const before = (await metric('lab_db_connections_refused_total')) ?? 0;
    const full = await fillUntilRefused(database.appUrl, 2);
    try {
      expect(full.errors).toHaveLength(2);
      for (const error of full.errors) expect(error).toMatch(/too many clients|remaining connection slots/);
      // PostgreSQL writes the refusal to its log as the refused process ends.
      const counted = await waitFor(async () => (await metric('lab_db_connections_refused_total')) ?? 0, (n) => n >= before + 2);
      expect(counted).toBe(before + 2);
      const snapshot = await scrape();
      // Every slot an ordinary role may take is held (the server's budget less the superusers'
      // slots), but for the one the exporter's own connection took (a superuser takes an
      // ordinary slot while one is free), which it leaves out of its count.
      const [row] = await sql<{ room: string }>(database.adminUrl, "SELECT current_setting('max_connections')::int - current_setting('superuser_reserved_connections')::int AS room");
      expect(sumAt(snapshot, 'lab_db_connections')).toBeGreaterThanOrEqual(Number(row?.room) - 1);
    } finally {
      await full.release();
    }
  });
});

describe('lab exporter, what users felt', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'exporter-felt-'));
  const inProgressRunFile = path.join(dir, 'in-progress.json');
  const checkLoadsFile = path.join(dir, 'check-loads.json');
  let silent: net.Server;
  const sockets: net.Socket[] = [];
  let exporter: LabExporter;

  beforeAll(async () => {
    // Accepts connections and never answers: an app too busy to reply.
    silent = net.createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as net.AddressInfo).port;
    // No database here: only the app probe, the load test's tally and the check's marks are read.
    exporter = new LabExporter({ adminUrl: 'postgres://nobody:x@127.0.0.1:9/none', tables: [], appHealthUrl: `http://127.0.0.1:${port}/health`, inProgressRunFile, checkLoadsFile });
  });
  afterAll(async () => {
    await exporter.close();
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => silent.close(resolve));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const scrape = async () => {
    await exporter.collect();
    return snapshotOf(0, parsePrometheusText(await exporter.metrics()));
  };

  it('reports an app that accepts but does not answer in time as 0.5 ("not answering"), not as down', async () => {
    expect(sumAt(await scrape(), 'lab_app_up')).toBe(0.5);
  });

  it('counts the running load test\'s timeouts and lost connections, which the app never sees', async () => {
    const write = (id: string, sofar: Record<string, number>) =>
      writeInProgress({ id, pid: process.pid, startedAt: new Date().toISOString(), users: 200, durationSeconds: 30, route: '/feed', sofar: { succeeded: 0, failedStatus: 0, timeouts: 0, connectionErrors: 0, ...sofar } }, inProgressRunFile);
    const outcome = async (name: string) => sumAt(await scrape(), 'lab_loadtest_requests_total', { outcome: name });
    expect(await outcome('timeout')).toBe(0);
    write('run-a', { succeeded: 40, timeouts: 3 });
    expect(await outcome('timeout')).toBe(3);
    write('run-a', { succeeded: 90, timeouts: 8, connectionErrors: 2, failedStatus: 5 });
    const snapshot = await scrape();
    expect(sumAt(snapshot, 'lab_loadtest_requests_total', { outcome: 'ok' })).toBe(90);
    expect(sumAt(snapshot, 'lab_loadtest_requests_total', { outcome: 'timeout' })).toBe(8);
    expect(sumAt(snapshot, 'lab_loadtest_requests_total', { outcome: 'no connection' })).toBe(2);
    expect(sumAt(snapshot, 'lab_loadtest_requests_total', { outcome: 'error status' })).toBe(5);
    // A new run counts from its own zero.
    write('run-b', { timeouts: 1 });
    expect(await outcome('timeout')).toBe(9);
  });

  it('says when `npm run check` is sending load', async () => {
    expect(sumAt(await scrape(), 'lab_check_load_running')).toBe(0);
    let during: number | null = null;
    await markCheckLoad('npm run check: fix 1', async () => (during = sumAt(await scrape(), 'lab_check_load_running')), checkLoadsFile);
    expect(during).toBe(1);
    expect(sumAt(await scrape(), 'lab_check_load_running')).toBe(0);
  });
});
