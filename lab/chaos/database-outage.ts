/**
 * Takes the lab's database away for a while and brings it back. Embedded: the real server
 * stops (fast shutdown) and starts again. External DATABASE_URL: the lab cannot stop that
 * server, so it refuses new connections to the database and ends the open ones, which the
 * app experiences the same way.
 */
import pg from 'pg';
import type { DatabaseControl } from '../lab-context.js';

export interface OutageTiming {
  mode: 'embedded' | 'external';
  /** When the database began to stop serving (epoch ms). */
  stoppedAt: number;
  /** When it accepted connections again (epoch ms). */
  restartedAt: number;
  /** The embedded server's new pid. */
  postgresPid?: number;
}

export async function takeDatabaseAway(database: DatabaseControl, seconds: number): Promise<OutageTiming> {
  if (database.mode === 'embedded') {
    // The outage begins when shutdown begins: from then on PostgreSQL refuses new connections.
    const stoppedAt = Date.now();
    await database.stop();
    await sleep(seconds * 1000);
    await database.start();
    const pid = database.pid();
    return { mode: 'embedded', stoppedAt, restartedAt: Date.now(), ...(pid !== undefined ? { postgresPid: pid } : {}) };
  }
  return refuseConnections(database.adminUrl, seconds);
}

async function refuseConnections(adminUrl: string, seconds: number): Promise<OutageTiming> {
  // PostgreSQL will not close the doors of the database it is talking from, so step next door.
  const name = decodeURIComponent(new URL(adminUrl).pathname.slice(1));
  const client = await connectElsewhere(adminUrl);
  try {
    const database = client.escapeIdentifier(name);
    await client.query(`ALTER DATABASE ${database} WITH ALLOW_CONNECTIONS false`);
    let stoppedAt = Date.now();
    try {
      const endOthers = () =>
        client.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name]);
      await endOthers();
      stoppedAt = Date.now();
      const until = stoppedAt + seconds * 1000;
      // Connections that were mid-login when the door closed get ended on the next round.
      while (Date.now() < until) {
        await sleep(Math.min(500, until - Date.now()));
        await endOthers();
      }
    } finally {
      await client.query(`ALTER DATABASE ${database} WITH ALLOW_CONNECTIONS true`);
    }
    return { mode: 'external', stoppedAt, restartedAt: Date.now() };
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** A connection with the same credentials to the server's "postgres" (or "template1") database. */
async function connectElsewhere(url: string): Promise<pg.Client> {
  let lastError: unknown;
  for (const other of ['postgres', 'template1']) {
    const next = new URL(url);
    next.pathname = `/${other}`;
    const client = new pg.Client({ connectionString: next.toString(), application_name: 'lab chaos' });
    try {
      await client.connect();
      return client;
    } catch (error) {
      lastError = error;
      await client.end().catch(() => undefined);
    }
  }
  throw lastError;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}
