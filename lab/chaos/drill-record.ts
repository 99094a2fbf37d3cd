/**
 * The outcome of the last database drill, kept in .lab/drills.json so `npm run check` can
 * judge the bonus by what happened in it, whatever restarted since.
 */
import { readJsonFile, writeJsonFile } from '../json-file.js';

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

export function readDrills(file: string): DrillsFile {
  return readJsonFile<DrillsFile>(file, {});
}

export function recordDatabaseDrill(record: DatabaseDrillRecord, file: string): void {
  writeJsonFile(file, { ...readDrills(file), database: record });
}
