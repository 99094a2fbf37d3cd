/**
 * Scenario 3's definition: what the engine (lab/ at the repository root) needs to know about
 * this scenario. Learners never need to open it. The fields are explained in
 * docs/adding-a-scenario.md at the repository root.
 */
import fs from 'node:fs';
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
  status: 'ready',
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
  // Sign-ups arrive at a rate, whatever the API answers (an open model): 40 a second is less
  // than three fixed workers send (each has 6 emails of 100-300 ms in progress: about 90 a
  // second) and more than three shipped workers get through, so the queue keeps up only once
  // fixed. Users waiting on answers would sign up as fast as the API answers, thousands a
  // second, and bury the queue. `--users 20` sends those; the budget step does.
  // The banner's link: the newest sign-ups (the sign-ups themselves are POSTs).
  loadTest: { users: 20, ratePerSecond: 40, route: '/users', mix: SIGN_UPS, durationSeconds: 30, requestTimeoutSeconds: 10, p99GoalMs: 500 },
  // No calibration: what this scenario shows (duplicates, the connection budget, stuck jobs)
  // does not depend on the machine's speed, so every machine keeps the default history.
  drills: { databaseProbeRoute: '/users/1' },
  checks: { fixes: 'the queue\'s fixes', steps: () => import('./steps.js') },
  bench: {
    // The API is the same in both: the lesson is the workers', which the queue section measures.
    states: [
      { name: 'as shipped', server: 'shipped' },
      { name: 'solved', server: 'solution', sql: fs.readFileSync(new URL('../solution/fix.sql', import.meta.url), 'utf8') },
    ],
    section: () => import('./bench-queue.js'),
  },
  dashboard: {
    rowsReadTables: ['jobs'],
    lookFor: {
      connections:
        'Every worker holds one connection per email in progress, for the whole email. At 6 workers the line reaches the dashed ceiling and the API is refused. Fixed: the workers hold a connection only for a statement, and the line stays well under it.',
      processes: 'Which process holds the connections: as shipped each worker holds 6 while it sends; after the fix, a few at most.',
      rows: 'Rows of jobs read per sign-up answered. Until an index serves the claim, each look for a queued job reads the whole history (red, near the number of jobs the banner reported); after it, a handful.',
    },
    charts: [
      {
        id: 'emails',
        title: 'Sign-ups saved vs welcome emails sent, per second',
        unit: 'per second',
        lookFor:
          'Emails should follow sign-ups, one each. Duplicates above 0: the same email sent twice. Emails below sign-ups for long: the queue is growing.',
        help:
          'Sign-ups saved: the API\'s own count of POST /signups answered 201 (http_requests_total). Emails and duplicates: the mail stand-in\'s counts (mail_messages_total, mail_duplicate_messages_total). Replays: requests the stand-in recognised by their Idempotency-Key and did not send again.',
        series: [
          { label: 'sign-ups saved', metric: 'http_requests_total', labels: { route: '/signups', status_code: '201' }, show: 'rate' },
          { label: 'emails sent', metric: 'mail_messages_total', show: 'rate' },
          { label: 'duplicates', metric: 'mail_duplicate_messages_total', show: 'rate' },
          { label: 'replays (not sent)', metric: 'mail_idempotent_replays_total', show: 'rate', dashed: true },
        ],
      },
      {
        id: 'provider',
        title: "The mail provider's latency (the stand-in)",
        unit: 'seconds',
        lookFor: 'Between 0.1 and 0.3 s: the time a worker waits for each email. `POST /control {"slowFactor": 5}` on the stand-in makes it five times slower.',
        help: 'How long the stand-in took to answer each message request (mail_request_duration_seconds). It is not a real provider: it waits a time drawn between 100 and 300 ms.',
        series: [
          { label: 'p50', metric: 'mail_request_duration_seconds', show: { quantile: 0.5 } },
          { label: 'p99', metric: 'mail_request_duration_seconds', show: { quantile: 0.99 } },
        ],
      },
    ],
  },
};

export default scenario;
