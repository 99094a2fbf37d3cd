/**
 * Scenario 4's lab through `npm start`, as the learner gets it: the lab's balancer on the app's
 * port in front of one instance; `npm run scale -- app 2` puts a second behind it and the
 * balancer spreads requests over both; a login then lands on one instance, and the shipped app's
 * in-memory session is unknown to the other; a killed instance costs no GET (the balancer tries
 * the next); the dashboard, in Chromium, draws each instance's requests, CPU and event-loop
 * utilisation, and the machine's cores; `npm run deploy` replaces each
 * instance in turn. The learner's files run from their shipped copies (LAB_LEARNER_DIR), never
 * from src/.
 */
import os from 'node:os';
import { chromium, type Browser } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { chartSeries, type HistorySlice } from '../../../lab/dashboard/chart-history.js';
import { panelsFor } from '../../../lab/dashboard/panels.js';
import type { FleetMember } from '../../../lab/lab-context.js';
import { runCli } from '../../helpers/cli.js';
import { CHROMIUM, describeWithPrograms } from '../../helpers/external-programs.js';
import { useLabSandbox } from '../../helpers/lab-sandbox.js';
import { scenario } from '../../helpers/project-lab.js';
import { waitFor } from '../../helpers/wait.js';
import { SEEDED_PASSWORD } from '../../../scenarios/04-horizontal-scaling/db/seed.js';

const CLI = 'lab/cli.ts';

