// The account service, fixed. What changed from src/app.ts, and why:
//
// 1. Sessions live in PostgreSQL (the sessions table), not in one process's memory: whichever
//    instance the balancer picks finds the session another instance started.
// 2. The pool is sized for all the instances together: they share one database's budget.
// 3. On SIGTERM (a deploy, a scale down) the instance leaves the balancer's rotation (its
//    /health fails), then stops taking new connections, finishes the requests it has, and
//    exits: nothing in flight is lost.
// 4. The login no longer holds a connection while bcrypt runs: milliseconds of CPU
//    during which the connection would sit idle, out of everyone else's reach.
//
//   POST /login          {"email", "password"}: checks the password, starts a session (a cookie)
//   GET  /me             the logged-in customer (401 without a session)
//   POST /logout         ends the session
//   GET  /products       the first products, for the shop's front page
//   GET  /products/:id   one product's page
//   GET  /health         is this instance up? (the load balancer asks it)
import crypto from 'node:crypto';
import bcrypt from 'bcryptjs';
import Fastify from 'fastify';
import pg from 'pg';
// '../src/metrics.js' works both from solution/ and from src/ (where `npm run solve` copies this file).
import { registerMetrics } from '../src/metrics.js';

const DATABASE_URL = process.env.DATABASE_URL;
const PORT = Number(process.env.PORT ?? 3000);
const HOST = process.env.HOST ?? '127.0.0.1';
const NAME = process.env.LAB_PROCESS ?? 'app';

if (!DATABASE_URL) {
  console.error('DATABASE_URL is not set. Start the lab with `npm start`, which sets it for you.');
  process.exit(1);
}

// The budget: max_connections 40, 3 kept for superusers, 37 for the app's role; the lab holds
// 2 and your psql 1, so 34 for the app. Shared by up to 4 instances (npm run scale allows 4):
// 34 / 4 = 8 each, rounded down. A connection is held for a query, a millisecond or so, so 8
// keep up with far more requests than one instance's CPU can answer.
const INSTANCES_AT_MOST = 4;
const pool = new pg.Pool({ connectionString: DATABASE_URL, max: Math.floor(34 / INSTANCES_AT_MOST) });
pool.on('error', (error) => console.error('A pooled database connection failed (the pool will replace it):', error.message));

// Who is logged in: rows of the sessions table, which every instance reads.
const SESSION_HOURS = 12;

const app = Fastify();
registerMetrics(app);

// The session id travels in a cookie: "sid=<id>".
function sessionIdOf(cookieHeader: string | undefined): string | undefined {
  const match = /(?:^|;\s*)sid=([^;]+)/.exec(cookieHeader ?? '');
  return match?.[1];
}

app.post<{ Body: { email: string; password: string } }>(
  '/login',
  {
    schema: {
      body: {
        type: 'object',
        required: ['email', 'password'],
        properties: { email: { type: 'string', maxLength: 200 }, password: { type: 'string', maxLength: 200 } },
      },
    },
  },
  async (request, reply) => {
    const { email, password } = request.body;
    const found = await pool.query<{ id: string; password_hash: string }>('SELECT id, password_hash FROM users WHERE email = $1', [email]);
    const user = found.rows[0];
    // bcrypt is slow on purpose: milliseconds of CPU, with no connection held.
    const ok = user !== undefined && (await bcrypt.compare(password, user.password_hash));
    if (!user || !ok) return reply.code(401).send({ error: 'wrong email or password' });
    const sessionId = crypto.randomUUID();
    await pool.query(
      `WITH login AS (UPDATE users SET last_login_at = now() WHERE id = $2)
       INSERT INTO sessions (id, user_id, expires_at) VALUES ($1, $2, now() + make_interval(hours => $3))`,
      [sessionId, user.id, SESSION_HOURS],
    );
    reply.header('set-cookie', `sid=${sessionId}; HttpOnly; Path=/; SameSite=Lax; Max-Age=${SESSION_HOURS * 3600}`);
    return { userId: Number(user.id), servedBy: NAME };
  },
);

app.get('/me', async (request, reply) => {
  const sessionId = sessionIdOf(request.headers.cookie);
  if (sessionId === undefined) return reply.code(401).send({ error: 'not logged in', servedBy: NAME });
  // One query: the session, if it has not expired, and its customer.
  const result = await pool.query(
    `SELECT users.id, users.email, users.name, users.last_login_at
       FROM sessions JOIN users ON users.id = sessions.user_id
      WHERE sessions.id = $1 AND sessions.expires_at > now()`,
    [sessionId],
  );
  if (result.rows.length === 0) return reply.code(401).send({ error: 'not logged in', servedBy: NAME });
  return { user: result.rows[0], servedBy: NAME };
});

app.post('/logout', async (request) => {
  const sessionId = sessionIdOf(request.headers.cookie);
  if (sessionId !== undefined) await pool.query('DELETE FROM sessions WHERE id = $1', [sessionId]);
  return { loggedOut: true };
});

app.get('/products', async () => {
  const result = await pool.query('SELECT id, name, price_cents FROM products ORDER BY id LIMIT 20');
  return { products: result.rows, servedBy: NAME };
});

app.get<{ Params: { id: string } }>(
  '/products/:id',
  { schema: { params: { type: 'object', properties: { id: { type: 'integer', minimum: 1 } } } } },
  async (request, reply) => {
    const result = await pool.query('SELECT id, name, description, price_cents FROM products WHERE id = $1', [request.params.id]);
    if (result.rows.length === 0) return reply.code(404).send({ error: 'no such product' });
    return { product: result.rows[0], servedBy: NAME };
  },
);

// Set on SIGTERM: from then on /health says this instance is going away.
let closing = false;

app.get('/health', async (_request, reply) => {
  if (closing) return reply.code(503).send({ ok: false, instance: NAME, closing: true });
  return { ok: true, instance: NAME };
});

// How long /health fails before the instance stops taking connections: two failed checks of
// the balancer's (balancer.conf: every 1 s, fails=2), and a second to spare.
const LEAVE_ROTATION_MS = 3_000;

// A deploy or a scale down sends SIGTERM. First the instance leaves the balancer's rotation
// (its /health fails) while it still answers everything sent to it; then app.close() stops
// taking new connections and waits for the requests in flight; then the pool's connections
// go back to the database, and the process exits. Closing at once would break the connections
// the balancer keeps open to this instance, with requests on their way.
process.on('SIGTERM', () => {
  if (closing) return;
  closing = true;
  console.log(`${NAME}: SIGTERM, leaving the balancer's rotation, then finishing the requests in flight`);
  setTimeout(() => {
    void app
      .close()
      .then(() => pool.end())
      .then(() => process.exit(0), (error: unknown) => {
        console.error(`${NAME}: could not close cleanly:`, error);
        process.exit(1);
      });
  }, LEAVE_ROTATION_MS);
});

await app.listen({ port: PORT, host: HOST });
console.log(`${NAME} listening on http://${HOST}:${PORT}`);
