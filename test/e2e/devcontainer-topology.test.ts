/**
 * The dev container's topology, run natively (no Docker here): the lab as the workspace
 * container runs it — `npm start` in embedded mode with the workspace service's environment,
 * as an unprivileged user — scraped by Debian's Prometheus with the config the container
 * mounts (observability/prometheus.yml, only its ports changed: the test must not collide with
 * a lab you already run). After a short load, every query of the committed Grafana dashboard
 * has data, including the two causes of a connection storm ("logging in", "refused/s").
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ROOT_DIR } from '../../lab/config.js';
import { grafanaDashboardFile } from '../../lab/dashboard/grafana.js';
import { createLabSandbox, type LabInstance, type LabPorts, type LabSandbox } from '../../harness/sandbox.js';
import { readSettings } from '../../lab/settings.js';
import { fillUntilRefused, holdConnectionLoggingIn } from '../helpers/connection-storm.js';
import { readScenarios } from '../helpers/devcontainer.js';
import { runLoad } from '../helpers/load.js';
import { renderPrometheusConfig, startPrometheus, type RunningPrometheus } from '../helpers/prometheus.js';
import { describeWithPrograms, PROMETHEUS } from '../helpers/external-programs.js';
import { runCli } from '../helpers/cli.js';
import { APP_DATABASE, APP_ROLE, BROKEN_SERVER, SCENARIO_DIR, lab as projectLab } from '../helpers/project-lab.js';

interface GrafanaDashboard {
  panels: Array<{ title: string; targets?: Array<{ expr: string; legendFormat: string }> }>;
}

interface OsUser {
  name: string;
  uid: number;
  gid: number;
}

const scenario = readScenarios().find((candidate) => path.basename(candidate.folder).startsWith('scenario-1-'))!;
const containerEnv = scenario.services[scenario.config.service]!.environment ?? {};
const dashboard = JSON.parse(fs.readFileSync(grafanaDashboardFile(projectLab.scenario.number), 'utf8')) as GrafanaDashboard;
const queries = dashboard.panels.flatMap((panel) => (panel.targets ?? []).map((target) => ({ panel: panel.title, series: target.legendFormat, expr: target.expr })));
const exprOf = (series: string) => queries.find((query) => query.series === series)!.expr;

describeWithPrograms([PROMETHEUS], 'the dev container topology, natively', () => {
  const user = unprivilegedUser();
  let sandbox: LabSandbox;
  let env: Record<string, string>;
  let lab: LabInstance;
  let prometheus: RunningPrometheus;
  let loadStarted = 0;
  let windowEnd = 0;
  const causes = { loggingIn: 0, refusedPerSecond: 0 };

  beforeAll(async () => {
    sandbox = await createLabSandbox(projectLab);
    if (user) {
      assertCanRunTheLab(user);
      // In the container the checkout (and so .lab/) belongs to the unprivileged user.
      fs.chownSync(sandbox.stateDir, user.uid, user.gid);
    }
    env = withTestPorts(containerEnv, sandbox.ports);
    lab = sandbox.start([], env, user ? { user } : {});
    await lab.ready;

    prometheus = await startPrometheus(renderPrometheusConfig({ app: sandbox.ports.appPort, lab: sandbox.ports.labPort }));
    await prometheus.waitForTargets();

    const appUrl = `http://127.0.0.1:${sandbox.ports.appPort}`;
    loadStarted = Date.now();
    // The learner's own load test: it also keeps its live tally where the lab reads what users felt.
    const loadTest = await runCli('lab/cli.ts', ['loadtest', '--duration', '5'], stringsOnly(sandbox.env(env)));
    expect(loadTest.code, loadTest.stderr).toBe(0);

    // Whether this load refuses connections depends on the machine's speed, so the two
    // causes are also produced on purpose, and held until Prometheus shows them.
    const { appDatabaseUrl } = sandbox.state();
    const loggingIn = await holdConnectionLoggingIn(sandbox.ports.dbPort, APP_ROLE, APP_DATABASE);
    try {
      const full = await fillUntilRefused(appDatabaseUrl, 1);
      try {
        causes.loggingIn = await prometheus.waitForValue(exprOf('logging in'), (value) => value >= 1);
        causes.refusedPerSecond = await prometheus.waitForValue(exprOf('refused'), (value) => value > 0);
      } finally {
        await full.release();
      }
    } finally {
      loggingIn.release();
    }

    // The app's request series need two scrapes around some of its requests. During the storm
    // a slow machine's app may answer /metrics too late for Prometheus (a gap, which both
    // dashboards show as such); a few requests between two scrapes after it give every query
    // its data on any machine.
    await prometheus.waitForScrapesAfter(Date.now());
    await runLoad(appUrl, { users: 2, seconds: 1, paths: ['/feed', '/users/abc/posts'] });
    await prometheus.waitForScrapesAfter(Date.now());
    windowEnd = Date.now();
  }, 180_000);

  afterAll(async () => {
    await prometheus?.stop();
    if (lab && lab.child.exitCode === null) {
      lab.child.kill('SIGINT');
      await lab.exited;
    }
    sandbox?.remove();
  });

  it('runs the lab with the container\'s settings, apart from the ports, in embedded mode', () => {
    const test = readSettings(env);
    const container = readSettings(containerEnv);
    expect({ ...test, appPort: 0, labPort: 0, embeddedPgPort: 0 }).toEqual({ ...container, appPort: 0, labPort: 0, embeddedPgPort: 0 });
    expect([test.appPort, test.labPort, test.embeddedPgPort]).toEqual([sandbox.ports.appPort, sandbox.ports.labPort, sandbox.ports.dbPort]);
    expect(test.externalDatabaseUrl).toBeUndefined();
    expect(sandbox.state().mode).toBe('embedded');
  });

  it('runs the lab and PostgreSQL as an unprivileged user, who owns the data folder', () => {
    const { supervisorPid, postgresPid, appPid } = sandbox.state();
    const uid = user?.uid ?? process.getuid!();
    expect(uid).not.toBe(0);
    for (const pid of [supervisorPid, postgresPid!, appPid!]) expect(uidOf(pid), `pid ${pid}`).toBe(uid);
    const dataDir = path.join(sandbox.stateDir, path.relative(projectLab.paths.state, projectLab.paths.pgData));
    const stat = fs.statSync(dataDir);
    expect(stat.uid).toBe(uid);
    expect(stat.mode & 0o777).toBe(0o700);
  });

  it('shows both causes of a connection storm in Prometheus', () => {
    expect(causes.loggingIn).toBeGreaterThanOrEqual(1);
    expect(causes.refusedPerSecond).toBeGreaterThan(0);
  });

  it('answers every query of the committed Grafana dashboard with data', async () => {
    expect(queries.length).toBeGreaterThan(5);
    const empty: string[] = [];
    for (const { panel, series, expr } of queries) {
      // A point every 0.25 s: wherever two scrapes fall inside a [10s] window, a point sees them.
      const result = await prometheus.queryRange(expr, loadStarted / 1000, windowEnd / 1000, 0.25);
      const values = result.flatMap((series) => series.values.map(([, value]) => Number(value)));
      if (!values.some(Number.isFinite)) empty.push(`${panel} / ${series}: ${expr}`);
    }
    expect(empty).toEqual([]);
  });
});

/** The ports the test must move (PORT, LAB_PORT, LAB_DB_PORT) set to the sandbox's; every other variable as the container has it. */
function withTestPorts(environment: Record<string, string>, ports: LabPorts): Record<string, string> {
  return { ...environment, PORT: String(ports.appPort), LAB_PORT: String(ports.labPort), LAB_DB_PORT: String(ports.dbPort) };
}

/**
 * The container's unprivileged user (`node` there): here ourselves when we are not root,
 * and `nobody` when we are.
 */
function unprivilegedUser(): OsUser | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => Number(execFileSync('id', [flag, 'nobody'], { encoding: 'utf8' }).trim());
  return { name: 'nobody', uid: id('-u'), gid: id('-g') };
}

/** The user must read the checkout and its node_modules, as `node` does its own in the container. */
function assertCanRunTheLab(user: OsUser): void {
  const tsxPackage = createRequire(import.meta.url).resolve('tsx/package.json');
  for (const file of [path.join(ROOT_DIR, 'package.json'), path.join(SCENARIO_DIR, 'package.json'), BROKEN_SERVER, tsxPackage]) {
    if (spawnSync('test', ['-r', file], { uid: user.uid, gid: user.gid }).status !== 0) {
      throw new Error(`${user.name} cannot read ${file}: put the checkout where other users may read it (not under /root).`);
    }
  }
}

function uidOf(pid: number): number {
  return Number(execFileSync('ps', ['-o', 'uid=', '-p', String(pid)], { encoding: 'utf8' }).trim());
}

/** The environment with its unset entries left out, as a child process takes it. */
function stringsOnly(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined));
}
