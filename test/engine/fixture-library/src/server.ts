// A tiny lending library's API, for the engine's own tests only: one slow lookup (no index on
// books.author), which the fixture's one step asks the learner to fix.
import Fastify from 'fastify';
import pg from 'pg';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 4 });
pool.on('error', () => undefined);
const app = Fastify();

app.get('/health', async () => ({ status: 'ok' }));

app.get<{ Params: { author: string } }>('/authors/:author/books', async (request) => {
  const { rows } = await pool.query('SELECT id, title FROM books WHERE author = $1 ORDER BY id LIMIT 10', [Number(request.params.author) || 0]);
  return { books: rows };
});

await app.listen({ port: Number(process.env.PORT ?? 3000), host: process.env.HOST ?? '127.0.0.1' });
console.log('Library API listening');
