/**
 * What a load-test run records of the lab's processes (lab/loadtest/process-usage.ts): each
 * process's CPU and event-loop busy time per second of the run, from its own /metrics read at
 * the start and the end, and the machine's busy cores; processes that restarted, do not answer,
 * or publish no event-loop measure are left out or get null.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { FleetMember } from '../../lab/lab-context.js';
import { startUsageSampler } from '../../lab/loadtest/process-usage.js';

interface FakeProcess {
  port: number;
  cpuSeconds: number;
  eventLoopSeconds: number | null;
  close(): Promise<void>;
}

const servers: FakeProcess[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** A process that publishes the two counters the sampler reads, with values the test sets. */
async function fakeProcess(eventLoopSeconds: number | null): Promise<FakeProcess> {
  const fake: FakeProcess = { port: 0, cpuSeconds: 10, eventLoopSeconds, close: async () => {} };
  const server = http.createServer((_request, response) => {
    const lines = [`process_cpu_seconds_total ${fake.cpuSeconds}`];
    if (fake.eventLoopSeconds !== null) lines.push(`nodejs_eventloop_active_seconds_total ${fake.eventLoopSeconds}`);
    response.end(`${lines.join('\n')}\n`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.port = (server.address() as AddressInfo).port;
  fake.close = () => new Promise((resolve) => server.close(() => resolve()));
  servers.push(fake);
  return fake;
}

describe('the usage a run records', () => {
  it('gives each process its CPU and event-loop busy time per second of the run, and the machine its busy cores', async () => {
    const app = await fakeProcess(5);
    const balancer = await fakeProcess(null);
    const members: FleetMember[] = [
      { name: 'app-1', role: 'app', index: 1, pid: 101, port: app.port },
      { name: 'balancer', role: 'balancer', index: 1, pid: 102, port: balancer.port },
    ];
    const sampler = await startUsageSampler(async () => members);
    const startedAt = performance.now();
    // Burn a little CPU so the machine's busy time moves, then move the counters as a busy process would.
    while (performance.now() - startedAt < 200);
    app.cpuSeconds += 0.3;
    app.eventLoopSeconds! += 0.4;
    balancer.cpuSeconds += 0.03;
    const usage = await sampler.finish();
    const elapsedSeconds = (performance.now() - startedAt) / 1000;

    expect(usage).toBeDefined();
    expect(usage!.seconds).toBeGreaterThan(0.2);
    expect(usage!.seconds).toBeLessThanOrEqual(elapsedSeconds);
    const appUsage = usage!.processes['app-1']!;
    expect(appUsage.pid).toBe(101);
    expect(appUsage.cpuCores! * usage!.seconds).toBeCloseTo(0.3, 6);
    expect(appUsage.eventLoopBusy! * usage!.seconds).toBeCloseTo(0.4, 6);
    expect(usage!.processes.balancer).toMatchObject({ pid: 102, eventLoopBusy: null });
    expect(usage!.processes.balancer!.cpuCores! * usage!.seconds).toBeCloseTo(0.03, 6);
    expect(usage!.machine.cores).toBeGreaterThanOrEqual(1);
    // This test's own loop kept a core busy for most of the interval.
    expect(usage!.machine.busyCores).toBeGreaterThan(0.3);
    expect(usage!.machine.busyCores).toBeLessThanOrEqual(usage!.machine.cores + 0.01);
  });

  it('leaves out a process that restarted during the run, and one that does not answer', async () => {
    const app = await fakeProcess(1);
    const other = await fakeProcess(1);
    let pidOfApp = 201;
    const members = async (): Promise<FleetMember[]> => [
      { name: 'app-1', role: 'app', index: 1, pid: pidOfApp, port: app.port },
      { name: 'app-2', role: 'app', index: 2, pid: 202, port: other.port },
      { name: 'worker-1', role: 'worker', index: 1, pid: 203 },
    ];
    const sampler = await startUsageSampler(members);
    pidOfApp = 301;
    await other.close();
    servers.splice(servers.indexOf(other), 1);
    expect(await sampler.finish()).toBeUndefined();
  });

  it('records nothing when the lab server cannot list its processes', async () => {
    const sampler = await startUsageSampler(async () => {
      throw new Error('lab server down');
    });
    expect(await sampler.finish()).toBeUndefined();
  });
});
