/**
 * Scenario 4's src/metrics.ts as shipped (its pristine copy): the event loop's busy time,
 * nodejs_eventloop_active_seconds_total, whose rate is the loop's utilisation — near 1 while
 * the app's JavaScript keeps the loop busy, near 0 while it waits — whoever scrapes and how often.
 */
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { parsePrometheusText } from '../../../lab/metrics/prometheus-text.js';
import { PRISTINE_DIR } from '../../helpers/project-lab.js';

const BUSY = 'nodejs_eventloop_active_seconds_total';

let app: FastifyInstance | undefined;

afterEach(async () => {
  await app?.close();
  app = undefined;
});

/** A small app with the scenario's metrics and a route that keeps the loop busy for `ms`, as a CPU-heavy route does. */
async function appWithMetrics(): Promise<FastifyInstance> {
  const { registerMetrics } = (await import(path.join(PRISTINE_DIR, 'src', 'metrics.ts'))) as { registerMetrics: (app: FastifyInstance) => void };
  const server = Fastify();
  registerMetrics(server);
  server.get('/work', async (request) => {
    const until = performance.now() + Number((request.query as { ms?: string }).ms ?? 20);
    let spins = 0;
    while (performance.now() < until) spins += 1;
    return { spins };
  });
  return server;
}

/** One scrape: the busy seconds so far, and when they were read. */
async function busySeconds(server: FastifyInstance): Promise<{ seconds: number; at: number }> {
  const response = await server.inject({ method: 'GET', url: '/metrics' });
  const sample = parsePrometheusText(response.body).find((candidate) => candidate.name === BUSY);
  if (!sample) throw new Error(`${BUSY} is missing from /metrics`);
  return { seconds: sample.value, at: performance.now() };
}

/** rate() over two scrapes: busy seconds per second between them. */
const utilisation = (from: { seconds: number; at: number }, to: { seconds: number; at: number }) => (to.seconds - from.seconds) / ((to.at - from.at) / 1000);

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('event-loop utilisation (nodejs_eventloop_active_seconds_total)', () => {
  it('is a counter in seconds that only grows', async () => {
    app = await appWithMetrics();
    const response = await app.inject({ method: 'GET', url: '/metrics' });
    expect(response.body).toContain(`# TYPE ${BUSY} counter`);
    const first = await busySeconds(app);
    await app.inject({ method: 'GET', url: '/work?ms=50' });
    const second = await busySeconds(app);
    // The 50 ms of work are in it, in seconds (not milliseconds).
    expect(second.seconds - first.seconds).toBeGreaterThanOrEqual(0.05);
    expect(second.seconds - first.seconds).toBeLessThan(1);
  });

  it('rises towards 1 while requests keep the loop busy', async () => {
    app = await appWithMetrics();
    const before = await busySeconds(app);
    // About a second of CPU-bound requests, one after another: the loop never waits.
    const until = performance.now() + 1_000;
    while (performance.now() < until) await app.inject({ method: 'GET', url: '/work?ms=20' });
    expect(utilisation(before, await busySeconds(app))).toBeGreaterThan(0.9);
  });

  it('stays near 0 while the app waits for work', async () => {
    app = await appWithMetrics();
    const before = await busySeconds(app);
    await pause(1_000);
    expect(utilisation(before, await busySeconds(app))).toBeLessThan(0.1);
  });

  it('gives each scraper the utilisation of its own window: a second scraper does not take a share of it', async () => {
    app = await appWithMetrics();
    // Prometheus reads at the start and the end of a busy second; the dashboard reads in between, often.
    const prometheusBefore = await busySeconds(app);
    const until = performance.now() + 1_000;
    let dashboardBefore: { seconds: number; at: number } | undefined;
    while (performance.now() < until) {
      await app.inject({ method: 'GET', url: '/work?ms=20' });
      const reading = await busySeconds(app);
      dashboardBefore ??= reading;
    }
    const dashboardAfter = await busySeconds(app);
    const prometheusAfter = await busySeconds(app);
    expect(utilisation(prometheusBefore, prometheusAfter)).toBeGreaterThan(0.9);
    expect(utilisation(dashboardBefore!, dashboardAfter)).toBeGreaterThan(0.9);
  });
});
