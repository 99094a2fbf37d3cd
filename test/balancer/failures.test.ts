/**
 * The balancer when instances fail, when its settings are wrong, and when it is told to stop:
 * retries as nginx makes them (never a POST once sent), health checks taking an instance out
 * and back, one line and exit 1 for a bad settings file, and a graceful SIGTERM.
 */
import type http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/wait.js';
import { echo, getMany, sampleValue, send, startBalancer, startInstance, statusWhen, stopEverything } from './harness.js';

afterEach(stopEverything);

/** Reads the request whole, then closes the connection without an answer: the request reached it. */
const hangUp = (request: http.IncomingMessage) => request.socket.destroy();

describe('retries (proxy_next_upstream error timeout)', () => {
  it('sends every GET on to the other instance while one refuses connections', async () => {
    const closed = await startInstance('app-1');
    const open = await startInstance('app-2');
    // max_fails=0: the refusing instance is never rested. Each request meets it first (the retry
    // to app-2 moves the turn back to app-1, as in nginx), is refused, and goes on to app-2.
    const balancer = await startBalancer('upstream app { server app-instances max_fails=0; keepalive 16; }', [closed, open]);
    await closed.close();
    expect(await getMany(balancer.port, 20)).toEqual(Array(20).fill(200));
    expect(open.hits).toBe(20);
    expect(sampleValue(await balancer.metrics(), 'lab_balancer_retries_total', { upstream: 'app-1', cause: 'refused' })).toBe(20);
  });

  it('never rests the only instance after a failed request, as nginx ignores max_fails for a single server', async () => {
    const only = await startInstance('app-1');
    const balancer = await startBalancer('upstream app { server app-instances max_fails=1 fail_timeout=60s; }', [only]);
    await only.close();
    expect((await send(balancer.port)).status).toBe(502);
    await only.reopen();
    // Rested for fail_timeout, it would get nothing for a minute: "no instance of the app is available".
    expect(await getMany(balancer.port, 5)).toEqual(Array(5).fill(200));
    expect((await balancer.status()).upstreams[0]).toMatchObject({ up: true, why: expect.stringContaining('never rested') });
  });

  it('makes every instance live again once failed requests have rested them all, as nginx does for quick recovery', async () => {
    const first = await startInstance('app-1');
    const second = await startInstance('app-2');
    const balancer = await startBalancer('upstream app { server app-instances max_fails=1 fail_timeout=60s; }', [first, second]);
    // Both restart at once (a save restarts every instance): the request meets two refusals.
    await Promise.all([first.close(), second.close()]);
    expect((await send(balancer.port)).status).toBe(502);
    await Promise.all([first.reopen(), second.reopen()]);
    // The next request finds both resting: it gets none either, and makes them live again.
    expect((await send(balancer.port)).status).toBe(502);
    // The ones after it go through, a minute before fail_timeout would have ended the rests.
    expect(await getMany(balancer.port, 4)).toEqual(Array(4).fill(200));
  });

  it('does not send a POST again once an instance has read it, but does a GET', async () => {
    const breaking = await startInstance('app-1', hangUp);
    const good = await startInstance('app-2');
    const balancer = await startBalancer('upstream app { server app-instances max_fails=0; }', [breaking, good]);
    // Round robin: the GET meets app-1 first and goes on to app-2; the POST's turn is app-1 again.
    const get = await send(balancer.port, { path: '/feed' });
    expect(get.status).toBe(200);
    const post = await send(balancer.port, { method: 'POST', path: '/orders', body: '{"item":1}' });
    expect(post.status).toBe(502);
    expect(JSON.parse(post.body)).toMatchObject({ balancer: true, error: expect.stringMatching(/^app-1 did not answer/) });
    expect([breaking.hits, good.hits]).toEqual([2, 1]);
    // The GET reached app-1 before it broke the connection: a cut, not a refusal.
    expect(sampleValue(await balancer.metrics(), 'lab_balancer_retries_total', { upstream: 'app-1', cause: 'cut' })).toBe(1);
    // Sending a GET again is safe, and the POST was not sent again: nothing to count as resent.
    expect(sampleValue(await balancer.metrics(), 'lab_balancer_non_idempotent_resent_total', { upstream: 'app-1', method: 'POST' })).toBe(0);
  });

  it('sends a POST again when non_idempotent says so, and none at all with proxy_next_upstream off', async () => {
    const breaking = await startInstance('app-1', hangUp);
    const good = await startInstance('app-2');
    const balancer = await startBalancer('upstream app { server app-instances max_fails=0; }\nproxy_next_upstream error timeout non_idempotent;', [breaking, good]);
    expect((await send(balancer.port, { method: 'POST', body: 'x' })).status).toBe(200);
    // app-1 had read the POST: sent again, it may have done its work twice, and the balancer counts that apart.
    expect([breaking.hits, good.hits]).toEqual([1, 1]);
    expect(sampleValue(await balancer.metrics(), 'lab_balancer_non_idempotent_resent_total', { upstream: 'app-1', method: 'POST' })).toBe(1);
    balancer.writeConfig('upstream app { server app-instances max_fails=0; }\nproxy_next_upstream off;');
    await waitFor(() => balancer.lines, (lines) => lines.some((line) => line.includes('read again')), 5_000);
    // The retry above moved the turn back to app-1, which now fails the GET with nothing after it.
    expect((await send(balancer.port)).status).toBe(502);
  });

  it('tries the next instance on a status proxy_next_upstream names, and passes the last such answer on', async () => {
    const failing = await startInstance('app-1', (_request, response) => {
      response.statusCode = 503;
      response.end('busy');
    });
    const good = await startInstance('app-2');
    const balancer = await startBalancer('upstream app { server app-instances max_fails=0; }\nproxy_next_upstream error timeout http_503;', [failing, good]);
    expect((await send(balancer.port)).status).toBe(200);
    balancer.writeUpstreams([failing]);
    await statusWhen(balancer, (upstreams) => upstreams.length === 1);
    expect(await send(balancer.port)).toMatchObject({ status: 503, body: 'busy' });
    expect([failing.hits, good.hits]).toEqual([2, 1]);
  });

  it('answers 504 when the instance does not answer within proxy_read_timeout', async () => {
    const silent = await startInstance('app-1', () => undefined);
    const balancer = await startBalancer('upstream app { server app-instances; }\nproxy_read_timeout 300ms;', [silent]);
    const answer = await send(balancer.port);
    expect(answer.status).toBe(504);
    expect(JSON.parse(answer.body)).toMatchObject({ balancer: true });
  });
});

