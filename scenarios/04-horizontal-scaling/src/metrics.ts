// Request metrics for the dashboard and Prometheus, in the standard Prometheus format,
// and a line in the terminal when requests fail. app.ts turns them on with one line:
// registerMetrics(app).
//
// What you get on GET /metrics:
//   http_requests_total{method, route, status_code}      how many requests, by outcome
//   http_request_duration_seconds{method, route, ...}    how long they took (a histogram)
//   nodejs_eventloop_active_seconds_total                how long the event loop has been busy
//   nodejs_* and process_*                               the Node.js process itself
//
// And in the `npm start` terminal, at most once a second while requests fail:
//   12 requests failed in the last second; the last: GET /feed: connect ECONNREFUSED ...
import { performance } from 'node:perf_hooks';
import type { FastifyInstance } from 'fastify';
import client from 'prom-client';

// Time buckets in seconds, from 5 ms to 20 s: wide enough to see both a fast indexed
// query and a request that waited seconds for a database connection.
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20];

// Our own endpoints for watching the app: counting them would only add noise.
const NOT_COUNTED = new Set(['/metrics', '/health']);

// METRICS=off leaves out the request metrics, to measure what they cost (bench/);
// GET /metrics then shows only the Node.js metrics. Leave it unset.
const COUNT_REQUESTS = process.env.METRICS !== 'off';

export function registerMetrics(app: FastifyInstance): void {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry });

  const requests = new client.Counter({
    name: 'http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status code.',
    labelNames: ['method', 'route', 'status_code'],
    registers: [registry],
  });
  const duration = new client.Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time from receiving a request to sending the response, in seconds.',
    labelNames: ['method', 'route', 'status_code'],
    buckets: DURATION_BUCKETS,
    registers: [registry],
  });

  countEventLoopBusyTime(registry);

  if (COUNT_REQUESTS) {
    app.addHook('onResponse', async (request, reply) => {
      // The route pattern ("/users/:id/posts"), not the URL ("/users/42/posts"):
      // one time series per route instead of one per user.
      const route = request.routeOptions.url ?? 'unmatched';
      if (NOT_COUNTED.has(route)) return;
      const labels = { method: request.method, route, status_code: String(reply.statusCode) };
      requests.inc(labels);
      duration.observe(labels, reply.elapsedTime / 1000);
    });
  }

  logFailedRequests(app);

  app.get('/metrics', async (_request, reply) => {
    reply.header('Content-Type', registry.contentType);
    return registry.metrics();
  });
}

// The event loop's utilisation is the share of time it spends running JavaScript rather
// than waiting for something to do: near 1, this instance can take no more work, however
// many cores the machine has left. Node.js measures it (performance.eventLoopUtilization);
// we publish the busy time as a total that only grows, because rate() of a total gives the
// share over any window, for every scraper at once. A "utilisation since the last scrape"
// would be right for one scraper only: two (the dashboard and Prometheus) would split it.
function countEventLoopBusyTime(registry: client.Registry): void {
  let counted = 0;
  new client.Counter({
    name: 'nodejs_eventloop_active_seconds_total',
    help: 'Time the event loop has been busy (not waiting for I/O or timers) since the process started, in seconds. Its rate is the event-loop utilisation: 1 means always busy.',
    registers: [registry],
    collect() {
      // Read when /metrics is asked for: the newest total, whenever the scrape comes.
      const busy = performance.eventLoopUtilization().active / 1000;
      if (busy > counted) {
        this.inc(busy - counted);
        counted = busy;
      }
    },
  });
}

// One line a second at most: under load a failing app can fail hundreds of requests a
// second, and a line for each would scroll everything else away.
const LOG_EVERY_MS = 1000;

function logFailedRequests(app: FastifyInstance): void {
  let failed = 0;
  let last = '';
  app.addHook('onError', async (request, _reply, error) => {
    // 4xx errors are the caller's mistake (bad input); only our own failures are logged.
    if ((error.statusCode ?? 500) < 500) return;
    failed += 1;
    last = `${request.method} ${request.url}: ${error.message}`;
  });
  const timer = setInterval(() => {
    if (failed === 0) return;
    console.error(`${failed} request${failed === 1 ? '' : 's'} failed in the last second; the last: ${last}`);
    failed = 0;
  }, LOG_EVERY_MS);
  // This timer alone does not keep the app running, and it stops with the app.
  timer.unref();
  app.addHook('onClose', async () => clearInterval(timer));
}
