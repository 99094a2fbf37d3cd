import { describe, expect, it } from 'vitest';
import { parsePrometheusText } from '../metrics/prometheus-text.js';
import { snapshotOf, Window } from '../metrics/window.js';
import { scenario } from '../../test/helpers/project-lab.js';
import type { ScenarioDefinition } from '../scenario/definition.js';
import { panelsFor, type ChartPanel, type PanelDefinition, type PanelId, type TablePanel } from './panels.js';
import { tableRows } from './tables.js';

/** Ten seconds of a lab, one reading a second as the dashboard takes them: each counter grows evenly to its total. */
function tenSeconds(counters: Record<string, number>, until: Record<string, number> = {}): Window {
  const text = (second: number) =>
    Object.entries(counters)
      .map(([sample, total]) => `${sample} ${(total * Math.min(second, until[sample] ?? 10)) / (until[sample] ?? 10)}`)
      .join('\n');
  return new Window(Array.from({ length: 11 }, (_, second) => snapshotOf(second * 1000, parsePrometheusText(text(second)))), 10);
}

const scenarioOne = panelsFor(scenario);

const chart = (panels: PanelDefinition[], panelId: string): ChartPanel => {
  const found = panels.find((panel) => panel.id === panelId);
  if (found?.kind !== 'chart') throw new Error(`no chart ${panelId}`);
  return found;
};
const seriesOf = (panels: PanelDefinition[], panelId: string, label: string) => {
  const found = chart(panels, panelId).series.find((s) => s.label === label);
  if (!found) throw new Error(`no series ${panelId}/${label}`);
  return found;
};
const series = (panelId: string, label: string) => seriesOf(scenarioOne, panelId, label).compute;

/** A scenario only this test knows: a shop whose definition asks for everything the engine offers. */
const shop: ScenarioDefinition = {
  ...scenario,
  number: 99,
  title: 'A shop',
  database: { name: 'shop', role: 'shop_app', password: 'shop_app', tables: ['orders', 'products'], statements: true },
  dashboard: { latencyRoutes: ['/orders/mine', 'POST /orders'] },
};
/** The same shop with no dashboard of its own and no statements: the engine's panels alone. */
const plain: ScenarioDefinition = { ...shop, database: { ...shop.database, statements: false }, dashboard: {} };

// 50,000 posts. Per 10 s: requests the app answered, and rows of posts read.
const broken = tenSeconds({
  'http_requests_total{status_code="200"}': 150,
  'http_requests_total{status_code="500"}': 850,
  'lab_table_rows_read_total{table="posts",scan="sequential"}': 150 * 50_000,
  'lab_table_rows_read_total{table="posts",scan="index"}': 0,
  lab_db_sessions_opened_total: 160,
  lab_db_connections_refused_total: 840,
});
// Pool only: no refusals, less time lost logging in, so MORE rows per second than broken.
const poolOnly = tenSeconds({
  'http_requests_total{status_code="200"}': 300,
  'lab_table_rows_read_total{table="posts",scan="sequential"}': 300 * 50_000,
  'lab_table_rows_read_total{table="posts",scan="index"}': 0,
  lab_db_sessions_opened_total: 0,
  lab_db_connections_refused_total: 0,
});
const poolAndIndex = tenSeconds({
  'http_requests_total{status_code="200"}': 40_000,
  'lab_table_rows_read_total{table="posts",scan="sequential"}': 0,
  'lab_table_rows_read_total{table="posts",scan="index"}': 40_000 * 20,
  // The feed's users come through their primary key: not on Scenario 1's panel.
  'lab_table_rows_read_total{table="users",scan="index"}': 40_000 * 20,
  lab_db_sessions_opened_total: 0,
  lab_db_connections_refused_total: 0,
});