describe('health checks', () => {
  it('take a closed instance out of the rotation, and back once it answers again', async () => {
    const flaky = await startInstance('app-1');
    const steady = await startInstance('app-2');
    const config = 'upstream app { server app-instances max_fails=0; keepalive 16; }\nhealth_check interval=200ms fails=2 passes=1 uri=/health;';
    const balancer = await startBalancer(config, [flaky, steady]);
    await statusWhen(balancer, (upstreams) => upstreams.every((upstream) => upstream.up));

    await flaky.close();
    const down = await statusWhen(balancer, (upstreams) => upstreams[0]?.up === false);
    expect(down[0]).toMatchObject({ name: 'app-1', up: false, why: expect.stringContaining('health check failed') });
    expect(await getMany(balancer.port, 20)).toEqual(Array(20).fill(200));
    expect([flaky.hits, steady.hits]).toEqual([0, 20]);

    await flaky.reopen();
    const up = await statusWhen(balancer, (upstreams) => upstreams[0]?.up === true);
    expect(up[0]).toMatchObject({ up: true, why: expect.stringContaining('health check passed') });
    await getMany(balancer.port, 20);
    expect(flaky.hits).toBe(10);
  });

  it('keep a busy instance whose /health answers late, as NGINX Plus does (its checks wait for proxy_read_timeout), and take it out when it answers later than that', async () => {
    const busy = await startInstance('app-1');
    const steady = await startInstance('app-2');
    const config = 'upstream app { server app-instances max_fails=0; }\nhealth_check interval=200ms fails=2 passes=1 uri=/health;';
    const balancer = await startBalancer(config, [busy, steady]);
    await statusWhen(balancer, (upstreams) => upstreams.every((upstream) => upstream.up));
    // Its /health now waits behind other work, for five check intervals: slow, not down.
    busy.healthDelayMs = 1_000;
    const answered = busy.healthAnswers;
    await waitFor(() => busy.healthAnswers, (count) => count >= answered + 3, 15_000);
    expect((await balancer.status()).upstreams[0]).toMatchObject({ name: 'app-1', up: true });
    // With checks that give up sooner than it answers, it goes.
    balancer.writeConfig('upstream app { server app-instances max_fails=0; }\nhealth_check interval=200ms fails=2 passes=1 uri=/health;\nproxy_read_timeout 300ms;');
    const down = await statusWhen(balancer, (upstreams) => upstreams[0]?.up === false, 15_000);
    expect(down[0]!.why).toMatch(/no answer within 300 ms/);
  });

  it('bring an instance back once a check passes, though failed requests had rested it for fail_timeout', async () => {
    const crashing = await startInstance('app-1');
    const steady = await startInstance('app-2');
    const config = 'upstream app { server app-instances max_fails=1 fail_timeout=60s; }\nhealth_check interval=200ms fails=2 passes=1 uri=/health;';
    const balancer = await startBalancer(config, [crashing, steady]);
    await statusWhen(balancer, (upstreams) => upstreams.every((upstream) => upstream.up));
    await crashing.close();
    // A refused request rests it for 60 s (and goes on to app-2).
    expect(await getMany(balancer.port, 2)).toEqual([200, 200]);
    await statusWhen(balancer, (upstreams) => upstreams[0]?.up === false);
    await crashing.reopen();
    await statusWhen(balancer, (upstreams) => upstreams[0]?.up === true);
    await getMany(balancer.port, 10);
    expect(crashing.hits).toBeGreaterThan(0);
  });

  it('check a new instance at once, and give it no requests until a check passes', async () => {
    const first = await startInstance('app-1');
    const added = await startInstance('app-2');
    added.healthy = false;
    const balancer = await startBalancer('upstream app { server app-instances; }\nhealth_check interval=3s uri=/health;', [first]);
    await statusWhen(balancer, (upstreams) => upstreams[0]?.up === true);
    const writtenAt = Date.now();
    balancer.writeUpstreams([first, added]);
    const checked = await statusWhen(balancer, (upstreams) => upstreams[1]?.why.includes('health check failed') === true);
    // Not after the 3 s interval: the first check comes when the instance is added.
    expect(Date.now() - writtenAt).toBeLessThan(2_500);
    expect(checked[1]).toMatchObject({ name: 'app-2', up: false, why: 'down: health check failed (GET /health answered 503)' });
    await getMany(balancer.port, 10);
    expect([first.hits, added.hits]).toEqual([10, 0]);
    added.healthy = true;
    await statusWhen(balancer, (upstreams) => upstreams[1]?.up === true);
    await getMany(balancer.port, 10);
    expect(added.hits).toBe(5);
  });
});

