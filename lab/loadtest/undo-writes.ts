/**
 * Undoes what a load test's writes left in the database (the definition's loadTest.undoWrites),
 * so that every run starts from the seeded data. The load test runs it before and after each
 * run; anything else that sends the mix (a check's own load, the calibration) can too.
 */
import pg from 'pg';
import type { ScenarioDefinition } from '../scenario/definition.js';

const CONNECT_TIMEOUT_MS = 5_000;

/**
 * Runs the scenario's undo statement as the app's role and returns how many rows it changed,
 * or undefined when the scenario has nothing to undo. Throws when the database refuses it.
 * When it changed rows, it vacuums the scenario's tables: otherwise the dead entries of every
 * run pile up in the indexes (a partial index of 72 kB grew to 3.5 MB over ten runs), and the
 * index sizes a learner compares would measure the lab's history, not the index.
 */
export async function undoLoadTestWrites(scenario: Pick<ScenarioDefinition, 'loadTest' | 'database'>, appUrl: string): Promise<number | undefined> {
  const undo = scenario.loadTest.undoWrites;
  if (!undo) return undefined;
  const client = new pg.Client({ connectionString: appUrl, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  client.on('error', () => {});
  try {
    await client.connect();
    // Without parameters, several statements go as one query: PostgreSQL runs them in one transaction.
    const results = (await client.query(undo.sql)) as pg.QueryResult | pg.QueryResult[];
    const rows = (Array.isArray(results) ? results : [results]).reduce((sum, result) => sum + (result.rowCount ?? 0), 0);
    // VACUUM cannot share the undo's transaction, so it is a query of its own, after it.
    if (rows > 0) await client.query(`VACUUM ${scenario.database.tables.map((table) => client.escapeIdentifier(table)).join(', ')}`);
    return rows;
  } finally {
    await client.end().catch(() => {});
  }
}
