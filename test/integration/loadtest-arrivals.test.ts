/**
 * `npm run loadtest -- --rate N`: requests arrive on time whatever the app answers (an open
 * model), every one is counted by what became of it, and a latency counts from the moment the
 * request was due, so a server's queue shows in it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startArrivals } from '../../lab/loadtest/arrivals.js';
import { startLoad } from '../../lab/loadtest/generator.js';
import { freePort } from '../../lab/net/free-port.js';
import { parseLoadTestArgs } from '../../lab/loadtest/options.js';
import { runCli } from '../helpers/cli.js';
import { startScriptedServer, type ScriptedServer } from '../helpers/scripted-server.js';

const CLI = 'lab/cli.ts';
let server: ScriptedServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('arrivals at a rate', () => {
  it('sends rate × duration requests while each answer takes longer than the gap between them', async () => {
    // Each answer takes 300 ms; a request is due every 20 ms.
    server = await startScriptedServer(() => ({ kind: 'answer', status: 200, body: '{}', delayMs: 300 }));
    const result = await startArrivals({ port: server.port, route: '/', ratePerSecond: 50, durationSeconds: 2, requestTimeoutSeconds: 5 }).finished;
    expect(server.received()).toBe(100);
    expect(result.counts).toMatchObject({ answered: 100, succeeded: 100, timeouts: 0, connectionErrors: 0 });
    expect(result.inFlightAtEnd).toBe(0);
    expect(result.latencyMs.p50).toBeGreaterThanOrEqual(300);
    // Two users waiting on the same answers get through a fraction of that.
    const closed = await startLoad({ port: server.port, route: '/', users: 2, durationSeconds: 2, requestTimeoutSeconds: 5 }).finished;
    expect(closed.counts.answered).toBeLessThan(20);
  });

  it('counts the time a request waited behind a server that answers one at a time', async () => {
    // A server that works on one request at a time, 100 ms each, while 20 a second arrive: the
    // queue grows by 10 requests a second, and so does the wait of each new request.
    let busyUntil = 0;
    server = await startScriptedServer(() => {
      const now = Date.now();
      busyUntil = Math.max(busyUntil, now) + 100;
      return { kind: 'answer', status: 200, body: '{}', delayMs: busyUntil - now };
    });
    const result = await startArrivals({ port: server.port, route: '/', ratePerSecond: 20, durationSeconds: 2, requestTimeoutSeconds: 10 }).finished;
    expect(result.counts.answered).toBe(40);
    // The last of 40 requests finishes after 4 s of work although it was due at 1.95 s.
    expect(result.latencyMs.max).toBeGreaterThan(1_800);
    expect(result.latencyMs.p50).toBeGreaterThan(500);
  });

  it('counts a request without an answer in time as a timeout, and one with no app as a connection error', async () => {
    server = await startScriptedServer((n) => (n % 2 === 0 ? { kind: 'hold' } : { kind: 'answer', status: 500, body: '{"message":"boom"}' }));
    const held = await startArrivals({ port: server.port, route: '/', ratePerSecond: 10, durationSeconds: 1, requestTimeoutSeconds: 1 }).finished;
    expect(held.counts).toMatchObject({ answered: 5, failedHttp5xx: 5, timeouts: 5, connectionErrors: 0 });
    expect(held.topServerError).toEqual({ message: 'boom', count: 5 });

    const nobody = await startArrivals({ port: await freePort(), route: '/', ratePerSecond: 10, durationSeconds: 1, requestTimeoutSeconds: 1 }).finished;
    expect(nobody.counts).toMatchObject({ answered: 0, connectionErrors: 10 });
  });

  it('stops sending at once when stopped, and says so', async () => {
    server = await startScriptedServer(() => ({ kind: 'answer', status: 200, body: '{}' }));
    const run = startArrivals({ port: server.port, route: '/', ratePerSecond: 100, durationSeconds: 30, requestTimeoutSeconds: 5 });
    setTimeout(() => run.stop(), 500);
    const result = await run.finished;
    expect(result.stoppedEarly).toBe(true);
    expect(server.received()).toBeLessThan(200);
  });
});

describe('--rate on the command line', () => {
  const defaults = { users: 200, durationSeconds: 30, route: '/feed', requestTimeoutSeconds: 20 };

  it('takes a rate instead of users, within its limits', () => {
    expect(parseLoadTestArgs(['--rate', '40'], defaults).ratePerSecond).toBe(40);
    expect(() => parseLoadTestArgs(['--rate', '0'], defaults)).toThrow(/--rate "0" is not a whole number from 1 to 1000/);
    expect(() => parseLoadTestArgs(['--rate', '10', '--users', '5'], defaults)).toThrow(/--users and --rate cannot be used together/);
  });

  it('runs, names the run by its rate and saves it', async () => {
    server = await startScriptedServer(() => ({ kind: 'answer', status: 200, body: '{}' }));
    const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-rate-'));
    const result = await runCli(CLI, ['loadtest', '--rate', '20', '--duration', '2', '--route', '/', '--json'], { LAB_STATE_DIR: stateDir, PORT: String(server.port) });
    expect(result.code, result.stderr).toBe(0);
    const record = JSON.parse(result.stdout) as { summary: { users: number; ratePerSecond: number; totalRequests: number; succeeded: number } };
    expect(record.summary).toMatchObject({ users: 0, ratePerSecond: 20, totalRequests: 40, succeeded: 40 });
    const table = await runCli(CLI, ['runs'], { LAB_STATE_DIR: stateDir });
    expect(table.stdout).toContain('20/s');
    fs.rmSync(stateDir, { recursive: true, force: true });
  });
});
