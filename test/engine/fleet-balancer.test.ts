/**
 * The engine's balancer in a scenario's fleet: put in front of the role it balances, on the
 * app's port; told where that role's processes listen through a file the fleet rewrites as
 * they scale; and a rolling deploy that replaces them one at a time, each waiting for the one
 * before to be back in rotation. Driven through the real Fleet, with a stand-in for the
 * balancer's process written by this test (the balancer itself has tests of its own).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT_DIR } from '../../lab/config.js';
import { LabError } from '../../lab/errors.js';
import type { FleetMember } from '../../lab/lab-context.js';
import type { ScenarioDefinition } from '../../lab/scenario/definition.js';
import { appRole, BALANCER_METRICS_PATH, BALANCER_ROLE, fleetRoles } from '../../lab/scenario/fleet-roles.js';
import { freePort } from '../../lab/net/free-port.js';
import { Fleet, type UpstreamsFile } from '../../lab/supervisor/fleet.js';
import { scenario } from '../helpers/project-lab.js';
import { waitFor } from '../helpers/wait.js';

/** In the balancer's place: answers with the environment it was given, on the app's port. */
const BALANCER = `import http from 'node:http';
http.createServer((request, response) => {
  response.setHeader('content-type', 'application/json');
  response.end(JSON.stringify({ upstreamsFile: process.env.LAB_UPSTREAMS_FILE, config: process.env.LAB_BALANCER_CONFIG }));
}).listen(Number(process.env.PORT), '127.0.0.1');
`;
/** An instance: answers on its port, and exits as soon as it is told to stop. */
const APP = `import http from 'node:http';
http.createServer((request, response) => response.end('{}')).listen(Number(process.env.PORT), '127.0.0.1');
`;

const APP_ROLE = { role: 'app', entry: 'app.ts', count: { default: 2, min: 1, max: 4 }, http: true };

function withBalancer(balancer: ScenarioDefinition['balancer'], processes: ScenarioDefinition['processes'] = [APP_ROLE]): ScenarioDefinition {
  return { ...scenario, processes, balancer, files: { ...scenario.files, pristine: { ...scenario.files.pristine, 'balancer.conf': 'machinery/pristine/balancer.conf.txt' } } };
}

