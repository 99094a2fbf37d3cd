/**
 * Load-test runs as marks on the charts, read from the run history the load test writes
 * (lab/runs/run-record.ts): finished runs from `<id>.json`, the current one from in-progress.json.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { InProgressRun, RunRecord } from '../runs/run-record.js';

export interface RunMarker {
  id: string;
  label: string;
  /** Unix seconds. */
  start: number;
  /** Unix seconds; null while the run is still going. */
  end: number | null;
  verdict?: RunRecord['verdict'];
}

export class RunMarkers {
  /** Finished runs never change: read each file once. */
  private readonly finished = new Map<string, RunMarker | null>();

  constructor(private readonly runsDir: string) {}

  /** Runs that overlap the time since `sinceSeconds`, oldest first. */
  list(sinceSeconds: number): RunMarker[] {
    let names: string[];
    try {
      names = fs.readdirSync(this.runsDir);
    } catch {
      return [];
    }
    const markers: RunMarker[] = [];
    for (const name of names) {
      if (!name.endsWith('.json')) continue;
      const marker = name === 'in-progress.json' ? this.inProgress(name) : this.finishedRun(name);
      if (marker && (marker.end ?? Infinity) >= sinceSeconds) markers.push(marker);
    }
    // A finished run's record and the in-progress file may briefly both exist: keep the finished one.
    const unique = new Map(markers.map((marker) => [marker.id, marker] as const));
    for (const marker of markers) if (marker.end !== null) unique.set(marker.id, marker);
    return [...unique.values()].sort((a, b) => a.start - b.start);
  }

  private finishedRun(name: string): RunMarker | null {
    if (!this.finished.has(name)) {
      const record = readJson<RunRecord>(path.join(this.runsDir, name));
      const start = record ? Date.parse(record.startedAt) / 1000 : NaN;
      const end = record ? Date.parse(record.endedAt) / 1000 : NaN;
      // A file still being written reads as broken JSON: try again next time instead of remembering it.
      if (!record) return null;
      this.finished.set(name, Number.isFinite(start) && Number.isFinite(end) ? { id: record.id, label: record.label, start, end, verdict: record.verdict } : null);
    }
    return this.finished.get(name) ?? null;
  }

  private inProgress(name: string): RunMarker | null {
    const run = readJson<InProgressRun>(path.join(this.runsDir, name));
    const start = run ? Date.parse(run.startedAt) / 1000 : NaN;
    if (!run || !Number.isFinite(start)) return null;
    return { id: run.id, label: run.label ?? `${run.users} users on ${run.route}`, start, end: null };
  }
}

function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}
