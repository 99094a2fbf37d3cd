/**
 * The dashboard's panels, defined once. The built-in dashboard (lab server, port 3002)
 * computes each series with `compute` from its own one-second snapshots; Grafana runs the
 * `promql` next to it (observability/grafana/dashboards/scenario-N.json is generated from
 * this file by `npm run generate:grafana -- --scenario N`). Change a panel here, then regenerate.
 *
 * Every line here holds for any scenario. A scenario tells its own story through its
 * definition (`dashboard`): its "what to look for" lines, the tables and routes it shows, and
 * whether it has the top-queries panel (`database.statements`).
 */
import type { Window } from '../metrics/window.js';
import { LabError } from '../errors.js';
import type { ScenarioChart, ScenarioDefinition } from '../scenario/definition.js';
import {
  attempts,
  latency,
  latencyQuery,
  metricSeries,
  loadTest,
  loadTestQuery,
  outcomeRate,
  percentOf,
  RATE_WINDOW_SECONDS,
  ratioOf,
  requests,
  routeMatcher,
  rowsPerRequest,
  rowsPerRequestQuery,
  selectorOf,
  statementCalls,
  statementMean,
  statementSeconds,
  statementShare,
  STATEMENT_ROWS,
  topStatements,
  W,
} from './series.js';

export { RATE_WINDOW_SECONDS };

/**
 * How a panel's numbers are written; 'per second' and 'count' are for a scenario's own things
 * (jobs, emails), 'cores' for CPU time per second (1 = one core busy), 'fraction' for a share
 * of the time from 0 to 1 (an event loop's utilisation: 1 = always busy).
 */
export type PanelUnit = 'requests/s' | 'calls/s' | 'seconds' | 'percent' | 'connections' | 'connections/s' | 'rows/request' | 'up/down' | 'per second' | 'count' | 'cores' | 'fraction';

/** Every panel the engine has; a scenario's definition names them to tell its own story. */
export const PANEL_IDS = ['requests', 'latency', 'errors', 'success', 'routes', 'statements', 'connections', 'processes', 'churn', 'rows', 'up'] as const;
export type PanelId = (typeof PANEL_IDS)[number];

export interface SeriesDefinition {
  label: string;
  /** A colour that means the same in every panel: green good, red failing, grey limits. */
  color: string;
  promql: string;
  compute: (window: Window) => number | null;
  /** Drawn as a dashed line: a limit or a reference, not a measurement. */
  dashed?: boolean;
}

interface PanelText {
  /** One of the engine's PanelIds, or a scenario chart's own id. */
  id: string;
  title: string;
  /** One plain-English line under the chart. */
  lookFor: string;
  /** Where the numbers come from and what they cannot show (the panel's "?"). */
  help: string;
}

/** A chart: one line per series, one point per second. */
export interface ChartPanel extends PanelText {
  kind: 'chart';
  unit: PanelUnit;
  /**
   * 'log' when the series, or the runs one window shows, differ by orders of magnitude (the
   * whole table by sequential scan against 20 rows by index; 16 requests a second before the
   * fixes against 1,500 after, p99 9 s against 60 ms): a log-like axis that still shows 0, so
   * a run beside one a hundred times bigger is not drawn as a flat line at 0.
   */
  scale?: 'linear' | 'log';
  /** On a log axis, the value below which it is linear (so 0 is drawable), and its lowest labelled line. */
  linearThreshold?: number;
  /** Shown beside the title: the newest value of one series divided by another's, e.g. "0.98 per request". */
  ratio?: { numerator: string; denominator: string; text: string };
  series: SeriesDefinition[];
}

/** One column of a table panel: a value for each row, from the rate window. */
export interface ColumnDefinition {
  label: string;
  unit: PanelUnit;
  /** One result per row, labelled by the table's `rowLabel` (Grafana joins the columns on it). */
  promql: string;
  compute: (window: Window) => Map<string, number>;
}

