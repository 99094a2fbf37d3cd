/**
 * End to end: the broken app under a short load, the lab server's dashboard in a real
 * Chromium (Debian package `chromium`, driven by playwright-core), and a real Prometheus
 * (Debian package `prometheus`) scraping the app and the lab exporter with the committed
 * observability/prometheus.yml. Every panel must have data points in the browser, and
 * every PromQL expression of the panels must return a result in Prometheus.
 * The screenshot lands in test-results/dashboard.png.
 *
 * The panels are Scenario 1's, and with them every panel the engine offers a scenario that
 * asks (latency by route, the top queries of pg_stat_statements on a server that preloads it).
 */
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ROOT_DIR } from '../../lab/config.js';
import { saveRun, writeInProgress } from '../../lab/runs/run-store.js';
import { panelsFor, queriesOf, RATE_WINDOW_SECONDS } from '../../lab/dashboard/panels.js';
import { startApp, type RunningApp } from '../../lab/app-runner.js';
import { startScratchDatabase, type ScratchDatabase } from '../../harness/scratch-database.js';
import type { ScenarioDefinition } from '../../lab/scenario/definition.js';
import { startTestLabServer, type TestLabServer } from '../helpers/lab-server.js';
import { runLoad } from '../helpers/load.js';
import { renderPrometheusConfig, startPrometheus, type RunningPrometheus } from '../helpers/prometheus.js';
import { CHROMIUM, describeWithPrograms, PROMETHEUS } from '../helpers/external-programs.js';
import { BROKEN_SERVER, lab as projectLab, scenario } from '../helpers/project-lab.js';

const SCREENSHOT = path.join(ROOT_DIR, 'test-results', 'dashboard.png');
/** Scenario 1, asking for every panel a scenario may ask for. */
const everyPanel: ScenarioDefinition = {
  ...scenario,
  database: { ...scenario.database, statements: true },
  dashboard: { ...scenario.dashboard, latencyRoutes: ['/feed', 'GET /users/:id/posts'] },
  // Declared, a fleet (even of one) adds the connections-by-process table.
  processes: [{ role: 'app', entry: scenario.files.app, count: { default: 1, min: 1, max: 1 }, http: true }],
};
const panels = panelsFor(everyPanel);

