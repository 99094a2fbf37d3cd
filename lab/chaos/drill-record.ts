/**
 * The outcome of the last database drill, kept in .lab/drills.json so `npm run check` can
 * tell whether the app process running now has survived a database restart.
 */
import fs from 'node:fs';
import path from 'node:path';
import { STATE_DIR } from '../config.js';

export const DRILLS_FILE = path.join(STATE_DIR, 'drills.json');

export interface DatabaseDrillRecord {
  finishedAt: string;
  /** The process that served the app during the drill (undefined when it could not be found). */
  appPid?: number;
  /** Seconds the database was away. */
  databaseDownSeconds: number;
  /** The app served /feed again after the database returned. */
  appServedAgain: boolean;
  /** From the database's return to the first /feed answered 200; null when it never was. */
  recoverySeconds: number | null;
  /** The app process was gone after the drill (it crashed). */
  appCrashed: boolean;
}

export interface DrillsFile {
  database?: DatabaseDrillRecord;
}

export function readDrills(file = DRILLS_FILE): DrillsFile {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as DrillsFile;
  } catch {
    return {};
  }
}

export function recordDatabaseDrill(record: DatabaseDrillRecord, file = DRILLS_FILE): void {
  const drills = { ...readDrills(file), database: record };
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(drills, null, 2)}\n`);
}
