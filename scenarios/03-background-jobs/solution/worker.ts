// The worker, fixed. What changed from src/worker.ts, and why:
//
// 1. The claim is ONE statement: it picks a job and marks it running at once, and
//    FOR UPDATE SKIP LOCKED makes a second worker skip a row the first is taking instead of
//    taking it too. No two workers get the same job, and none waits for another.
// 2. No connection is held while the provider works: the claim and the "done" are two short
//    statements (milliseconds each), and the email (hundreds of milliseconds) is sent between
//    them with no connection in hand. So 6 jobs at once need far fewer than 6 connections.
// 3. A claim is a lease: it holds for LEASE_SECONDS. A worker that dies mid-job leaves a
//    running job whose lease runs out, and another worker claims it again.
// 4. Claimed twice (a lease ran out while the first worker was still sending), a job's email
//    is still sent once: the Idempotency-Key header tells the provider it is the same email.
import pg from 'pg';

const DATABASE_URL = process.env.DATABASE_URL;
const MAIL_API_URL = process.env.MAIL_API_URL;
const NAME = process.env.LAB_PROCESS ?? 'worker';

if (!DATABASE_URL || !MAIL_API_URL) {
  console.error('DATABASE_URL and MAIL_API_URL are not set. Start the lab with `npm start`, which sets them for you.');
  process.exit(1);
}

const CONCURRENCY = 6;
const IDLE_MS = 1000;
// How long a claim holds before another worker may take the job again: far longer than an
// email takes (300 ms at most, a few seconds when the provider is slow).
const LEASE_SECONDS = Number(process.env.LEASE_SECONDS ?? 30);
// After this many attempts a job is marked failed instead of tried again.
const MAX_ATTEMPTS = 5;

// The connection budget (max_connections 40, 3 kept for superusers: 37 for the app's role),
// shared by everyone: the lab's own 2, a psql of yours 1, the API's pool 10, and up to 8
// workers. 37 - 2 - 1 - 10 = 24, and 24 / 8 workers = 3 connections each. A claim holds one
// for a few milliseconds, so 3 serve 6 jobs at a time with room to spare (Little's law:
// connections busy = claims per second × time each holds one).
const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 3 });
pool.on('error', (error) => console.error('A pooled database connection failed (the pool will replace it):', error.message));

interface Job {
  id: string;
  attempts: number;
  payload: { userId: number; email: string; name: string };
}

async function claim(): Promise<Job | undefined> {
  const claimed = await pool.query<Job>(
    `UPDATE jobs
        SET status = 'running', attempts = attempts + 1, locked_until = now() + make_interval(secs => $1)
      WHERE id = (SELECT id FROM jobs
                   WHERE status = 'queued' OR (status = 'running' AND locked_until < now())
                   ORDER BY id
                   LIMIT 1
                   FOR UPDATE SKIP LOCKED)
      RETURNING id, attempts, payload`,
    [LEASE_SECONDS],
  );
  return claimed.rows[0];
}

async function workOnce(): Promise<boolean> {
  const job = await claim();
  if (!job) return false;
  try {
    await sendWelcomeEmail(job);
    await pool.query("UPDATE jobs SET status = 'done', finished_at = now(), locked_until = NULL WHERE id = $1", [job.id]);
  } catch (error) {
    // Give the job back (or give up on it), so it does not wait for its lease to run out.
    const status = job.attempts >= MAX_ATTEMPTS ? 'failed' : 'queued';
    await pool.query('UPDATE jobs SET status = $2, locked_until = NULL WHERE id = $1', [job.id, status]);
    throw error;
  }
  return true;
}

async function sendWelcomeEmail(job: Job): Promise<void> {
  const response = await fetch(`${MAIL_API_URL}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': `welcome-email-${job.id}` },
    body: JSON.stringify({
      to: job.payload.email,
      subject: `Welcome, ${job.payload.name}!`,
      text: 'Thanks for signing up.',
      jobId: Number(job.id),
    }),
  });
  if (!response.ok) throw new Error(`the mail provider answered ${response.status}: ${await response.text()}`);
}

// Set on SIGTERM: each loop finishes the job in hand, then stops taking new ones.
let stopping = false;

async function loop(): Promise<void> {
  while (!stopping) {
    try {
      const worked = await workOnce();
      if (!worked && !stopping) await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
    } catch (error) {
      console.error(`${NAME}: a job failed: ${(error as Error).message}`);
      await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
    }
  }
}

console.log(`${NAME} is working (${CONCURRENCY} jobs at a time)`);
const loops = Array.from({ length: CONCURRENCY }, () => loop());

// `npm run scale` down and Ctrl-C send SIGTERM: finish the emails in progress (a few hundred
// milliseconds) and mark them done, rather than leave them to wait for their lease.
process.on('SIGTERM', () => {
  stopping = true;
  void Promise.all(loops)
    .then(() => pool.end())
    .finally(() => process.exit(0));
});
