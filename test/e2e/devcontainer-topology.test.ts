/**
 * The dev container's topology, run natively (no Docker here): the whole lab (`npm start`) in
 * external-database mode against a PostgreSQL it did not start, scraped by Debian's Prometheus
 * with the committed observability/prometheus.yml (service names → 127.0.0.1). After a short
 * load, every PromQL expression of the Grafana dashboard returns data.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT_DIR } from '../../lab/config.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { createLabSandbox, type LabInstance, type LabSandbox } from '../../lab/sandbox.js';
import { runLoad } from '../helpers/load.js';
import { renderPrometheusConfig, startPrometheus, type RunningPrometheus } from '../helpers/prometheus.js';

interface GrafanaDashboard {
  panels: Array<{ title: string; targets?: Array<{ expr: string }> }>;
}

describe('the dev container topology, natively', () => {
  let database: TestDatabase;
  let sandbox: LabSandbox;
  let lab: LabInstance;
  let prometheus: RunningPrometheus;
  let loadEnded = 0;

  beforeAll(async () => {
    database = await createTestDatabase('topology');
    sandbox = await createLabSandbox();
    lab = sandbox.start([], { DATABASE_URL: database.appUrl });
    await lab.ready;
    prometheus = await startPrometheus(renderPrometheusConfig({ app: sandbox.ports.appPort, lab: sandbox.ports.labPort }));
    await prometheus.waitForTargets();
    await runLoad(`http://127.0.0.1:${sandbox.ports.appPort}`, { users: 200, seconds: 5, paths: ['/feed', '/feed', '/feed', '/users/abc/posts'] });
    loadEnded = Date.now();
    // Two more scrapes, so the end of the load is in Prometheus.
    await new Promise((resolve) => setTimeout(resolve, 4_500));
  }, 120_000);

  afterAll(async () => {
    await prometheus?.stop();
    if (lab && lab.child.exitCode === null) {
      lab.child.kill('SIGINT');
      await lab.exited;
    }
    if (sandbox) {
      sandbox.remove();
    }
    await database?.drop();
  });

  it('runs in external-database mode', () => {
    expect(sandbox.state().mode).toBe('external');
    expect(lab.output()).toMatch(/your DATABASE_URL/);
  });

  it('answers every query of the committed Grafana dashboard', async () => {
    const dashboard = JSON.parse(
      fs.readFileSync(path.join(ROOT_DIR, 'observability', 'grafana', 'dashboards', 'scenario-1.json'), 'utf8'),
    ) as GrafanaDashboard;
    const expressions = dashboard.panels.flatMap((panel) => (panel.targets ?? []).map((target) => ({ panel: panel.title, expr: target.expr })));
    expect(expressions.length).toBeGreaterThan(5);
    const at = (loadEnded - 500) / 1000;
    const empty: string[] = [];
    for (const { panel, expr } of expressions) {
      if ((await prometheus.query(expr, at)).length === 0) empty.push(`${panel}: ${expr}`);
    }
    expect(empty).toEqual([]);
  });
});
