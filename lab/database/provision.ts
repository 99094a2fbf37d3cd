/**
 * Makes a fresh server ready for the scenario: the app's role and database (embedded mode),
 * then the schema. Every step checks first, so it is safe on every start.
 */
import fs from 'node:fs';
import pg from 'pg';
import type { AppDatabase } from '../scenario/definition.js';

/**
 * Creates the app's role and its database on the embedded server if missing. The role owns
 * the database, so it owns the tables it creates there and may index them: enough for
 * the scenario, and nothing like the superuser's powers.
 */
export async function provisionAppRoleAndDatabase(maintenanceUrl: string, app: AppDatabase): Promise<void> {
  const client = new pg.Client({ connectionString: maintenanceUrl });
  // A server stopped mid-query fails the query; the listener keeps the event from crashing the lab.
  client.on('error', () => undefined);
  await client.connect();
  try {
    const role = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [app.role]);
    if (role.rowCount === 0) {
      // Identifiers and literals come from constants; escaped anyway.
      await client.query(
        `CREATE ROLE ${client.escapeIdentifier(app.role)} LOGIN PASSWORD ${client.escapeLiteral(app.password)}`,
      );
    }
    const database = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [app.name]);
    if (database.rowCount === 0) {
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(app.name)} OWNER ${client.escapeIdentifier(app.role)}`);
    }
  } finally {
    await client.end();
  }
}

/** Applies db/schema.sql (idempotent) as the given user, who then owns the tables. */
export async function applySchema(databaseUrl: string, schemaFile: string): Promise<void> {
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
