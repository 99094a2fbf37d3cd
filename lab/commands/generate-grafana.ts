/**
 * `npm run generate:grafana [-- --scenario N]`: rewrites the scenario's Grafana dashboard
 * (observability/grafana/dashboards/scenario-N.json) from lab/dashboard/panels.ts and the
 * scenario's definition. Run it after changing either; a test fails while the file is stale.
 */
import fs from 'node:fs';
import path from 'node:path';
import { runCommand } from '../errors.js';
import { GRAFANA_DASHBOARD_FILE, grafanaDashboardJson } from '../dashboard/grafana.js';
import { ROOT_DIR } from '../config.js';

runCommand(async () => {
  fs.mkdirSync(path.dirname(GRAFANA_DASHBOARD_FILE), { recursive: true });
  fs.writeFileSync(GRAFANA_DASHBOARD_FILE, grafanaDashboardJson());
  console.log(`Wrote ${path.relative(ROOT_DIR, GRAFANA_DASHBOARD_FILE)}.`);
});
