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

export type PanelUnit = 'requests/s' | 'seconds' | 'percent' | 'connections' | 'connections/s' | 'rows/request' | 'up/down';

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
   * 'log' when the series differ by orders of magnitude (the whole table by sequential
   * scan against 20 rows by index): a log-like axis that still shows 0.
   */
  scale?: 'linear' | 'log';
  /** Shown beside the title: the newest value of one series divided by another's, e.g. "0.98 per request". */
  ratio?: { numerator: string; denominator: string; text: string };
  series: SeriesDefinition[];
}

const COLORS = { good: '#2e9e44', bad: '#d43d3d', warn: '#e08a00', info: '#2f6fd6', other: '#8a5cc2', limit: '#777777' };

const requests = (status?: RegExp) => (window: Window) =>
  window.rate('http_requests_total', status ? { status_code: status } : undefined);
/** part ÷ whole of two rates; null when either is unknown or nothing happened. */
const ratioOf = (part: number | null, whole: number | null) => (part === null || whole === null || whole === 0 ? null : part / whole);
const percentOf = (part: RegExp) => (window: Window) => {
  const share = ratioOf(window.rate('http_requests_total', { status_code: part }), window.rate('http_requests_total'));
  return share === null ? null : 100 * share;
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

/** What the running load test's users got (lab_loadtest_requests_total, from its live tally). */
const loadTest = (outcome: string) => (window: Window) => window.rate('lab_loadtest_requests_total', { outcome });
const loadTestQuery = (outcome: string) => `sum(rate(lab_loadtest_requests_total{outcome="${outcome}"}${W}))`;

const attempts = (window: Window) => {
  const opened = window.rate('lab_db_sessions_opened_total');
  // With DATABASE_URL the lab cannot count refusals: new sessions are all it sees.
  const refused = window.rate('lab_db_connections_refused_total') ?? 0;
  return opened === null ? null : opened + refused;
};
/**
 * Rows read per request answered 2xx. When a load test stops, the requests it leaves in
 * flight still read their rows but are never answered (their sockets are gone): the ratio
 * stops as soon as no request succeeded since the previous reading, instead of soaring.
 */
const successful = requests(/2../);
const rowsPerRequest = (scan: string) => (window: Window) =>
  window.irate('http_requests_total', { status_code: /2../ }) ? ratioOf(window.rate('lab_posts_rows_read_total', { scan }), successful(window)) : null;
const rowsPerRequestQuery = (scan: string) =>
  `sum(rate(lab_posts_rows_read_total{scan="${scan}"}${W})) / (sum(rate(http_requests_total{status_code=~"2.."}${W})) > 0)` +
  ` and on() (sum(irate(http_requests_total{status_code=~"2.."}${W})) > 0)`;

export const panels: PanelDefinition[] = [
  {
    id: 'requests',
    title: 'Requests per second, by outcome',
    unit: 'requests/s',
    lookFor: 'Under load the red 5xx line rises while green 2xx stalls: the app answers, but with errors. Requests it never answered are in "Failed requests per second".',
    help: 'Counted by the app itself (src/metrics.ts, http_requests_total). Requests the app never answered (timed out, or refused before they reached it) are not here. A gap means the app did not answer its /metrics within 3 s: stopped, or too swamped to reply.',
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
    lookFor: 'p99 in seconds means some users wait that long; after both fixes it falls to a small fraction of a second.',
    help: `Percentiles of http_request_duration_seconds over the last ${RATE_WINDOW_SECONDS} s, interpolated inside histogram buckets (5 ms … 20 s), as Prometheus does: close, not exact. Only requests the app answered: a request that timed out in the load test has no time here.`,
    series: [
      { label: 'p50', color: COLORS.good, promql: latencyQuery(0.5), compute: latency(0.5) },
      { label: 'p95', color: COLORS.warn, promql: latencyQuery(0.95), compute: latency(0.95) },
      { label: 'p99', color: COLORS.bad, promql: latencyQuery(0.99), compute: latency(0.99) },
    ],
  },
  {
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
  {
    id: 'connections',
    title: 'Database connections vs max_connections',
    unit: 'connections',
    lookFor: 'Broken app: open connections pile up just under the dashed ceiling, many of them still logging in; PostgreSQL refuses every attempt beyond that, and a refused attempt never appears here. With a pool: a flat line at the pool size.',
    help: 'From pg_stat_activity (the lab\'s own connection left out), server-wide. "Logging in" are connections PostgreSQL has accepted that are still proving their password (state "starting"). Ordinary roles are refused a few short of the ceiling (superuser_reserved_connections, 3 by default, are kept for administrators).',
    series: [
      { label: 'open (all)', color: COLORS.info, promql: 'sum(lab_db_connections)', compute: (w) => w.value('lab_db_connections') },
      { label: 'running a query', color: COLORS.good, promql: 'sum(lab_db_connections{state="active"})', compute: (w) => w.value('lab_db_connections', { state: 'active' }) },
      { label: 'logging in', color: COLORS.warn, promql: 'sum(lab_db_connections{state="logging in"})', compute: (w) => w.value('lab_db_connections', { state: 'logging in' }) },
      { label: 'max_connections', color: COLORS.limit, promql: 'max(lab_db_max_connections)', compute: (w) => w.value('lab_db_max_connections'), dashed: true },
    ],
  },
  {
    id: 'churn',
    title: 'Database connection attempts vs requests per second',
    unit: 'connections/s',
    lookFor: 'A new connection per request: the blue attempts line follows the dashed requests line, about one attempt per /feed request; the red line is the part PostgreSQL refused. With a pool, attempts fall to about 0 while requests go on.',
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
    id: 'rows',
    title: 'posts rows read per request (sequential scan vs index)',
    unit: 'rows/request',
    scale: 'log',
    lookFor: 'Until an index serves the feed, every request reads the whole posts table (the red line sits near the number of posts the banner reported), with or without a pool. Once one does, red falls to 0 and the green line reads about 20 rows per request.',
    help: 'Rows of posts read (pg_stat_user_tables: seq_tup_read by sequential scans, idx_tup_fetch through an index) per request the app answered with 2xx. PostgreSQL publishes these about once a second. `npm run check` also asks for /users/:id/posts, which reads the whole table until bonus B1: a red spike in a grey band is that. The axis is logarithmic: each line is ten times the one below.',
    series: [
      { label: 'sequential scan', color: COLORS.bad, promql: rowsPerRequestQuery('sequential'), compute: rowsPerRequest('sequential') },
      { label: 'index', color: COLORS.good, promql: rowsPerRequestQuery('index'), compute: rowsPerRequest('index') },
    ],
  },
  {
    id: 'up',
    title: 'App up',
    unit: 'up/down',
    lookFor: 'Down while nothing answers (a crash, a syntax error on save, `npm run chaos -- app`). "No answer" means the app is there but too busy to answer its health check in time.',
    help: 'The lab probes the app\'s /health every second: up = answered within 2 s; no answer = the connection was accepted but no answer came in 2 s (a swamped app); down = refused, nothing listens. While the app does not answer, the request panels show a gap.',
    series: [{ label: 'app up', color: COLORS.good, promql: 'max(lab_app_up)', compute: (w) => w.value('lab_app_up') }],
  },
];