describe('the rows read panel, Scenario 1 (posts only)', () => {
  const sequential = series('rows', 'posts: sequential scan');
  const index = series('rows', 'posts: index');

  it('shows posts alone, as its definition asks', () => {
    expect(chart(scenarioOne, 'rows').series.map((s) => s.label)).toEqual(['posts: sequential scan', 'posts: index']);
  });

  it('reads about the whole table per request without the index, with or without a pool', () => {
    expect(sequential(broken)).toBe(50_000);
    // Twice the rows per second of the broken app, yet the same per request: the text stays true.
    expect(sequential(poolOnly)).toBe(50_000);
    expect(index(poolOnly)).toBe(0);
  });

  it('drops to about 20 index rows per request, and 0 by sequential scan, once the index serves the feed', () => {
    expect(sequential(poolAndIndex)).toBe(0);
    expect(index(poolAndIndex)).toBe(20);
  });

  it('stops when requests stop succeeding, though the requests left in flight still read rows', () => {
    // The load test ended at second 4; the app kept scanning for the requests it left behind.
    const tail = tenSeconds(
      { 'http_requests_total{status_code="200"}': 120, 'lab_table_rows_read_total{table="posts",scan="sequential"}': 320 * 50_000 },
      { 'http_requests_total{status_code="200"}': 4 },
    );
    expect(sequential(tail)).toBeNull();
  });

  it('has no value while no request succeeds', () => {
    const idle = tenSeconds({ 'http_requests_total{status_code="200"}': 0, 'lab_table_rows_read_total{table="posts",scan="sequential"}': 0 });
    expect(sequential(idle)).toBeNull();
  });
});

describe('the rows read panel, any scenario', () => {
  it('has a pair of lines for each of the definition\'s tables, each reading its own table', () => {
    const panels = panelsFor(plain);
    expect(chart(panels, 'rows').series.map((s) => s.label)).toEqual(['orders: sequential scan', 'orders: index', 'products: sequential scan', 'products: index']);
    const shopping = tenSeconds({
      'http_requests_total{status_code="200"}': 100,
      'lab_table_rows_read_total{table="orders",scan="sequential"}': 100 * 200_000,
      'lab_table_rows_read_total{table="products",scan="index"}': 100 * 30,
    });
    expect(seriesOf(panels, 'rows', 'orders: sequential scan').compute(shopping)).toBe(200_000);
    expect(seriesOf(panels, 'rows', 'products: index').compute(shopping)).toBe(30);
    expect(seriesOf(panels, 'rows', 'products: sequential scan').compute(shopping)).toBe(0);
    expect(seriesOf(panels, 'rows', 'orders: sequential scan').promql).toContain('lab_table_rows_read_total{table="orders",scan="sequential"}');
  });
});

describe('what to look for', () => {
  it('the engine\'s own lines tell no scenario\'s story', () => {
    const text = panelsFor(plain).map((panel) => `${panel.title} ${panel.lookFor} ${panel.help}`).join('\n');
    expect(text).not.toMatch(/\bposts?\b|feed|\bpool\b|per request:|src\/|bonus/i);
  });

  it('Scenario 1\'s story comes from its definition, panel by panel', () => {
    for (const panel of scenarioOne) {
      const own = scenario.dashboard?.lookFor?.[panel.id as PanelId];
      expect(panel.lookFor).toBe(own ?? panelsFor(plain).find((other) => other.id === panel.id)!.lookFor);
    }
    expect(chart(scenarioOne, 'churn').lookFor).toMatch(/about one attempt per \/feed request/);
    expect(chart(scenarioOne, 'rows').help).toMatch(/bonus B1/);
  });
});

describe('the latency by route panel', () => {
  /** Cumulative bucket counts (≤ 0.1 s, ≤ 1 s, all) of one route's requests in ten seconds. */
  const histogram = (route: string, method: string, counts: [number, number, number]) =>
    Object.fromEntries(['0.1', '1', '+Inf'].map((le, i) => [`http_request_duration_seconds_bucket{method="${method}",route="${route}",le="${le}"}`, counts[i]!]));

  it('is there only when the definition names routes', () => {
    expect(panelsFor(plain).map((panel) => panel.id)).not.toContain('routes');
    expect(scenarioOne.map((panel) => panel.id)).not.toContain('routes');
    expect(chart(panelsFor(shop), 'routes').series.map((s) => s.label)).toEqual(['/orders/mine', 'POST /orders']);
  });

  it('draws each route\'s own p99, a method keeping to its method', () => {
    const panels = panelsFor(shop);
    const window = tenSeconds({
      // Every /orders/mine request takes between 0.1 and 1 s; every POST /orders under 0.1 s.
      ...histogram('/orders/mine', 'GET', [0, 100, 100]),
      ...histogram('/orders', 'POST', [50, 50, 50]),
      // A GET on the same pattern, slow: not part of the POST line.
      ...histogram('/orders', 'GET', [0, 0, 10]),
    });
    expect(seriesOf(panels, 'routes', '/orders/mine').compute(window)).toBeCloseTo(0.991);
    expect(seriesOf(panels, 'routes', 'POST /orders').compute(window)).toBeCloseTo(0.099);
    expect(seriesOf(panels, 'routes', 'POST /orders').promql).toBe(
      'histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{method="POST",route="/orders"}[10s])))',
    );
  });
});

