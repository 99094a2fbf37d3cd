/**
 * A throwaway PostgreSQL for the tests and the benchmark: a fresh cluster in a temporary
 * folder on a free port, with the app's role, database, schema and the default seed —
 * the same steps `npm start` takes, beside (never instead of) the learner's own lab.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ScenarioDefinition } from '../lab/scenario/definition.js';
import { defaultSize } from '../lab/seeding.js';
import { PG_SUPERUSER, PG_SUPERUSER_PASSWORD } from '../lab/config.js';
import { applySchema, provisionAppRoleAndDatabase } from '../lab/database/provision.js';
import { enableStatementStatistics, STATEMENTS_LIBRARY } from '../lab/database/pg-stat-statements.js';
import { embeddedAdminUrl, embeddedAppUrl, embeddedMaintenanceUrl } from '../lab/database/urls.js';
import { freePort } from '../lab/net/free-port.js';
import { initialiseCluster, startServer } from '../lab/postgres/embedded.js';

export interface ScratchDatabase {
  port: number;
  /** The postmaster's process id. */
  pid: number;
  dataDir: string;
  logFile: string;
  appUrl: string;
  adminUrl: string;
  maintenanceUrl: string;
  /** Stops the server and deletes its folder. */
  stop(): Promise<void>;
}

export interface ScratchOptions {
  /** The connection budget (max_connections); default: the scenario's own, as the learner's lab has it. */
  maxConnections?: number;
  /** pg_stat_statements preloaded and created, as for a scenario that asks for it (default: as the scenario's definition says). */
  statements?: boolean;
}

/** A scratch server for `scenario`, with its role, database, schema (`schemaFile`) and default seed. */
export async function startScratchDatabase(
  scenario: ScenarioDefinition,
  schemaFile: string,
  prefix: string,
  scratch: ScratchOptions = {},
): Promise<ScratchDatabase> {
  const app = scenario.database;
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
  // The server may run as another OS user (see os-user.ts): it must be able to enter the folder.
  fs.chmodSync(folder, 0o755);
  const port = await freePort();
  const statements = scratch.statements ?? scenario.database.statements ?? false;
  const maxConnections = scratch.maxConnections ?? scenario.database.maxConnections;
  const options = {
    dataDir: path.join(folder, 'pgdata'),
    port,
    logFile: path.join(folder, 'postgres.log'),
    superuser: PG_SUPERUSER,
    superuserPassword: PG_SUPERUSER_PASSWORD,
    ...(maxConnections !== undefined ? { maxConnections } : {}),
    preloadLibraries: statements ? [STATEMENTS_LIBRARY] : [],
  };
  await initialiseCluster(options);
  const server = await startServer(options);
  try {
    await provisionAppRoleAndDatabase(embeddedMaintenanceUrl(port), app);
    await applySchema(embeddedAppUrl(port, app), schemaFile);
    if (statements) await enableStatementStatistics(embeddedAdminUrl(port, app), app.role);
    await scenario.dataset.seed(embeddedAppUrl(port, app), { size: defaultSize(scenario) });
  } catch (error) {
    await server.stop();
    throw error;
  }
  return {
    port,
    pid: server.pid,
    dataDir: options.dataDir,
    logFile: options.logFile,
    appUrl: embeddedAppUrl(port, app),
    adminUrl: embeddedAdminUrl(port, app),
    maintenanceUrl: embeddedMaintenanceUrl(port),
    async stop() {
      await server.stop();
      fs.rmSync(folder, { recursive: true, force: true });
    },
  };
}
