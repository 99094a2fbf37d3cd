// The feed API, fixed: one shared pool of database connections instead of a new
// connection for every query. Compare it with src/server.ts line by line.
//
//   Try it:   npm run solve   (copies it over src/server.ts and adds the index)
//   Undo:     npm run reset
//
//   GET  /feed              the 20 newest posts, with their authors
//   GET  /users/:id/posts   the 20 newest posts of one user
//   POST /posts             write a post: {"userId": 1, "content": "Hello!"}
//   GET  /health            is the app up?
//   GET  /metrics           request counts and timings (see src/metrics.ts)
import Fastify from 'fastify';
import pg from 'pg';
// '../src/metrics.js' works both from solution/ and from src/ (where `npm run solve` copies this file).
import { registerMetrics } from '../src/metrics.js';

// `npm start` tells the app where the database is and which port to use.
const DATABASE_URL = process.env.DATABASE_URL;
const PORT = Number(process.env.PORT ?? 3000);
const HOST = process.env.HOST ?? '127.0.0.1';
const MAX_POST_LENGTH = 280;

if (!DATABASE_URL) {
  console.error('DATABASE_URL is not set. Start the app with `npm start`, which sets it for you.');
  process.exit(1);
}

// ONE pool for the whole app, created once when the app starts.
//
// Opening a PostgreSQL connection is expensive: a TCP handshake, password
// authentication, and a new server process on the database side (tens of
// milliseconds and megabytes of memory each time). A pool opens a few connections
// and lends them out, one query at a time, to whichever request needs one.
const pool = new pg.Pool({
  connectionString: DATABASE_URL,
  // At most 10 connections. The database machine has a couple of CPU cores: 10 busy
  // connections already keep them all working, and more would only take turns on
  // the same cores. It also leaves room under the database's limit (25 connections,
  // 22 of them for this app: the `npm start` banner says so) for a second copy of this
  // app, a migration, or you in `npm run db`.
  max: 10,
  // When all 10 are busy, a request waits in the pool's queue. Under 200 simultaneous
  // users that wait can reach several seconds before the index exists, so give up
  // only after 15 s (then the request fails with a clear error instead of hanging).
  // It is below the load test's 20 s timeout: the server answers before the client gives up.
  connectionTimeoutMillis: 15_000,
  // Close connections that sat unused for 30 s; the pool reopens them when needed.
  idleTimeoutMillis: 30_000,
});

// If the database restarts, idle connections in the pool break. Without this listener
// that 'error' event would crash the whole app; with it, the pool drops the broken
// connection and opens a fresh one for the next query.
pool.on('error', (error) => {
  console.error('A pooled database connection failed (the pool will replace it):', error.message);
});

// Runs one SQL statement and returns the rows it produced.
// pool.query borrows a connection, runs the query and gives the connection back.
async function query(sql: string, params: unknown[] = []) {
  const result = await pool.query(sql, params);
  return result.rows;
}

// Reject input that does not match a schema instead of quietly "fixing" it
// (Fastify would otherwise drop unknown fields and turn "5" into 5).
const app = Fastify({ ajv: { customOptions: { removeAdditional: false, coerceTypes: false } } });
registerMetrics(app);

// Read JSON bodies as strict UTF-8: invalid bytes get a 400 instead of being replaced
// by "�" and stored as a post the user never wrote.
const utf8 = new TextDecoder('utf-8', { fatal: true });
const parseJson = app.getDefaultJsonParser('error', 'error');
app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body: Buffer, done) => {
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    return done(Object.assign(new Error('the body is not valid UTF-8'), { statusCode: 400 }), undefined);
  }
  parseJson(request, text, done);
});

app.get('/health', async () => {
  return { status: 'ok' };
});

app.get('/feed', async () => {
  const posts = await query(
    `SELECT p.id, p.user_id AS "userId", u.username, p.content, p.created_at AS "createdAt"
     FROM posts p
     JOIN users u ON u.id = p.user_id
     ORDER BY p.created_at DESC
     LIMIT 20`,
  );
  return { posts };
});

// The JSON schemas below make Fastify reject bad input with a 400 and a message
// that says what was wrong, before our code runs.
const userPostsSchema = {
  params: {
    type: 'object',
    properties: {
      // Digits only, 1 to 999999999: no "abc", "-1", "1.5" or "0x1F".
      id: { type: 'string', pattern: '^[1-9][0-9]{0,8}$' },
    },
  },
};

app.get<{ Params: { id: string } }>('/users/:id/posts', { schema: userPostsSchema }, async (request, reply) => {
  const userId = Number(request.params.id);
  const users = await query('SELECT id, username FROM users WHERE id = $1', [userId]);
  if (users.length === 0) {
    return reply.code(404).send({ statusCode: 404, error: 'Not Found', message: `user ${userId} does not exist` });
  }
  const posts = await query(
    `SELECT id, user_id AS "userId", content, created_at AS "createdAt"
     FROM posts
     WHERE user_id = $1
     ORDER BY created_at DESC
     LIMIT 20`,
    [userId],
  );
  return { user: users[0], posts };
});

const newPostSchema = {
  body: {
    type: 'object',
    required: ['userId', 'content'],
    additionalProperties: false,
    properties: {
      userId: { type: 'integer', minimum: 1, maximum: 2147483647 },
      content: { type: 'string', minLength: 1 },
    },
  },
};

// Counts characters the way a person does: "👍🏽" or "é" written as e + accent is one.
function countCharacters(text: string) {
  return [...new Intl.Segmenter().segment(text)].length;
}

app.post<{ Body: { userId: number; content: string } }>('/posts', { schema: newPostSchema }, async (request, reply) => {
  const { userId, content } = request.body;
  if (content.includes('\u0000')) {
    return reply.code(400).send({ statusCode: 400, error: 'Bad Request', message: 'content must not contain NUL characters' });
  }
  const length = countCharacters(content);
  if (length > MAX_POST_LENGTH) {
    return reply.code(400).send({
      statusCode: 400,
      error: 'Bad Request',
      message: `content is ${length} characters long; the limit is ${MAX_POST_LENGTH}`,
    });
  }
  const users = await query('SELECT id FROM users WHERE id = $1', [userId]);
  if (users.length === 0) {
    return reply.code(422).send({ statusCode: 422, error: 'Unprocessable Entity', message: `user ${userId} does not exist` });
  }
  const rows = await query(
    `INSERT INTO posts (user_id, content)
     VALUES ($1, $2)
     RETURNING id, user_id AS "userId", content, created_at AS "createdAt"`,
    [userId, content],
  );
  return reply.code(201).send(rows[0]);
});

// Graceful shutdown: on Ctrl-C (SIGINT) or a stop request (SIGTERM), stop accepting
// requests, let the ones in flight finish, then close the pool's connections.
async function shutDown(signal: string) {
  console.log(`${signal} received: finishing requests in flight, then closing the pool`);
  await app.close();
  await pool.end();
  process.exit(0);
}
process.once('SIGINT', () => void shutDown('SIGINT'));
process.once('SIGTERM', () => void shutDown('SIGTERM'));

await app.listen({ port: PORT, host: HOST });
console.log(`Feed API (fixed) listening on http://localhost:${PORT}`);
