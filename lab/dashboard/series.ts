/**
 * The kinds of series the panels (panels.ts) draw, each twice: as PromQL for Grafana, and as
 * its twin computed from the built-in dashboard's own one-second snapshots
 * (lab/metrics/window.ts). Keeping the two side by side keeps the dashboards from drifting apart.
 */
import type { Window } from '../metrics/window.js';
import type { ScenarioSeries } from '../scenario/definition.js';

/**
 * Rates are taken over this window, in the built-in dashboard and in PromQL alike. Ten
 * seconds holds five Prometheus scrapes (observability/prometheus.yml scrapes every 2 s),
 * so a scrape or two lost while the app is swamped leaves no hole, and percentiles rest on
 * enough requests to be steady.
 */
export const RATE_WINDOW_SECONDS = 10;
/** The rate window, as PromQL writes it. */
export const W = `[${RATE_WINDOW_SECONDS}s]`;

/** A PromQL string literal. */
const quoted = (value: string) => JSON.stringify(value);

/** Requests the app answered per second, all of them or those whose status matches. */
export const requests = (status?: RegExp) => (window: Window) =>
  window.rate('http_requests_total', status ? { status_code: status } : undefined);
/** part ÷ whole of two rates; null when either is unknown or nothing happened. */
export const ratioOf = (part: number | null, whole: number | null) => (part === null || whole === null || whole === 0 ? null : part / whole);
/** The share of the app's answers whose status matches, in percent. */
export const percentOf = (part: RegExp) => (window: Window) => {
  const share = ratioOf(window.rate('http_requests_total', { status_code: part }), window.rate('http_requests_total'));
  return share === null ? null : 100 * share;
};
/**
 * Requests per second with a given status class. `or 0 * rate(all)` makes it 0, not "no
 * data", while the app answers requests but none of this class (PromQL's `or` adds the
 * other series, multiplied by 0) — yet still a gap while the app is down, as in the
 * built-in dashboard.
 */
export const outcomeRate = (status: string) =>
  `sum(rate(http_requests_total{status_code=~"${status}"}${W}) or 0 * rate(http_requests_total${W}))`;

/** The q-quantile of the app's request durations in the window, of all requests or of those the matcher picks. */
export const latency = (q: number, matcher?: Record<string, string>) => (window: Window) =>
  window.quantile(q, 'http_request_duration_seconds', matcher);
/** latency's PromQL; `selector` is a label selector such as {route="/orders"}. */
export const latencyQuery = (q: number, selector = '') => `histogram_quantile(${q}, sum by (le) (rate(http_request_duration_seconds_bucket${selector}${W})))`;

/** What the running load test's users got (lab_loadtest_requests_total, from its live tally). */
export const loadTest = (outcome: string) => (window: Window) => window.rate('lab_loadtest_requests_total', { outcome });
/** loadTest's PromQL. */
export const loadTestQuery = (outcome: string) => `sum(rate(lab_loadtest_requests_total{outcome="${outcome}"}${W}))`;

/** New database sessions plus refused connections per second: every connection the app tried to open. */
export const attempts = (window: Window) => {
  const opened = window.rate('lab_db_sessions_opened_total');
  // With DATABASE_URL the lab cannot count refusals: new sessions are all it sees.
  const refused = window.rate('lab_db_connections_refused_total') ?? 0;
  return opened === null ? null : opened + refused;
};

/**
 * Rows of a table read per request answered 2xx. When a load test stops, the requests it
 * leaves in flight still read their rows but are never answered (their sockets are gone): the
 * ratio stops as soon as no request succeeded since the previous reading, instead of soaring.
 */
export const rowsPerRequest = (table: string, scan: string) => (window: Window) =>
  window.irate('http_requests_total', { status_code: /2../ }) ? ratioOf(window.rate('lab_table_rows_read_total', { table, scan }), requests(/2../)(window)) : null;
/** rowsPerRequest's PromQL. */
export const rowsPerRequestQuery = (table: string, scan: string) =>
  `sum(rate(lab_table_rows_read_total{table=${quoted(table)},scan="${scan}"}${W})) / (sum(rate(http_requests_total{status_code=~"2.."}${W})) > 0)` +
  ` and on() (sum(irate(http_requests_total{status_code=~"2.."}${W})) > 0)`;

/** The labels of a route as a scenario names it: "GET /orders" → method and route; "/orders/:id" → the route alone (any method). */
export function routeMatcher(route: string): Record<string, string> {
  const [first, ...rest] = route.trim().split(/\s+/);
  return rest.length > 0 ? { method: first!.toUpperCase(), route: rest.join(' ') } : { route: first! };
}
/** Labels as a PromQL selector: {method="GET",route="/orders"}. */
export const selectorOf = (matcher: Record<string, string>) =>
  `{${Object.entries(matcher).map(([name, value]) => `${name}=${quoted(value)}`).join(',')}}`;

/** A scenario's own series (its definition's dashboard.charts): a gauge's value, a counter's rate or a histogram's quantile. */
export function metricSeries(series: ScenarioSeries): { promql: string; compute: (window: Window) => number | null } {
  const { metric, labels, show } = series;
  const selector = labels ? selectorOf(labels) : '';
  if (show === 'value') return { promql: `sum(${metric}${selector})`, compute: (window) => window.value(metric, labels) };
  if (show === 'rate') return { promql: `sum(rate(${metric}${selector}${W}))`, compute: (window) => window.rate(metric, labels) };
  return {
    promql: `histogram_quantile(${show.quantile}, sum by (le) (rate(${metric}_bucket${selector}${W})))`,
    compute: (window) => window.quantile(show.quantile, metric, labels),
  };
}

/** How many statements the top-queries table ranks. */
export const STATEMENT_ROWS = 5;
/** Each statement's seconds of execution per second (lab_statement_seconds_total, from pg_stat_statements). */
export const statementSeconds = `sum by (query) (rate(lab_statement_seconds_total${W}))`;
/** Each statement's calls per second. */
export const statementCalls = `sum by (query) (rate(lab_statement_calls_total${W}))`;
/**
 * The statements the table ranks, those that ran in the window: each column keeps to them
 * (`and on(query)`), so Grafana's table joins the columns into the same rows.
 */
export const topStatements = `topk(${STATEMENT_ROWS}, ${statementSeconds} > 0)`;
/** Each statement's share of the time spent executing all of them in the window, in percent. */
export const statementShare = (window: Window) => {
  const seconds = window.rateBy('lab_statement_seconds_total', 'query');
  const total = [...seconds.values()].reduce((sum, value) => sum + value, 0);
  return new Map([...seconds].map(([query, value]) => [query, total > 0 ? (100 * value) / total : 0]));
};
/** Each statement's mean execution time per call in the window, in seconds (none for a statement not called). */
export const statementMean = (window: Window) => {
  const calls = window.rateBy('lab_statement_calls_total', 'query');
  const seconds = window.rateBy('lab_statement_seconds_total', 'query');
  return new Map([...seconds].flatMap(([query, value]): Array<[string, number]> => (calls.get(query) ? [[query, value / calls.get(query)!]] : [])));
};
