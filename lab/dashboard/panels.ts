/**
 * The dashboard's panels, defined once. The built-in dashboard (lab server, port 3002)
 * computes each series with `compute` from its own one-second snapshots; Grafana runs the
 * `promql` next to it (observability/grafana/dashboards/scenario-1.json is generated from
 * this file by `npm run generate:grafana`). Change a panel here, then regenerate.
 */
import type { Window } from '../metrics/window.js';

/**
 * Rates are taken over this window, in the built-in dashboard and in PromQL alike. Ten
 * seconds holds five Prometheus scrapes (observability/prometheus.yml scrapes every 2 s),
 * so a scrape or two lost while the app is swamped leaves no hole, and percentiles rest on
 * enough requests to be steady.
 */
export const RATE_WINDOW_SECONDS = 10;
const W = `[${RATE_WINDOW_SECONDS}s]`;

export type PanelUnit = 'requests/s' | 'seconds' | 'percent' | 'connections' | 'connections/s' | 'rows/s' | 'up/down';

export interface SeriesDefinition {
  label: string;
  /** A colour that means the same in every panel: green good, red failing, grey limits. */
  color: string;
  promql: string;
  compute: (window: Window) => number | null;
  /** Drawn as a dashed line: a limit or a reference, not a measurement. */
  dashed?: boolean;
}

export interface PanelDefinition {
  id: string;
  title: string;
  unit: PanelUnit;
  /** One plain-English line under the chart. */
  lookFor: string;
  /** Where the numbers come from and what they cannot show (the panel's "?"). */
  help: string;
  /**
   * 'log' when the series differ by orders of magnitude (millions of rows by sequential
   * scan against thousands by index): a log-like axis that still shows 0.
   */
  scale?: 'linear' | 'log';
  series: SeriesDefinition[];
}

const COLORS = { good: '#2e9e44', bad: '#d43d3d', warn: '#e08a00', info: '#2f6fd6', other: '#8a5cc2', limit: '#777777' };

const requests = (status?: RegExp) => (window: Window) =>
  window.rate('http_requests_total', status ? { status_code: status } : undefined);
const percentOf = (part: RegExp) => (window: Window) => {
  const all = window.rate('http_requests_total');
  const some = window.rate('http_requests_total', { status_code: part });
  return all === null || some === null || all === 0 ? null : (100 * some) / all;
};
/**
 * Requests per second with a given status class. `or 0 * rate(all)` makes it 0, not "no
 * data", while the app answers requests but none of this class (PromQL's `or` adds the
 * other series, multiplied by 0) — yet still a gap while the app is down, as in the
 * built-in dashboard.
 */
const outcomeRate = (status: string) =>
  `sum(rate(http_requests_total{status_code=~"${status}"}${W}) or 0 * rate(http_requests_total${W}))`;
const latency = (q: number): SeriesDefinition['compute'] => (window) => window.quantile(q, 'http_request_duration_seconds');
const latencyQuery = (q: number) => `histogram_quantile(${q}, sum by (le) (rate(http_request_duration_seconds_bucket${W})))`;

