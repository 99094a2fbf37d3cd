/**
 * Brings up the lab's database: the embedded server (default) or the one DATABASE_URL
 * names, then the app's role, database and schema.
 */
import { PG_DATA_DIR, PG_LOG_FILE, PG_SUPERUSER, PG_SUPERUSER_PASSWORD } from '../config.js';
import { embeddedAdminUrl, embeddedAppUrl, embeddedMaintenanceUrl } from '../database/urls.js';
import { applySchema, provisionAppRoleAndDatabase } from '../database/provision.js';
import { LabError } from '../errors.js';
import { initialiseCluster, startServer, type RunningPostgres } from '../postgres/embedded.js';
import type { LabSettings } from '../settings.js';
import { assertPortFree } from './ports.js';

export interface LabDatabase {
  mode: 'embedded' | 'external';
  appUrl: string;
  adminUrl: string;
  /** The embedded server, when the lab runs one. */
  server?: RunningPostgres;
}

export async function bringUpDatabase(settings: LabSettings, log: (line: string) => void): Promise<LabDatabase> {
  if (settings.externalDatabaseUrl) {
    const url = settings.externalDatabaseUrl;
    await applySchema(url).catch((error: unknown) => {
      throw new LabError(`Cannot use the database in DATABASE_URL: ${describe(error)}. Is it running and reachable?`);
    });
    return { mode: 'external', appUrl: url, adminUrl: url };
  }

  const options = {
    dataDir: PG_DATA_DIR,
    port: settings.embeddedPgPort,
    logFile: PG_LOG_FILE,
    superuser: PG_SUPERUSER,
    superuserPassword: PG_SUPERUSER_PASSWORD,
  };
  await assertPortFree(settings.embeddedPgPort, '127.0.0.1', 'the embedded PostgreSQL', 'LAB_DB_PORT');
  if (await initialiseCluster(options)) log('created a new PostgreSQL cluster in .lab/pgdata');
  const server = await startServer(options);
  try {
    await provisionAppRoleAndDatabase(embeddedMaintenanceUrl(settings.embeddedPgPort));
    const appUrl = embeddedAppUrl(settings.embeddedPgPort);
    // Applied as the app's role, so the app owns its tables and may index them.
    await applySchema(appUrl);
    return { mode: 'embedded', appUrl, adminUrl: embeddedAdminUrl(settings.embeddedPgPort), server };
  } catch (error) {
    await server.stop();
    throw error;
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
