// The sign-up API: people sign up, and each gets a welcome email. Sending an email takes a
// few hundred milliseconds (the mail provider is another company's API), so the API does
// not send it while the person waits: it adds a job to the queue (the `jobs` table), and the
// workers (src/worker.ts) send it in the background.
// `npm start` runs it on http://localhost:3000 and restarts it each time you save this file.
//
//   POST /signups       sign up: {"email": "ada@example.com", "name": "Ada"}
//   GET  /users         the 20 newest users
//   GET  /users/:id     one user
//   GET  /queue         how many jobs wait, run, are done or failed
//   GET  /health        is the API up?
//   GET  /metrics       request counts and timings (see src/metrics.ts)
import Fastify from 'fastify';
import pg from 'pg';
import { registerMetrics } from './metrics.js';

// `npm start` tells the API where the database is and which port to use.
const DATABASE_URL = process.env.DATABASE_URL;
const PORT = Number(process.env.PORT ?? 3000);
const HOST = process.env.HOST ?? '127.0.0.1';

if (!DATABASE_URL) {
  console.error('DATABASE_URL is not set. Start the lab with `npm start`, which sets it for you.');
  process.exit(1);
}

// The API's pool: at most 10 connections. A request that finds all 10 busy waits its turn
// (up to 5 s) inside the API.
const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 10, connectionTimeoutMillis: 5_000 });
pool.on('error', (error) => console.error('A pooled database connection failed (the pool will replace it):', error.message));

const app = Fastify({ ajv: { customOptions: { removeAdditional: false, coerceTypes: false } } });
registerMetrics(app);

app.get('/health', async () => ({ status: 'ok' }));

const signupSchema = {
  body: {
    type: 'object',
    required: ['email', 'name'],
    additionalProperties: false,
    properties: {
      email: { type: 'string', minLength: 3, maxLength: 200, pattern: '^[^@\\s]+@[^@\\s]+$' },
      name: { type: 'string', minLength: 1, maxLength: 100 },
    },
  },
} as const;

// The user and their welcome-email job are written in ONE transaction: either both are
// saved or neither is, so no one is saved without an email on its way.
app.post<{ Body: { email: string; name: string } }>('/signups', { schema: signupSchema }, async (request, reply) => {
  const { email, name } = request.body;
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const user = await client.query<{ id: string }>(
      'INSERT INTO users (email, name) VALUES ($1, $2) ON CONFLICT (email) DO NOTHING RETURNING id',
      [email, name],
    );
    if (user.rows.length === 0) {
      await client.query('ROLLBACK');
      return reply.code(409).send({ statusCode: 409, error: 'Conflict', message: `${email} has already signed up` });
    }
    const userId = Number(user.rows[0]!.id);
    const job = await client.query<{ id: string }>(
      "INSERT INTO jobs (kind, payload) VALUES ('welcome_email', $1) RETURNING id",
      [{ userId, email, name }],
    );
    await client.query('COMMIT');
    return reply.code(201).send({ userId, jobId: Number(job.rows[0]!.id) });
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
});

app.get('/users', async () => {
  const result = await pool.query('SELECT id, email, name, created_at FROM users ORDER BY id DESC LIMIT 20');
  return result.rows;
});

app.get<{ Params: { id: string } }>('/users/:id', async (request, reply) => {
  const id = Number(request.params.id);
  if (!Number.isSafeInteger(id) || id < 1) {
    return reply.code(400).send({ statusCode: 400, error: 'Bad Request', message: 'the user id must be a whole number from 1 up' });
  }
  const result = await pool.query('SELECT id, email, name, created_at FROM users WHERE id = $1', [id]);
  if (result.rows.length === 0) return reply.code(404).send({ statusCode: 404, error: 'Not Found', message: `no user ${id}` });
  return result.rows[0];
});

app.get('/queue', async () => {
  const result = await pool.query<{ status: string; count: string }>('SELECT status, count(*) AS count FROM jobs GROUP BY status');
  const counts: Record<string, number> = { queued: 0, running: 0, done: 0, failed: 0 };
  for (const row of result.rows) counts[row.status] = Number(row.count);
  return counts;
});

await app.listen({ port: PORT, host: HOST });
console.log(`Sign-up API listening on http://localhost:${PORT}`);