describe('the roles of a fleet with a balancer', () => {
  it('put the engine\'s balancer first, on the app\'s port, in front of the role it balances', () => {
    const roles = fleetRoles(withBalancer({ balances: 'app', settings: 'balancer.conf' }), '/scenario', '/learner');
    expect(roles.map((role) => [role.role, role.primary])).toEqual([
      [BALANCER_ROLE, true],
      ['app', false],
    ]);
    expect(roles[0]!.entry).toBe(path.join(ROOT_DIR, 'lab', 'balancer', 'main.ts'));
    expect(roles[0]!.balances).toEqual({ role: 'app', settingsFile: path.resolve('/learner', 'balancer.conf'), kind: 'built-in' });
    expect(roles[0]!.count).toEqual({ default: 1, min: 1, max: 1 });
    // "Your code" on the banner is the app behind it, not the balancer.
    expect(appRole(roles).role).toBe('app');
  });

  it('run nginx\'s sidecar in the balancer\'s place when nginx is chosen, with the folder for its files', () => {
    const [balancer] = fleetRoles(withBalancer({ balances: 'app', settings: 'balancer.conf' }), '/scenario', '/learner', { kind: 'nginx', dir: '/state/nginx' });
    expect(balancer!.entry).toBe(path.join(ROOT_DIR, 'lab', 'balancer', 'nginx', 'main.ts'));
    expect(balancer!.balances?.kind).toBe('nginx');
    expect(balancer!.env).toEqual({ LAB_NGINX_DIR: '/state/nginx' });
  });

  it('refuse a balancer the engine cannot run, saying why', () => {
    const problem = (definition: ScenarioDefinition) => {
      try {
        fleetRoles(definition, '/scenario');
        return undefined;
      } catch (error) {
        expect(error).toBeInstanceOf(LabError);
        return (error as LabError).message;
      }
    };
    expect(problem(withBalancer({ balances: 'api', settings: 'balancer.conf' }))).toMatch(/balances "api", which is not one of the scenario's roles/);
    expect(problem(withBalancer({ balances: 'app', settings: 'nginx.conf' }))).toMatch(/settings file "nginx.conf" must be one of the learner's files/);
    expect(problem(withBalancer({ balances: 'worker', settings: 'balancer.conf' }, [APP_ROLE, { role: 'worker', entry: 'worker.ts', count: { default: 1, min: 0, max: 2 }, http: false }]))).toMatch(
      /balances "worker", which must serve HTTP/,
    );
    expect(problem(withBalancer({ balances: 'app', settings: 'balancer.conf' }, [APP_ROLE, { ...APP_ROLE, role: BALANCER_ROLE }]))).toMatch(/already named "balancer"/);
  });
});

describe('a fleet with a balancer', () => {
  const folder = path.join(ROOT_DIR, 'test', 'fixtures', 'fleet-balancer');
  // Beside the entries' folder, as .lab/ is beside src/: a file written there is no save of the learner's.
  const upstreamsFile = path.join(`${folder}-state`, 'upstreams.json');
  let fleet: Fleet | undefined;
  let appPort: number;
  const lines: string[] = [];
  /** Each call of the fleet's inRotation: which process, and the pids of the app's processes at that moment. */
  const rotationCalls: Array<{ name: string; pids: Array<number | undefined> }> = [];
  let backInRotation = true;

  const upstreams = () => (JSON.parse(fs.readFileSync(upstreamsFile, 'utf8')) as UpstreamsFile).upstreams;
  const appMembers = () => fleet!.members().filter((member) => member.role === 'app');

  beforeAll(async () => {
    fs.mkdirSync(folder, { recursive: true });
    fs.writeFileSync(path.join(folder, 'balancer.ts'), BALANCER);
    fs.writeFileSync(path.join(folder, 'app.ts'), APP);
    appPort = await freePort();
    const [balancer, ...others] = fleetRoles(withBalancer({ balances: 'app', settings: 'balancer.conf' }), folder);
    fleet = await Fleet.start({
      roles: [{ ...balancer!, entry: path.join(folder, 'balancer.ts') }, ...others],
      appPort,
      host: '127.0.0.1',
      databaseUrl: 'postgres://nobody:x@127.0.0.1:1/none',
      cwd: ROOT_DIR,
      restartOnCrash: false,
      learnerPath: (file) => path.relative(ROOT_DIR, file),
      upstreamsFile,
      inRotation: async (member: FleetMember) => {
        rotationCalls.push({ name: member.name, pids: appMembers().map((app) => app.pid) });
        return backInRotation;
      },
      onLine: (label, line) => lines.push(`${label} │ ${line}`),
      log: (line) => lines.push(line),
    });
  });
  afterAll(async () => {
    await fleet?.stop();
    fs.rmSync(folder, { recursive: true, force: true });
    fs.rmSync(path.dirname(upstreamsFile), { recursive: true, force: true });
  });

  it('runs the balancer on the app\'s port and tells it where its settings and the instances are', async () => {
    const told = await waitFor(
      () => fetch(`http://127.0.0.1:${appPort}/`).then((response) => response.json() as Promise<{ upstreamsFile?: string; config?: string }>, () => undefined),
      (body) => body !== undefined,
    );
    expect(told).toEqual({ upstreamsFile, config: path.join(folder, 'balancer.conf') });
    // Ready for the banner once the first instance is up and in the balancer's rotation.
    rotationCalls.length = 0;
    expect(await fleet!.appReady()).toBe(true);
    expect(rotationCalls.map((call) => call.name)).toEqual(['app-1']);
    const apps = appMembers();
    expect(apps.map((member) => member.name)).toEqual(['app-1', 'app-2']);
    expect(apps.every((member) => member.port !== undefined && member.port !== appPort)).toBe(true);
    expect(upstreams()).toEqual(apps.map(({ name, port }) => ({ name, port })));
    // Its /metrics would be an instance's, passed on: the lab reads the balancer's own elsewhere.
    expect(fleet!.members()[0]).toMatchObject({ role: BALANCER_ROLE, port: appPort, metricsPath: BALANCER_METRICS_PATH });
    expect(apps.every((member) => member.metricsPath === undefined)).toBe(true);
  });

  it('rewrites the instances\' list as they scale up and down, and answers a scale up once the new ones are in rotation', async () => {
    rotationCalls.length = 0;
    await fleet!.scale('app', 3);
    // A load test started right after `npm run scale` reaches every instance.
    expect(rotationCalls.map((call) => call.name)).toEqual(['app-3']);
    expect(upstreams().map((upstream) => upstream.name)).toEqual(['app-1', 'app-2', 'app-3']);
    expect(upstreams()[2]!.port).toBe(appMembers()[2]!.port);
    await fleet!.scale('app', 2);
    expect(upstreams().map((upstream) => upstream.name)).toEqual(['app-1', 'app-2']);
  });

  it('deploys the instances one at a time: the next is replaced only once the one before is back in rotation', async () => {
    const before = appMembers().map((member) => member.pid);
    rotationCalls.length = 0;
    // The balancer's list while the deploy runs: each instance leaves it while it is replaced.
    const lists = new Set<string>();
    const watch = setInterval(() => lists.add(upstreams().map((upstream) => upstream.name).join(',')), 5);
    const deploy = await fleet!.deploy().finally(() => clearInterval(watch));
    expect([...lists]).toEqual(expect.arrayContaining(['app-2', 'app-1']));
    expect(upstreams().map((upstream) => upstream.name)).toEqual(['app-1', 'app-2']);
    expect(deploy.role).toBe('app');
    expect(deploy.replaced.map(({ name, up }) => [name, up])).toEqual([
      ['app-1', true],
      ['app-2', true],
    ]);
    // When app-1 was back, app-2 still ran as before; then app-2 was replaced too.
    expect(rotationCalls.map((call) => call.name)).toEqual(['app-1', 'app-2']);
    expect(rotationCalls[0]!.pids[0]).not.toBe(before[0]);
    expect(rotationCalls[0]!.pids[1]).toBe(before[1]);
    const after = appMembers().map((member) => member.pid);
    expect(after.every((pid, index) => pid !== undefined && pid !== before[index])).toBe(true);
    // Same ports: the balancer's list did not change.
    expect(upstreams().map((upstream) => upstream.port)).toEqual(appMembers().map((member) => member.port));
  });

  it('stops a deploy at the instance that does not come back into rotation', async () => {
    backInRotation = false;
    const before = appMembers().map((member) => member.pid);
    const deploy = await fleet!.deploy('app');
    backInRotation = true;
    expect(deploy.replaced.map(({ name, up }) => [name, up])).toEqual([['app-1', false]]);
    expect(appMembers()[1]!.pid).toBe(before[1]);
  });

  it('starts again an instance killed a moment before a scale, its exit not yet seen', async () => {
    const killed = fleet!.kill({ role: 'app' });
    await fleet!.scale('app', 2);
    const now = appMembers();
    expect(now.map((member) => member.name)).toEqual(['app-1', 'app-2']);
    expect(now[1]!.pid).toBeDefined();
    expect(now[1]!.pid).not.toBe(killed.killedPid);
  });

  it('refuses to deploy a role the scenario does not have', async () => {
    await expect(fleet!.deploy('worker')).rejects.toThrow(/this scenario has no "worker" processes; its roles are balancer, app/);
  });
});
