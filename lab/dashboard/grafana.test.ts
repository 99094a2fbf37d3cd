import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDefinition } from '../lab.js';
import { scenarioFolders } from '../scenario/location.js';
import { grafanaDashboard, grafanaDashboardFile, grafanaDashboardJson } from './grafana.js';
import { panelsFor, queriesOf } from './panels.js';

const definitions = await Promise.all(scenarioFolders().map(loadDefinition));

describe.each(definitions.map((definition) => [path.basename(grafanaDashboardFile(definition.number)), definition] as const))(
  'the Grafana dashboard %s',
  (_file, definition) => {
    it(`is up to date with lab/dashboard/panels.ts and the scenario's definition (run \`npm run generate:grafana -- --scenario ${definition.number}\` if not)`, () => {
      expect(fs.readFileSync(grafanaDashboardFile(definition.number), 'utf8')).toBe(grafanaDashboardJson(definition));
    });

    it('has every panel and every PromQL expression, under a fixed uid', () => {
      const panels = panelsFor(definition);
      const dashboard = grafanaDashboard(definition) as { uid: string; panels: Array<{ title: string; targets: Array<{ expr: string }> }> };
      expect(dashboard.uid).toBe(`scenario-${definition.number}`);
      expect(dashboard.panels.map((panel) => panel.title)).toEqual(panels.map((panel) => panel.title));
      expect(dashboard.panels.flatMap((panel) => panel.targets.map((target) => target.expr))).toEqual(
        panels.flatMap((panel) => queriesOf(panel).map((query) => query.promql)),
      );
    });
  },
);
