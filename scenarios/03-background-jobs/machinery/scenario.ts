/**
 * Scenario 3's definition: what the engine (lab/ at the repository root) needs to know about
 * this scenario. Learners never need to open it. The fields are explained in
 * docs/adding-a-scenario.md at the repository root. The scenario is in progress: its lab runs,
 * its checks, walkthrough and dashboard charts come next.
 */
import type { LoadRoute, ScenarioDefinition } from '../../../lab/sdk.js';
import { withClient } from '../../../lab/sdk.js';
import { DEFAULT_JOBS, readSeedInfo, seed } from '../db/seed.js';

/** The load test's sign-ups' addresses: signup-<N>@example.test (the seed's are user<N>@example.com). */
export const SIGN_UP_EMAIL = { prefix: 'signup-', domain: '@example.test' } as const;

/** People signing up: each with an address no one used before. */
const SIGN_UPS: LoadRoute[] = [
  {
    name: 'sign up',
    weight: 1,
    method: 'POST',
    path: '/signups',
    body: (draw) => {
      const n = draw.integer(1, 1_000_000_000_000);
      return { email: `${SIGN_UP_EMAIL.prefix}${n}${SIGN_UP_EMAIL.domain}`, name: `Signup ${n}` };
    },
  },
];

const scenario: ScenarioDefinition = {
  number: 3,
  title: 'Background Jobs and the Connection Budget',
  summary: 'A sign-up service whose welcome emails go out twice, late or never: a queue in PostgreSQL, worker processes, and the connections they share.',
  concepts: ['job queues in PostgreSQL', 'FOR UPDATE SKIP LOCKED', 'connection budgets', 'leases and idempotency', 'partial indexes'],
  level: 'intermediate',
  minutes: 60,
  status: 'in progress',
  database: {
    name: 'signups',
    role: 'signup_app',
    password: 'signup_app',
    tables: ['jobs', 'users'],
    // A small managed database plan's budget: 37 connections for the app's role, shared by
    // the API and every worker (and the lab's own two, and your psql).
    maxConnections: 40,
  },
  files: {
    app: 'src/api.ts',
    schema: 'db/schema.sql',
    solutionFiles: { 'src/worker.ts': 'solution/worker.ts' },
    solutionSql: 'solution/fix.sql',
    solutionSqlSummary: "the claimable jobs' index",
    pristine: {
      'src/api.ts': 'machinery/pristine/api.ts.txt',
      'src/worker.ts': 'machinery/pristine/worker.ts.txt',
      'src/metrics.ts': 'machinery/pristine/metrics.ts.txt',
    },
  },
  processes: [
    { role: 'api', entry: 'src/api.ts', count: { default: 1, min: 1, max: 1 }, http: true },
    { role: 'worker', entry: 'src/worker.ts', count: { default: 3, min: 0, max: 8 }, http: false },
    {
      role: 'mail',
      entry: 'machinery/mail-provider.ts',
      count: { default: 1, min: 1, max: 1 },
      http: true,
      standIn: { what: "the mail provider's API", urlVariable: 'MAIL_API_URL' },
    },
  ],
  dataset: {
    unit: 'jobs',
    unitSteps: [DEFAULT_JOBS],
    options: {
      jobs: { default: DEFAULT_JOBS, min: 1_000, max: 2_000_000, help: 'how many welcome emails were sent before today (one user each)' },
    },
    async seed(databaseUrl, request) {
      const result = await seed(databaseUrl, {
        ...(request.size.jobs !== undefined ? { jobs: request.size.jobs } : {}),
        ...(request.force !== undefined ? { force: request.force } : {}),
        ...(request.onProgress ? { onProgress: request.onProgress } : {}),
      });
      return { skipped: result.skipped, size: { jobs: result.jobs }, rows: result.users + result.jobs, seconds: result.seconds };
    },
    async seededSize(databaseUrl) {
      const seeded = await withClient(databaseUrl, 'lab seed', readSeedInfo);
      return seeded ? { jobs: seeded.jobs } : undefined;
    },
  },
  // The banner's link: the newest sign-ups (the sign-ups themselves are POSTs).
  loadTest: { users: 20, route: '/users', mix: SIGN_UPS, durationSeconds: 30, requestTimeoutSeconds: 10, p99GoalMs: 500 },
  // No calibration: what this scenario shows (duplicates, the connection budget, stuck jobs)
  // does not depend on the machine's speed, so every machine keeps the default history.
  drills: { databaseProbeRoute: '/users/1' },
  checks: { fixes: 'the queue\'s fixes', steps: () => import('./steps.js') },
};

export default scenario;
