/**
 * src/metrics.ts as shipped (its pristine copy, never the learner's working copy): what the
 * learner's app exposes on /metrics, pinned to the observability contract.
 */
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parsePrometheusText } from '../../lab/metrics/prometheus-text.js';
import { PRISTINE_DIR } from '../helpers/project-lab.js';

async function appWithMetrics() {
  const metricsModule = path.join(PRISTINE_DIR, 'src', 'metrics.ts');
  const { registerMetrics } = (await import(metricsModule)) as { registerMetrics: (app: FastifyInstance) => void };
  const app = Fastify();
  registerMetrics(app);
  app.get('/health', async () => ({ status: 'ok' }));
  app.get('/users/:id/posts', async () => ({ posts: [] }));
  return app;
}

async function scrape(app: Awaited<ReturnType<typeof appWithMetrics>>) {
  const response = await app.inject({ method: 'GET', url: '/metrics' });
  expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
  return parsePrometheusText(response.body);
}

describe('app metrics (src/metrics.ts)', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.resetModules();
  });

  it('counts requests by route pattern and status, in seconds, leaving out /metrics and /health', async () => {
    const app = await appWithMetrics();
    await app.inject({ method: 'GET', url: '/users/42/posts' });
    await app.inject({ method: 'GET', url: '/users/43/posts' });
    await app.inject({ method: 'GET', url: '/no/such/page' });
    await app.inject({ method: 'GET', url: '/health' });
    await app.inject({ method: 'GET', url: '/metrics' });
    const samples = await scrape(app);
    const requests = samples.filter((sample) => sample.name === 'http_requests_total');
    expect(requests).toEqual([
      { name: 'http_requests_total', labels: { method: 'GET', route: '/users/:id/posts', status_code: '200' }, value: 2 },
      { name: 'http_requests_total', labels: { method: 'GET', route: 'unmatched', status_code: '404' }, value: 1 },
    ]);
    const count = samples.find((sample) => sample.name === 'http_request_duration_seconds_count' && sample.labels.route === '/users/:id/posts');
    expect(count?.value).toBe(2);
    const sum = samples.find((sample) => sample.name === 'http_request_duration_seconds_sum' && sample.labels.route === '/users/:id/posts');
    // Seconds, not milliseconds: two in-process requests take far less than a second.
    expect(sum?.value).toBeLessThan(1);
    expect(samples.some((sample) => sample.name === 'nodejs_eventloop_lag_seconds')).toBe(true);
    await app.close();
  });

  it('counts nothing with METRICS=off (for measuring the overhead)', async () => {
    vi.stubEnv('METRICS', 'off');
    const app = await appWithMetrics();
    await app.inject({ method: 'GET', url: '/users/42/posts' });
    const samples = await scrape(app);
    expect(samples.filter((sample) => sample.name === 'http_requests_total')).toEqual([]);
    expect(samples.some((sample) => sample.name === 'process_cpu_seconds_total')).toBe(true);
    await app.close();
  });

  it('prints failed requests in the terminal, at most one line a second, with how many failed', async () => {
    vi.useFakeTimers();
    const printed = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const app = await appWithMetrics();
      app.get('/feed', async () => {
        throw new Error('sorry, too many clients already');
      });
      app.get('/bad', async (_request, reply) => reply.code(400).send({ message: 'bad input is not our failure' }));
      for (let i = 0; i < 30; i += 1) await app.inject({ method: 'GET', url: '/feed' });
      await app.inject({ method: 'GET', url: '/bad' });
      expect(printed).not.toHaveBeenCalled();
      vi.advanceTimersByTime(1_000);
      expect(printed.mock.calls).toEqual([['30 requests failed in the last second; the last: GET /feed: sorry, too many clients already']]);
      // A quiet second prints nothing.
      vi.advanceTimersByTime(1_000);
      expect(printed).toHaveBeenCalledTimes(1);
      await app.inject({ method: 'GET', url: '/feed' });
      vi.advanceTimersByTime(1_000);
      expect(printed.mock.calls[1]).toEqual(['1 request failed in the last second; the last: GET /feed: sorry, too many clients already']);
      await app.close();
    } finally {
      printed.mockRestore();
      vi.useRealTimers();
    }
  });
});
