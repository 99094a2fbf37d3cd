/**
 * Every count the load test reports, against servers whose every answer we script.
 * Each server answers a known number of requests, then holds the rest unanswered, so
 * the counts are exact however fast this machine is: the held ones are "in flight"
 * when the time runs out and are not counted.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startScriptedServer, type ScriptedServer } from '../../test/helpers/scripted-server.js';
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