describe('the top queries panel', () => {
  const table = (definition: ScenarioDefinition) => {
    const found = panelsFor(definition).find((panel) => panel.id === 'statements');
    return found?.kind === 'table' ? (found as TablePanel) : undefined;
  };

  it('is there only when the definition asks for pg_stat_statements', () => {
    expect(table(plain)).toBeUndefined();
    expect(table(scenario)).toBeUndefined();
    expect(table(shop)?.columns.map((column) => column.label)).toEqual(['share of time', 'calls per second', 'mean time per call']);
  });

  it('ranks the queries by their time in the window, with each one\'s share, calls and mean time', () => {
    const panel = table(shop)!;
    const seconds = (query: string, total: number, calls: number) => ({
      [`lab_statement_seconds_total{query="${query}"}`]: total,
      [`lab_statement_calls_total{query="${query}"}`]: calls,
    });
    const window = tenSeconds({
      ...seconds('SELECT * FROM orders WHERE user_id = $1', 24, 400),
      ...seconds('SELECT * FROM products WHERE category = $1', 4, 1_000),
      ...seconds('INSERT INTO orders VALUES ($1)', 2, 2_000),
      ...seconds('q4', 0.4, 10),
      ...seconds('q5', 0.2, 10),
      ...seconds('q6', 0.1, 10),
    });
    const rows = tableRows(panel, window);
    expect(rows.map((row) => row.name)).toEqual(['SELECT * FROM orders WHERE user_id = $1', 'SELECT * FROM products WHERE category = $1', 'INSERT INTO orders VALUES ($1)', 'q4', 'q5']);
    const [first] = rows;
    expect(first!.values[0]).toBeCloseTo((100 * 24) / 30.7);
    expect(first!.values[1]).toBeCloseTo(40);
    expect(first!.values[2]).toBeCloseTo(0.06);
  });

  it('leaves out queries that did not run in the window', () => {
    const panel = table(shop)!;
    const reading = (second: number) => snapshotOf(second * 1000, parsePrometheusText('lab_statement_seconds_total{query="old"} 5\nlab_statement_calls_total{query="old"} 5'));
    const still = new Window([reading(0), reading(1), reading(2)], 10);
    expect(tableRows(panel, still)).toEqual([]);
  });
});

describe('the connection attempts panel', () => {
  const attempts = series('churn', 'attempts (new + refused)');
  const requests = series('churn', 'requests (app)');

  it('shows about one attempt per request for a connection per request, opened or refused', () => {
    expect(attempts(broken)).toBe(100);
    expect(requests(broken)).toBe(100);
  });

  it('shows about none with a pool while requests go on', () => {
    expect(attempts(poolOnly)).toBe(0);
    expect(requests(poolOnly)).toBe(30);
  });

  it('counts new sessions alone when refusals cannot be read (DATABASE_URL)', () => {
    expect(attempts(tenSeconds({ lab_db_sessions_opened_total: 50 }))).toBe(5);
  });

  it('names two of its series for the ratio shown beside the title', () => {
    const churn = chart(scenarioOne, 'churn');
    const labels = churn.series.map((s) => s.label);
    expect(labels).toContain(churn.ratio!.numerator);
    expect(labels).toContain(churn.ratio!.denominator);
  });
});

describe('what the load test\'s users felt', () => {
  const run = tenSeconds({
    'http_requests_total{status_code="200"}': 180,
    'lab_loadtest_requests_total{outcome="ok"}': 180,
    'lab_loadtest_requests_total{outcome="timeout"}': 820,
    'lab_loadtest_requests_total{outcome="no connection"}': 0,
    'lab_loadtest_requests_total{outcome="error status"}': 0,
  });

  it('counts the timeouts the app never saw, so success is what users felt', () => {
    expect(series('success', 'answered by the app')(run)).toBe(100);
    expect(series('success', 'felt by load-test users')(run)).toBe(18);
    expect(series('errors', 'timed out (load test)')(run)).toBe(82);
    expect(series('errors', '5xx from the app')(run)).toBe(0);
  });
});

