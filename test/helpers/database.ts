/**
 * Per-test databases: a fast copy (CREATE DATABASE … TEMPLATE) of the seeded template
 * that test/setup/postgres.ts prepared, owned by the app role, dropped afterwards.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { PG_SUPERUSER, PG_SUPERUSER_PASSWORD } from '../../lab/config.js';
import { embeddedUrl } from '../../lab/database/urls.js';
import { APP_DATABASE, APP_ROLE, APP_ROLE_PASSWORD } from './project-lab.js';

export interface TestDatabase {
  name: string;
  /** As the app's role: what a server under test connects with. */
  appUrl: string;
  /** As the superuser: for statistics and assertions. */
  adminUrl: string;
  drop(): Promise<void>;
}

const TEMPLATE = APP_DATABASE;

/** A copy of the seeded template, or with `empty` a database with no tables at all. */
export async function createTestDatabase(prefix = 'test', options: { empty?: boolean } = {}): Promise<TestDatabase> {
  const port = inject('pgPort');
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  const template = options.empty ? 'template0' : TEMPLATE;
  await withMaintenance(async (client) => {
    await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)} TEMPLATE ${template} OWNER ${client.escapeIdentifier(APP_ROLE)}`);
  });
  return {
    name,
    appUrl: embeddedUrl(port, APP_ROLE, APP_ROLE_PASSWORD, name),
    adminUrl: embeddedUrl(port, PG_SUPERUSER, PG_SUPERUSER_PASSWORD, name),
    async drop() {
      await withMaintenance(async (client) => {
        await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)} WITH (FORCE)`);
      });
    },
  };
}

async function withMaintenance(work: (client: pg.Client) => Promise<void>): Promise<void> {
  const client = new pg.Client({ connectionString: inject('maintenanceUrl') });
  await client.connect();
  try {
    await work(client);
  } finally {
    await client.end();
  }
}

/** Runs one query on the given URL with a short-lived connection. */
export async function sql<T extends pg.QueryResultRow = pg.QueryResultRow>(url: string, text: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text, params)).rows;
  } finally {
    await client.end();
  }
}
