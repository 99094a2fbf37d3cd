/**
 * Facts read from PostgreSQL's own statistics, shared by the load test's snapshot, the
 * dashboard's exporter and the checks. Every function takes an open client, so callers
 * can keep one long-lived connection (which itself opens no new sessions while it lives).
 */
import type pg from 'pg';

type Queryable = Pick<pg.Client, 'query'>;

/** The lab's name for pg_stat_activity's "starting" state: a connection in the middle of logging in. */
export const LOGGING_IN = 'logging in';

/**
 * Sessions ever opened to the database (pg_stat_database.sessions, PostgreSQL 14+).
 * The difference between two readings is how many new connections were made in between.
 */
export async function sessionsOpened(client: Queryable, database: string): Promise<number> {
  const result = await client.query<{ sessions: string | null }>(
    'SELECT sessions FROM pg_stat_database WHERE datname = $1',
    [database],
  );
  return Number(result.rows[0]?.sessions ?? 0);
}

/**
 * Client connections to the database (or, with `null`, to the whole server) by state
 * (active, idle, idle in transaction, …), leaving out the given pid (the caller's own).
 * A connection that has sent its start-up packet but not finished logging in is in state
 * "starting" (PostgreSQL 18 and later), reported here as "logging in".
 */
export async function clientConnectionsByState(client: Queryable, database: string | null, excludePid?: number): Promise<Record<string, number>> {
  const result = await client.query<{ state: string | null; count: string }>(
    `SELECT coalesce(state, 'unknown') AS state, count(*) AS count
       FROM pg_stat_activity
      WHERE ($1::text IS NULL OR datname = $1) AND backend_type = 'client backend' AND pid <> coalesce($2::int, 0)
      GROUP BY 1`,
    [database, excludePid ?? null],
  );
  return Object.fromEntries(result.rows.map((row) => [row.state === 'starting' ? LOGGING_IN : row.state ?? 'unknown', Number(row.count)]));
}

/**
 * Client connections waiting for a lock another transaction holds (a row another worker has
 * locked, a table being altered), on the whole server, leaving out the given pid.
 */
export async function clientsWaitingForLocks(client: Queryable, excludePid?: number): Promise<number> {
  const result = await client.query<{ count: string }>(
    `SELECT count(*) AS count
       FROM pg_stat_activity
      WHERE backend_type = 'client backend' AND wait_event_type = 'Lock' AND pid <> coalesce($1::int, 0)`,
    [excludePid ?? null],
  );
  return Number(result.rows[0]!.count);
}

/**
 * Client connections by application_name (what each process of the lab's fleet sets to its
 * name, "worker-2"), on the whole server, leaving out the given pid (the caller's own).
 */
export async function clientConnectionsByApplication(client: Queryable, excludePid?: number): Promise<Record<string, number>> {
  const result = await client.query<{ name: string; count: string }>(
    `SELECT application_name AS name, count(*) AS count
       FROM pg_stat_activity
      WHERE backend_type = 'client backend' AND pid <> coalesce($1::int, 0)
      GROUP BY 1`,
    [excludePid ?? null],
  );
  return Object.fromEntries(result.rows.map((row) => [row.name, Number(row.count)]));
}

/**
 * Client connections at one moment: to `database` (the caller's own left out), held there by
 * `role`, and on the whole server (the caller's own included: PostgreSQL counts every client
 * backend, superusers' too, against max_connections).
 */
export interface ConnectionCounts {
  database: number;
  role: number;
  server: number;
}

export async function connectionCounts(client: Queryable, database: string, role: string | null, excludePid: number): Promise<ConnectionCounts> {
  const result = await client.query<{ database: string; role: string; server: string }>(
    `SELECT count(*) FILTER (WHERE datname = $1 AND pid <> $3) AS database,
            count(*) FILTER (WHERE datname = $1 AND usename = $2) AS role,
            count(*) AS server
       FROM pg_stat_activity WHERE backend_type = 'client backend'`,
    [database, role, excludePid],
  );
  const row = result.rows[0];
  return { database: Number(row?.database ?? 0), role: Number(row?.role ?? 0), server: Number(row?.server ?? 0) };
}

