/**
 * Starts one real PostgreSQL (the embedded binaries, like the lab) for a project's whole test
 * run, seeded once with its scenario's default dataset. Test files never touch this template
 * database directly: each makes its own copy with createTestDatabase(), so an index created by
 * one test cannot leak into another.
 *
 * Each scenario's tests are a project (vitest.config.ts) whose LAB_SCENARIO names it; this setup
 * runs in vitest's own process, once per project, and opens that project's scenario.
 */
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { startScratchDatabase } from '../../harness/scratch-database.js';
import { loadDefinition } from '../../lab/lab.js';
import { folderOf } from '../../lab/scenario/location.js';

declare module 'vitest' {
  export interface ProvidedContext {
    pgPort: number;
    pgDataDir: string;
    pgLogFile: string;
    /** The seeded template database, as the app role. Copy it; do not connect to it. */
    templateAppUrl: string;
    templateAdminUrl: string;
    maintenanceUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const folder = folderOf(project.config.env.LAB_SCENARIO ?? '1');
  const scenario = await loadDefinition(folder);
  const database = await startScratchDatabase(scenario, path.join(folder, scenario.files.schema), 'lab-test-pg');
  // Keep the template idle: CREATE DATABASE … TEMPLATE fails while anyone (autovacuum
  // included) is connected to it, and autovacuum skips databases that refuse connections.
  const client = new pg.Client({ connectionString: database.maintenanceUrl });
  await client.connect();
  await client.query(`ALTER DATABASE ${client.escapeIdentifier(scenario.database.name)} WITH ALLOW_CONNECTIONS false`);
  await client.end();

  project.provide('pgPort', database.port);
  project.provide('pgDataDir', database.dataDir);
  project.provide('pgLogFile', database.logFile);
  project.provide('templateAppUrl', database.appUrl);
  project.provide('templateAdminUrl', database.adminUrl);
  project.provide('maintenanceUrl', database.maintenanceUrl);

  return () => database.stop();
}
