/**
 * How a lab command (seed, check, chaos, db, …) finds the lab's database: the running
 * lab's announcement in .lab/lab.json, or DATABASE_URL when the lab uses an external server.
 */
import { labNotRunning } from './errors.js';
import { readRunningLab } from './lab-state.js';
import type { Lab } from './lab.js';

export interface LabDatabaseUrls {
  appUrl: string;
  adminUrl: string;
}

export function resolveLabDatabase(lab: Pick<Lab, 'paths' | 'settings'>): LabDatabaseUrls {
  const running = readRunningLab(lab.paths.labState);
  if (running?.appDatabaseUrl) return { appUrl: running.appDatabaseUrl, adminUrl: running.adminDatabaseUrl };
  const external = lab.settings.externalDatabaseUrl;
  if (external) return { appUrl: external, adminUrl: external };
  throw labNotRunning('run this again');
}
