/**
 * Scenario 4's definition: what the engine (lab/ at the repository root) needs to know about
 * this scenario. Learners never need to open it. The fields are explained in
 * docs/adding-a-scenario.md at the repository root.
 */
import fs from 'node:fs';
import type { LoadRoute, ScenarioDefinition } from '../../../lab/sdk.js';
import { withClient } from '../../../lab/sdk.js';
import { DEFAULT_USERS, PRODUCTS, readSeedInfo, SEEDED_PASSWORD, seed } from '../db/seed.js';

/** The instances a chart draws one line each for: as many as `npm run scale` allows. */
const INSTANCES = ['app-1', 'app-2', 'app-3', 'app-4'];

/** A lunchtime at the shop: most people look at products, one in five logs in. */
const MIX: LoadRoute[] = [
  {
    name: 'log in',
    weight: 1,
    method: 'POST',
    path: '/login',
    body: (draw) => ({ email: `user${draw.integer(1, draw.size.users ?? DEFAULT_USERS)}@example.com`, password: SEEDED_PASSWORD }),
  },
  { name: 'product page', weight: 4, path: '/products/:id', params: (draw) => ({ id: draw.integer(1, PRODUCTS) }) },
];

const scenario: ScenarioDefinition = {
  number: 4,
  title: 'Horizontal Scaling',
  summary: 'An account service whose one Node.js process is full while the other cores idle: instances behind a load balancer, sessions they share, a connection budget they split, and deploys that drop nothing.',
  concepts: ['event-loop saturation', 'load balancing', 'stateless instances', 'connection budget per instance', 'graceful shutdown and rolling deploys'],
  level: 'intermediate',
  minutes: 75,
  status: 'ready',
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
  // Customers arrive at a rate, whatever the app answers (an open model), as at a shop at
  // lunchtime: more than one process can answer on this machine, fewer than two can. The first
  // start measures one process's CPU time per request and sets the rate to 1.3× what one core
  // answers; until then (and with LAB_CALIBRATE=off) it is ratePerSecond. `users` is what the
  // measurement sends, and what `npm run loadtest -- --users N` sends instead of the rate.
  loadTest: {
    users: 20,
    ratePerSecond: 200,
    rateCalibration: { overload: 1.3 },
    route: '/products',
    mix: MIX,
    durationSeconds: 20,
    requestTimeoutSeconds: 10,
    p99GoalMs: 1000,
    runs: () => import('./runs.js'),
  },
  drills: { databaseProbeRoute: '/products/1' },
  checks: { fixes: 'the scaling fixes', steps: () => import('./steps.js') },
  dashboard: {
    rowsReadTables: ['users', 'products'],
    lookFor: {
      processes: 'Which instance holds the connections. Their sum is what meets max_connections: four instances with a pool sized for one ask for more than the budget.',
    },
    charts: [
      {
        id: 'instances',
        title: 'Requests per second, by instance',
        unit: 'per second',
        lookFor: 'Each instance\'s share of the requests. Behind round robin the lines sit together; an instance that stops answering drops to 0 while the others take its share.',
        help: 'Each instance\'s own count of the requests it answered (http_requests_total, labelled by process). The balancer sends them; the instances count what they did.',
        series: INSTANCES.map((name) => ({ label: name, metric: 'http_requests_total', labels: { process: name }, show: 'rate' as const })),
      },
      {
        id: 'cpu',
        title: 'CPU by instance (1 = one core busy)',
        unit: 'cores',
        lookFor: 'A Node.js process runs its JavaScript on one core: a line at 1 is an instance that can do no more, whatever the machine has left. The dashed "machine cores" line is the most all the processes together can reach: the room between it and the instances\' lines is cores sitting idle. The balancer\'s line should stay far below the instances\'.',
        help: 'Each process\'s CPU time per second (process_cpu_seconds_total), user and system together: 1 means one core busy all the time. "machine cores" is how many cores the lab\'s processes can run on (lab_machine_cores, from the lab server): the most all of them together can reach, and about the most instances worth running.',
        series: [
          ...INSTANCES.map((name) => ({ label: name, metric: 'process_cpu_seconds_total', labels: { process: name }, show: 'rate' as const })),
          { label: 'balancer', metric: 'process_cpu_seconds_total', labels: { process: 'balancer-1' }, show: 'rate', dashed: true },
          { label: 'machine cores', metric: 'lab_machine_cores', show: 'value', dashed: true },
        ],
      },
      {
        id: 'event-loop',
        title: 'Event-loop utilisation by instance (1 = always busy)',
        unit: 'fraction',
        lookFor: 'How much of the time each instance\'s event loop is busy running JavaScript. Near 1, the instance cannot start on a new request until it finishes the one in hand: requests queue and p99 climbs, even while the CPU chart shows cores left idle.',
        help: 'Each instance\'s own measure (Node.js performance.eventLoopUtilization(), which src/metrics.ts publishes as nodejs_eventloop_active_seconds_total): the seconds its event loop spent running code rather than waiting for I/O or timers, per second. It is not CPU: it counts time the loop is busy even while the process waits its turn for a core, so on a crowded machine it reaches 1 before the CPU line does.',
        series: INSTANCES.map((name) => ({ label: name, metric: 'nodejs_eventloop_active_seconds_total', labels: { process: name }, show: 'rate' as const })),
      },
      {
        id: 'rotation',
        title: "The balancer's view: instances in rotation",
        unit: 'count',
        lookFor: 'How many instances the balancer sends requests to. After a kill it falls by one once its checks notice; it rises again when the instance is back.',
        help: 'The balancer\'s own gauge (lab_balancer_upstream_up), summed over the instances it knows: 1 each while it counts one up. Without health_check in balancer.conf it notices only when a request fails.',
        series: [{ label: 'in rotation', metric: 'lab_balancer_upstream_up', show: 'value' }],
      },
    ],
  },
  bench: {
    states: [
      { name: 'as shipped', server: 'shipped' },
      { name: 'solved', server: 'solution', sql: fs.readFileSync(new URL('../solution/fix.sql', import.meta.url), 'utf8') },
    ],
    // The lesson is the fleet's: the solved app at 1…4 instances behind the balancer, and the balancer's own cost.
    section: () => import('./bench-scaling.js'),
  },
};

export default scenario;
