/**
 * Scenario 4's own charts, as the built-in dashboard computes them and Grafana queries them:
 * each instance's event-loop utilisation (the rate of the busy seconds src/metrics.ts
 * publishes), and the machine's cores as a dashed ceiling on the CPU chart, which the lab
 * server's exporter gives the dashboard with no app or database needed.
 */
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { chartSeries } from '../../../lab/dashboard/chart-history.js';
import { panelsFor, type ChartPanel } from '../../../lab/dashboard/panels.js';
import { Sampler } from '../../../lab/dashboard/sampler.js';
import { LabExporter } from '../../../lab/exporter/lab-exporter.js';
import { parsePrometheusText } from '../../../lab/metrics/prometheus-text.js';
import { snapshotOf, Window } from '../../../lab/metrics/window.js';
import { scenario } from '../../helpers/project-lab.js';

const panels = panelsFor(scenario);
const chart = (id: string): ChartPanel => {
  const found = panels.find((panel) => panel.id === id);
  if (found?.kind !== 'chart') throw new Error(`no chart ${id}`);
  return found;
};
const line = (id: string, label: string) => {
  const found = chart(id).series.find((series) => series.label === label);
  if (!found) throw new Error(`no line ${label} on ${id}`);
  return found;
};

/** Ten seconds of scrapes, one a second, each counter growing evenly to its total. */
function tenSeconds(totals: Record<string, number>): Window {
  const text = (second: number) =>
    Object.entries(totals)
      .map(([sample, total]) => `${sample} ${(total * second) / 10}`)
      .join('\n');
  return new Window(Array.from({ length: 11 }, (_, second) => snapshotOf(second * 1000, parsePrometheusText(text(second)))), 10);
}

describe('event-loop utilisation by instance', () => {
  it('comes right after the CPU chart, one line per instance the balancer can have', () => {
    const ids = panels.map((panel) => panel.id);
    expect(ids.indexOf('event-loop')).toBe(ids.indexOf('cpu') + 1);
    expect(chart('event-loop')).toMatchObject({ title: 'Event-loop utilisation by instance (1 = always busy)', unit: 'fraction' });
    expect(chart('event-loop').series.map((series) => series.label)).toEqual(['app-1', 'app-2', 'app-3', 'app-4']);
  });

  it('draws each instance\'s busy seconds per second: near 1 for a saturated one, near 0 for an idle one', () => {
    // In 10 s, app-1's loop was busy 9.7 s, app-2's 0.3 s.
    const window = tenSeconds({
      'nodejs_eventloop_active_seconds_total{process="app-1"}': 9.7,
      'nodejs_eventloop_active_seconds_total{process="app-2"}': 0.3,
    });
    expect(line('event-loop', 'app-1').compute(window)).toBeCloseTo(0.97);
    expect(line('event-loop', 'app-2').compute(window)).toBeCloseTo(0.03);
    expect(line('event-loop', 'app-1').promql).toBe('sum(rate(nodejs_eventloop_active_seconds_total{process="app-1"}[10s]))');
  });
});

describe('the machine\'s cores on the CPU chart', () => {
  const exporter = new LabExporter({
    // Nothing listens on either: the cores come from the lab server itself.
    adminUrl: 'postgres://nobody@127.0.0.1:9/nothing',
    tables: scenario.database.tables,
    appHealthUrl: 'http://127.0.0.1:9/health',
    inProgressRunFile: path.join(os.tmpdir(), 'no-such-run.json'),
    checkLoadsFile: path.join(os.tmpdir(), 'no-such-check-loads.json'),
  });
  afterAll(() => exporter.close());

  it('is a dashed line at the cores the lab\'s processes can run on, from the lab exporter in both dashboards', async () => {
    expect(line('cpu', 'machine cores')).toMatchObject({ dashed: true, promql: 'sum(lab_machine_cores)' });
    const sampler = new Sampler({ exporter, panels, metricsTargets: () => [] });
    await sampler.sampleOnce();
    const drawn = sampler.history.since().values[chartSeries(panels).findIndex(({ key }) => key === 'cpu/machine cores')]!;
    expect(drawn).toEqual([os.availableParallelism()]);
    expect(parsePrometheusText(await exporter.metrics())).toContainEqual({ name: 'lab_machine_cores', labels: {}, value: os.availableParallelism() });
  });
});
