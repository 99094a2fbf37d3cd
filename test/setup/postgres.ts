/**
 * Starts one real PostgreSQL (the embedded binaries, like the lab) for the whole test run,
 * seeded with the default dataset once. Test files never touch this template database
 * directly: each makes its own copy with createTestDatabase(), so an index created by one
 * test cannot leak into another.
 */
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { APP_DATABASE } from '../../lab/config.js';
import { startScratchDatabase } from '../../harness/scratch-database.js';

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
  const database = await startScratchDatabase('lab-test-pg');
  // Keep the template idle: CREATE DATABASE … TEMPLATE fails while anyone (autovacuum
  // included) is connected to it, and autovacuum skips databases that refuse connections.
  const client = new pg.Client({ connectionString: database.maintenanceUrl });
  await client.connect();
  await client.query(`ALTER DATABASE ${client.escapeIdentifier(APP_DATABASE)} WITH ALLOW_CONNECTIONS false`);
  await client.end();

  project.provide('pgPort', database.port);
  project.provide('pgDataDir', database.dataDir);
  project.provide('pgLogFile', database.logFile);
  project.provide('templateAppUrl', database.appUrl);
  project.provide('templateAdminUrl', database.adminUrl);
  project.provide('maintenanceUrl', database.maintenanceUrl);

  return () => database.stop();
}
