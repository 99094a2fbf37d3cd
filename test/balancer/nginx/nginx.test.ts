/**
 * Real nginx as the lab's balancer, run by its sidecar (lab/balancer/nginx/main.ts) in front of
 * test instances: how it spreads requests, a reload when the instances change, a killed
 * instance costing no GET, the lab balancer's metrics and status from nginx's access log, a
 * save nginx refuses, and a graceful stop that leaves no nginx behind. Skipped with one line
 * where nginx is not installed; CI installs it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { HEALTH_CHECK_NOTE } from '../../../lab/balancer/nginx/conf.js';
import { readNginxPid } from '../../../lab/os/nginx.js';
import { isProcessAlive } from '../../../lab/os/processes.js';
import { describeWithPrograms, NGINX } from '../../helpers/external-programs.js';
import { waitFor, waitUntil } from '../../helpers/wait.js';
import { getMany, sampleValue, send, startBalancer, startInstance, statusWhen, stopEverything, type TestBalancer, type TestInstance } from '../harness.js';

const ROUND_ROBIN = 'upstream app { server app-instances; keepalive 16; }';

afterEach(stopEverything);

const startNginx = (config: string, instances: readonly TestInstance[]) => startBalancer(config, instances, {}, 'nginx');
/** The master pid nginx wrote in the balancer's folder. */
const masterPid = (balancer: TestBalancer) => readNginxPid(path.join(balancer.folder, 'nginx', 'nginx.pid'));
/** The lines the balancer printed, once one matches. */
const printed = (balancer: TestBalancer, pattern: RegExp) => waitFor(() => balancer.lines.join('\n'), (text) => pattern.test(text), 10_000);

