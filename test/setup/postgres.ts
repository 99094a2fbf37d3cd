/**
 * Starts one real PostgreSQL (the embedded binaries, like the lab) in a temporary folder
 * on a free port, provisions the app role, applies the schema and seeds the default
 * dataset once. Test files never touch this template database directly: each makes its
 * own copy with createTestDatabase(), so an index created by one test cannot leak into another.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { PG_SUPERUSER, PG_SUPERUSER_PASSWORD } from '../../lab/config.js';
import { applySchema, provisionAppRoleAndDatabase } from '../../lab/database/provision.js';
import { embeddedAdminUrl, embeddedAppUrl, embeddedMaintenanceUrl } from '../../lab/database/urls.js';
import { initialiseCluster, startServer } from '../../lab/postgres/embedded.js';
import { seed } from '../../db/seed.js';
import { freePort } from '../helpers/ports.js';
import pg from 'pg';

async function sqlOnce(url: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

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
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-test-pg-'));
  fs.chmodSync(workDir, 0o755);
  const port = await freePort();
  const options = {
    dataDir: path.join(workDir, 'pgdata'),
    port,
    logFile: path.join(workDir, 'postgres.log'),
    superuser: PG_SUPERUSER,
    superuserPassword: PG_SUPERUSER_PASSWORD,
  };
  await initialiseCluster(options);
  const server = await startServer(options);
  await provisionAppRoleAndDatabase(embeddedMaintenanceUrl(port));
  await applySchema(embeddedAppUrl(port));
  await seed(embeddedAppUrl(port));
  // Keep the template idle: CREATE DATABASE … TEMPLATE fails while anyone (autovacuum
  // included) is connected to it, and autovacuum skips databases that refuse connections.
  await sqlOnce(embeddedMaintenanceUrl(port), 'ALTER DATABASE feed WITH ALLOW_CONNECTIONS false');

  project.provide('pgPort', port);
  project.provide('pgDataDir', options.dataDir);
  project.provide('pgLogFile', options.logFile);
  project.provide('templateAppUrl', embeddedAppUrl(port));
  project.provide('templateAdminUrl', embeddedAdminUrl(port));
  project.provide('maintenanceUrl', embeddedMaintenanceUrl(port));

  return async () => {
    await server.stop();
    fs.rmSync(workDir, { recursive: true, force: true });
  };
}
