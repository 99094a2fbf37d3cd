/** The table of every run so far: the scenario's comparison, filled in by the lab. */
import Table from 'cli-table3';
import type { RequestOutcomes, RunRecord } from '../runs/run-record.js';
import { duration, localDateTime, percent, perSecond, type Paint } from './figures.js';

const plain: Paint = (_color, text) => text;

/**
 * One line per run, and under a run of a traffic mix one line per route. "vs first run" compares
 * with the first run on the same route (a run on /users/42/posts is not compared with /feed; a
 * route of a mix with the same route in the first run of the mix): success in percentage
 * points, p99 and req/s as ratios.
 */
export function renderRunsTable(runs: RunRecord[], paint: Paint = plain): string {
  if (runs.length === 0) return 'No runs yet. Run one with `npm run loadtest`.';
  const table = new Table({
    head: ['#', 'run', 'started', 'users', 'route', 'success', 'p50', 'p99', 'req/s', 'vs first run'].map((title) => paint('bold', title)),
    colAligns: ['right', 'left', 'left', 'right', 'left', 'right', 'right', 'right', 'right', 'left'],
    // No colors from the library itself: ours follow the terminal and NO_COLOR.
    style: { head: [], border: [] },
    // One line per run, no rule between runs: the table stays short as runs pile up.
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
  });
  const today = localDateTime(new Date().toISOString()).slice(0, 10);
  runs.forEach((run, index) => {
    const { summary } = run;
    const first = runs.find((other) => routeOf(other.summary) === routeOf(summary))!;
    const started = localDateTime(run.startedAt);
    table.push([
      String(index + 1),
      run.partial ? `${run.label} (stopped early)` : run.label,
      // The date only when it is not today: the table stays narrow.
      started.startsWith(today) ? started.slice(11) : started,
      summary.ratePerSecond !== undefined ? `${summary.ratePerSecond}/s` : String(summary.users),
      routeOf(summary),
      paint(VERDICT_COLOR[run.verdict], percent(summary.successRate)),
      duration(summary.latencyMs.p50),
      duration(summary.latencyMs.p99),
      perSecond(summary.requestsPerSecond),
      run === first ? '—' : comparison(summary, first.summary),
    ]);
    for (const route of summary.routes ?? []) {
      const firstOfRoute = first.summary.routes?.find((other) => other.name === route.name);
      table.push([
        '', '', '', '',
        `· ${route.name}`,
        paint(route.successRate < 100 ? 'red' : 'green', percent(route.successRate)),
        duration(route.latencyMs.p50),
        duration(route.latencyMs.p99),
        perSecond(route.requestsPerSecond),
        run === first || !firstOfRoute ? '—' : comparison(route, firstOfRoute),
      ]);
    }
  });
  return table.toString();
}

/** "/feed", "POST /orders", "mix": the route column (GET goes without saying). */
function routeOf(summary: RunRecord['summary']): string {
  return summary.method ? `${summary.method} ${summary.route}` : summary.route;
}

const VERDICT_COLOR = { red: 'red', amber: 'yellow', green: 'green' } as const;

function comparison(outcomes: RequestOutcomes, first: RequestOutcomes): string {
  const points = outcomes.successRate - first.successRate;
  const success = Math.abs(points) < 0.5 ? 'success about the same' : `success ${points > 0 ? '+' : '-'}${Math.round(Math.abs(points))} pts`;
  const p99 = ratio(outcomes.latencyMs.p99, first.latencyMs.p99, 'lower', 'higher');
  const throughput = ratio(outcomes.requestsPerSecond, first.requestsPerSecond, 'lower', 'higher');
  return `${success}, p99 ${p99}, req/s ${throughput}`;
}

/** "12× lower", "3.4× higher", "about the same" — how `value` compares with `baseline`. */
export function ratio(value: number, baseline: number, lower: string, higher: string): string {
  if (value <= 0 || baseline <= 0) return value === baseline ? 'about the same' : 'n/a';
  const factor = value / baseline;
  if (factor > 0.95 && factor < 1.05) return 'about the same';
  const times = (x: number) => (x >= 10 ? `${Math.round(x)}×` : `${x.toFixed(1)}×`);
  return factor < 1 ? `${times(1 / factor)} ${lower}` : `${times(factor)} ${higher}`;
}