export const panels: PanelDefinition[] = [
  {
    id: 'requests',
    title: 'Requests per second, by outcome',
    unit: 'requests/s',
    lookFor: 'Under load the red 5xx line rises while green 2xx stalls: the app answers, but with errors.',
    help: 'Counted by the app itself (src/metrics.ts, http_requests_total). Requests that never reached the app (refused, timed out in the load test) are not here: see the load test\'s summary. A gap means the app did not answer its /metrics within 3 s: stopped, or too swamped to reply.',
    series: [
      { label: '2xx ok', color: COLORS.good, promql: outcomeRate('2..'), compute: requests(/2../) },
      { label: '4xx bad input', color: COLORS.warn, promql: outcomeRate('4..'), compute: requests(/4../) },
      { label: '5xx server error', color: COLORS.bad, promql: outcomeRate('5..'), compute: requests(/5../) },
    ],
  },
  {
    id: 'latency',
    title: 'Latency p50 / p95 / p99',
    unit: 'seconds',
    lookFor: 'p99 in seconds means some users wait that long; after both fixes it should drop to milliseconds.',
    help: `Percentiles of http_request_duration_seconds over the last ${RATE_WINDOW_SECONDS} s, interpolated inside histogram buckets (5 ms … 20 s), as Prometheus does: close, not exact.`,
    series: [
      { label: 'p50', color: COLORS.good, promql: latencyQuery(0.5), compute: latency(0.5) },
      { label: 'p95', color: COLORS.warn, promql: latencyQuery(0.95), compute: latency(0.95) },
      { label: 'p99', color: COLORS.bad, promql: latencyQuery(0.99), compute: latency(0.99) },
    ],
  },
  {
    id: 'errors',
    title: 'Error rate (5xx per second)',
    unit: 'requests/s',
    lookFor: 'Any sustained red here is a failing user; with a per-request connection it follows the connection ceiling.',
    help: 'Server errors the app answered with (status 5xx), per second. Connection errors the load test saw are not counted by the app.',
    series: [{ label: '5xx/s', color: COLORS.bad, promql: outcomeRate('5..'), compute: requests(/5../) }],
  },
  {
    id: 'success',
    title: 'Success %',
    unit: 'percent',
    lookFor: 'Should sit at 100%. A dip means a share of users got an error page.',
    help: 'Share of answered requests with status 2xx. Empty while no requests arrive.',
    series: [{ label: '2xx share', color: COLORS.good, promql: `100 * ${outcomeRate('2..')} / sum(rate(http_requests_total${W}))`, compute: percentOf(/2../) }],
  },
  {
    id: 'connections',
    title: 'Database connections vs max_connections',
    unit: 'connections',
    lookFor: 'Broken app: open connections hit the dashed ceiling of 100 and new ones are refused. With a pool: a flat line at the pool size.',
    help: 'From pg_stat_activity (the lab\'s own connection left out), server-wide. "Logging in" are connections PostgreSQL has accepted that are still proving their password (state "starting"): during a connection storm most of them are here. Ordinary roles are refused 3 short of the ceiling (superuser_reserved_connections).',
    series: [
      { label: 'open (all)', color: COLORS.info, promql: 'sum(lab_db_connections)', compute: (w) => w.value('lab_db_connections') },
      { label: 'running a query', color: COLORS.good, promql: 'sum(lab_db_connections{state="active"})', compute: (w) => w.value('lab_db_connections', { state: 'active' }) },
      { label: 'logging in', color: COLORS.warn, promql: 'sum(lab_db_connections{state="logging in"})', compute: (w) => w.value('lab_db_connections', { state: 'logging in' }) },
      { label: 'max_connections', color: COLORS.limit, promql: 'max(lab_db_max_connections)', compute: (w) => w.value('lab_db_max_connections'), dashed: true },
    ],
  },
  {
    id: 'churn',
    title: 'New database connections per second',
    unit: 'connections/s',
    lookFor: 'Hundreds per second means a new connection per request; with a pool this falls to about 0.',
    help: 'New sessions: pg_stat_database.sessions of the app\'s database (counted once a connection has logged in). Refused: "too many clients" lines in the embedded server\'s log; with DATABASE_URL the lab cannot read the log, so refusals show up only as 5xx errors.',
    series: [
      { label: 'new sessions/s', color: COLORS.info, promql: `sum(rate(lab_db_sessions_opened_total${W}))`, compute: (w) => w.rate('lab_db_sessions_opened_total') },
      { label: 'refused/s', color: COLORS.bad, promql: `sum(rate(lab_db_connections_refused_total${W}))`, compute: (w) => w.rate('lab_db_connections_refused_total') },
    ],
  },
  {
    id: 'rows',
    title: 'posts rows read per second (sequential scan vs index)',
    unit: 'rows/s',
    scale: 'log',
    lookFor: 'Millions of rows by sequential scan to show 20 posts means a missing index; after CREATE INDEX the red line falls to 0 and the green index line reads about 20 rows per request.',
    help: 'pg_stat_user_tables for posts: seq_tup_read (rows read by sequential scans) and idx_tup_fetch (rows fetched through an index). PostgreSQL publishes these about once a second. The axis is logarithmic: each step is ten times the one below.',
    series: [
      { label: 'sequential scan', color: COLORS.bad, promql: `sum(rate(lab_posts_rows_read_total{scan="sequential"}${W}))`, compute: (w) => w.rate('lab_posts_rows_read_total', { scan: 'sequential' }) },
      { label: 'index', color: COLORS.good, promql: `sum(rate(lab_posts_rows_read_total{scan="index"}${W}))`, compute: (w) => w.rate('lab_posts_rows_read_total', { scan: 'index' }) },
    ],
  },
  {
    id: 'up',
    title: 'App up',
    unit: 'up/down',
    lookFor: 'Drops to 0 while the app is down (a crash, a syntax error on save, `npm run chaos -- app`).',
    help: 'The lab probes the app\'s /health every second; 1 means it answered within 2 s (an app that busy is down as far as its users can tell). While the app is down the request panels show a gap.',
    series: [{ label: 'app up', color: COLORS.good, promql: 'max(lab_app_up)', compute: (w) => w.value('lab_app_up') }],
  },
];
