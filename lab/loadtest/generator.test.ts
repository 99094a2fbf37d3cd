/**
 * Every count the load test reports, against servers whose every answer we script.
 * Each server answers a known number of requests, then holds the rest unanswered, so
 * the counts are exact however fast this machine is: the held ones are "in flight"
 * when the time runs out and are not counted.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startScriptedServer, type ScriptedAction, type ScriptedServer } from '../../test/helpers/scripted-server.js';
import type { LoadRoute } from '../scenario/definition.js';
import { startLoad } from './generator.js';

const TOO_MANY_CLIENTS = JSON.stringify({ statusCode: 500, error: 'Internal Server Error', message: 'sorry, too many clients already' });

describe('the load generator counts', () => {
  let server: ScriptedServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('5xx and other non-2xx answers apart from successes, and names the common 5xx message', async () => {
    // Of the first 400 requests: every 4th gets a 500, every 10th (counting from 1) a 404.
    server = await startScriptedServer((n) => {
      if (n > 400) return { kind: 'hold' };
      if (n % 4 === 0) return { kind: 'answer', status: 500, body: TOO_MANY_CLIENTS };
      if (n % 10 === 1) return { kind: 'answer', status: 404 };
      return { kind: 'answer', status: 200 };
    });
    const result = await startLoad({ port: server.port, route: '/feed', users: 20, durationSeconds: 2, requestTimeoutSeconds: 20 }).finished;

    expect(result.counts).toEqual({
      answered: 400,
      succeeded: 260,
      failedHttp5xx: 100,
      failedOtherStatus: 40,
      timeouts: 0,
      connectionErrors: 0,
    });
    expect(result.inFlightAtEnd).toBe(20);
    expect(result.topServerError).toEqual({ message: 'sorry, too many clients already', count: 100 });
  });

  it('connections the server closes without answering, whether it sends FIN or RST', async () => {
    server = await startScriptedServer((n) => {
      if (n > 300) return { kind: 'hold' };
      if (n % 10 === 0) return { kind: 'close', how: 'reset' };
      if (n % 5 === 0) return { kind: 'close', how: 'end' };
      return { kind: 'answer', status: 200 };
    });
    const result = await startLoad({ port: server.port, route: '/feed', users: 10, durationSeconds: 2, requestTimeoutSeconds: 20 }).finished;

    expect(result.counts).toMatchObject({ answered: 240, succeeded: 240, timeouts: 0, connectionErrors: 60 });
    expect(result.inFlightAtEnd).toBe(10);
  });

  it('timeouts, separately from connection errors, and leaves them out of the latencies', async () => {
    // The first request of each of the 10 users never gets an answer and times out after 3 s.
    // The 200 after it are answered at once; later ones are held past the end of the run.
    server = await startScriptedServer((n) => {
      if (n <= 10 || n > 210) return { kind: 'hold' };
      return { kind: 'answer', status: 200 };
    });
    const result = await startLoad({ port: server.port, route: '/feed', users: 10, durationSeconds: 4, requestTimeoutSeconds: 3 }).finished;

    expect(result.counts).toEqual({
      answered: 200,
      succeeded: 200,
      failedHttp5xx: 0,
      failedOtherStatus: 0,
      timeouts: 10,
      connectionErrors: 0,
    });
    expect(result.inFlightAtEnd).toBe(10);
    // Answers came at once; the 3 s the timed-out requests waited are not among them.
    expect(result.latencyMs.max).toBeLessThan(3_000);
  });

  it('each latency from its own request, including slow answers', async () => {
    server = await startScriptedServer(() => ({ kind: 'answer', status: 200, delayMs: 100 }));
    const result = await startLoad({ port: server.port, route: '/feed', users: 10, durationSeconds: 2, requestTimeoutSeconds: 20 }).finished;

    expect(result.counts.succeeded).toBeGreaterThan(0);
    expect(result.counts.answered).toBe(result.counts.succeeded);
    expect(result.latencyMs.p50).toBeGreaterThanOrEqual(100);
    expect(result.latencyMs.avg).toBeGreaterThanOrEqual(100);
  });

  it('refused connections when nothing listens', async () => {
    server = await startScriptedServer(() => ({ kind: 'hold' }));
    const port = server.port;
    await server.close();
    server = undefined;
    const result = await startLoad({ port, route: '/feed', users: 2, durationSeconds: 1, requestTimeoutSeconds: 20 }).finished;

    expect(result.counts.answered).toBe(0);
    expect(result.counts.connectionErrors).toBeGreaterThan(0);
  });
});

describe('a traffic mix', () => {
  let server: ScriptedServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  const size = { users: 50 };
  const ok: LoadRoute = { name: 'ok', weight: 4, path: '/ok' };
  const missing: LoadRoute = { name: 'missing', weight: 2, path: '/things/:id', params: (draw) => ({ id: draw.integer(1, 5) }) };
  const broken: LoadRoute = {
    name: 'broken',
    weight: 2,
    method: 'POST',
    path: '/orders',
    body: (draw) => ({ userId: draw.integer(1, draw.size.users!, 2), items: [{ productId: draw.integer(1, 9), quantity: 1 }] }),
  };
  const dropped: LoadRoute = { name: 'dropped', weight: 1, path: '/dropped' };

  it("counts each route's answers, failures and latencies apart, and sends each POST with its drawn body", async () => {
    // The first 300 requests are acted on by route; the rest are held, so every count is exact.
    const acted = { ok: 0, missing: 0, broken: 0, dropped: 0 };
    const bodies: string[] = [];
    server = await startScriptedServer((n, request): ScriptedAction => {
      if (n > 300) return { kind: 'hold' };
      if (request.method === 'POST' && request.url === '/orders') {
        acted.broken += 1;
        bodies.push(request.body);
        return { kind: 'answer', status: 500, body: JSON.stringify({ message: 'out of stock' }) };
      }
      if (/^\/things\/[1-5]$/.test(request.url)) return (acted.missing += 1, { kind: 'answer', status: 404 });
      if (request.url === '/dropped') return (acted.dropped += 1, { kind: 'close', how: 'reset' });
      if (request.url === '/ok') return (acted.ok += 1, { kind: 'answer', status: 200, delayMs: 5 });
      throw new Error(`unexpected ${request.method} ${request.url}`);
    });
    const result = await startLoad({ port: server.port, routes: [ok, missing, broken, dropped], size, users: 20, durationSeconds: 3, requestTimeoutSeconds: 20, seed: 1 }).finished;

    const byRoute = Object.fromEntries(result.byRoute!.map((route) => [route.route.name, route.counts]));
    expect(byRoute).toEqual({
      ok: { answered: acted.ok, succeeded: acted.ok, failedHttp5xx: 0, failedOtherStatus: 0, timeouts: 0, connectionErrors: 0 },
      missing: { answered: acted.missing, succeeded: 0, failedHttp5xx: 0, failedOtherStatus: acted.missing, timeouts: 0, connectionErrors: 0 },
      broken: { answered: acted.broken, succeeded: 0, failedHttp5xx: acted.broken, failedOtherStatus: 0, timeouts: 0, connectionErrors: 0 },
      dropped: { answered: 0, succeeded: 0, failedHttp5xx: 0, failedOtherStatus: 0, timeouts: 0, connectionErrors: acted.dropped },
    });
    expect(Math.min(...Object.values(acted))).toBeGreaterThan(0);
    expect(result.counts).toMatchObject({ answered: acted.ok + acted.missing + acted.broken, connectionErrors: acted.dropped });
    expect(result.topServerError).toEqual({ message: 'out of stock', count: acted.broken });
    // Only the answered requests of a route are in its latencies: the 5 ms the server waited shows on "ok" alone.
    expect(result.byRoute!.find((route) => route.route.name === 'ok')!.latencyMs.p50).toBeGreaterThanOrEqual(5);
    expect(result.byRoute!.find((route) => route.route.name === 'dropped')!.latencyMs.max).toBe(0);

    for (const body of bodies) {
      const order = JSON.parse(body) as { userId: number; items: { productId: number; quantity: number }[] };
      expect(order.userId).toBeGreaterThanOrEqual(1);
      expect(order.userId).toBeLessThanOrEqual(size.users);
      expect(order.items).toEqual([{ productId: expect.any(Number), quantity: 1 }]);
    }
    // Drawn afresh for each request: the bodies differ.
    expect(new Set(bodies).size).toBeGreaterThan(1);
  });

  it('sends each route about as often as its weight says', async () => {
    const sent = { ok: 0, missing: 0, broken: 0 };
    server = await startScriptedServer((n, request) => {
      const route = request.method === 'POST' ? 'broken' : request.url === '/ok' ? 'ok' : 'missing';
      sent[route] += 1;
      return n > 1_000 ? { kind: 'hold' } : { kind: 'answer', status: 200 };
    });
    await startLoad({ port: server.port, routes: [ok, missing, broken], size, users: 10, durationSeconds: 3, requestTimeoutSeconds: 20, seed: 2 }).finished;

    const total = sent.ok + sent.missing + sent.broken;
    expect(total).toBe(server.received());
    // Weights 4 : 2 : 2. Seeded, so these counts are the same on every run; the bound allows for any seed.
    expect(sent.ok / total).toBeCloseTo(0.5, 1);
    expect(sent.missing / total).toBeCloseTo(0.25, 1);
    expect(sent.broken / total).toBeCloseTo(0.25, 1);
  });

  it('stops before it starts when a route of the mix cannot be sent', () => {
    expect(() => startLoad({ port: 1, routes: [{ ...missing, params: () => ({}) }], users: 1, durationSeconds: 1, requestTimeoutSeconds: 1 })).toThrow(
      'route "missing" names :id in its path, but its params give no id',
    );
  });
});

