/**
 * The lab server's observability routes: the built-in dashboard (GET /), its data
 * (GET /api/dashboard), its assets, and the lab exporter (GET /metrics) that Prometheus scrapes.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LabExporter } from '../exporter/lab-exporter.js';
import { scenarioTitle } from '../lab.js';
import type { ScenarioDefinition } from '../scenario/definition.js';
import type { LabRoutes } from '../lab-context.js';
import { HISTORY_SECONDS } from './chart-history.js';
import { panelsFor, type PanelDefinition } from './panels.js';
import { runMarkers } from './run-markers.js';
import { Sampler } from './sampler.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const uplotDir = path.dirname(createRequire(import.meta.url).resolve('uplot/dist/uPlot.iife.min.js'));

/** Served from memory: read once at start-up, from node_modules and lab/dashboard/client. No CDN, works offline. */
const ASSETS: Record<string, { file: string; type: string }> = {
  'uPlot.iife.min.js': { file: path.join(uplotDir, 'uPlot.iife.min.js'), type: 'text/javascript; charset=utf-8' },
  'uPlot.min.css': { file: path.join(uplotDir, 'uPlot.min.css'), type: 'text/css; charset=utf-8' },
  'band-labels.js': { file: path.join(here, 'client', 'band-labels.js'), type: 'text/javascript; charset=utf-8' },
  'dashboard.js': { file: path.join(here, 'client', 'dashboard.js'), type: 'text/javascript; charset=utf-8' },
  'dashboard.css': { file: path.join(here, 'client', 'dashboard.css'), type: 'text/css; charset=utf-8' },
};

/** What the browser needs to draw the panels: everything but the compute functions and the PromQL. */
function panelsForBrowser(panels: PanelDefinition[]) {
  return panels.map((panel) =>
    panel.kind === 'chart'
      ? { ...panel, series: panel.series.map(({ label, color, dashed }) => ({ label, color, dashed: dashed ?? false })) }
      : { ...panel, columns: panel.columns.map(({ label, unit }) => ({ label, unit })) },
  );
}

/** The page, with the scenario's number and title in it. */
function dashboardPage(definition: ScenarioDefinition): string {
  const title = scenarioTitle(definition).replace(/[&<>"]/g, (char) => `&#${char.charCodeAt(0)};`);
  return fs
    .readFileSync(path.join(here, 'client', 'index.html'), 'utf8')
    .replaceAll('{{number}}', String(definition.number))
    .replaceAll('{{title}}', title);
}

/** The scenario's panels and tables, from the lab's run history and its database. */
export const observabilityRoutes: LabRoutes = async (server, context) => {
  const { paths } = context.lab;
  const { runs: runsDir, inProgressRun: inProgressRunFile, checkLoads: checkLoadsFile } = paths;
  const definition = context.lab.scenario;
  const panels = panelsFor(definition);
  const exporter = new LabExporter({
    adminUrl: context.database.adminUrl,
    tables: definition.database.tables,
    ...(definition.database.statements ? { statementsOfRole: definition.database.role } : {}),
    ...(context.database.mode === 'embedded' ? { postgresLogFile: paths.pgLog } : {}),
    appHealthUrl: `http://127.0.0.1:${context.fleet.appPort}/health`,
    processNames: () => context.fleet.members().map((member) => member.name),
    inProgressRunFile,
    checkLoadsFile,
  });
  const sampler = new Sampler({
    exporter,
    metricsTargets: () =>
      context.fleet
        .members()
        .filter((member) => member.port !== undefined)
        .map((member) => ({ url: `http://127.0.0.1:${member.port}${member.metricsPath ?? '/metrics'}`, labels: { role: member.role, process: member.name } })),
    panels,
    historyFile: paths.dashboardHistory,
  });
  const assets = new Map(Object.entries(ASSETS).map(([name, asset]) => [name, { body: fs.readFileSync(asset.file), type: asset.type }]));
  const page = dashboardPage(definition);
  const browserPanels = panelsForBrowser(panels);

  sampler.start();
  server.addHook('onClose', async () => {
    await sampler.stop();
    await exporter.close();
  });

  server.get('/', async (_request, reply) => reply.type('text/html; charset=utf-8').send(page));

  server.get<{ Params: { name: string } }>('/assets/:name', async (request, reply) => {
    const asset = assets.get(request.params.name);
    if (!asset) return reply.code(404).send({ statusCode: 404, error: 'Not Found', message: `no asset ${request.params.name}` });
    return reply.type(asset.type).header('Cache-Control', 'no-cache').send(asset.body);
  });

  server.get<{ Querystring: { since?: string } }>('/api/dashboard', async (request, reply) => {
    const since = request.query.since === undefined ? undefined : Number(request.query.since);
    if (since !== undefined && !Number.isFinite(since)) {
      return reply.code(400).send({ statusCode: 400, error: 'Bad Request', message: 'since must be a number of seconds (Unix time)' });
    }
    const slice = sampler.history.since(since);
    return {
      ...(since === undefined ? { panels: browserPanels, historySeconds: HISTORY_SECONDS, mode: context.database.mode, appPort: context.fleet.appPort } : {}),
      ...slice,
      tables: sampler.tables,
      runs: runMarkers(Date.now() / 1000 - HISTORY_SECONDS, runsDir, inProgressRunFile, checkLoadsFile),
    };
  });

  server.get('/metrics', async (_request, reply) => reply.type(exporter.registry.contentType).send(await exporter.metrics()));
};
