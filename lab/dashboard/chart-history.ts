/**
 * The built-in dashboard's memory: one point per second for every series of every panel,
 * for the last 15 minutes. The lab server fills it itself, so the history is there when the
 * page is opened, and a browser only ever asks for what it has not seen yet. It can be saved
 * and restored (see HistoryFile), so restarting `npm start` keeps what the charts showed.
 */
import type { PanelDefinition } from './panels.js';
import type { Window } from '../metrics/window.js';

export const HISTORY_SECONDS = 15 * 60;

/** Readings further apart than this left a hole (the lab was stopped, or stalled): a gap, not a line across it. */
const GAP_SECONDS = 3;

export interface HistorySlice {
  /** Unix time in seconds of each point. */
  times: number[];
  /** One array per series, chart panels in order and series in order within each panel; null is a gap. */
  values: Array<Array<number | null>>;
}

/** The history as saved: each series under its "panel id/series label" key, so a changed panel list still loads. */
export interface SavedHistory {
  series: string[];
  times: number[];
  values: Array<Array<number | null>>;
}

/** Every series of the chart panels, in order (table panels keep no history: they show the present). */
export function chartSeries(panels: PanelDefinition[]) {
  return panels.flatMap((panel) => (panel.kind === 'chart' ? panel.series.map((series) => ({ key: `${panel.id}/${series.label}`, series })) : []));
}

export class History {
  private times: number[] = [];
  private values: Array<Array<number | null>>;
  private readonly seriesKeys: string[];
  private readonly computes: Array<(window: Window) => number | null>;

  constructor(panels: PanelDefinition[], private readonly capacity = HISTORY_SECONDS) {
    const series = chartSeries(panels);
    this.seriesKeys = series.map(({ key }) => key);
    this.computes = series.map(({ series }) => series.compute);
    this.values = this.computes.map(() => []);
  }

  /** Computes every series from the window and appends one point at `timeMs`. */
  record(timeMs: number, window: Window): void {
    const time = timeMs / 1000;
    const previous = this.times.at(-1);
    if (previous !== undefined && time - previous > GAP_SECONDS) this.push(previous + 1, this.computes.map(() => null));
    this.push(
      time,
      this.computes.map((compute) => {
        const value = compute(window);
        return value === null || !Number.isFinite(value) ? null : value;
      }),
    );
  }

  /** Points strictly after `afterSeconds` (all of them when undefined). */
  since(afterSeconds?: number): HistorySlice {
    let start = 0;
    if (afterSeconds !== undefined) {
      start = this.times.length;
      while (start > 0 && this.times[start - 1]! > afterSeconds) start -= 1;
    }
    return { times: this.times.slice(start), values: this.values.map((series) => series.slice(start)) };
  }

  /** Everything, for saving (values to 4 significant digits: what a chart can show). */
  save(): SavedHistory {
    const round = (value: number | null) => (value === null ? null : Number(value.toPrecision(4)));
    return { series: this.seriesKeys, times: [...this.times], values: this.values.map((series) => series.map(round)) };
  }

  /**
   * Puts back a saved history, keeping only the points younger than the capacity at `nowMs`.
   * A series the saved history lacks (a panel added since) is a gap there; a saved series no
   * panel has any more is dropped. Anything malformed is ignored: the history starts empty.
   */
  restore(saved: unknown, nowMs: number): void {
    if (!isSavedHistory(saved)) return;
    const oldest = nowMs / 1000 - this.capacity;
    const keep = saved.times.map((time, index) => [time, index] as const).filter(([time]) => time >= oldest && time <= nowMs / 1000);
    const columns = this.seriesKeys.map((key) => saved.series.indexOf(key));
    this.times = keep.map(([time]) => time);
    this.values = columns.map((column) => keep.map(([, index]) => (column < 0 ? null : (saved.values[column]?.[index] ?? null))));
  }

  private push(time: number, point: Array<number | null>): void {
    this.times.push(time);
    point.forEach((value, index) => this.values[index]!.push(value));
    while (this.times.length > this.capacity) {
      this.times.shift();
      for (const series of this.values) series.shift();
    }
  }
}

function isSavedHistory(value: unknown): value is SavedHistory {
  if (typeof value !== 'object' || value === null) return false;
  const saved = value as Partial<SavedHistory>;
  return Array.isArray(saved.series) && Array.isArray(saved.times) && Array.isArray(saved.values) &&
    saved.times.every((time) => typeof time === 'number') &&
    saved.values.every((series) => Array.isArray(series) && series.length === saved.times!.length);
}