/**
 * How many client connections the server takes before it refuses a role that is not a
 * superuser ("sorry, too many clients already", SQLSTATE 53300): max_connections less the slots
 * kept for superusers (superuser_reserved_connections) and, from PostgreSQL 16, for
 * pg_use_reserved_connections (reserved_connections). Every client connection, a superuser's
 * too, fills one of these slots.
 */
export async function connectionsBeforeRefusal(client: Queryable): Promise<number> {
  const result = await client.query<{ slots: number }>(
    `SELECT current_setting('max_connections')::int
            - current_setting('superuser_reserved_connections')::int
            - coalesce(current_setting('reserved_connections', true)::int, 0) AS slots`,
  );
  return Number(result.rows[0]?.slots ?? 0);
}

/** The server's max_connections setting. */
export async function maxConnections(client: Queryable): Promise<number> {
  const result = await client.query<{ setting: string }>("SELECT setting FROM pg_settings WHERE name = 'max_connections'");
  return Number(result.rows[0]?.setting ?? 0);
}

/** The database's room for client connections: max_connections, of which the last few only superusers may take. */
export interface ConnectionBudget {
  maxConnections: number;
  reservedForSuperusers: number;
}

/** max_connections and superuser_reserved_connections, as the server runs now. */
export async function connectionBudget(client: Queryable): Promise<ConnectionBudget> {
  const result = await client.query<{ name: string; setting: string }>(
    "SELECT name, setting FROM pg_settings WHERE name IN ('max_connections', 'superuser_reserved_connections')",
  );
  const setting = (name: string) => Number(result.rows.find((row) => row.name === name)?.setting ?? 0);
  return { maxConnections: setting('max_connections'), reservedForSuperusers: setting('superuser_reserved_connections') };
}

/** "25 allowed (max_connections), 3 of them kept for superusers: 22 for the app". */
export function describeConnectionBudget({ maxConnections, reservedForSuperusers }: ConnectionBudget): string {
  return `${maxConnections} allowed (max_connections), ${reservedForSuperusers} of them kept for superusers: ${maxConnections - reservedForSuperusers} for the app`;
}

/** Rows of one table read since statistics began: every row a sequential scan passed, and the rows fetched through an index. */
export interface RowsRead {
  sequential: number;
  index: number;
}

/**
 * Rows of each of these tables (in schema public) read by sequential scans
 * (pg_stat_user_tables.seq_tup_read) and fetched through indexes (idx_tup_fetch), since
 * statistics began. A table that does not exist (yet) reads as 0 and 0. Must be called on a
 * connection to the app's database: these statistics are per database.
 */
export async function tableRowsRead(client: Queryable, tables: readonly string[]): Promise<Record<string, RowsRead>> {
  const result = await client.query<{ table: string; seq: string | null; idx: string | null }>(
    `SELECT relname AS table, seq_tup_read AS seq, idx_tup_fetch AS idx
       FROM pg_stat_user_tables WHERE schemaname = 'public' AND relname = ANY($1::text[])`,
    [tables],
  );
  const read = Object.fromEntries(tables.map((table): [string, RowsRead] => [table, { sequential: 0, index: 0 }]));
  for (const row of result.rows) read[row.table] = { sequential: Number(row.seq ?? 0), index: Number(row.idx ?? 0) };
  return read;
}

/** Rows in each of these tables (in schema public) as PostgreSQL counts them (n_live_tup); 0 for a table that does not exist. */
export async function liveRows(client: Queryable, tables: readonly string[]): Promise<Record<string, number>> {
  const result = await client.query<{ table: string; rows: string | null }>(
    `SELECT relname AS table, n_live_tup AS rows FROM pg_stat_user_tables WHERE schemaname = 'public' AND relname = ANY($1::text[])`,
    [tables],
  );
  const rows = Object.fromEntries(tables.map((table): [string, number] => [table, 0]));
  for (const row of result.rows) rows[row.table] = Number(row.rows ?? 0);
  return rows;
}
