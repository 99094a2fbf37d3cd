/**
 * Brings up the lab's database: the embedded server (default) or the one DATABASE_URL
 * names, then the app's role, database and schema. Returns a DatabaseControl that the
 * drills use to stop and start the embedded server while the lab runs.
 */
import { PG_SUPERUSER, PG_SUPERUSER_PASSWORD } from '../config.js';
import { embeddedAdminUrl, embeddedAppUrl, embeddedMaintenanceUrl } from '../database/urls.js';
import { applySchema, provisionAppRoleAndDatabase } from '../database/provision.js';
import { enableStatementStatistics, STATEMENTS_LIBRARY } from '../database/pg-stat-statements.js';
import { learnerPath, type Lab } from '../lab.js';
import type { AppDatabase } from '../scenario/definition.js';
import { LabError } from '../errors.js';
import { initialiseCluster, startServer, stopLeftoverServer, type EmbeddedPostgresOptions, type RunningPostgres } from '../postgres/embedded.js';
import type { DatabaseControl } from '../lab-context.js';
import { assertPortFree } from '../net/ports.js';

export interface LabDatabase extends DatabaseControl {
  /** Stops the embedded server for good (lab shutdown). */
  shutdown(): Promise<void>;
  /** Called when the embedded server exits without being asked to. */
  onUnexpectedExit(listener: () => void): void;
}

/** The scenario's database settings say whether it wants pg_stat_statements and its connection budget. */
export async function bringUpDatabase(lab: Lab, log: (line: string) => void): Promise<LabDatabase> {
  const { settings, paths } = lab;
  const app = lab.scenario.database;
  const { statements, role } = app;
  if (settings.externalDatabaseUrl) {
    const url = settings.externalDatabaseUrl;
    await applySchema(url, paths.schema).catch((error: unknown) => {
      throw new LabError('DATABASE_UNREACHABLE', `Cannot use the database in DATABASE_URL: ${describe(error)}. Is it running and reachable?`);
    });
    if (statements) {
      // A server the lab did not start may lack the library or the rights: the lab goes on without it.
      await enableStatementStatistics(url, role).catch((error: unknown) =>
        log(`pg_stat_statements is not available on the DATABASE_URL server (${describe(error)}), so the top-queries panel stays empty. To have it, add shared_preload_libraries = '${STATEMENTS_LIBRARY}' to its postgresql.conf, restart it, and connect as a superuser.`),
      );
    }
    return externalDatabase(url);
  }

  const options: EmbeddedPostgresOptions = {
    dataDir: paths.pgData,
    port: settings.embeddedPgPort,
    logFile: paths.pgLog,
    superuser: PG_SUPERUSER,
    superuserPassword: PG_SUPERUSER_PASSWORD,
    preloadLibraries: statements ? [STATEMENTS_LIBRARY] : [],
    ...(app.maxConnections !== undefined ? { maxConnections: app.maxConnections } : {}),
  };
  // A server left running by a lab that was killed holds the port: stop it first.
  await stopLeftoverServer(options.dataDir);
  await assertPortFree(settings.embeddedPgPort, '127.0.0.1', 'the embedded PostgreSQL', 'LAB_DB_PORT');
  if (await initialiseCluster(options)) log(`created a new PostgreSQL cluster in ${learnerPath(paths.pgData, paths.runFrom)}`);
  const database = embeddedDatabase(options, app, await startServer(options));
  try {
    await provisionAppRoleAndDatabase(embeddedMaintenanceUrl(settings.embeddedPgPort), app);
    // Applied as the app's role, so the app owns its tables and may index them.
    await applySchema(database.appUrl, paths.schema);
    if (statements) await enableStatementStatistics(database.adminUrl, role);
    return database;
  } catch (error) {
    await database.shutdown();
    throw error;
  }
}

function embeddedDatabase(options: EmbeddedPostgresOptions, app: AppDatabase, first: RunningPostgres): LabDatabase {
  let current: RunningPostgres | undefined;
  let expectingExit = false;
  const listeners: Array<() => void> = [];
  const adopt = (server: RunningPostgres) => {
    current = server;
    expectingExit = false;
    void server.exited.then(() => {
      if (current === server) current = undefined;
      if (!expectingExit) for (const listener of listeners) listener();
    });
  };
  adopt(first);
  const stop = async () => {
    expectingExit = true;
    await current?.stop();
    current = undefined;
  };
  return {
    mode: 'embedded',
    appUrl: embeddedAppUrl(options.port, app),
    adminUrl: embeddedAdminUrl(options.port, app),
    pid: () => current?.pid,
    stop,
    async start() {
      if (current) return;
      adopt(await startServer(options));
    },
    shutdown: stop,
    onUnexpectedExit: (listener) => listeners.push(listener),
  };
}

function externalDatabase(url: string): LabDatabase {
  const notHere = () =>
    Promise.reject(new LabError('EXTERNAL_DATABASE', 'The lab did not start this database (DATABASE_URL is set), so it cannot stop or start it.'));
  return {
    mode: 'external',
    appUrl: url,
    adminUrl: url,
    pid: () => undefined,
    stop: notHere,
    start: notHere,
    shutdown: async () => undefined,
    onUnexpectedExit: () => undefined,
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
