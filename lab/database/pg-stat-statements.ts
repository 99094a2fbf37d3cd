/**
 * PostgreSQL's own ranking of the app's queries: the pg_stat_statements extension, which ships
 * with the embedded server. A scenario whose definition asks for it (`database.statements`)
 * gets the library preloaded, the extension created in its database, and the app's role
 * allowed to reset the counts; the lab exporter reads the totals for the "top queries" panel.
 */
import pg from 'pg';

type Queryable = Pick<pg.Client, 'query'>;

/** The library PostgreSQL must load at start (shared_preload_libraries) for the extension to count anything. */
export const STATEMENTS_LIBRARY = 'pg_stat_statements';

/** Longer statements are cut here (with "…"): enough to recognise a query on a dashboard. */
const QUERY_TEXT_CHARS = 160;

/**
 * Creates the extension in the database `adminUrl` names (as a superuser: it is not a trusted
 * extension), lets `role` reset its counts (`SELECT pg_stat_statements_reset()`), and reads
 * the view once, which fails unless the server was started with the library preloaded.
 * Safe to run on every start.
 */
export async function enableStatementStatistics(adminUrl: string, role: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  client.on('error', () => undefined);
  await client.connect();
  try {
    await client.query(`CREATE EXTENSION IF NOT EXISTS ${STATEMENTS_LIBRARY}`);
    // One function of that name, so no argument list is needed (PostgreSQL 10 and later).
    await client.query(`GRANT EXECUTE ON FUNCTION pg_stat_statements_reset TO ${client.escapeIdentifier(role)}`);
    await client.query('SELECT 1 FROM pg_stat_statements LIMIT 1');
  } finally {
    await client.end();
  }
}

/** What PostgreSQL counted for one statement since its counts were last reset. */
export interface StatementTotals {
  /** The statement as pg_stat_statements normalises it ($1 for each constant), on one line, cut to a readable length. */
  query: string;
  calls: number;
  /** Time spent executing it, all calls together. */
  seconds: number;
}

/** The app's statements, and since when PostgreSQL counts them. */
export interface StatementsReading {
  /** When the counts were last reset as a whole (pg_stat_statements_info.stats_reset): a new value means they start over. */
  resetAt: string;
  statements: StatementTotals[];
}

/** statementTotals, with the time its counts started from. */
export async function readStatements(client: Queryable, role: string, limit: number): Promise<StatementsReading> {
  const info = await client.query<{ reset_at: string }>('SELECT stats_reset::text AS reset_at FROM pg_stat_statements_info');
  return { resetAt: info.rows[0]?.reset_at ?? '', statements: await statementTotals(client, role, limit) };
}

/**
 * The statements `role` ran in the current database, the most time-consuming first, at most
 * `limit` of them. Statements that read the same once put on one line and cut are added
 * together. Fails when the extension is missing or its library is not loaded.
 */
export async function statementTotals(client: Queryable, role: string, limit: number): Promise<StatementTotals[]> {
  const result = await client.query<{ query: string; calls: string; milliseconds: number }>(
    `SELECT s.query, s.calls, s.total_exec_time AS milliseconds
       FROM pg_stat_statements s
       JOIN pg_roles r ON r.oid = s.userid
       JOIN pg_database d ON d.oid = s.dbid
      WHERE r.rolname = $1 AND d.datname = current_database()
      ORDER BY s.total_exec_time DESC
      LIMIT $2`,
    [role, limit],
  );
  const byText = new Map<string, StatementTotals>();
  for (const row of result.rows) {
    const query = oneLine(row.query);
    const totals = byText.get(query) ?? { query, calls: 0, seconds: 0 };
    totals.calls += Number(row.calls);
    totals.seconds += row.milliseconds / 1000;
    byText.set(query, totals);
  }
  return [...byText.values()];
}

/** A statement on one line, cut to QUERY_TEXT_CHARS. */
export function oneLine(query: string): string {
  const flat = query.replace(/\s+/g, ' ').trim();
  return flat.length <= QUERY_TEXT_CHARS ? flat : `${flat.slice(0, QUERY_TEXT_CHARS - 1)}…`;
}
