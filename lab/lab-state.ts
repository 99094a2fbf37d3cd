/**
 * The running lab announces itself in `.lab/lab.json`: the other commands (seed, check,
 * loadtest, chaos, db) read it to find the app and the database, and a second
 * `npm start` reads it to refuse to start twice.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { FleetMember } from './lab-context.js';
import { isProcessAlive } from './os/processes.js';

export interface LabState {
  supervisorPid: number;
  /** The folder of the scenario this lab runs (so a LAB_STATE_DIR outside it still tells which). */
  scenarioFolder?: string;
  startedAt: string;
  mode: 'embedded' | 'external';
  appPort: number;
  labPort: number;
  /** What the app connects with: its own role, not the superuser. */
  appDatabaseUrl: string;
  /** What the lab connects with for statistics and drills (the superuser in embedded mode). */
  adminDatabaseUrl: string;
  postgresPid?: number;
  /** The pid of the process on appPort (the fleet's first HTTP process), while it runs. */
  appPid?: number;
  /** Every process of the scenario's fleet: role, number, pid (while it runs), port (HTTP ones). */
  processes?: FleetMember[];
}

export function writeLabState(state: LabState, file: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, `${JSON.stringify(state, null, 2)}\n`);
  fs.renameSync(temporary, file);
}

/** The state file as written, whether or not its supervisor still runs. */
export function readLabStateFile(file: string): LabState | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as LabState;
  } catch {
    return undefined;
  }
}

/** The state of a lab whose supervisor is still alive, or undefined. */
export function readRunningLab(file: string): LabState | undefined {
  const state = readLabStateFile(file);
  return state && isProcessAlive(state.supervisorPid) ? state : undefined;
}

/** Removes the state file, but only if it still belongs to this process. */
export function removeLabState(ownerPid: number, file: string): void {
  try {
    const state = JSON.parse(fs.readFileSync(file, 'utf8')) as LabState;
    if (state.supervisorPid === ownerPid) fs.rmSync(file, { force: true });
  } catch {
    // Nothing to remove.
  }
}
