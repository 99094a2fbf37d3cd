/**
 * The two causes a connection storm shows on the dashboard, produced on purpose so a test
 * sees them on any machine: a connection stuck logging in, and connections PostgreSQL
 * refuses because it is full. Each returns a release() that closes what it opened.
 */
import net from 'node:net';
import pg from 'pg';

/** PostgreSQL's StartupMessage (protocol 3.0): length, version, then name/value pairs, each NUL-ended. */
export function startupPacket(parameters: Record<string, string>): Buffer {
  const pairs = Buffer.from(`${Object.entries(parameters).map(([name, value]) => `${name}\0${value}\0`).join('')}\0`);
  const header = Buffer.alloc(8);
  header.writeInt32BE(8 + pairs.length, 0);
  header.writeInt32BE(196_608, 4);
  return Buffer.concat([header, pairs]);
}

/**
 * A client that sends its start-up packet and then never answers the password challenge:
 * its backend waits in authentication, in pg_stat_activity's "starting" state, until released
 * (or PostgreSQL's authentication_timeout, a minute).
 */
export async function holdConnectionLoggingIn(port: number, user: string, database: string): Promise<{ release(): void }> {
  const socket = net.connect({ host: '127.0.0.1', port });
  try {
    await new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    const challenged = new Promise((resolve, reject) => socket.once('data', resolve).once('error', reject));
    socket.write(startupPacket({ user, database }));
    await challenged;
  } catch (error) {
    socket.destroy();
    throw error;
  }
  return { release: () => socket.destroy() };
}

/**
 * Opens connections with the URL until PostgreSQL has refused `refusals` of them (a bounded
 * loop: at most 120 attempts). Returns the refusal errors; the opened connections stay open
 * until release().
 */
export async function fillUntilRefused(url: string, refusals: number): Promise<{ errors: string[]; release(): Promise<void> }> {
  const opened: pg.Client[] = [];
  const errors: string[] = [];
  for (let attempt = 0; attempt < 120 && errors.length < refusals; attempt += 1) {
    const client = new pg.Client({ connectionString: url });
    client.on('error', () => undefined);
    try {
      await client.connect();
      opened.push(client);
    } catch (error) {
      errors.push(String(error));
    }
  }
  return {
    errors,
    release: async () => {
      await Promise.all(opened.splice(0).map((client) => client.end().catch(() => undefined)));
    },
  };
}
