/**
 * Load-test runs as marks on the charts, from the run history the load test writes
 * (lab/runs/history.ts): finished runs, and the one under way if its process is alive.
 */
import { listRuns, readInProgress } from '../runs/history.js';
import type { RunRecord } from '../runs/run-record.js';

export interface RunMarker {
  id: string;
  label: string;
  /** Unix seconds. */
  start: number;
  /** Unix seconds; null while the run is still going. */
  end: number | null;
  verdict?: RunRecord['verdict'];
}

/** Runs that overlap the time since `sinceSeconds`, oldest first. */
export function runMarkers(sinceSeconds: number, runsDir: string, inProgressFile: string): RunMarker[] {
  const markers: RunMarker[] = [];
  const finishedIds = new Set<string>();
  for (const record of listRuns(runsDir)) {
    const start = Date.parse(record.startedAt) / 1000;
    const end = Date.parse(record.endedAt) / 1000;
    if (!Number.isFinite(start) || !Number.isFinite(end)) continue;
    finishedIds.add(record.id);
    if (end >= sinceSeconds) markers.push({ id: record.id, label: record.label, start, end, verdict: record.verdict });
  }
  const current = readInProgress(inProgressFile);
  const start = current ? Date.parse(current.startedAt) / 1000 : NaN;
  // Just after a run ends its record and its marker may both exist for a moment: the record wins.
  if (current && Number.isFinite(start) && !finishedIds.has(current.id)) {
    markers.push({ id: current.id, label: current.label ?? `${current.users} users on ${current.route}`, start, end: null });
  }
  return markers.sort((a, b) => a.start - b.start);
}
