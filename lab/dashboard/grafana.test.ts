import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GRAFANA_DASHBOARD_FILE, grafanaDashboard, grafanaDashboardJson } from './grafana.js';
import { panels } from './panels.js';

describe('the Grafana dashboard', () => {
  it('is up to date with lab/dashboard/panels.ts (run `npm run generate:grafana` if not)', () => {
    expect(fs.readFileSync(GRAFANA_DASHBOARD_FILE, 'utf8')).toBe(grafanaDashboardJson());
  });

  it('has every panel and every PromQL expression, under a fixed uid', () => {
    const dashboard = grafanaDashboard() as { uid: string; panels: Array<{ title: string; targets: Array<{ expr: string }> }> };
    expect(dashboard.uid).toBe('scenario-1');
    expect(dashboard.panels.map((panel) => panel.title)).toEqual(panels.map((panel) => panel.title));
    expect(dashboard.panels.flatMap((panel) => panel.targets.map((target) => target.expr))).toEqual(
      panels.flatMap((panel) => panel.series.map((series) => series.promql)),
    );
  });
});
