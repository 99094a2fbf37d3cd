/**
 * Turns a scenario's panels (panels.ts) into a Grafana dashboard, so Grafana in the dev
 * container shows the same panels, queries and "what to look for" lines as the built-in
 * dashboard. `npm run generate:grafana -- --scenario N` writes scenario N's to
 * observability/grafana/dashboards/scenario-N.json.
 */
import path from 'node:path';
import { ROOT_DIR } from '../config.js';
import type { ScenarioDefinition } from '../scenario/definition.js';
import { scenarioTitle } from '../lab.js';
import { panelsFor, type ChartPanel, type PanelDefinition, type PanelUnit, type TablePanel } from './panels.js';

/** Must match observability/grafana/provisioning/datasources/prometheus.yml. */
export const GRAFANA_DATASOURCE_UID = 'lab-prometheus';
/** Fixed per scenario, so links and the home-dashboard setting survive regeneration. */
function grafanaDashboardUid(scenarioNumber: number): string {
  return `scenario-${scenarioNumber}`;
}

/** Where the generated dashboard of scenario N is kept (the dev container's Grafana mounts the folder). */
export function grafanaDashboardFile(scenarioNumber: number): string {
  return path.join(ROOT_DIR, 'observability', 'grafana', 'dashboards', `scenario-${scenarioNumber}.json`);
}

const GRAFANA_UNITS: Record<PanelUnit, string> = {
  'requests/s': 'reqps',
  'calls/s': 'ops',
  seconds: 's',
  percent: 'percent',
  connections: 'short',
  'connections/s': 'cps',
  'rows/request': 'short',
  'up/down': 'short',
  'per second': 'ops',
  count: 'short',
  cores: 'short',
  // Not 'percentunit': the panels say "1 = always busy", so the axis shows 0 to 1.
  fraction: 'short',
};

const datasource = { type: 'prometheus', uid: GRAFANA_DATASOURCE_UID };

function grafanaPanel(panel: PanelDefinition, index: number): Record<string, unknown> {
  const common = {
    id: index + 1,
    type: panel.kind === 'chart' ? 'timeseries' : 'table',
    title: panel.title,
    description: `What to look for: ${panel.lookFor}\n\n${panel.help}`,
    datasource,
    gridPos: { h: 8, w: 12, x: (index % 2) * 12, y: Math.floor(index / 2) * 8 },
  };
  return panel.kind === 'chart' ? { ...common, ...chartPanel(panel) } : { ...common, ...tablePanel(panel) };
}

function chartPanel(panel: ChartPanel): Record<string, unknown> {
  const upDown = panel.unit === 'up/down';
  return {
    targets: panel.series.map((series, seriesIndex) => ({
      datasource,
      refId: String.fromCharCode(65 + seriesIndex),
      expr: series.promql,
      legendFormat: series.label,
      range: true,
    })),
    fieldConfig: {
      defaults: {
        unit: GRAFANA_UNITS[panel.unit],
        min: 0,
        ...(panel.unit === 'percent' ? { max: 100 } : {}),
        ...(upDown
          ? { max: 1, mappings: [{ type: 'value', options: { '0': { text: 'down', color: 'red' }, '0.5': { text: 'no answer', color: 'orange' }, '1': { text: 'up', color: 'green' } } }] }
          : {}),
        custom: {
          lineWidth: 2,
          fillOpacity: upDown ? 20 : 0,
          spanNulls: false,
          showPoints: 'never',
          ...(panel.scale === 'log' ? { scaleDistribution: { type: 'symlog', log: 10, linearThreshold: panel.linearThreshold ?? 1 } } : {}),
        },
      },
      overrides: panel.series.map((series) => ({
        matcher: { id: 'byName', options: series.label },
        properties: [
          { id: 'color', value: { mode: 'fixed', fixedColor: series.color } },
          ...(series.dashed ? [{ id: 'custom.lineStyle', value: { fill: 'dash', dash: [10, 10] } }] : []),
        ],
      })),
    },
    options: { legend: { displayMode: 'list', placement: 'bottom', showLegend: true }, tooltip: { mode: 'multi', sort: 'none' } },
  };
}

/**
 * A ranking as a Grafana table: one instant query per column, each a value per row label,
 * merged into one row per label value, ranked by the first column.
 */
function tablePanel(panel: TablePanel): Record<string, unknown> {
  const valueField = (index: number) => `Value #${String.fromCharCode(65 + index)}`;
  return {
    targets: panel.columns.map((column, index) => ({
      datasource,
      refId: String.fromCharCode(65 + index),
      expr: column.promql,
      format: 'table',
      instant: true,
      range: false,
    })),
    transformations: [
      { id: 'merge', options: {} },
      {
        id: 'organize',
        options: {
          excludeByName: { Time: true },
          indexByName: Object.fromEntries([panel.rowLabel, ...panel.columns.map((_, index) => valueField(index))].map((field, index) => [field, index])),
          renameByName: Object.fromEntries([[panel.rowLabel, panel.rowHeading], ...panel.columns.map((column, index) => [valueField(index), column.label])]),
        },
      },
      { id: 'sortBy', options: { sort: [{ field: panel.columns[0]!.label, desc: true }] } },
    ],
    fieldConfig: {
      defaults: { custom: { align: 'auto' } },
      overrides: panel.columns.map((column) => ({
        matcher: { id: 'byName', options: column.label },
        properties: [{ id: 'unit', value: GRAFANA_UNITS[column.unit] }],
      })),
    },
    options: { showHeader: true, cellHeight: 'sm' },
  };
}

/** Scenario N's Grafana dashboard: its panels, its title, under the uid scenario-N. */
export function grafanaDashboard(definition: ScenarioDefinition): Record<string, unknown> {
  const uid = grafanaDashboardUid(definition.number);
  return {
    uid,
    title: scenarioTitle(definition),
    description: 'Generated from lab/dashboard/panels.ts and the scenario\'s definition by `npm run generate:grafana`. Do not edit by hand.',
    tags: [uid],
    editable: false,
    schemaVersion: 39,
    version: 1,
    refresh: '2s',
    time: { from: 'now-15m', to: 'now' },
    timepicker: { refresh_intervals: ['1s', '5s', '10s', '30s'] },
    annotations: {
      list: [
        {
          name: 'Load-test runs',
          datasource,
          enable: true,
          expr: 'max(lab_loadtest_running) > 0',
          iconColor: 'rgba(47, 111, 214, 0.5)',
          step: '1s',
          titleFormat: 'load test running',
        },
        {
          name: 'npm run check sending load',
          datasource,
          enable: true,
          expr: 'max(lab_check_load_running) > 0',
          iconColor: 'rgba(119, 119, 119, 0.5)',
          step: '1s',
          titleFormat: 'npm run check sending load',
        },
      ],
    },
    panels: panelsFor(definition).map(grafanaPanel),
  };
}

/** The file's exact contents: stable key order, two-space indent, final newline. */
export function grafanaDashboardJson(definition: ScenarioDefinition): string {
  return `${JSON.stringify(grafanaDashboard(definition), null, 2)}\n`;
}
