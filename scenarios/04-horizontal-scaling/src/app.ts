// The shop's account service: customers log in, see their account and browse products.
// `npm start` runs it as several instances behind the lab's load balancer (`npm run scale --
// app N` changes how many); each instance is this file, in its own Node.js process.
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
import { registerMetrics } from './metrics.js';

const DATABASE_URL = process.env.DATABASE_URL;
const PORT = Number(process.env.PORT ?? 3000);
const HOST = process.env.HOST ?? '127.0.0.1';
const NAME = process.env.LAB_PROCESS ?? 'app';

if (!DATABASE_URL) {
  console.error('DATABASE_URL is not set. Start the lab with `npm start`, which sets it for you.');
  process.exit(1);
}

// 20 connections: plenty for one instance of the app.
const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 20 });
pool.on('error', (error) => console.error('A pooled database connection failed (the pool will replace it):', error.message));

// Who is logged in: session id -> customer. Kept in this process's memory.
const sessions = new Map<string, { userId: number; expiresAt: number }>();
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
    // One client for the whole login: find the customer, check the password, note the login.
    const client = await pool.connect();
    try {
      const found = await client.query<{ id: string; password_hash: string }>('SELECT id, password_hash FROM users WHERE email = $1', [email]);
      const user = found.rows[0];
      // bcrypt is slow on purpose: milliseconds of CPU for each check (see BCRYPT_COST in db/seed.ts).
      const ok = user !== undefined && (await bcrypt.compare(password, user.password_hash));
      if (!user || !ok) return reply.code(401).send({ error: 'wrong email or password' });
      await client.query('UPDATE users SET last_login_at = now() WHERE id = $1', [user.id]);
      const sessionId = crypto.randomUUID();
      sessions.set(sessionId, { userId: Number(user.id), expiresAt: Date.now() + SESSION_HOURS * 3600_000 });
      reply.header('set-cookie', `sid=${sessionId}; HttpOnly; Path=/; SameSite=Lax; Max-Age=${SESSION_HOURS * 3600}`);
      return { userId: Number(user.id), servedBy: NAME };
    } finally {
      client.release();
    }
  },
);

app.get('/me', async (request, reply) => {
  const sessionId = sessionIdOf(request.headers.cookie);
  const session = sessionId === undefined ? undefined : sessions.get(sessionId);
  if (!session || session.expiresAt < Date.now()) return reply.code(401).send({ error: 'not logged in', servedBy: NAME });
  const result = await pool.query('SELECT id, email, name, last_login_at FROM users WHERE id = $1', [session.userId]);
  return { user: result.rows[0], servedBy: NAME };
});

app.post('/logout', async (request) => {
  const sessionId = sessionIdOf(request.headers.cookie);
  if (sessionId !== undefined) sessions.delete(sessionId);
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

app.get('/health', async () => ({ ok: true, instance: NAME }));

await app.listen({ port: PORT, host: HOST });
console.log(`${NAME} listening on http://${HOST}:${PORT}`);
