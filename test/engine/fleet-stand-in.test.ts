/**
 * A stand-in in a scenario's fleet: a process the lab runs in place of an outside service (a
 * mail provider's API). Its port is chosen before anything starts, every other process finds
 * it through the variable the definition names, it runs exactly once, and the banner says it
 * is a stand-in. Driven through the real Fleet with entry files of this test's own.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT_DIR } from '../../lab/config.js';
import { LabError } from '../../lab/errors.js';
import type { ScenarioDefinition } from '../../lab/scenario/definition.js';
import { fleetRoles } from '../../lab/scenario/fleet-roles.js';
import { freePort } from '../../lab/net/free-port.js';
import { renderBanner } from '../../lab/supervisor/banner.js';
import { Fleet } from '../../lab/supervisor/fleet.js';
import { scenario } from '../helpers/project-lab.js';
import { waitFor } from '../helpers/wait.js';

/** The stand-in: counts the calls it gets, and says how many at /calls. */
const PROVIDER = `import http from 'node:http';
let calls = 0;
http.createServer((request, response) => {
  if (request.url === '/send') calls += 1;
  response.setHeader('content-type', 'application/json');
  response.end(JSON.stringify(request.url === '/calls' ? { calls } : { ok: true }));
}).listen(Number(process.env.PORT), '127.0.0.1');
`;
/** A worker without a port: calls the stand-in at the URL it was given, every 100 ms. */
const WORKER = `const url = process.env.MAIL_API_URL;
console.log('worker sends to ' + url);
setInterval(() => fetch(url + '/send').then((r) => r.arrayBuffer()).catch(() => undefined), 100);
`;
/** The app: answers /health on the app's port. */
const APP = `import http from 'node:http';
http.createServer((request, response) => response.end('{}')).listen(Number(process.env.PORT), '127.0.0.1');
`;

const withProcesses = (processes: ScenarioDefinition['processes']): ScenarioDefinition => ({ ...scenario, processes });
const provider = { role: 'mail', entry: 'provider.ts', count: { default: 1, min: 1, max: 1 }, http: true, standIn: { what: "the mail provider's API", urlVariable: 'MAIL_API_URL' } };

describe('a stand-in in the fleet', () => {
  const folder = path.join(ROOT_DIR, 'test', 'fixtures', 'fleet-stand-in');
  let fleet: Fleet | undefined;
  let appPort: number;
  const lines: string[] = [];

  beforeAll(async () => {
    fs.mkdirSync(folder, { recursive: true });
    fs.writeFileSync(path.join(folder, 'provider.ts'), PROVIDER);
    fs.writeFileSync(path.join(folder, 'worker.ts'), WORKER);
    fs.writeFileSync(path.join(folder, 'app.ts'), APP);
    appPort = await freePort();
    // Declared before the app: a stand-in never takes the app's port, whatever its place.
    const roles = fleetRoles(
      withProcesses([
        provider,
        { role: 'app', entry: 'app.ts', count: { default: 1, min: 1, max: 1 }, http: true },
        { role: 'worker', entry: 'worker.ts', count: { default: 2, min: 0, max: 3 }, http: false },
      ]),
      folder,
    );
    fleet = await Fleet.start({
      roles,
      appPort,
      host: '127.0.0.1',
      databaseUrl: 'postgres://nobody:x@127.0.0.1:1/none',
      cwd: ROOT_DIR,
      restartOnCrash: false,
      learnerPath: (file) => path.relative(ROOT_DIR, file),
      onLine: (label, line) => lines.push(`${label} │ ${line}`),
      log: (line) => lines.push(line),
    });
  });
  afterAll(async () => {
    await fleet?.stop();
    fs.rmSync(folder, { recursive: true, force: true });
  });

  it('gives every other process its URL, and the app keeps the app\'s port', async () => {
    const members = fleet!.members();
    const mail = members.find((member) => member.role === 'mail')!;
    expect(members.find((member) => member.role === 'app')!.port).toBe(appPort);
    expect(mail.port).not.toBe(appPort);
    const sent = await waitFor(
      () => lines.filter((line) => line.includes('worker sends to')),
      (found) => found.length === 2,
    );
    expect(sent.every((line) => line.endsWith(`worker sends to http://127.0.0.1:${mail.port}`))).toBe(true);
    // The workers reach it there (once it listens: the fleet starts its processes side by side).
    const callsNow = () =>
      fetch(`http://127.0.0.1:${mail.port}/calls`)
        .then(async (response) => ((await response.json()) as { calls: number }).calls)
        .catch(() => 0);
    const calls = await waitFor(callsNow, (count) => count >= 4);
    expect(calls).toBeGreaterThanOrEqual(4);
  });

  it('runs exactly once: it cannot be scaled', async () => {
    await expect(fleet!.scale('mail', 2)).rejects.toThrow('mail runs exactly 1 process in this scenario; 2 is outside that');
  });

  it('is listed on the banner as a stand-in, apart from the learner\'s processes', () => {
    const banner = renderBanner({
      title: 'T', appPort, appRoute: '/', appFile: 'app.ts', labPort: 1, databaseUrl: 'postgres://a:b@127.0.0.1:1/d', mode: 'embedded', dataFolder: 'x', data: 'y',
      connections: 'z', processes: 'app-1 :3000, worker-1, worker-2', standIns: ["mail-1 :4123, for the mail provider's API"], walkthrough: 'SCENARIO.md', readySeconds: 1,
    });
    expect(banner).toContain("  Stand-ins             mail-1 :4123, for the mail provider's API\n");
    expect(banner).toContain('(the lab runs these in place of services it cannot reach: not the real ones)');
  });
});

describe('a stand-in the definition gets wrong', () => {
  const refusal = (processes: ScenarioDefinition['processes']) => {
    try {
      fleetRoles(withProcesses(processes), '/nowhere');
      return undefined;
    } catch (error) {
      expect(error).toBeInstanceOf(LabError);
      return (error as Error).message;
    }
  };
  const app = { role: 'app', entry: 'app.ts', count: { default: 1, min: 1, max: 1 }, http: true };

  it('is refused at start, in one line that says why', () => {
    expect(refusal([app, { ...provider, count: { default: 1, min: 1, max: 2 } }])).toMatch(/mail is a stand-in, so it serves HTTP \(http: true\) and runs exactly once \(count 1, 1, 1\)/);
    expect(refusal([app, { ...provider, http: false }])).toMatch(/mail is a stand-in/);
    expect(refusal([app, { ...provider, standIn: { what: 'x', urlVariable: 'mail-url' } }])).toMatch(/mail's urlVariable "mail-url" is not an environment variable name/);
    expect(refusal([provider])).toMatch(/no role but a stand-in serves HTTP/);
    expect(refusal([app, provider])).toBeUndefined();
  });
});
