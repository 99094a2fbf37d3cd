// Fills the account service's database: customers who can log in, and the products the
// product pages show. Used by `npm start` (first start) and `npm run seed`. Idempotent: a
// size already seeded is skipped unless forced.
import bcrypt from 'bcryptjs';
import pg from 'pg';

export const DEFAULT_USERS = 10_000;
export const PRODUCTS = 1_000;
/** Every seeded customer's password: user42@example.com logs in with it. */
export const SEEDED_PASSWORD = 'correct horse battery staple';
/**
 * bcrypt's cost: each login checks the password with 2^8 rounds of hashing, about 20 ms of the
 * app's CPU on a recent laptop (slow on purpose, so that a stolen table of hashes is slow to
 * crack). Many services choose 10 to 12, 4 to 16 times slower: that would only make one
 * process full sooner. 8 keeps each login short beside the page views around it.
 */
export const BCRYPT_COST = 8;

export interface SeedResult {
  skipped: boolean;
  users: number;
  seconds: number;
}

/** The size of the complete seed present, or undefined. */
export async function readSeedInfo(client: pg.Client): Promise<{ users: number } | undefined> {
  const table = await client.query("SELECT to_regclass('public.seed_info') AS name");
  if (table.rows[0].name === null) return undefined;
  const result = await client.query<{ users: string }>('SELECT users FROM seed_info WHERE complete');
  return result.rows[0] ? { users: Number(result.rows[0].users) } : undefined;
}

export async function seed(
  databaseUrl: string,
  options: { users?: number; force?: boolean; onProgress?: (done: number, total: number) => void } = {},
): Promise<SeedResult> {
  const users = options.users ?? DEFAULT_USERS;
  const started = performance.now();
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const present = await readSeedInfo(client);
    if (present && present.users === users && !options.force) {
      return { skipped: true, users, seconds: (performance.now() - started) / 1000 };
    }
    // One hash for everyone: hashing each customer's password would take minutes (that is
    // bcrypt's point). Checking it at login costs the same whichever hash it is.
    const hash = await bcrypt.hash(SEEDED_PASSWORD, BCRYPT_COST);
    await client.query('CREATE TABLE IF NOT EXISTS seed_info (users bigint NOT NULL, complete boolean NOT NULL)');
    await client.query('BEGIN');
    // A sessions table (the fix's) refers to users: emptied with them when it exists.
    const sessions = (await client.query("SELECT to_regclass('public.sessions') AS name")).rows[0].name !== null;
    await client.query(`TRUNCATE seed_info, ${sessions ? 'sessions, ' : ''}users, products RESTART IDENTITY`);
    await client.query(
      `INSERT INTO users (email, name, password_hash)
       SELECT 'user' || i || '@example.com', 'User ' || i, $2 FROM generate_series(1, $1::bigint) AS i`,
      [users, hash],
    );
    options.onProgress?.(users, users + PRODUCTS);
    await client.query(
      `INSERT INTO products (name, description, price_cents)
       SELECT 'Product ' || i, repeat('A fine thing to own. ', 20), 500 + (i * 37) % 20000 FROM generate_series(1, $1::int) AS i`,
      [PRODUCTS],
    );
    await client.query('INSERT INTO seed_info (users, complete) VALUES ($1, true)', [users]);
    await client.query('COMMIT');
    await client.query('ANALYZE users, products');
    options.onProgress?.(users + PRODUCTS, users + PRODUCTS);
    return { skipped: false, users, seconds: (performance.now() - started) / 1000 };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    await client.end();
  }
}