describe('a settings file the balancer cannot use', () => {
  it('stops it at the start with one line naming the file and the line, exit code 1', async () => {
    const instance = await startInstance('app-1');
    const balancer = await startBalancer('upstream app {\n    server app-instances;\n    least_connections;\n}\n', [instance]);
    expect(await balancer.exited).toBe(1);
    expect(balancer.lines).toHaveLength(1);
    expect(balancer.lines[0]).toMatch(/^✘ .*balancer\.conf line 3: "least_connections" is not a directive the lab's balancer knows \(did you mean least_conn\?\)$/);
  });

  it('stops it with one line when a variable is missing', async () => {
    const instance = await startInstance('app-1');
    const balancer = await startBalancer('upstream app { server app-instances; }', [instance], { LAB_BALANCER_CONFIG: '' });
    expect(await balancer.exited).toBe(1);
    expect(balancer.lines).toEqual(['✘ LAB_BALANCER_CONFIG is not set; the balancer needs the path of that file.']);
  });

  it('keeps the settings in force when an edit breaks the file, and takes the next good one', async () => {
    const instance = await startInstance('app-1');
    const balancer = await startBalancer('upstream app { server app-instances; }', [instance]);
    balancer.writeConfig('upstream app {\n  server app-instances;\n  keepalive many;\n}');
    const lines = await waitFor(() => balancer.lines, (seen) => seen.some((line) => line.includes('keepalive "many"')), 5_000);
    expect(lines.find((line) => line.includes('keepalive "many"'))).toMatch(/balancer\.conf line 3: keepalive "many" is not a whole number \(keeping the settings in force\)$/);
    expect((await send(balancer.port)).status).toBe(200);
    balancer.writeConfig('upstream app { least_conn; server app-instances; }');
    expect(await waitFor(async () => (await balancer.status()).method, (method) => method === 'least_conn', 5_000)).toBe('least_conn');
    expect(balancer.child.exitCode).toBeNull();
  });
});

describe('stopping (SIGTERM)', () => {
  it('lets a slow request in flight finish, then exits 0', async () => {
    const slow = await startInstance('app-1', (request, response, body) => setTimeout(() => echo(request, response, body), 1_000));
    const balancer = await startBalancer('upstream app { server app-instances; }', [slow]);
    const inFlight = send(balancer.port, { path: '/slow' });
    await statusWhen(balancer, (upstreams) => upstreams[0]?.activeRequests === 1);
    process.kill(balancer.child.pid!, 'SIGTERM');
    expect((await inFlight).status).toBe(200);
    expect(await balancer.exited).toBe(0);
  });
});
