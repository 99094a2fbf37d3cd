// A worker: takes jobs from the queue (the `jobs` table) and sends each welcome email
// through the mail provider's API. `npm start` runs several of these processes side by side
// (`npm run scale -- worker N` changes how many) and restarts them each time you save this file.
//
// Each worker works on up to 6 jobs at once: the provider takes a few hundred milliseconds
// per email, and one at a time would leave the worker waiting most of the time.
import pg from 'pg';

const DATABASE_URL = process.env.DATABASE_URL;
// Where the mail provider's API is: `npm start` runs a stand-in for it and says where.
const MAIL_API_URL = process.env.MAIL_API_URL;
// This process's name ("worker-2"), as `npm start` calls it.
const NAME = process.env.LAB_PROCESS ?? 'worker';

if (!DATABASE_URL || !MAIL_API_URL) {
  console.error('DATABASE_URL and MAIL_API_URL are not set. Start the lab with `npm start`, which sets them for you.');
  process.exit(1);
}

// How many jobs this worker works on at once.
const CONCURRENCY = 6;
// When the queue is empty, look again after this long.
const IDLE_MS = 1000;

// One connection per job in progress.
const pool = new pg.Pool({ connectionString: DATABASE_URL, max: CONCURRENCY });
pool.on('error', (error) => console.error('A pooled database connection failed (the pool will replace it):', error.message));

interface Job {
  id: string;
  payload: { userId: number; email: string; name: string };
}

// Takes the next queued job and works on it. Returns false when there was none.
async function workOnce(): Promise<boolean> {
  const client = await pool.connect();
  try {
    // Find the oldest job waiting...
    const found = await client.query<Job>("SELECT id, payload FROM jobs WHERE status = 'queued' ORDER BY id LIMIT 1");
    const job = found.rows[0];
    if (!job) return false;
    // ...and mark it as ours.
    await client.query("UPDATE jobs SET status = 'running', attempts = attempts + 1 WHERE id = $1", [job.id]);

    await sendWelcomeEmail(job);

    await client.query("UPDATE jobs SET status = 'done', finished_at = now() WHERE id = $1", [job.id]);
    return true;
  } finally {
    client.release();
  }
}

async function sendWelcomeEmail(job: Job): Promise<void> {
  const response = await fetch(`${MAIL_API_URL}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      to: job.payload.email,
      subject: `Welcome, ${job.payload.name}!`,
      text: 'Thanks for signing up.',
      jobId: Number(job.id),
    }),
  });
  if (!response.ok) throw new Error(`the mail provider answered ${response.status}: ${await response.text()}`);
}

async function loop(): Promise<void> {
  for (;;) {
    try {
      const worked = await workOnce();
      if (!worked) await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
    } catch (error) {
      console.error(`${NAME}: a job failed: ${(error as Error).message}`);
      await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
    }
  }
}

console.log(`${NAME} is working (${CONCURRENCY} jobs at a time)`);
for (let i = 0; i < CONCURRENCY; i += 1) void loop();