describe('axes that keep earlier runs readable', () => {
  it('draws requests, latency and rows read on a log axis, linear below a request a second and a millisecond', () => {
    // 16 requests a second before the fixes and 1,500 after; p99 9 s against 60 ms: on a linear axis the smaller run is a line at 0.
    expect(['requests', 'latency', 'rows'].map((id) => [id, chart(scenarioOne, id).scale, chart(scenarioOne, id).linearThreshold])).toEqual([
      ['requests', 'log', 1],
      ['latency', 'log', 0.001],
      ['rows', 'log', 1],
    ]);
    expect(chart(scenarioOne, 'connections').scale).toBeUndefined();
  });

  it('says so in the panel\'s "?", once, whether the engine or the scenario wrote it', () => {
    for (const id of ['requests', 'latency', 'rows']) expect(chart(scenarioOne, id).help.match(/logarithmic/g), id).toHaveLength(1);
    expect(chart(scenarioOne, 'connections').help).not.toMatch(/logarithmic/);
  });
});

describe("a scenario's own charts", () => {
  /** A queue's scenario: its processes publish the jobs by status, the emails sent, and how long a sign-up waits for its email. */
  const queue: ScenarioDefinition = {
    ...plain,
    dashboard: {
      charts: [
        {
          id: 'queue',
          title: 'Jobs by status',
          unit: 'count',
          lookFor: 'Queued should stay near 0.',
          help: 'From the API\'s queue_jobs gauge.',
          series: [
            { label: 'queued', metric: 'queue_jobs', labels: { status: 'queued' }, show: 'value' },
            { label: 'running', metric: 'queue_jobs', labels: { status: 'running' }, show: 'value' },
          ],
        },
        {
          id: 'emails',
          title: 'Emails sent per second, and time from sign-up to email',
          unit: 'per second',
          scale: 'log',
          lookFor: 'Sent keeps up with sign-ups.',
          help: 'From the workers\' counters.',
          series: [
            { label: 'sent', metric: 'emails_sent_total', show: 'rate' },
            { label: 'p99 wait', metric: 'signup_to_email_seconds', show: { quantile: 0.99 }, dashed: true },
          ],
        },
      ],
    },
  };
  const panels = panelsFor(queue);
  const window = tenSeconds({
    'queue_jobs{status="queued"}': 40,
    'queue_jobs{status="running"}': 3,
    'emails_sent_total{process="worker-1"}': 120,
    'emails_sent_total{process="worker-2"}': 80,
    'signup_to_email_seconds_bucket{le="0.5"}': 90,
    'signup_to_email_seconds_bucket{le="1"}': 100,
    'signup_to_email_seconds_bucket{le="+Inf"}': 100,
  });

  it('come after the engine\'s panels, in the definition\'s order, with its words', () => {
    expect(panels.slice(-2).map((panel) => panel.id)).toEqual(['queue', 'emails']);
    expect(chart(panels, 'queue')).toMatchObject({ title: 'Jobs by status', unit: 'count', lookFor: 'Queued should stay near 0.' });
    expect(chart(panels, 'emails').help).toMatch(/logarithmic/);
    expect(seriesOf(panels, 'emails', 'p99 wait').dashed).toBe(true);
  });

  it('compute each line from the processes\' metrics, summed over them, as their PromQL does', () => {
    // Gauges: the newest value.
    expect(seriesOf(panels, 'queue', 'queued').compute(window)).toBe(40);
    expect(seriesOf(panels, 'queue', 'queued').promql).toBe('sum(queue_jobs{status="queued"})');
    // Counters: 200 emails in 10 s, from both workers.
    expect(seriesOf(panels, 'emails', 'sent').compute(window)).toBeCloseTo(20);
    expect(seriesOf(panels, 'emails', 'sent').promql).toBe('sum(rate(emails_sent_total[10s]))');
    // Histograms: 90 of 100 waits under 0.5 s, the rest under 1 s.
    expect(seriesOf(panels, 'emails', 'p99 wait').compute(window)).toBeCloseTo(0.95);
    expect(seriesOf(panels, 'emails', 'p99 wait').promql).toBe('histogram_quantile(0.99, sum by (le) (rate(signup_to_email_seconds_bucket[10s])))');
  });

  it('refuses an id the engine already uses, in one line', () => {
    const clash = { ...queue, dashboard: { charts: [{ ...queue.dashboard!.charts![0]!, id: 'latency' }] } };
    expect(() => panelsFor(clash)).toThrow(/chart "latency" needs an id of lowercase letters, digits and dashes that is none of the engine's panels/);
  });
});
