// Fills the sign-up service's database: users who signed up before today, and the history of
// their welcome emails, every job already 'done'. Workers claim from this table, so its size
// is what a claim has to get through when nothing helps it find the queued jobs.
//
// Used by `npm start` (first start) and `npm run seed`. Idempotent: a size already seeded is
// skipped unless forced.
import pg from 'pg';

// 50,000: a claim that reads them all costs a few milliseconds of the database's CPU, which
// 18 claiming loops repeat many times a second; on a slow 2-core laptop a longer history would
// let those scans starve everything else before the other mistakes could show.
export const DEFAULT_JOBS = 50_000;

export interface SeedResult {
  skipped: boolean;
  users: number;
  jobs: number;
  seconds: number;
}

/** The size of the complete seed present, or undefined. */
export async function readSeedInfo(client: pg.Client): Promise<{ jobs: number } | undefined> {
  const table = await client.query("SELECT to_regclass('public.seed_info') AS name");
  if (table.rows[0].name === null) return undefined;
  const result = await client.query<{ jobs: number }>('SELECT jobs FROM seed_info WHERE complete');
  return result.rows[0] ? { jobs: Number(result.rows[0].jobs) } : undefined;
}

export async function seed(
  databaseUrl: string,
  options: { jobs?: number; force?: boolean; onProgress?: (done: number, total: number) => void } = {},
): Promise<SeedResult> {
  const jobs = options.jobs ?? DEFAULT_JOBS;
  const started = performance.now();
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const present = await readSeedInfo(client);
    if (present && present.jobs === jobs && !options.force) {
      return { skipped: true, users: jobs, jobs, seconds: (performance.now() - started) / 1000 };
    }
    await client.query('CREATE TABLE IF NOT EXISTS seed_info (jobs bigint NOT NULL, complete boolean NOT NULL)');
    await client.query('BEGIN');
    await client.query('TRUNCATE seed_info, jobs, users RESTART IDENTITY');
    // One user per job: everyone who signed up got their welcome email, a while ago.
    const batch = 50_000;
    for (let from = 1; from <= jobs; from += batch) {
      const to = Math.min(jobs, from + batch - 1);
      await client.query(
        `INSERT INTO users (email, name, created_at)
         SELECT 'user' || i || '@example.com', 'User ' || i, now() - interval '30 days' + i * interval '10 seconds'
           FROM generate_series($1::bigint, $2::bigint) AS i`,
        [from, to],
      );
      await client.query(
        `INSERT INTO jobs (kind, payload, status, attempts, created_at, finished_at)
         SELECT 'welcome_email', jsonb_build_object('userId', i, 'email', 'user' || i || '@example.com'), 'done', 1,
                now() - interval '30 days' + i * interval '10 seconds', now() - interval '30 days' + i * interval '10 seconds' + interval '1 second'
           FROM generate_series($1::bigint, $2::bigint) AS i`,
        [from, to],
      );
      options.onProgress?.(to, jobs);
    }
    await client.query('INSERT INTO seed_info (jobs, complete) VALUES ($1, true)', [jobs]);
    await client.query('COMMIT');
    await client.query('ANALYZE users, jobs');
    return { skipped: false, users: jobs, jobs, seconds: (performance.now() - started) / 1000 };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    await client.end();
  }
}
