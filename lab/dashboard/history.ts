/**
 * The built-in dashboard's memory: one point per second for every series of every panel,
 * for the last 15 minutes. The lab server fills it itself, so the history is there when the
 * page is opened, and a browser only ever asks for what it has not seen yet.
 */
import { panels } from './panels.js';
import type { Window } from '../metrics/window.js';

export const HISTORY_SECONDS = 15 * 60;

export interface HistorySlice {
  /** Unix time in seconds of each point. */
  times: number[];
  /** One array per series, panels in order and series in order within each panel; null is a gap. */
  values: Array<Array<number | null>>;
}

export class History {
  private readonly times: number[] = [];
  private readonly values: Array<Array<number | null>>;
  private readonly computes = panels.flatMap((panel) => panel.series.map((series) => series.compute));

  constructor(private readonly capacity = HISTORY_SECONDS) {
    this.values = this.computes.map(() => []);
  }

  /** Computes every series from the window and appends one point at `timeMs`. */
  record(timeMs: number, window: Window): void {
    this.times.push(timeMs / 1000);
    this.computes.forEach((compute, index) => {
      const value = compute(window);
      this.values[index]!.push(value === null || !Number.isFinite(value) ? null : value);
    });
    if (this.times.length > this.capacity) {
      this.times.shift();
      for (const series of this.values) series.shift();
    }
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
}
