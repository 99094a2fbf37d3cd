/**
 * Scenario 4's lab through `npm start -- --balancer nginx`: real nginx on the app's port in
 * front of the instances, with what the lab's own balancer gives (spreading once scaled, no
 * GET lost to a killed instance, the balancer's metrics on the dashboard, npm run deploy
 * waiting on its status), and Ctrl-C leaving no nginx behind. Skipped with one line where
 * nginx is not installed; CI installs it.
 */
import path from 'node:path';
import { expect, it } from 'vitest';
import { chartSeries, type HistorySlice } from '../../../lab/dashboard/chart-history.js';
import { panelsFor } from '../../../lab/dashboard/panels.js';
import type { FleetMember } from '../../../lab/lab-context.js';
import { readNginxPid } from '../../../lab/os/nginx.js';
import { isProcessAlive } from '../../../lab/os/processes.js';
import { runCli } from '../../helpers/cli.js';
import { describeWithPrograms, NGINX } from '../../helpers/external-programs.js';
import { useLabSandbox } from '../../helpers/lab-sandbox.js';
import { scenario } from '../../helpers/project-lab.js';
import { waitFor } from '../../helpers/wait.js';

const CLI = 'lab/cli.ts';

describeWithPrograms([NGINX], 'Scenario 4 with --balancer nginx, through npm start', () => {
  const context = useLabSandbox();
  const members = () => (context.sandbox.state().processes ?? []) as FleetMember[];
  const env = () => context.sandbox.env() as Record<string, string>;
  const site = () => `http://127.0.0.1:${context.sandbox.ports.appPort}`;
  const nginxPid = () => readNginxPid(path.join(context.sandbox.stateDir, 'nginx', 'nginx.pid'));
  /** Which instance answered each of `count` product pages, through nginx. */
  const servedBy = async (count: number) => {
    const names: string[] = [];
    for (let i = 0; i < count; i += 1) {
      const response = await fetch(`${site()}/products/${1 + i}`);
      names.push(response.ok ? ((await response.json()) as { servedBy: string }).servedBy : `HTTP ${response.status}`);
    }
    return names;
  };

  it('runs nginx on the app\'s port in front of one instance', async () => {
    context.lab = context.sandbox.start(['--balancer', 'nginx']);
    await context.lab.ready;
    expect(members().map((member) => member.name)).toEqual(['balancer-1', 'app-1']);
    // The sidecar's line may come through its pipe after the banner.
    expect(await waitFor(() => context.lab!.output(), (output) => /balancer │ nginx \(pid \d+\) balancing/.test(output), 10_000)).toMatch(/balancer │ nginx \(pid \d+\) balancing/);
    expect(isProcessAlive(nginxPid()!)).toBe(true);
    expect(new Set(await servedBy(10))).toEqual(new Set(['app-1']));
  });

  it('spreads requests over two instances once scaled, and the dashboard draws both and counts both in rotation', async () => {
    const scaled = await runCli(CLI, ['scale', 'app', '2'], env());
    expect(scaled.code, scaled.stderr).toBe(0);
    const both = await waitFor(() => servedBy(10), (names) => names.includes('app-1') && names.includes('app-2'), 30_000);
    expect(new Set(both)).toEqual(new Set(['app-1', 'app-2']));
    expect(await waitFor(() => context.lab!.output(), (output) => output.includes('balancer │ instances changed: nginx reloaded'), 10_000)).toContain('balancer │ instances changed: nginx reloaded');

    const series = chartSeries(panelsFor(scenario)).map(({ key }) => key);
    const newest = async (key: string) => {
      const data = (await (await fetch(`http://127.0.0.1:${context.sandbox.ports.labPort}/api/dashboard`)).json()) as HistorySlice;
      return data.values[series.indexOf(key)]!.filter((value): value is number => value !== null).at(-1) ?? 0;
    };
    const drawn = async () => [await newest('instances/app-1'), await newest('instances/app-2'), await newest('rotation/in rotation'), await newest('cpu/balancer')];
    const trickle = setInterval(() => void fetch(`${site()}/products`).then((response) => response.arrayBuffer()).catch(() => undefined), 50);
    try {
      const [first, second, inRotation, cpu] = await waitFor(drawn, ([a, b, n, c]) => a! > 0 && b! > 0 && n === 2 && c! > 0, 30_000);
      expect([first! > 0, second! > 0, inRotation, cpu! > 0]).toEqual([true, true, 2, true]);
    } finally {
      clearInterval(trickle);
    }
  });

  it('loses no GET when an instance is killed: nginx sends it to the other', async () => {
    const killed = await runCli(CLI, ['chaos', 'kill', 'app', 'app-2', '--seconds', '1'], env());
    expect(killed.code, killed.stderr).toBe(0);
    const names = await servedBy(20);
    expect(names.filter((name) => name.startsWith('HTTP'))).toEqual([]);
    expect(new Set(names)).toEqual(new Set(['app-1']));
    expect((await runCli(CLI, ['scale', 'app', '2'], env())).code).toBe(0);
  });

  it('replaces each instance in turn with npm run deploy, waiting until nginx would send to it again', async () => {
    const deploy = await runCli(CLI, ['deploy'], env());
    expect(deploy.code, deploy.stderr).toBe(0);
    expect(deploy.stdout).toMatch(/app-1\s+replaced, back in [\d.]+ s\n\s+app-2\s+replaced, back in [\d.]+ s\nDeployed: app's 2 processes replaced one at a time/);
    expect(new Set(await waitFor(() => servedBy(10), (names) => names.includes('app-1') && names.includes('app-2'), 30_000))).toEqual(new Set(['app-1', 'app-2']));
  }, 120_000);

  it('stops nginx with the lab on Ctrl-C', async () => {
    const pid = nginxPid()!;
    context.lab!.child.kill('SIGINT');
    expect(await context.lab!.exited).toBe(0);
    expect(isProcessAlive(pid)).toBe(false);
  });
});
