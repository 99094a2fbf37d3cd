/**
 * Load on the charts: load-test runs, from the run history the load test writes
 * (lab/runs/run-store.ts), finished and under way, and the load `npm run check` sent
 * (lab/check/load-marks.ts), so that no spike on the dashboard goes unexplained.
 */
import { readCheckLoads } from '../check/load-marks.js';
import { listRuns, readInProgress } from '../runs/run-store.js';
import type { RunRecord } from '../runs/run-record.js';

export interface RunMarker {
  id: string;
  /** 'loadtest': `npm run loadtest`; 'check': the bursts of `npm run check`. */
  kind: 'loadtest' | 'check';
  label: string;
  /** Unix seconds. */
  start: number;
  /** Unix seconds; null while the run is still going. */
  end: number | null;
  verdict?: RunRecord['verdict'];
}

/** Load that overlaps the time since `sinceSeconds`, oldest first. */
export function runMarkers(sinceSeconds: number, runsDir: string, inProgressFile: string, checkLoadsFile: string): RunMarker[] {
  const markers: RunMarker[] = [];
  const finishedIds = new Set<string>();
  for (const record of listRuns(runsDir)) {
    const start = Date.parse(record.startedAt) / 1000;
    const end = Date.parse(record.endedAt) / 1000;
    if (!Number.isFinite(start) || !Number.isFinite(end)) continue;
    finishedIds.add(record.id);
    if (end >= sinceSeconds) markers.push({ id: record.id, kind: 'loadtest', label: record.label, start, end, verdict: record.verdict });
  }
  const current = readInProgress(inProgressFile);
  const start = current ? Date.parse(current.startedAt) / 1000 : NaN;
  // Just after a run ends its record and its marker may both exist for a moment: the record wins.
  if (current && Number.isFinite(start) && !finishedIds.has(current.id)) {
    // Its label (broken, pool only, …) is known only at the end, from what the database showed.
    const label = current.label ? `${current.label} (running)` : `load test running: ${current.users} users on ${current.route}`;
    markers.push({ id: current.id, kind: 'loadtest', label, start, end: null });
  }
  for (const mark of readCheckLoads(checkLoadsFile)) {
    if ((mark.end ?? Number.POSITIVE_INFINITY) < sinceSeconds) continue;
    markers.push({ id: `check-${mark.pid}-${mark.start}`, kind: 'check', label: mark.label, start: mark.start, end: mark.end });
  }
  return markers.sort((a, b) => a.start - b.start);
}
