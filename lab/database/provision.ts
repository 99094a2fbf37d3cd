/**
 * Makes a fresh server ready for the scenario: the app's role and database (embedded mode),
 * then the schema. Every step checks first, so it is safe on every start.
 */
import fs from 'node:fs';
import pg from 'pg';
import { APP_DATABASE, APP_ROLE, APP_ROLE_PASSWORD, SCHEMA_FILE } from '../config.js';

/**
 * Creates the app's role and its database on the embedded server if missing. The role owns
 * the database, so it owns the tables it creates there and may index them: enough for
 * the scenario, and nothing like the superuser's powers.
 */
export async function provisionAppRoleAndDatabase(maintenanceUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: maintenanceUrl });
  // A server stopped mid-query fails the query; the listener keeps the event from crashing the lab.
  client.on('error', () => undefined);
  await client.connect();
  try {
    const role = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [APP_ROLE]);
    if (role.rowCount === 0) {
      // Identifiers and literals come from constants; escaped anyway.
      await client.query(
        `CREATE ROLE ${client.escapeIdentifier(APP_ROLE)} LOGIN PASSWORD ${client.escapeLiteral(APP_ROLE_PASSWORD)}`,
      );
    }
    const database = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [APP_DATABASE]);
    if (database.rowCount === 0) {
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(APP_DATABASE)} OWNER ${client.escapeIdentifier(APP_ROLE)}`);
    }
  } finally {
    await client.end();
  }
}

/** Applies db/schema.sql (idempotent) as the given user, who then owns the tables. */
export async function applySchema(databaseUrl: string, schemaFile = SCHEMA_FILE): Promise<void> {
  const sql = fs.readFileSync(schemaFile, 'utf8');
  const client = new pg.Client({ connectionString: databaseUrl });
  // A server stopped mid-query fails the query; the listener keeps the event from crashing the lab.
  client.on('error', () => undefined);
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
