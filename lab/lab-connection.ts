/**
 * How a lab command (seed, check, chaos, db, …) finds the lab's database: the running
 * lab's announcement in .lab/lab.json, or DATABASE_URL when the lab uses an external server.
 */
import { labNotRunning } from './errors.js';
import { readRunningLab } from './lab-state.js';
import { readSettings } from './settings.js';

export interface LabDatabaseUrls {
  appUrl: string;
  adminUrl: string;
}

export function resolveLabDatabase(env: NodeJS.ProcessEnv = process.env): LabDatabaseUrls {
  const running = readRunningLab();
  if (running?.appDatabaseUrl) return { appUrl: running.appDatabaseUrl, adminUrl: running.adminDatabaseUrl };
  // Read and checked where every setting is: a DATABASE_URL that is no postgres:// URL gets its one line.
  const external = readSettings(env).externalDatabaseUrl;
  if (external) return { appUrl: external, adminUrl: external };
  throw labNotRunning('run this again');
}
