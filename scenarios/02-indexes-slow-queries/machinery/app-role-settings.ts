/**
 * The checks plan the pages' queries as the app would: the lab's admin connection is not the
 * app's role, and a setting given to the app's role or its database (`ALTER ROLE … SET
 * enable_seqscan = off`, `ALTER DATABASE … SET …`) changes the app's plans, not the admin's.
 * So the checks take on those settings for one transaction, in PostgreSQL's own order of
 * precedence, and judge the plan the app really gets.
 */
import type pg from 'pg';
import scenario from './scenario.js';

type Queryable = Pick<pg.Client, 'query'>;

/** Runs `read` in a transaction that has the app role's settings for this database, then rolls it back. */
export async function withAppRoleSettings<T>(client: Queryable, read: () => Promise<T>): Promise<T> {
  await client.query('BEGIN');
  try {
    // Weakest first, so the stronger ones win: every role everywhere, this database, the
    // app's role everywhere, the app's role in this database.
    const { rows } = await client.query<{ setting: string }>(
      `SELECT unnest(s.setconfig) AS setting
         FROM pg_db_role_setting s
        WHERE s.setdatabase IN (0, (SELECT oid FROM pg_database WHERE datname = current_database()))
          AND s.setrole IN (0, (SELECT oid FROM pg_roles WHERE rolname = $1))
        ORDER BY s.setrole <> 0, s.setdatabase <> 0`,
      [scenario.database.role],
    );
    for (const { setting } of rows) {
      const equals = setting.indexOf('=');
      await client.query('SELECT set_config($1, $2, true)', [setting.slice(0, equals), setting.slice(equals + 1)]);
    }
    return await read();
  } finally {
    await client.query('ROLLBACK');
  }
}
