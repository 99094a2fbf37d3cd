/**
 * Scenario 1's definition: what the engine (lab/ at the repository root) needs to know about
 * this scenario. Learners never need to open it. The fields are explained in
 * docs/adding-a-scenario.md at the repository root.
 */
import fs from 'node:fs';
import type { ScenarioDefinition } from '../../../lab/sdk.js';
import { withClient } from '../../../lab/sdk.js';
import { DEFAULT_POSTS, DEFAULT_USERS, readSeedInfo, seed } from '../db/seed.js';
import { FEED_QUERY } from './queries.js';

/** The index fix as the learner applies it (solution/fix.sql), for the benchmark's states. */
const INDEX_FIX = fs.readFileSync(new URL('../solution/fix.sql', import.meta.url), 'utf8');

const scenario: ScenarioDefinition = {
  number: 1,
  title: 'Connection Pools and Database Indexes',
  summary: 'A feed API that falls over under 200 users: a connection per request, and no index for the newest posts.',
  concepts: ['connection pools', "Little's law", 'B-tree indexes', 'EXPLAIN ANALYZE', 'single points of failure'],
  level: 'beginner',
  minutes: 60,
  status: 'ready',
  database: {
    name: 'feed',
    role: 'feed_app',
    password: 'feed_app',
    tables: ['posts', 'users'],
    // A small managed database plan's budget (SCENARIO.md names it). With PostgreSQL's default
    // of 100, a slow machine admits new connections so slowly that a connection-per-request app
    // never reaches the ceiling: its requests queue in the kernel for the postmaster instead
    // (shared/findings, scenario 1). At 25 the ceiling is reached on every machine measured.
    maxConnections: 25,
  },
  files: {
    app: 'src/server.ts',
    schema: 'db/schema.sql',
    solutionFiles: { 'src/server.ts': 'solution/server.fixed.ts' },
    solutionSql: 'solution/fix.sql',
    solutionSqlSummary: 'the index',
    pristine: { 'src/server.ts': 'machinery/pristine/server.ts.txt', 'src/metrics.ts': 'machinery/pristine/metrics.ts.txt' },
  },
  dataset: {
    unit: 'posts',
    unitSteps: [10_000, 15_000, 20_000, 30_000, 40_000, 50_000, 70_000, 100_000, 150_000, 200_000, 300_000, 400_000, 500_000, 700_000, 1_000_000],
    options: {
      posts: { default: DEFAULT_POSTS, min: 1_000, max: 20_000_000, help: 'how many posts' },
      users: { default: DEFAULT_USERS, min: 1, max: 1_000_000, help: 'how many users' },
    },
    async seed(databaseUrl, request) {
      const result = await seed(databaseUrl, {
        ...(request.size.posts !== undefined ? { posts: request.size.posts } : {}),
        ...(request.size.users !== undefined ? { users: request.size.users } : {}),
        ...(request.force !== undefined ? { force: request.force } : {}),
        ...(request.onProgress ? { onProgress: request.onProgress } : {}),
      });
      return { skipped: result.skipped, size: { posts: result.posts, users: result.users }, rows: result.users + result.posts, seconds: result.seconds };
    },
    async seededSize(databaseUrl) {
      const seeded = await withClient(databaseUrl, 'lab seed', readSeedInfo);
      return seeded ? { posts: seeded.posts, users: seeded.users } : undefined;
    },
  },
  loadTest: {
    // Many more users than the database's 25 connections: enough to break an app that opens a
    // connection for every request, on any machine. Each user sends its next request as soon as it gets an answer.
    users: 200,
    // The page everyone opens first, and the one that falls over.
    route: '/feed',
    // Long enough for queues to build up and settle, short enough to run again after each fix.
    durationSeconds: 30,
    // The fixed app's pool waits at most 15 s for a free connection (solution/server.fixed.ts),
    // so with 20 s here the app answers (even if with an error) before the load test gives up:
    // what the learner sees is the app's behaviour, not the load test's patience.
    requestTimeoutSeconds: 20,
    // Pool + index stays far below a second under 200 users; a pool alone is far above.
    p99GoalMs: 1_000,
    // Names each run from what the database showed (broken, pool only, …) and says what to do next.
    runs: () => import('./runs.js'),
  },
  calibration: {
    state: 'a pool alone',
    route: '/feed',
    // A pool alone should make users wait a few seconds: clearly seconds, clearly under the timeout.
    targetWaitSeconds: 3,
    // The floor keeps p50 above a second with room for error; the ceiling keeps p99 (about
    // 1.6 × p50) under half the load test's 20 s timeout.
    keepWaitSeconds: { min: 1.8, max: 4.5 },
  },
  drills: { databaseProbeRoute: '/feed' },
  checks: {
    fixes: 'both fixes',
    // Lazily: only `npm run check` and `npm run hint` need the steps.
    steps: () => import('./steps.js'),
  },
  dashboard: {
    // The feed reads posts; users come along through their primary key, a few rows a request.
    rowsReadTables: ['posts'],
    lookFor: {
      requests: 'Under load the red 5xx line rises while green 2xx stalls: the app answers, but with errors. Requests it never answered are in "Failed requests per second".',
      latency: 'p99 in seconds means some users wait that long; after both fixes it falls to a small fraction of a second.',
      connections:
        'Broken app: open connections reach the dashed ceiling within seconds and stay there, many of them still logging in; PostgreSQL refuses every attempt beyond that, and a refused attempt never appears here. With a pool: a flat line at the pool size, well under the ceiling.',
      churn:
        'A new connection per request: the blue attempts line follows the dashed requests line, about one attempt per /feed request; the red line is the part PostgreSQL refused. With a pool, attempts fall to about 0 while requests go on.',
      rows: 'Until an index serves the feed, every request reads the whole posts table (the red line sits near the number of posts the banner reported), with or without a pool. Once one does, red falls to 0 and the green line reads about 20 rows per request.',
    },
    help: {
      requests:
        'Counted by the app itself (src/metrics.ts, http_requests_total). Requests the app never answered (timed out, or refused before they reached it) are not here. A gap means the app did not answer its /metrics within 3 s: stopped, or too swamped to reply.',
      rows: 'Rows of posts read (pg_stat_user_tables: seq_tup_read by sequential scans, idx_tup_fetch through an index) per request the app answered with 2xx. PostgreSQL publishes these about once a second. `npm run check` also asks for /users/:id/posts, which reads the whole table until bonus B1: a red spike in a grey band is that. The axis is logarithmic: each line is ten times the one below.',
    },
  },
  bench: {
    // Each fix alone and both, so the report shows that neither is enough on its own.
    states: [
      { name: 'broken (connection per request)', server: 'shipped' },
      { name: 'pool only', server: 'solution' },
      { name: 'index only', server: 'shipped', sql: INDEX_FIX },
      { name: 'pool + index', server: 'solution', sql: INDEX_FIX },
    ],
    hotQuery: FEED_QUERY,
  },
};

export default scenario;
