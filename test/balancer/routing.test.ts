/**
 * The balancer as a real process in front of test instances: how it spreads requests (round
 * robin, least_conn), what it forwards (method, path, body, headers, Set-Cookie), how it
 * follows the upstreams file, and what its metrics count.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/wait.js';
import { echo, getMany, sampleValue, send, startBalancer, startInstance, statusWhen, stopEverything } from './harness.js';

const ROUND_ROBIN = 'upstream app { server app-instances; keepalive 16; }';

afterEach(stopEverything);

describe('spreading requests', () => {
  it('round robin sends 100 GETs 50 to each of two instances', async () => {
    const instances = [await startInstance('app-1'), await startInstance('app-2')];
    const balancer = await startBalancer(ROUND_ROBIN, instances);
    expect(new Set(await getMany(balancer.port, 100))).toEqual(new Set([200]));
    expect(instances.map((instance) => instance.hits)).toEqual([50, 50]);
  });

  it('least_conn sends most requests to the instance that is not busy', async () => {
    const slow = await startInstance('app-1', (request, response, body) => setTimeout(() => echo(request, response, body), 300));
    const fast = await startInstance('app-2');
    const balancer = await startBalancer('upstream app { least_conn; server app-instances; keepalive 16; }', [slow, fast]);
    // Four clients asking one after another: the slow instance holds one of them at a time.
    await Promise.all([1, 2, 3, 4].map(() => getMany(balancer.port, 10)));
    expect(slow.hits + fast.hits).toBe(40);
    expect(slow.hits).toBeLessThanOrEqual(8);
  });

  it('ip_hash sends every request from 127.0.0.1 to one instance: sticky, and on one machine, all on one', async () => {
    const instances = [await startInstance('app-1'), await startInstance('app-2')];
    const balancer = await startBalancer('upstream app { ip_hash; server app-instances; keepalive 16; }', instances);
    expect(new Set(await getMany(balancer.port, 40))).toEqual(new Set([200]));
    expect(instances.map((instance) => instance.hits).sort((a, b) => a - b)).toEqual([0, 40]);
  });
});

describe('forwarding', () => {
  it('passes method, path, query and body on, and every Set-Cookie back untouched', async () => {
    const instance = await startInstance('app-1', (request, response, body) => {
      response.setHeader('set-cookie', ['session=abc123; Path=/; HttpOnly; SameSite=Lax', 'theme=dark; Max-Age=60']);
      response.setHeader('x-instance', 'app-1');
      echo(request, response, body);
    });
    const balancer = await startBalancer(ROUND_ROBIN, [instance]);
    const answer = await send(balancer.port, {
      method: 'POST',
      path: '/login?next=%2Ffeed',
      headers: { 'content-type': 'application/json', cookie: 'old=1', connection: 'x-private', 'x-private': 'not for the app', 'x-forwarded-for': '10.0.0.9' },
      body: '{"user":"ada","password":"secret"}',
    });
    expect(answer.status).toBe(200);
    expect(answer.headers['set-cookie']).toEqual(['session=abc123; Path=/; HttpOnly; SameSite=Lax', 'theme=dark; Max-Age=60']);
    expect(answer.headers['x-instance']).toBe('app-1');
    const seen = JSON.parse(answer.body) as { method: string; url: string; body: string; headers: Record<string, string> };
    expect(seen).toMatchObject({ method: 'POST', url: '/login?next=%2Ffeed', body: '{"user":"ada","password":"secret"}' });
    expect(seen.headers).toMatchObject({ 'content-type': 'application/json', cookie: 'old=1', 'x-forwarded-for': '10.0.0.9, 127.0.0.1', 'content-length': '34' });
    // Hop-by-hop: the Connection header and what it names stay between the client and the balancer.
    expect(seen.headers['x-private']).toBeUndefined();
  });

  it('answers 413 to a body over 1 MB without sending it on', async () => {
    const instance = await startInstance('app-1');
    const balancer = await startBalancer(ROUND_ROBIN, [instance]);
    const answer = await send(balancer.port, { method: 'POST', path: '/upload', body: Buffer.alloc(1024 * 1024 + 1, 'x') }).catch((error: Error) => ({ status: 0, headers: {}, body: error.message }));
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toMatchObject({ balancer: true });
    expect(instance.hits).toBe(0);
  });
});

describe('the upstreams file', () => {
  it('adds an instance and drains a removed one within a second of the rewrite', async () => {
    const first = await startInstance('app-1');
    const second = await startInstance('app-2');
    const balancer = await startBalancer(ROUND_ROBIN, [first]);
    let rewritten = Date.now();
    balancer.writeUpstreams([first, second]);
    const added = await statusWhen(balancer, (upstreams) => upstreams.some((upstream) => upstream.name === 'app-2' && upstream.up), 5_000);
    expect(added.map((upstream) => upstream.name)).toEqual(['app-1', 'app-2']);
    expect(Date.now() - rewritten).toBeLessThan(1_000);
    await getMany(balancer.port, 10);
    expect([first.hits, second.hits]).toEqual([5, 5]);

    rewritten = Date.now();
    balancer.writeUpstreams([second]);
    const removed = await statusWhen(balancer, (upstreams) => upstreams.length === 1, 5_000);
    expect(removed.map((upstream) => upstream.name)).toEqual(['app-2']);
    expect(Date.now() - rewritten).toBeLessThan(1_000);
    await getMany(balancer.port, 10);
    expect([first.hits, second.hits]).toEqual([5, 15]);
  });

  it('lets a request in flight on a removed instance finish', async () => {
    const slow = await startInstance('app-1', (request, response, body) => setTimeout(() => echo(request, response, body), 800));
    const other = await startInstance('app-2');
    const balancer = await startBalancer(ROUND_ROBIN, [slow]);
    const inFlight = send(balancer.port, { path: '/slow' });
    await statusWhen(balancer, (upstreams) => upstreams[0]?.activeRequests === 1);
    balancer.writeUpstreams([other]);
    const draining = await statusWhen(balancer, (upstreams) => upstreams.some((upstream) => upstream.why.startsWith('draining')));
    expect(draining.find((upstream) => upstream.name === 'app-1')).toMatchObject({ up: false, activeRequests: 1 });
    expect((await inFlight).status).toBe(200);
    expect((await send(balancer.port)).status).toBe(200);
    expect(other.hits).toBe(1);
  });
});

describe('/__balancer/metrics', () => {
  it('counts answers per instance and status, and its own 502s as upstream "none"', async () => {
    const instances = [await startInstance('app-1'), await startInstance('app-2')];
    const balancer = await startBalancer(ROUND_ROBIN, instances);
    await getMany(balancer.port, 10);
    balancer.writeUpstreams([]);
    await statusWhen(balancer, (upstreams) => upstreams.length === 0);
    const refused = await send(balancer.port);
    expect(refused.status).toBe(502);
    expect(JSON.parse(refused.body)).toEqual({ error: 'no instance of the app is available', balancer: true });

    const samples = await waitFor(() => balancer.metrics(), (read) => read.length > 0);
    const requests = (labels: Record<string, string>) => sampleValue(samples, 'lab_balancer_requests_total', labels);
    expect(requests({ upstream: 'app-1', status_code: '200' })).toBe(5);
    expect(requests({ upstream: 'app-2', status_code: '200' })).toBe(5);
    expect(requests({ upstream: 'none', status_code: '502' })).toBe(1);
    expect(sampleValue(samples, 'lab_balancer_request_duration_seconds_count', { upstream: 'app-1' })).toBe(5);
    expect(sampleValue(samples, 'lab_balancer_request_duration_seconds_bucket', { upstream: 'app-1', le: '10' })).toBe(5);
    // The Node metrics under the apps' names, so one panel can show both.
    expect(samples.some((sample) => sample.name === 'process_cpu_seconds_total')).toBe(true);
    expect(samples.some((sample) => sample.name === 'nodejs_eventloop_lag_seconds')).toBe(true);
  });

  it('shows each instance as up and its requests in flight', async () => {
    const slow = await startInstance('app-1', (request, response, body) => setTimeout(() => echo(request, response, body), 800));
    const balancer = await startBalancer(ROUND_ROBIN, [slow]);
    const inFlight = send(balancer.port);
    const samples = await waitFor(() => balancer.metrics(), (read) => sampleValue(read, 'lab_balancer_active_requests', { upstream: 'app-1' }) === 1);
    expect(sampleValue(samples, 'lab_balancer_active_requests', { upstream: 'app-1' })).toBe(1);
    expect(sampleValue(samples, 'lab_balancer_upstream_up', { upstream: 'app-1' })).toBe(1);
    await inFlight;
  });
});