/** A ranking, live: the top rows by the first column, over the rate window. */
export interface TablePanel extends PanelText {
  kind: 'table';
  /** The label whose values name the rows ("query"), and its column's heading. */
  rowLabel: string;
  rowHeading: string;
  /** At most this many rows, those with the largest first column. */
  rows: number;
  /** Lists rows whose first column is 0 too (a process that holds no connection is news); otherwise they are left out. */
  listZeros?: boolean;
  columns: ColumnDefinition[];
}

export type PanelDefinition = ChartPanel | TablePanel;

/** Every PromQL query of a panel, named by its series or column: what Grafana runs for it. */
export function queriesOf(panel: PanelDefinition): Array<{ label: string; promql: string }> {
  return (panel.kind === 'chart' ? panel.series : panel.columns).map(({ label, promql }) => ({ label, promql }));
}

/** The most processes the connections table lists (a scenario's largest fleet fits). */
const PROCESS_ROWS = 16;

const COLORS = { good: '#2e9e44', bad: '#d43d3d', warn: '#e08a00', info: '#2f6fd6', other: '#8a5cc2', limit: '#777777' };
/** Lines that stand for the same kind of thing (one per table, one per route), told apart by shade. */
const WARM = [COLORS.bad, COLORS.warn, '#b0306e', '#8c564b'];
const COOL = [COLORS.good, COLORS.info, '#1a9e9e', COLORS.other];
const ANY = [COLORS.info, COLORS.good, COLORS.warn, COLORS.bad, COLORS.other, '#1a9e9e', '#b0306e', '#8c564b'];
const nth = (palette: string[], index: number) => palette[index % palette.length]!;
/** The panels for one scenario: the engine's, the ones its definition asks for, and its own lines. */
export function panelsFor(definition: ScenarioDefinition): PanelDefinition[] {
  const dashboard = definition.dashboard ?? {};
  const rowsTables = dashboard.rowsReadTables ?? definition.database.tables;
  const latencyRoutes = dashboard.latencyRoutes ?? [];
  const panels: PanelDefinition[] = [
    {
      kind: 'chart',
      id: 'requests',
      title: 'Requests per second, by outcome',
      unit: 'requests/s',
      scale: 'log',
      linearThreshold: 1,
      lookFor: 'Green 2xx is work done, red 5xx are errors the app answered with, orange 4xx requests it turned away as bad input. Requests it never answered are in "Failed requests per second".',
      help: 'Counted by the app itself (its request metrics, http_requests_total). Requests the app never answered (timed out, or refused before they reached it) are not here. A gap means the app did not answer its /metrics within 3 s: stopped, or too swamped to reply.',
      series: [
        { label: '2xx ok', color: COLORS.good, promql: outcomeRate('2..'), compute: requests(/2../) },
        { label: '4xx bad input', color: COLORS.warn, promql: outcomeRate('4..'), compute: requests(/4../) },
        { label: '5xx server error', color: COLORS.bad, promql: outcomeRate('5..'), compute: requests(/5../) },
      ],
    },
    {
      kind: 'chart',
      id: 'latency',
      title: 'Latency p50 / p95 / p99',
      unit: 'seconds',
      scale: 'log',
      // A millisecond: the lowest latency worth a line of its own.
      linearThreshold: 0.001,
      lookFor: 'p50 is a typical request, p99 the slowest one in a hundred: p99 in seconds means some users wait that long.',
      help: `Percentiles of http_request_duration_seconds over the last ${RATE_WINDOW_SECONDS} s, interpolated inside histogram buckets (5 ms … 20 s), as Prometheus does: close, not exact. Only requests the app answered: a request that timed out in the load test has no time here.`,
      series: [
        { label: 'p50', color: COLORS.good, promql: latencyQuery(0.5), compute: latency(0.5) },
        { label: 'p95', color: COLORS.warn, promql: latencyQuery(0.95), compute: latency(0.95) },
        { label: 'p99', color: COLORS.bad, promql: latencyQuery(0.99), compute: latency(0.99) },
      ],
    },
    {
      kind: 'chart',
      id: 'errors',
      title: 'Failed requests per second',
      unit: 'requests/s',
      lookFor: 'Red: errors the app answered with. Purple and orange: load-test requests that got no answer at all (waited past the load test\'s limit, or found nothing to connect to), which the app itself never counts.',
      help: '5xx: status 5xx answers, counted by the app. Timed out and no connection: from the running load test\'s own tally (npm run loadtest writes it every second), so they show only while a load test runs.',
      series: [
        { label: '5xx from the app', color: COLORS.bad, promql: outcomeRate('5..'), compute: requests(/5../) },
        { label: 'timed out (load test)', color: COLORS.other, promql: loadTestQuery('timeout'), compute: loadTest('timeout') },
        { label: 'no connection (load test)', color: COLORS.warn, promql: loadTestQuery('no connection'), compute: loadTest('no connection') },
      ],
    },
    {
      kind: 'chart',
      id: 'success',
      title: 'Success %',
      unit: 'percent',
      lookFor: 'Should sit at 100%. The app can only count what it answered; the load test\'s line also counts the requests that timed out or could not connect: that is what its users felt.',
      help: 'The app: share of its answers with status 2xx. The load test: share of its requests answered 2xx, out of all it sent and finished (answered, timed out or failed to connect). Empty while no requests arrive.',
      series: [
        { label: 'answered by the app', color: COLORS.good, promql: `100 * ${outcomeRate('2..')} / sum(rate(http_requests_total${W}))`, compute: percentOf(/2../) },
        {
          label: 'felt by load-test users',
          color: COLORS.info,
          // 0 ÷ 0 while no load test runs: NaN, which Grafana draws as a gap, like the built-in dashboard.
          promql: `100 * ${loadTestQuery('ok')} / sum(rate(lab_loadtest_requests_total${W}))`,
          compute: (w) => {
            const share = ratioOf(loadTest('ok')(w), w.rate('lab_loadtest_requests_total'));
            return share === null ? null : 100 * share;
          },
        },
      ],
    },
    ...(latencyRoutes.length === 0
      ? []
      : [
          {
            kind: 'chart',
            id: 'routes',
            title: 'Latency p99 by route',
            unit: 'seconds',
            lookFor: 'One line per page: the slow one stands out. A fix that serves one page\'s query brings down that page\'s line, not the others.',
            help: `The 99th percentile of http_request_duration_seconds over the last ${RATE_WINDOW_SECONDS} s for each route, as the app names it (the route's pattern: /users/:id, not /users/42). Only requests the app answered.`,
            series: latencyRoutes.map((route, index) => ({
              label: route,
              color: nth(ANY, index),
              promql: latencyQuery(0.99, selectorOf(routeMatcher(route))),
              compute: latency(0.99, routeMatcher(route)),
            })),
          } satisfies ChartPanel,
        ]),
    ...(!definition.database.statements
      ? []
      : [
          {
            kind: 'table',
            id: 'statements',
            title: 'Top queries by total time',
            lookFor: 'The first row is where PostgreSQL spends its time: the query to read with EXPLAIN (ANALYZE, BUFFERS). After a fix, its share and its time per call fall.',
            help: `From pg_stat_statements, PostgreSQL's own count of every statement the app's role runs (constants shown as $1, $2), over the last ${RATE_WINDOW_SECONDS} s: each one's share of the time spent executing them all, how often it ran, and its mean time per call. Resetting pg_stat_statements (SELECT pg_stat_statements_reset()) does not disturb the panel.`,
            rowLabel: 'query',
            rowHeading: 'query',
            rows: STATEMENT_ROWS,
            columns: [
              { label: 'share of time', unit: 'percent', promql: `topk(${STATEMENT_ROWS}, 100 * ${statementSeconds} / scalar(sum(rate(lab_statement_seconds_total${W}))) > 0)`, compute: statementShare },
              { label: 'calls per second', unit: 'calls/s', promql: `${statementCalls} and on(query) ${topStatements}`, compute: (w) => w.rateBy('lab_statement_calls_total', 'query') },
              { label: 'mean time per call', unit: 'seconds', promql: `${statementSeconds} / ${statementCalls} and on(query) ${topStatements}`, compute: statementMean },
            ],
          } satisfies TablePanel,
        ]),
    {
      kind: 'chart',
      id: 'connections',
      title: 'Database connections vs max_connections',
      unit: 'connections',
      lookFor: 'The dashed line is PostgreSQL\'s ceiling: the closer the open connections come to it, the nearer new ones are to being refused. An app that holds its connections steady draws a flat line.',
      help: 'From pg_stat_activity (the lab\'s own connection left out), server-wide. "Logging in" are connections PostgreSQL has accepted that are still proving their password (state "starting"). "Waiting for a lock" are connections whose query waits for a row or table another transaction has locked. Ordinary roles are refused a few short of the ceiling (superuser_reserved_connections, 3 by default, are kept for administrators).',
      series: [
        { label: 'open (all)', color: COLORS.info, promql: 'sum(lab_db_connections)', compute: (w) => w.value('lab_db_connections') },
        { label: 'running a query', color: COLORS.good, promql: 'sum(lab_db_connections{state="active"})', compute: (w) => w.value('lab_db_connections', { state: 'active' }) },
        { label: 'logging in', color: COLORS.warn, promql: 'sum(lab_db_connections{state="logging in"})', compute: (w) => w.value('lab_db_connections', { state: 'logging in' }) },
        { label: 'waiting for a lock', color: COLORS.bad, promql: 'sum(lab_db_lock_waits)', compute: (w) => w.value('lab_db_lock_waits') },
        { label: 'max_connections', color: COLORS.limit, promql: 'max(lab_db_max_connections)', compute: (w) => w.value('lab_db_max_connections'), dashed: true },
      ],
    },
    ...(definition.processes === undefined
      ? []
      : [
          {
            kind: 'table',
            id: 'processes',
            title: 'Connections by process',
            lookFor: 'Who holds the database\'s connections: each process of the scenario by name. Their sum is what meets max_connections; a process that was scaled away leaves the table.',
            help: `From pg_stat_activity: each process connects with its name as application_name ("worker-2"), so PostgreSQL can tell them apart. Requests per second is over the last ${RATE_WINDOW_SECONDS} s, for the processes that serve HTTP. Every process the lab runs is listed, with 0 when it holds no connection.`,
            rowLabel: 'process',
            rowHeading: 'process',
            rows: PROCESS_ROWS,
            listZeros: true,
            columns: [
              { label: 'connections', unit: 'connections', promql: 'sum by (process) (lab_db_process_connections)', compute: (w) => w.valueBy('lab_db_process_connections', 'process') },
              {
                label: 'requests per second',
                unit: 'requests/s',
                promql: `sum by (process) (rate(http_requests_total${W}))`,
                compute: (w) => w.rateBy('http_requests_total', 'process'),
              },
            ],
          } satisfies TablePanel,
        ]),
    {
      kind: 'chart',
      id: 'churn',
      title: 'Database connection attempts vs requests per second',
      unit: 'connections/s',
      lookFor: 'Blue: new connections the app asked PostgreSQL for, per second, next to the requests it answered (dashed); the number beside the title is their ratio. Red: the attempts PostgreSQL refused.',
      help: 'Attempts = new sessions (pg_stat_database.sessions of the app\'s database, counted once a connection has logged in) + refused ("too many clients" lines in the embedded server\'s log; with DATABASE_URL the lab cannot read the log, so attempts are new sessions only). Requests: every request the app answered, any status.',
      ratio: { numerator: 'attempts (new + refused)', denominator: 'requests (app)', text: 'attempts per request' },
      series: [
        { label: 'requests (app)', color: COLORS.limit, promql: `sum(rate(http_requests_total${W}))`, compute: requests(), dashed: true },
        {
          label: 'attempts (new + refused)',
          color: COLORS.info,
          promql: `sum(rate(lab_db_sessions_opened_total${W})) + (sum(rate(lab_db_connections_refused_total${W})) or vector(0))`,
          compute: attempts,
        },
        { label: 'refused', color: COLORS.bad, promql: `sum(rate(lab_db_connections_refused_total${W}))`, compute: (w) => w.rate('lab_db_connections_refused_total') },
      ],
    },
    {
      kind: 'chart',
      id: 'rows',
      title: 'Rows read per request (sequential scan vs index)',
      unit: 'rows/request',
      scale: 'log',
      linearThreshold: 1,
      lookFor: 'Red and warm lines: rows a sequential scan went through, per request; a table read whole on every request sits near its number of rows. Green and cool lines: rows fetched through an index, about as many as a page needs. Once an index serves a query, its table\'s warm line falls.',
      help: 'Rows of each table read (pg_stat_user_tables: seq_tup_read by sequential scans, idx_tup_fetch through an index) per request the app answered with 2xx. PostgreSQL publishes these about once a second. The axis is logarithmic: each line is ten times the one below.',
      series: rowsTables.flatMap((table, index) => [
        { label: `${table}: sequential scan`, color: nth(WARM, index), promql: rowsPerRequestQuery(table, 'sequential'), compute: rowsPerRequest(table, 'sequential') },
        { label: `${table}: index`, color: nth(COOL, index), promql: rowsPerRequestQuery(table, 'index'), compute: rowsPerRequest(table, 'index') },
      ]),
    },
    {
      kind: 'chart',
      id: 'up',
      title: 'App up',
      unit: 'up/down',
      lookFor: 'Down while nothing answers (a crash, a syntax error on save, `npm run chaos -- app`). "No answer" means the app is there but too busy to answer its health check in time.',
      help: 'The lab probes the app\'s /health every second: up = answered within 2 s; no answer = the connection was accepted but no answer came in 2 s (a swamped app); down = refused, nothing listens. While the app does not answer, the request panels show a gap.',
      series: [{ label: 'app up', color: COLORS.good, promql: 'max(lab_app_up)', compute: (w) => w.value('lab_app_up') }],
    },
  ];
  const engine = panels.map((panel) => ({
    ...panel,
    lookFor: dashboard.lookFor?.[panel.id as PanelId] ?? panel.lookFor,
    help: withAxisNote(panel, dashboard.help?.[panel.id as PanelId] ?? panel.help),
  }));
  return [...engine, ...(dashboard.charts ?? []).map((scenarioChart) => chartOf(scenarioChart, definition.number))];
}

