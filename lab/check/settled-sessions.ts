/** How many database sessions the app opened, for checks that judge connection reuse. */
import type pg from 'pg';
import { sessionsOpened } from '../database/stats.js';

/**
 * Sessions ever opened on the database (pg_stat_database.sessions), once the number settles:
 * PostgreSQL adds a session when the session flushes its statistics (at the latest when it
 * ends), so read until the number stops moving.
 */
export async function settledSessions(client: Pick<pg.Client, 'query'>, database: string, maxWaitMs = 2_500): Promise<number> {
  const deadline = Date.now() + maxWaitMs;
  let previous = await sessionsOpened(client, database);
  let stableReads = 0;
  while (Date.now() < deadline && stableReads < 2) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    const now = await sessionsOpened(client, database);
    stableReads = now === previous ? stableReads + 1 : 0;
    previous = now;
  }
  return previous;
}
