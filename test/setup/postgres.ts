/**
 * Starts one real PostgreSQL (the embedded binaries, like the lab) for a project's whole test
 * run, seeded once with its scenario's default dataset. Test files never touch this template
 * database directly: each makes its own copy with createTestDatabase(), so an index created by
 * one test cannot leak into another.
 *
 * Each scenario's tests are a project (vitest.config.ts) whose LAB_SCENARIO names it. The test
 * files get it in their environment; this setup runs in vitest's own process, where every
 * project's setup runs in turn, each with its own copy of the engine's modules: so it names the
 * scenario while it loads the engine, then puts the variable back.
 */
import pg from 'pg';
import type { TestProject } from 'vitest/node';

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
  const { startScratchDatabase, APP_DATABASE } = await withScenario(project.config.env.LAB_SCENARIO, async () => ({
    ...(await import('../../harness/scratch-database.js')),
    ...(await import('../../lab/config.js')),
  }));
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

/** Runs `load` with LAB_SCENARIO set to `name` (when given), and restores it afterwards. */
async function withScenario<T>(name: string | undefined, load: () => Promise<T>): Promise<T> {
  const before = process.env.LAB_SCENARIO;
  if (name !== undefined) process.env.LAB_SCENARIO = name;
  try {
    return await load();
  } finally {
    if (before === undefined) delete process.env.LAB_SCENARIO;
    else process.env.LAB_SCENARIO = before;
  }
}
