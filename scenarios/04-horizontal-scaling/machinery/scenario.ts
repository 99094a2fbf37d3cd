/**
 * Scenario 4's definition: what the engine (lab/ at the repository root) needs to know about
 * this scenario. Learners never need to open it. The fields are explained in
 * docs/adding-a-scenario.md at the repository root.
 */
import fs from 'node:fs';
import type { LoadRoute, ScenarioDefinition } from '../../../lab/sdk.js';
import { withClient } from '../../../lab/sdk.js';
import { DEFAULT_USERS, PRODUCTS, readSeedInfo, SEEDED_PASSWORD, seed } from '../db/seed.js';

/** A lunchtime at the shop: most people look at products, some log in. */
const MIX: LoadRoute[] = [
  {
    name: 'log in',
    weight: 1,
    method: 'POST',
    path: '/login',
    body: (draw) => ({ email: `user${draw.integer(1, draw.size.users ?? DEFAULT_USERS)}@example.com`, password: SEEDED_PASSWORD }),
  },
  { name: 'product page', weight: 9, path: '/products/:id', params: (draw) => ({ id: draw.integer(1, PRODUCTS) }) },
];

const scenario: ScenarioDefinition = {
  number: 4,
  title: 'Horizontal Scaling',
  summary: 'An account service whose one Node.js process is full while the other cores idle: instances behind a load balancer, sessions they share, a connection budget they split, and deploys that drop nothing.',
  concepts: ['event-loop saturation', 'load balancing', 'stateless instances', 'connection budget per instance', 'graceful shutdown and rolling deploys'],
  level: 'intermediate',
  minutes: 60,
  status: 'in progress',
  database: {
    name: 'accounts',
    role: 'accounts_app',
    password: 'accounts_app',
    tables: ['users', 'products'],
    // The same small managed plan as Scenario 3: 37 connections for the app's role, shared by
    // every instance (and the lab's own two, and your psql).
    maxConnections: 40,
  },
  files: {
    app: 'src/app.ts',
    schema: 'db/schema.sql',
    solutionFiles: { 'src/app.ts': 'solution/app.ts', 'balancer.conf': 'solution/balancer.conf' },
    solutionSql: 'solution/fix.sql',
    solutionSqlSummary: 'the sessions table',
    pristine: {
      'src/app.ts': 'machinery/pristine/app.ts.txt',
      'src/metrics.ts': 'machinery/pristine/metrics.ts.txt',
      'balancer.conf': 'machinery/pristine/balancer.conf.txt',
    },
  },
  processes: [{ role: 'app', entry: 'src/app.ts', count: { default: 1, min: 1, max: 4 }, http: true }],
  balancer: { balances: 'app', settings: 'balancer.conf' },
  dataset: {
    unit: 'users',
    unitSteps: [DEFAULT_USERS],
    options: {
      users: { default: DEFAULT_USERS, min: 100, max: 1_000_000, help: 'how many customers can log in' },
    },
    async seed(databaseUrl, request) {
      const result = await seed(databaseUrl, {
        ...(request.size.users !== undefined ? { users: request.size.users } : {}),
        ...(request.force !== undefined ? { force: request.force } : {}),
        ...(request.onProgress ? { onProgress: request.onProgress } : {}),
      });
      return { skipped: result.skipped, size: { users: result.users }, rows: result.users + PRODUCTS, seconds: result.seconds };
    },
    async seededSize(databaseUrl) {
      const seeded = await withClient(databaseUrl, 'lab seed', readSeedInfo);
      return seeded ? { users: seeded.users } : undefined;
    },
  },
  // Users who wait for each answer before sending the next (a closed model): what one process
  // can answer is what they get, so the run measures the instances' capacity.
  loadTest: { users: 20, route: '/products', mix: MIX, durationSeconds: 20, requestTimeoutSeconds: 10, p99GoalMs: 1000 },
  drills: { databaseProbeRoute: '/products/1' },
  checks: { fixes: 'the scaling fixes', steps: () => import('./steps.js') },
  bench: {
    states: [
      { name: 'as shipped', server: 'shipped' },
      { name: 'solved', server: 'solution', sql: fs.readFileSync(new URL('../solution/fix.sql', import.meta.url), 'utf8') },
    ],
  },
};

export default scenario;
