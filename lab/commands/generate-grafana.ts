/**
 * `npm run generate:grafana [-- --scenario N]`: rewrites the scenario's Grafana dashboard
 * (observability/grafana/dashboards/scenario-N.json) from lab/dashboard/panels.ts and the
 * scenario's definition. Run it after changing either; a test fails while the file is stale.
 */
import fs from 'node:fs';
import path from 'node:path';
import { grafanaDashboardFile, grafanaDashboardJson } from '../dashboard/grafana.js';
import { usageError } from '../errors.js';
import type { Lab } from '../lab.js';

const USAGE = 'usage: npm run generate:grafana [-- --scenario N]';

export function run(lab: Lab, args: string[]): number {
  // A maintainer's command with nothing to choose but the scenario (taken by lab/cli.ts).
  if (args.includes('--help') || args.includes('-h')) {
    console.log(`${USAGE.replace(/^usage/, 'Usage')}\n\nRewrites the scenario's Grafana dashboard from the dashboard's panel definitions.`);
    return 0;
  }
  if (args.length > 0) throw usageError(`unknown option ${args[0]}.`, USAGE);
  const file = grafanaDashboardFile(lab.scenario.number);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, grafanaDashboardJson(lab.scenario));
  console.log(`Wrote ${path.relative(lab.paths.root, file)}.`);
  return 0;
}