describe('Scenario 4, through npm start', () => {
  const context = useLabSandbox();
  const members = () => (context.sandbox.state().processes ?? []) as FleetMember[];
  const env = () => context.sandbox.env() as Record<string, string>;
  const site = () => `http://127.0.0.1:${context.sandbox.ports.appPort}`;
  /** Which instance answered each of `count` product pages, through the balancer. */
  const servedBy = async (count: number) => {
    const names: string[] = [];
    for (let i = 0; i < count; i += 1) {
      const response = await fetch(`${site()}/products/${1 + i}`);
      names.push(response.ok ? ((await response.json()) as { servedBy: string }).servedBy : `HTTP ${response.status}`);
    }
    return names;
  };

  it('runs the balancer on the app\'s port in front of one instance', async () => {
    context.lab = context.sandbox.start();
    await context.lab.ready;
    expect(members().map((member) => member.name)).toEqual(['balancer-1', 'app-1']);
    expect(members()[0]!.port).toBe(context.sandbox.ports.appPort);
    // "Your code" is the app behind the balancer, and the banner lists both.
    expect(context.lab.output()).toMatch(/\(your code: \S*src\/app\.ts\)/);
    expect(context.lab.output()).toMatch(/Processes\s+balancer-1 :\d+, app-1 :\d+ \(npm run scale -- app N\)/);
    // Where the learner first looks: how many instances the machine can keep busy.
    const cores = os.availableParallelism();
    expect(context.lab.output()).toContain(`(this machine has ${cores} core${cores === 1 ? '' : 's'}: all these processes together can keep at most ${cores} busy)`);
    expect(new Set(await servedBy(10))).toEqual(new Set(['app-1']));
  });

  it('spreads requests over two instances once scaled, and the shipped sessions do not follow', async () => {
    const scaled = await runCli(CLI, ['scale', 'app', '2'], env());
    expect(scaled.code, scaled.stderr).toBe(0);
    const both = await waitFor(() => servedBy(10), (names) => names.includes('app-1') && names.includes('app-2'), 30_000);
    expect(new Set(both)).toEqual(new Set(['app-1', 'app-2']));

    // The dashboard draws each instance's requests, and the balancer counts both in rotation.
    const series = chartSeries(panelsFor(scenario)).map(({ key }) => key);
    const newest = async (key: string) => {
      const data = (await (await fetch(`http://127.0.0.1:${context.sandbox.ports.labPort}/api/dashboard`)).json()) as HistorySlice;
      return data.values[series.indexOf(key)]!.filter((value): value is number => value !== null).at(-1) ?? 0;
    };
    const drawn = async () => [await newest('instances/app-1'), await newest('instances/app-2'), await newest('rotation/in rotation')];
    const trickle = setInterval(() => void fetch(`${site()}/products`).then((response) => response.arrayBuffer()).catch(() => undefined), 50);
    try {
      const [first, second, inRotation] = await waitFor(drawn, ([a, b, n]) => a! > 0 && b! > 0 && n === 2, 30_000);
      expect([first! > 0, second! > 0, inRotation]).toEqual([true, true, 2]);
    } finally {
      clearInterval(trickle);
    }

    const login = await fetch(`${site()}/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'user7@example.com', password: SEEDED_PASSWORD }) });
    expect(login.status).toBe(200);
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const statuses = await Promise.all(Array.from({ length: 10 }, async () => (await fetch(`${site()}/me`, { headers: { cookie } })).status));
    // Round robin: about half land on the instance that never saw the login.
    expect(statuses).toContain(200);
    expect(statuses).toContain(401);
  });

  it('loses no GET when an instance is killed: the balancer sends it to the other', async () => {
    const killed = await runCli(CLI, ['chaos', 'kill', 'app', 'app-2', '--seconds', '1'], env());
    expect(killed.code, killed.stderr).toBe(0);
    const names = await servedBy(20);
    expect(names.filter((name) => name.startsWith('HTTP'))).toEqual([]);
    expect(new Set(names)).toEqual(new Set(['app-1']));
    // Scaling to the same count starts the killed one again.
    expect((await runCli(CLI, ['scale', 'app', '2'], env())).code).toBe(0);
    expect(await waitFor(() => servedBy(10), (seen) => seen.includes('app-2'), 30_000)).toContain('app-2');
  });

  describeWithPrograms([CHROMIUM], 'the dashboard, in a real browser', () => {
    it('shows every panel, the per-instance charts among them, and draws both instances', async () => {
      const panels = panelsFor(scenario);
      const trickle = setInterval(() => void fetch(`${site()}/products`).then((response) => response.arrayBuffer()).catch(() => undefined), 50);
      let browser: Browser | undefined;
      try {
        browser = await chromium.launch({ executablePath: CHROMIUM.path, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
        const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
        const errors: string[] = [];
        page.on('pageerror', (error) => errors.push(error.message));
        await page.goto(`http://127.0.0.1:${context.sandbox.ports.labPort}`);
        await page.waitForFunction(() => document.querySelectorAll('.panel').length > 0, undefined, { timeout: 10_000 });
        expect(await page.$$eval('.panel', (boxes) => boxes.map((box) => (box as HTMLElement).dataset.panel))).toEqual(panels.map((panel) => panel.id));
        const series = chartSeries(panels).map(({ key }) => key);
        const drawn = async (key: string) => {
          const data = (await page.evaluate(async () => (await fetch('/api/dashboard')).json())) as HistorySlice;
          return data.values[series.indexOf(key)]!.some((value) => value !== null && value > 0);
        };
        for (const key of ['instances/app-1', 'instances/app-2', 'cpu/app-1', 'cpu/balancer', 'cpu/machine cores', 'event-loop/app-1', 'event-loop/app-2']) {
          expect(await waitFor(() => drawn(key), (seen) => seen, 30_000), key).toBe(true);
        }
        expect(await page.$eval('.panel[data-panel="cpu"]', (box) => box.textContent ?? '')).toMatch(/CPU by instance/);
        expect(await page.$eval('.panel[data-panel="event-loop"]', (box) => box.textContent ?? '')).toMatch(/Event-loop utilisation by instance \(1 = always busy\)/);
        expect(errors).toEqual([]);
      } finally {
        clearInterval(trickle);
        await browser?.close();
      }
    }, 90_000);
  });

  it('replaces each instance in turn with npm run deploy', async () => {
    const before = members().filter((member) => member.role === 'app').map((member) => member.pid);
    const deploy = await runCli(CLI, ['deploy'], env());
    expect(deploy.code, deploy.stderr).toBe(0);
    expect(deploy.stdout).toMatch(/app-1\s+replaced, back in [\d.]+ s\n\s+app-2\s+replaced, back in [\d.]+ s\nDeployed: app's 2 processes replaced one at a time/);
    const after = members().filter((member) => member.role === 'app').map((member) => member.pid);
    expect(after.every((pid, i) => pid !== undefined && pid !== before[i])).toBe(true);
    expect(new Set(await waitFor(() => servedBy(10), (names) => names.includes('app-1') && names.includes('app-2'), 30_000))).toEqual(new Set(['app-1', 'app-2']));
  });
});