describeWithPrograms([CHROMIUM, PROMETHEUS], 'observability, end to end', () => {
  let database: ScratchDatabase;
  let app: RunningApp;
  let lab: TestLabServer;
  let prometheus: RunningPrometheus;
  let loadStarted = 0;
  let loadEnded = 0;
  let windowEnd = 0;
  let tally: Map<number | 'error', number>;

  beforeAll(async () => {
    database = await startScratchDatabase(scenario, projectLab.paths.schema, 'lab-observability', { statements: true });
    // Named as the lab's fleet names it (test/helpers/lab-server.ts lists it as app-1).
    app = await startApp(BROKEN_SERVER, database.appUrl, { PGAPPNAME: 'app-1' });
    lab = await startTestLabServer(database, app.port, { scenario: everyPanel });
    prometheus = await startPrometheus(renderPrometheusConfig({ app: app.port, lab: lab.port }));
    await prometheus.waitForTargets();

    // A load test as the load-test script records it: in-progress while running, a record after.
    loadStarted = Date.now();
    const run = { id: 'e2e-run', pid: process.pid, startedAt: new Date(loadStarted).toISOString(), users: 200, durationSeconds: 5, route: '/feed', label: 'e2e load' };
    fs.writeFileSync(path.join(lab.runsDir, 'in-progress.json'), JSON.stringify(run));
    // Mostly /feed (breaks the connection-per-request app), some bad input (4xx) so every outcome appears.
    // Like the load test, keep the tally so far in the in-progress file, for the "felt by users" series.
    tally = new Map();
    const live = tally;
    const writeSoFar = setInterval(() => {
      const ok = live.get(200) ?? 0;
      const answered = [...live].reduce((sum, [status, n]) => (status === 'error' ? sum : sum + n), 0);
      const sofar = { succeeded: ok, failedStatus: answered - ok, timeouts: 0, connectionErrors: live.get('error') ?? 0 };
      writeInProgress({ ...run, sofar }, path.join(lab.runsDir, 'in-progress.json'));
    }, 500);
    try {
      await runLoad(app.url, { users: 200, seconds: 5, paths: ['/feed', '/feed', '/feed', '/users/abc/posts'], tally });
    } finally {
      clearInterval(writeSoFar);
    }
    loadEnded = Date.now();
    saveRun(
      {
        id: run.id,
        label: run.label,
        labelGiven: true,
        startedAt: run.startedAt,
        endedAt: new Date(loadEnded).toISOString(),
        partial: false,
        summary: { users: 200, durationSeconds: 5, route: '/feed', totalRequests: 0, succeeded: 0, failedHttp5xx: 0, failedOtherStatus: 0, timeouts: 0, connectionErrors: 0, successRate: 0, requestsPerSecond: 0, latencyMs: { avg: 0, p50: 0, p95: 0, p99: 0, max: 0 } },
        snapshot: { createdAtIndexPresent: false, newSessionsPerRequest: null, peakConnections: null },
        verdict: 'red',
      },
      lab.runsDir,
    );
    fs.rmSync(path.join(lab.runsDir, 'in-progress.json'));
    // During the storm a slow machine's app may answer /metrics too late for Prometheus (a gap,
    // which both dashboards show as such), and its backlog may outlast the storm: a few requests
    // between scrapes after it give every query its data on any machine. Twice: the first round
    // may still wait behind the backlog, so that its two scrapes fall more than a rate window
    // apart; the second starts from an app that has just answered Prometheus.
    for (let round = 0; round < 2; round += 1) {
      await prometheus.waitForScrapesAfter(Date.now());
      await runLoad(app.url, { users: 2, seconds: 1, paths: ['/feed', '/users/abc/posts'] });
    }
    await prometheus.waitForScrapesAfter(Date.now());
    windowEnd = Date.now();
  }, 90_000);

  afterAll(async () => {
    await prometheus?.stop();
    await lab?.close();
    await app?.stop();
    await database?.stop();
  });

  it('the load reached the app (answers and bad-input answers)', () => {
    // Whether 500s appear depends on the machine's speed; test/scenarios/01-connection-pools/feed-under-load
    // pins those. Here every panel needs traffic, whatever its outcome.
    expect(tally.get(200) ?? 0, JSON.stringify([...tally])).toBeGreaterThan(0);
    expect(tally.get(400) ?? 0, JSON.stringify([...tally])).toBeGreaterThan(0);
  });

  it('shows data points on every panel of the built-in dashboard', async () => {
    let browser: Browser | undefined;
    // The top-queries table shows the last few seconds only: a request now and then keeps it filled.
    const trickle = setInterval(() => void fetch(`${app.url}/feed`).then((response) => response.arrayBuffer()).catch(() => undefined), 250);
    try {
      browser = await chromium.launch({
        executablePath: CHROMIUM.path,
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
      });
      const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      await page.goto(lab.url);
      await page.waitForFunction((count) => document.querySelectorAll('.panel[data-points]').length === count, panels.length, { timeout: 10_000 });
      // A couple of live updates, so the page is seen polling, not only loading.
      for (let update = 0; update < 2; update += 1) {
        await page.waitForResponse((response) => response.url().includes('/api/dashboard?since='), { timeout: 10_000 });
      }
      fs.mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
      await page.screenshot({ path: SCREENSHOT, fullPage: true });

      const points = await page.$$eval('.panel', (boxes) => boxes.map((box) => [(box as HTMLElement).dataset.panel, Number((box as HTMLElement).dataset.points)] as const));
      expect(points.map(([id]) => id)).toEqual(panels.map((panel) => panel.id));
      for (const [id, count] of points) expect(count, `panel ${id}`).toBeGreaterThan(0);
      expect(await page.locator('.panel .look').count()).toBe(panels.length);
      expect(errors).toEqual([]);
    } finally {
      clearInterval(trickle);
      await browser?.close();
    }
    const data = (await (await fetch(`${lab.url}/api/dashboard`)).json()) as { runs: Array<{ label: string; end: number | null }> };
    expect(data.runs).toEqual([expect.objectContaining({ label: 'e2e load', end: loadEnded / 1000 })]);
  });

  it('answers every PromQL expression of the panels from a real Prometheus', async () => {
    // Over the load and the few requests after it: every query has a value somewhere in it.
    const highest = async (promql: string) => {
      const series = await prometheus.queryRange(promql, loadStarted / 1000, windowEnd / 1000, 1);
      const values = series.flatMap((one) => one.values.map(([, value]) => Number(value))).filter(Number.isFinite);
      return values.length === 0 ? undefined : Math.max(...values);
    };
    const empty: string[] = [];
    for (const panel of panels) {
      for (const query of queriesOf(panel)) {
        if ((await highest(query.promql)) === undefined) empty.push(`${panel.title} / ${query.label}: ${query.promql}`);
      }
    }
    expect(empty).toEqual([]);
    // The cause panels moved: new sessions and sequential-scan reads during the load.
    expect(await highest(`sum(rate(lab_db_sessions_opened_total[${RATE_WINDOW_SECONDS}s]))`)).toBeGreaterThan(0);
    expect(await highest('max(lab_loadtest_running)')).toBe(1);
    // What the load's users got reached the lab exporter from the in-progress file.
    expect(await highest(`sum(rate(lab_loadtest_requests_total[${RATE_WINDOW_SECONDS}s]))`)).toBeGreaterThan(0);
    expect(loadStarted).toBeLessThan(loadEnded);
  });
});
