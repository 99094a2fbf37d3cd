/**
 * The run history on disk: one JSON file per finished run in `.lab/runs/`, plus the
 * in-progress marker while a load test runs. Readers (`npm run runs`, checks, dashboard)
 * call listRuns(); only the load test writes.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { writeJsonFile } from '../json-file.js';
import { isProcessAlive } from '../os/processes.js';
import type { InProgressRun, RunRecord } from './run-record.js';

/** The in-progress marker's name inside the runs folder (LabPaths.inProgressRun). */
export const IN_PROGRESS_NAME = 'in-progress.json';

/** A new run id: sortable by start time, unique even for two runs started in the same millisecond. */
export function newRunId(startedAt: Date): string {
  return `${startedAt.toISOString().replaceAll(':', '-')}-${randomBytes(3).toString('hex')}`;
}

/** Saves a finished (or stopped) run. Written to a temporary file first, so readers never see half a record. */
export function saveRun(record: RunRecord, dir: string): string {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${record.id}.json`);
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, `${JSON.stringify(record, null, 2)}\n`);
  fs.renameSync(temporary, file);
  return file;
}

/** Every saved run, oldest first. Files that are not run records (hand-edited, half-written) are skipped. */
export function listRuns(dir: string): RunRecord[] {
  return runFiles(dir)
    .map((file) => readRecord(path.join(dir, file)))
    .filter((record): record is RunRecord => record !== undefined)
    .sort((a, b) => a.id.localeCompare(b.id));
}

/** How many saved runs there are (not counting a run in progress). */
export function countRuns(dir: string): number {
  return runFiles(dir).length;
}

/** Deletes every saved run (not a run that is still in progress). Returns how many were deleted. */
export function clearRuns(dir: string): number {
  const files = runFiles(dir);
  for (const file of files) fs.rmSync(path.join(dir, file), { force: true });
  return files.length;
}

/** Announces a run under way (and, as it goes, its tally so far), for the dashboard and for a second load test. */
export function writeInProgress(run: InProgressRun, file: string): void {
  writeJsonFile(file, run);
}

/** The run under way, if its process is still alive; a marker left by a killed process is ignored. */
export function readInProgress(file: string): InProgressRun | undefined {
  try {
    const run = JSON.parse(fs.readFileSync(file, 'utf8')) as InProgressRun;
    return isProcessAlive(run.pid) ? run : undefined;
  } catch {
    return undefined;
  }
}

/** Removes the marker if this process wrote it. Synchronous, so it also works in an 'exit' handler. */
export function removeInProgress(file: string, ownerPid = process.pid): void {
  try {
    const run = JSON.parse(fs.readFileSync(file, 'utf8')) as InProgressRun;
    if (run.pid === ownerPid || !isProcessAlive(run.pid)) fs.rmSync(file, { force: true });
  } catch {
    // No marker, or not readable: nothing of ours to remove.
  }
}

function runFiles(dir: string): string[] {
  try {
    return fs.readdirSync(dir).filter((name) => name.endsWith('.json') && name !== IN_PROGRESS_NAME);
  } catch {
    return [];
  }
}

function readRecord(file: string): RunRecord | undefined {
  try {
    const record = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<RunRecord>;
    if (typeof record.id !== 'string' || typeof record.label !== 'string' || !record.summary || !record.snapshot) return undefined;
    return record as RunRecord;
  } catch {
    return undefined;
  }
}
