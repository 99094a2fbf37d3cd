/**
 * `npm run generate:grafana [-- --scenario N]`: rewrites the scenario's Grafana dashboard
 * (observability/grafana/dashboards/scenario-N.json) from lab/dashboard/panels.ts and the
 * scenario's definition. Run it after changing either; a test fails while the file is stale.
 */
import fs from 'node:fs';
import path from 'node:path';
import { grafanaDashboardFile, grafanaDashboardJson } from '../dashboard/grafana.js';
import type { Lab } from '../lab.js';

export function run(lab: Lab): number {
  const file = grafanaDashboardFile(lab.scenario.number);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, grafanaDashboardJson(lab.scenario));
  console.log(`Wrote ${path.relative(lab.paths.root, file)}.`);
  return 0;
}
