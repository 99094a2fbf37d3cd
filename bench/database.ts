/** A private embedded PostgreSQL for the benchmark, seeded with the lab's default dataset. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { seed } from '../db/seed.js';
import { PG_SUPERUSER, PG_SUPERUSER_PASSWORD } from '../lab/config.js';
import { applySchema, provisionAppRoleAndDatabase } from '../lab/database/provision.js';
import { embeddedAppUrl, embeddedMaintenanceUrl } from '../lab/database/urls.js';
import { freePort } from '../lab/net/free-port.js';
import { initialiseCluster, startServer } from '../lab/postgres/embedded.js';

export interface BenchDatabase {
  appUrl: string;
  stop(): Promise<void>;
}

export async function startBenchDatabase(posts?: number): Promise<BenchDatabase> {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-pg-'));
  fs.chmodSync(folder, 0o755);
  const port = await freePort();
  const options = {
    dataDir: path.join(folder, 'pgdata'),
    port,
    logFile: path.join(folder, 'postgres.log'),
    superuser: PG_SUPERUSER,
    superuserPassword: PG_SUPERUSER_PASSWORD,
  };
  await initialiseCluster(options);
  const server = await startServer(options);
  try {
    await provisionAppRoleAndDatabase(embeddedMaintenanceUrl(port));
    await applySchema(embeddedAppUrl(port));
    await seed(embeddedAppUrl(port), posts === undefined ? {} : { posts });
  } catch (error) {
    await server.stop();
    throw error;
  }
  return {
    appUrl: embeddedAppUrl(port),
    async stop() {
      await server.stop();
      fs.rmSync(folder, { recursive: true, force: true });
    },
  };
}
