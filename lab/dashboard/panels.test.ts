import { describe, expect, it } from 'vitest';
import { parsePrometheusText } from '../metrics/prometheus-text.js';
import { snapshotOf, Window } from '../metrics/window.js';
import { panels } from './panels.js';

/** Ten seconds of a lab, one reading a second as the dashboard takes them: each counter grows evenly to its total. */
function tenSeconds(counters: Record<string, number>, until: Record<string, number> = {}): Window {
  const text = (second: number) =>
    Object.entries(counters)
      .map(([sample, total]) => `${sample} ${(total * Math.min(second, until[sample] ?? 10)) / (until[sample] ?? 10)}`)
      .join('\n');
  return new Window(Array.from({ length: 11 }, (_, second) => snapshotOf(second * 1000, parsePrometheusText(text(second)))), 10);
}

const series = (panelId: string, label: string) => {
  const found = panels.find((panel) => panel.id === panelId)?.series.find((s) => s.label === label);
  if (!found) throw new Error(`no series ${panelId}/${label}`);
  return found.compute;
};

// 50,000 posts. Per 10 s: requests the app answered, and rows of posts read.
const broken = tenSeconds({
  'http_requests_total{status_code="200"}': 150,
  'http_requests_total{status_code="500"}': 850,
  'lab_posts_rows_read_total{scan="sequential"}': 150 * 50_000,
  'lab_posts_rows_read_total{scan="index"}': 0,
  lab_db_sessions_opened_total: 160,
  lab_db_connections_refused_total: 840,
});
// Pool only: no refusals, less time lost logging in, so MORE rows per second than broken.
const poolOnly = tenSeconds({
  'http_requests_total{status_code="200"}': 300,
  'lab_posts_rows_read_total{scan="sequential"}': 300 * 50_000,
  'lab_posts_rows_read_total{scan="index"}': 0,
  lab_db_sessions_opened_total: 0,
  lab_db_connections_refused_total: 0,
});
const poolAndIndex = tenSeconds({
  'http_requests_total{status_code="200"}': 40_000,
  'lab_posts_rows_read_total{scan="sequential"}': 0,
  'lab_posts_rows_read_total{scan="index"}': 40_000 * 20,
  lab_db_sessions_opened_total: 0,
  lab_db_connections_refused_total: 0,
});

describe('the posts rows panel', () => {
  const sequential = series('rows', 'sequential scan');
  const index = series('rows', 'index');

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
      { 'http_requests_total{status_code="200"}': 120, 'lab_posts_rows_read_total{scan="sequential"}': 320 * 50_000 },
      { 'http_requests_total{status_code="200"}': 4 },
    );
    expect(sequential(tail)).toBeNull();
  });

  it('has no value while no request succeeds', () => {
    const idle = tenSeconds({ 'http_requests_total{status_code="200"}': 0, 'lab_posts_rows_read_total{scan="sequential"}': 0 });
    expect(sequential(idle)).toBeNull();
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
    const churn = panels.find((panel) => panel.id === 'churn')!;
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
