/**
 * The lesson's claims, on a real PostgreSQL with the learner's connection budget (the
 * scenario's max_connections): 200 simultaneous /feed requests break the connection-per-request
 * server with "too many clients", and do not break the pooled solution, with or without the index.
 * (How fast pool + index answers is a timing goal: `npm run bench` judges it.)
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLoad } from '../../../lab/loadtest/generator.js';
import { buildSummary, failedRequests } from '../../../lab/loadtest/summary.js';
import { burst } from '../../../lab/check/http-load.js';
import { burstUntilItFails } from '../../helpers/failing-burst.js';
import { createTestDatabase, sql, type TestDatabase } from '../../helpers/database.js';
import { startApp, type RunningApp } from '../../../lab/app-runner.js';
import { BROKEN_SERVER, FIXED_SERVER, SCENARIO_FILES, scenario } from '../../helpers/project-lab.js';

const USERS = 200;
// The load test's client timeout: a user gives up on a request after 20 s.
const CLIENT_TIMEOUT_MS = 20_000;
const CONNECTION_LIMIT = /too many clients already|remaining connection slots are reserved/;

describe('200 concurrent /feed requests', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase('load');
  });
  afterAll(async () => {
    await database.drop();
  });

  describe('the broken server (a new connection per request)', () => {
    let app: RunningApp;
    beforeAll(async () => {
      app = await startApp(BROKEN_SERVER, database.appUrl);
    });
    afterAll(async () => {
      await app.stop();
    });

    it('fails requests because PostgreSQL runs out of connections', async () => {
      const [setting] = await sql<{ max_connections: string }>(database.adminUrl, 'SHOW max_connections');
      expect(Number(setting?.max_connections)).toBe(scenario.database.maxConnections);

      const result = await burstUntilItFails(`${app.url}/feed`, USERS);
      const failed = result.total - result.ok;
      expect(failed).toBeGreaterThan(0);
      // The failures are the connection limit (SQLSTATE 53300), answered as 500s. PostgreSQL
      // words it two ways: "too many clients already" once every slot is taken, and
      // "remaining connection slots are reserved for roles with the SUPERUSER attribute"
      // when only the 3 slots kept for administrators are left (the app is no superuser).
      expect(result.byStatus[500] ?? 0).toBeGreaterThan(0);
      const limitErrors = result.errorBodies.filter((body) => CONNECTION_LIMIT.test(body));
      expect(limitErrors.length).toBeGreaterThan(0);
      // Nearly all of them; a busy machine may add a stray timeout or reset.
      expect(limitErrors.length / result.errorBodies.length).toBeGreaterThanOrEqual(0.9);
    });
  });

  describe('the solution (one shared pool)', () => {
    let app: RunningApp;
    beforeAll(async () => {
      app = await startApp(FIXED_SERVER, database.appUrl);
    });
    afterAll(async () => {
      await app.stop();
    });

    it('answers every request', async () => {
      const result = await burst(`${app.url}/feed`, USERS, CLIENT_TIMEOUT_MS);
      expect({ ok: result.ok, networkErrors: result.noAnswer, errors: result.errorBodies.slice(0, 3) }).toEqual({
        ok: USERS,
        networkErrors: 0,
        errors: [],
      });
    });

    it('never holds more than its 10 connections', async () => {
      const during = burst(`${app.url}/feed`, USERS, CLIENT_TIMEOUT_MS);
      let peak = 0;
      let finished = false;
      void during.then(() => (finished = true));
      while (!finished) {
        const [row] = await sql<{ count: string }>(
          database.adminUrl,
          // Client connections only: parallel query workers show up in pg_stat_activity too.
          "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND usename = 'feed_app' AND backend_type = 'client backend'",
        );
        peak = Math.max(peak, Number(row?.count));
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect((await during).ok).toBe(USERS);
      expect(peak).toBeGreaterThan(0);
      expect(peak).toBeLessThanOrEqual(10);
    });

    it('with the index, answers every one of 200 users\' requests (its p99 goal is judged by npm run bench)', async () => {
      await sql(database.appUrl, fs.readFileSync(SCENARIO_FILES.solutionSql, 'utf8'));
      const result = await startLoad({ port: app.port, route: '/feed', users: USERS, durationSeconds: 3, requestTimeoutSeconds: CLIENT_TIMEOUT_MS / 1000 }).finished;
      const summary = buildSummary(result, { users: USERS, route: '/feed' });
      expect(summary.totalRequests).toBeGreaterThan(USERS);
      expect(failedRequests(summary), JSON.stringify(summary)).toBe(0);
    });
  });
});
