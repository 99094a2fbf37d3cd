/** The table of every run so far: the scenario's comparison, filled in by the lab. */
import Table from 'cli-table3';
import type { RunRecord } from '../runs/run-record.js';
import { duration, localDateTime, percent, perSecond, type Paint } from './format.js';

const plain: Paint = (_color, text) => text;

/**
 * One line per run. "vs first run" compares with the first run on the same route (a run on
 * /users/42/posts is not compared with /feed): success in percentage points, p99 and req/s as ratios.
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
    const first = runs.find((other) => other.summary.route === summary.route)!;
    const started = localDateTime(run.startedAt);
    table.push([
      String(index + 1),
      run.partial ? `${run.label} (stopped early)` : run.label,
      // The date only when it is not today: the table stays narrow.
      started.startsWith(today) ? started.slice(11) : started,
      String(summary.users),
      summary.route,
      paint(VERDICT_COLOR[run.verdict], percent(summary.successRate)),
      duration(summary.latencyMs.p50),
      duration(summary.latencyMs.p99),
      perSecond(summary.requestsPerSecond),
      run === first ? '—' : comparison(run, first),
    ]);
  });
  return table.toString();
}

const VERDICT_COLOR = { red: 'red', amber: 'yellow', green: 'green' } as const;

function comparison(run: RunRecord, first: RunRecord): string {
  const points = run.summary.successRate - first.summary.successRate;
  const success = Math.abs(points) < 0.5 ? 'success about the same' : `success ${points > 0 ? '+' : '-'}${Math.round(Math.abs(points))} pts`;
  const p99 = ratio(run.summary.latencyMs.p99, first.summary.latencyMs.p99, 'lower', 'higher');
  const throughput = ratio(run.summary.requestsPerSecond, first.summary.requestsPerSecond, 'lower', 'higher');
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