describeWithPrograms([NGINX], 'nginx as the balancer', () => {
  it('spreads 100 GETs 50 to each of two instances with round robin, as nginx.conf says', async () => {
    const instances = [await startInstance('app-1'), await startInstance('app-2')];
    const balancer = await startNginx(ROUND_ROBIN, instances);
    expect(new Set(await getMany(balancer.port, 100))).toEqual(new Set([200]));
    expect(instances.map((instance) => instance.hits)).toEqual([50, 50]);
    const conf = fs.readFileSync(path.join(balancer.folder, 'nginx', 'nginx.conf'), 'utf8');
    expect(conf).toContain(`server 127.0.0.1:${instances[1]!.port};  # app-2`);
  });

  it('passes the client\'s Host and path on, over kept-alive connections', async () => {
    const instance = await startInstance('app-1');
    const balancer = await startNginx(ROUND_ROBIN, [instance]);
    const seen = JSON.parse((await send(balancer.port, { path: '/products/1?x=1', headers: { host: 'shop.test:3000' } })).body) as { url: string; headers: Record<string, string> };
    expect(seen.url).toBe('/products/1?x=1');
    expect(seen.headers.host).toBe('shop.test:3000');
    // proxy_http_version 1.1 and an empty Connection header: nginx asks to keep the connection.
    expect(seen.headers.connection).toBeUndefined();
  });

  it('reloads when a second instance is listed, and spreads over both', async () => {
    const first = await startInstance('app-1');
    const second = await startInstance('app-2');
    const balancer = await startNginx(ROUND_ROBIN, [first]);
    const pid = masterPid(balancer);
    balancer.writeUpstreams([first, second]);
    await printed(balancer, /instances changed: nginx reloaded/);
    // The old worker takes connections until the new one is up; then every run of 10 splits 5 and 5.
    const spread = async () => {
      first.hits = 0;
      second.hits = 0;
      await getMany(balancer.port, 10);
      return [first.hits, second.hits];
    };
    expect(await waitFor(spread, (hits) => hits[0] === 5 && hits[1] === 5, 10_000)).toEqual([5, 5]);
    expect(await spread()).toEqual([5, 5]);
    // A reload, not a restart: the same master.
    expect(masterPid(balancer)).toBe(pid);
    const status = await statusWhen(balancer, (upstreams) => upstreams.length === 2);
    expect(status.map((upstream) => upstream.name)).toEqual(['app-1', 'app-2']);
  });

  it('loses no GET when an instance is killed, and shows it out of rotation as nginx\'s passive check has it', async () => {
    const killed = await startInstance('app-1');
    const survivor = await startInstance('app-2');
    const balancer = await startNginx('upstream app { server app-instances max_fails=1 fail_timeout=10s; }', [killed, survivor]);
    await killed.close();
    expect(await getMany(balancer.port, 20)).toEqual(Array(20).fill(200));
    expect(survivor.hits).toBe(20);
    const status = await statusWhen(balancer, (upstreams) => upstreams[0]?.up === false);
    expect(status[0]).toMatchObject({ name: 'app-1', up: false });
    expect(status[0]!.why).toMatch(/max_fails=1/);
    const samples = await waitFor(() => balancer.metrics(), (read) => sampleValue(read, 'lab_balancer_retries_total', { upstream: 'app-1', cause: 'refused' }) >= 1);
    expect(sampleValue(samples, 'lab_balancer_retries_total', { upstream: 'app-1', cause: 'refused' })).toBe(1);
    expect(sampleValue(samples, 'lab_balancer_upstream_up', { upstream: 'app-1' })).toBe(0);
  });

  it('publishes the lab balancer\'s metrics by instance name, with nginx\'s CPU in process_cpu_seconds_total', async () => {
    const instances = [await startInstance('app-1'), await startInstance('app-2')];
    const balancer = await startNginx(ROUND_ROBIN, instances);
    await getMany(balancer.port, 10);
    const samples = await waitFor(() => balancer.metrics(), (read) => sampleValue(read, 'lab_balancer_request_duration_seconds_count', { upstream: 'app-2' }) === 5);
    expect(sampleValue(samples, 'lab_balancer_requests_total', { upstream: 'app-1', status_code: '200' })).toBe(5);
    expect(sampleValue(samples, 'lab_balancer_requests_total', { upstream: 'app-2', status_code: '200' })).toBe(5);
    expect(sampleValue(samples, 'lab_balancer_upstream_up', { upstream: 'app-1' })).toBe(1);
    expect(sampleValue(samples, 'process_cpu_seconds_total', {})).toBeGreaterThan(0);
    // The lab's own routes are not requests to the app.
    expect(sampleValue(samples, 'lab_balancer_requests_total', { upstream: 'none', status_code: '200' })).toBe(0);
  });

  it('answers /__balancer/status as the deploy\'s rotation wait reads it', async () => {
    const instances = [await startInstance('app-1'), await startInstance('app-2')];
    const balancer = await startNginx('upstream app { least_conn; server app-instances; }', instances);
    const status = (await (await fetch(`http://127.0.0.1:${balancer.port}/__balancer/status`)).json()) as { method: string; balancer: string; upstreams: Array<{ name: string; up: boolean }> };
    expect(status).toMatchObject({ method: 'least_conn', balancer: 'nginx' });
    expect(status.upstreams.map(({ name, up }) => ({ name, up }))).toEqual([
      { name: 'app-1', up: true },
      { name: 'app-2', up: true },
    ]);
  });

  it('leaves health_check out with one line, and keeps the running configuration when a save is refused', async () => {
    const instance = await startInstance('app-1');
    const balancer = await startNginx(`${ROUND_ROBIN}\nhealth_check interval=1s uri=/health;`, [instance]);
    expect(balancer.lines.filter((line) => line === HEALTH_CHECK_NOTE)).toHaveLength(1);
    // The lab's parser accepts keepalive 0 (its own balancer then opens a connection per request); nginx does not.
    balancer.writeConfig('upstream app { server app-instances; keepalive 0; }');
    const refused = await printed(balancer, /nginx -t refused/);
    expect(refused).toMatch(/✘ nginx -t refused the configuration made from \S*balancer\.conf: nginx: \[emerg\] invalid value "0" in "keepalive" directive.* \(keeping the configuration in force\)/);
    balancer.writeConfig('upstream app {\n  servr app-instances;\n}');
    expect(await printed(balancer, /servr/)).toMatch(/✘ \S*balancer\.conf line 2: "servr" is not a directive the lab's balancer knows \(did you mean server\?\) \(keeping the configuration in force\)/);
    expect((await send(balancer.port)).status).toBe(200);
    expect(balancer.child.exitCode).toBeNull();
  });

  it('still follows the instances while the last save is one nginx refused, with the file as nginx last accepted it', async () => {
    const first = await startInstance('app-1');
    const second = await startInstance('app-2');
    const balancer = await startNginx('upstream app { least_conn; server app-instances; }', [first]);
    balancer.writeConfig('upstream app { server app-instances; keepalive 0; }');
    await printed(balancer, /nginx -t refused/);
    balancer.writeUpstreams([first, second]);
    await printed(balancer, /instances changed: nginx reloaded \(least_conn, app-1 \(port \d+\), app-2/);
    expect(await waitFor(() => getMany(balancer.port, 4), () => second.hits > 0, 10_000)).toEqual(Array(4).fill(200));
  });

  it('refuses to start on settings nginx refuses, in one line', async () => {
    const instance = await startInstance('app-1');
    const balancer = await startNginx('upstream app { server app-instances; keepalive 0; }', [instance]);
    expect(await balancer.exited).toBe(1);
    const output = balancer.lines.join('\n');
    expect(output).toMatch(/^✘ nginx -t refused the configuration made from \S*balancer\.conf: nginx: \[emerg\] invalid value "0"/);
    expect(output).not.toMatch(/\n\s+at /);
  });

  it('on SIGTERM quits nginx gracefully and waits for it: no nginx is left', async () => {
    const instance = await startInstance('app-1');
    const balancer = await startNginx(ROUND_ROBIN, [instance]);
    const pid = masterPid(balancer)!;
    expect(isProcessAlive(pid)).toBe(true);
    balancer.child.kill('SIGTERM');
    expect(await balancer.exited).toBe(0);
    expect(isProcessAlive(pid)).toBe(false);
  });

  it('stops the nginx a killed sidecar left running before it starts its own', async () => {
    const instance = await startInstance('app-1');
    const first = await startNginx(ROUND_ROBIN, [instance]);
    const orphan = masterPid(first)!;
    // The sidecar alone, not its group: nginx outlives it, as after a kill -9 of the sidecar.
    first.child.kill('SIGKILL');
    await first.exited;
    expect(isProcessAlive(orphan)).toBe(true);
    const second = await startBalancer(ROUND_ROBIN, [instance], { LAB_NGINX_DIR: path.join(first.folder, 'nginx') }, 'nginx');
    expect(await waitUntil(() => !isProcessAlive(orphan), 10_000)).toBe(true);
    expect(second.lines.join('\n')).toContain(`stopping the nginx a killed balancer left running (pid ${orphan})`);
    expect((await send(second.port)).status).toBe(200);
  });
});