const CHART_ID = /^[a-z][a-z0-9-]*$/;

/** A scenario's own chart, its series computed from its processes' metrics. */
function chartOf(declared: ScenarioChart, scenarioNumber: number): ChartPanel {
  if (!CHART_ID.test(declared.id) || (PANEL_IDS as readonly string[]).includes(declared.id)) {
    throw new LabError('SCENARIO_DEFINITION', `Scenario ${scenarioNumber}'s chart "${declared.id}" needs an id of lowercase letters, digits and dashes that is none of the engine's panels (${PANEL_IDS.join(', ')}).`);
  }
  const { series, ...text } = declared;
  const panel: ChartPanel = {
    ...text,
    kind: 'chart',
    series: series.map((line, index) => ({ label: line.label, color: nth(ANY, index), ...metricSeries(line), ...(line.dashed ? { dashed: true } : {}) })),
  };
  return { ...panel, help: withAxisNote(panel, panel.help) };
}

/** A log axis is said in the panel's "?", whoever wrote its text. */
function withAxisNote(panel: PanelDefinition, help: string): string {
  if (panel.kind !== 'chart' || panel.scale !== 'log' || /logarithmic/i.test(help)) return help;
  return `${help} ${LOG_AXIS_NOTE}`;
}

const LOG_AXIS_NOTE = 'The axis is logarithmic: each line is ten times the one below, so an earlier run stays readable beside a faster one.';
