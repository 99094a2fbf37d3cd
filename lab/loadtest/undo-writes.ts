/**
 * Undoes what a load test's writes left in the database (the definition's loadTest.undoWrites),
 * so that every run starts from the seeded data. The load test runs it before and after each
 * run; anything else that sends the mix (a check's own load, the calibration) can too.
 */
import pg from 'pg';
import { scenario } from '../scenario/current.js';

const CONNECT_TIMEOUT_MS = 5_000;

/**
 * Runs the scenario's undo statement as the app's role and returns how many rows it changed,
 * or undefined when the scenario has nothing to undo. Throws when the database refuses it.
 */
export async function undoLoadTestWrites(appUrl: string, undo = scenario.loadTest.undoWrites): Promise<number | undefined> {
  if (!undo) return undefined;
  const client = new pg.Client({ connectionString: appUrl, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  client.on('error', () => {});
  try {
    await client.connect();
    // Without parameters, several statements go as one query: PostgreSQL runs them in one transaction.
    const results = (await client.query(undo.sql)) as pg.QueryResult | pg.QueryResult[];
    return (Array.isArray(results) ? results : [results]).reduce((rows, result) => rows + (result.rowCount ?? 0), 0);
  } finally {
    await client.end().catch(() => {});
  }
}
