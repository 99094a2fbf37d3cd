/** One short-lived connection for a piece of work: opened, handed to `work`, always closed. */
import pg from 'pg';

/**
 * Runs `work` on a new client of `url` named `applicationName` (as pg_stat_activity shows it),
 * and closes the client whatever happens. An error the server sends while the client is idle
 * (a restart) is ignored: the work's own query fails instead, with its own message.
 */
export async function withClient<T>(url: string, applicationName: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, application_name: applicationName });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
