/**
 * The load `npm run check` sends (its bursts, its goal run), kept in .lab/check-loads.json so
 * the dashboard marks it as it marks load-test runs: a spike the learner did not start
 * is labelled with what sent it. Only the newest marks are kept.
 */
import { readJsonFile, writeJsonFile } from '../json-file.js';
import { isProcessAlive } from '../os/processes.js';

/** Older marks are dropped: the dashboard shows the last 15 minutes. */
const KEEP_SECONDS = 60 * 60;
const KEEP_AT_MOST = 100;

export interface CheckLoad {
  /** What the check sent, e.g. "npm run check: fix 1". */
  label: string;
  /** The check's process, to ignore a mark left open by a check that was killed. */
  pid: number;
  /** Unix seconds. */
  start: number;
  /** Unix seconds; null while the load is under way. */
  end: number | null;
}

/** Marks the time `send` runs as load sent by the check, and returns what it returns. */
export async function markCheckLoad<T>(label: string, send: () => Promise<T>, file: string): Promise<T> {
  const mark: CheckLoad = { label, pid: process.pid, start: Date.now() / 1000, end: null };
  write(file, [...readCheckLoads(file), mark]);
  try {
    return await send();
  } finally {
    const end = Date.now() / 1000;
    write(file, readCheckLoads(file).map((other) => (other.pid === mark.pid && other.start === mark.start ? { ...other, end } : other)));
  }
}

/** The marks kept, oldest first; an open mark whose process is gone is left out. */
export function readCheckLoads(file: string): CheckLoad[] {
  const marks = readJsonFile<CheckLoad[]>(file, []);
  if (!Array.isArray(marks)) return [];
  return marks.filter((mark) => typeof mark.start === 'number' && (mark.end !== null || isProcessAlive(mark.pid)));
}

function write(file: string, marks: CheckLoad[]): void {
  const since = Date.now() / 1000 - KEEP_SECONDS;
  writeJsonFile(file, marks.filter((mark) => (mark.end ?? Number.POSITIVE_INFINITY) >= since).slice(-KEEP_AT_MOST));
}
