/** The table of every run so far: the scenario's comparison, filled in by the lab. */
import Table from 'cli-table3';
import type { RunRecord } from '../runs/run-record.js';
import { duration, percent, perSecond, type Paint } from './format.js';

const plain: Paint = (_color, text) => text;

export function renderRunsTable(runs: RunRecord[], paint: Paint = plain): string {
  if (runs.length === 0) return 'No runs yet. Run one with `npm run loadtest`.';
  const table = new Table({
    head: ['#', 'run', 'started', 'users', 'success', 'p99', 'req/s', 'vs first run'].map((title) => paint('bold', title)),
    colAligns: ['right', 'left', 'left', 'right', 'right', 'right', 'right', 'left'],
    // No colors from the library itself: ours follow the terminal and NO_COLOR.
    style: { head: [], border: [] },
    // One line per run, no rule between runs: the table stays short as runs pile up.
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
  });
  const first = runs[0]!;
  runs.forEach((run, index) => {
    const { summary } = run;
    table.push([
      String(index + 1),
      run.partial ? `${run.label} (stopped early)` : run.label,
      startedAt(run.startedAt),
      String(summary.users),
      paint(VERDICT_COLOR[run.verdict], percent(summary.successRate)),
      duration(summary.latencyMs.p99),
      perSecond(summary.requestsPerSecond),
      index === 0 ? '—' : comparison(run, first),
    ]);
  });
  return table.toString();
}

const VERDICT_COLOR = { red: 'red', amber: 'yellow', green: 'green' } as const;

function startedAt(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '?';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

function comparison(run: RunRecord, first: RunRecord): string {
  const p99 = ratio(run.summary.latencyMs.p99, first.summary.latencyMs.p99, 'lower', 'higher');
  const throughput = ratio(run.summary.requestsPerSecond, first.summary.requestsPerSecond, 'lower', 'higher');
  return `p99 ${p99}, req/s ${throughput}`;
}

/** "12× lower", "3.4× higher", "about the same" — how `value` compares with `baseline`. */
export function ratio(value: number, baseline: number, lower: string, higher: string): string {
  if (value <= 0 || baseline <= 0) return value === baseline ? 'about the same' : 'n/a';
  const factor = value / baseline;
  if (factor > 0.95 && factor < 1.05) return 'about the same';
  const times = (x: number) => (x >= 10 ? `${Math.round(x)}×` : `${x.toFixed(1)}×`);
  return factor < 1 ? `${times(1 / factor)} ${lower}` : `${times(factor)} ${higher}`;
}
