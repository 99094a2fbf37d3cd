/**
 * The outcome of the last database drill, kept in .lab/drills.json so `npm run check` can
 * judge the bonus by what happened in it, whatever restarted since.
 */
import path from 'node:path';
import { STATE_DIR } from '../config.js';
import { readJsonFile, writeJsonFile } from '../json-file.js';

export const DRILLS_FILE = path.join(STATE_DIR, 'drills.json');

export interface DatabaseDrillRecord {
  finishedAt: string;
  /** The process that served the app during the drill (undefined when it could not be found). */
  appPid?: number;
  /** Seconds the database was away. */
  databaseDownSeconds: number;
  /** The app served the probed page again after the database returned. */
  appServedAgain: boolean;
  /** From the database's return to the first probe answered 200; null when it never was. */
  recoverySeconds: number | null;
  /** The app process was gone after the drill (it crashed). */
  appCrashed: boolean;
}

export interface DrillsFile {
  database?: DatabaseDrillRecord;
}

export function readDrills(file = DRILLS_FILE): DrillsFile {
  return readJsonFile<DrillsFile>(file, {});
}

export function recordDatabaseDrill(record: DatabaseDrillRecord, file = DRILLS_FILE): void {
  writeJsonFile(file, { ...readDrills(file), database: record });
}
