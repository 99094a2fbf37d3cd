/**
 * Wrong (and right) fixes a learner might write, made from the pristine broken server by
 * replacing its query() function or its /feed route. Written beside the pristine copy of
 * src/metrics.ts (lab/app-runner.ts), which they import like the real server.
 */
import fs from 'node:fs';
import path from 'node:path';
import { PRISTINE_DIR, SHIPPED_APP } from './project-lab.js';

const PRISTINE_QUERY = `async function query(sql: string, params: unknown[] = []) {
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  try {
    const result = await client.query(sql, params);
    return result.rows;
  } finally {
    await client.end();
  }
}`;

const PRISTINE_FEED_ROUTE = `app.get('/feed', async () => {`;

/** One pool for the whole app, created once, with this max. */
function sharedPoolOf(max: number): string {
  return `const pool = new pg.Pool({ connectionString: DATABASE_URL, max: ${max} });
pool.on('error', () => undefined);
async function query(sql: string, params: unknown[] = []) {
  return (await pool.query(sql, params)).rows;
}`;
}

export const VARIANTS = {
  /** Wrong: a new Pool (with a generous max) inside every call, ended afterwards. */
  poolPerRequest: {
    query: `async function query(sql: string, params: unknown[] = []) {
  const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 50 });
  try {
    return (await pool.query(sql, params)).rows;
  } finally {
    await pool.end();
  }
}`,
  },
  /** Wrong: at most 5 queries at a time, each still on its own new connection. */
  rateLimited: {
    query: `let active = 0;
const waiting: Array<() => void> = [];
async function query(sql: string, params: unknown[] = []) {
  while (active >= 5) await new Promise<void>((resolve) => waiting.push(resolve));
  active += 1;
  const client = new pg.Client({ connectionString: DATABASE_URL });
  try {
    await client.connect();
    return (await client.query(sql, params)).rows;
  } finally {
    await client.end();
    active -= 1;
    waiting.shift()?.();
  }
}`,
  },
  /** Right: one client for the whole app (queries take turns on it). */
  sharedClient: {
    query: `const shared = new pg.Client({ connectionString: DATABASE_URL });
await shared.connect();
async function query(sql: string, params: unknown[] = []) {
  return (await shared.query(sql, params)).rows;
}`,
  },
  /** Wrong: one shared pool as big as the load ("200 users, 200 connections, nobody waits"), more than the database has room for. */
  poolOf200: { query: sharedPoolOf(200) },
  /** Wrong: one shared pool of PostgreSQL's default max_connections, more than this database has room for. */
  poolOf100: { query: sharedPoolOf(100) },
  /** A shared pool with no 'error' listener: fine until the database restarts, then the app crashes. */
  poolWithoutErrorListener: {
    query: `const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 10 });
async function query(sql: string, params: unknown[] = []) {
  return (await pool.query(sql, params)).rows;
}`,
  },
  /** Wrong for fix 2: /feed answered from memory for 5 s; per-request connections underneath. */
  cachedFeed: {
    feedRoute: `let cachedFeed: { at: number; body: unknown } | undefined;
app.addHook('onRequest', async (request, reply) => {
  if (request.url === '/feed' && cachedFeed && Date.now() - cachedFeed.at < 5_000) return reply.send(cachedFeed.body);
});
app.addHook('onSend', async (request, reply, payload) => {
  if (request.url === '/feed' && reply.statusCode === 200 && typeof payload === 'string') cachedFeed = { at: Date.now(), body: JSON.parse(payload) };
  return payload;
});
app.get('/feed', async () => {`,
  },
} satisfies Record<string, { query?: string; feedRoute?: string }>;

export type VariantName = keyof typeof VARIANTS;

/** Writes the variant beside the pristine server and returns its path. */
export function writeVariant(name: VariantName): string {
  const variant: { query?: string; feedRoute?: string } = VARIANTS[name];
  let source = fs.readFileSync(SHIPPED_APP, 'utf8');
  const swap = (from: string, to: string) => {
    if (!source.includes(from)) throw new Error(`the pristine server no longer contains the text this variant replaces (${name})`);
    source = source.replace(from, to);
  };
  if (variant.query) swap(PRISTINE_QUERY, variant.query);
  if (variant.feedRoute) swap(PRISTINE_FEED_ROUTE, variant.feedRoute);
  const file = path.join(PRISTINE_DIR, 'src', `variant-${name}.ts`);
  fs.writeFileSync(file, source);
  return file;
}
