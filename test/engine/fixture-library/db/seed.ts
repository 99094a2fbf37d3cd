// Fills the fixture library: `books` books by 100 authors, in one transaction.
import pg from 'pg';

export async function seedLibrary(url: string, books: number, force: boolean): Promise<{ skipped: boolean; seconds: number }> {
  const started = Date.now();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    if (!force && (await seededBooks(client)) === books) return { skipped: true, seconds: 0 };
    await client.query('BEGIN');
    await client.query('TRUNCATE books, library_seed RESTART IDENTITY');
    await client.query("INSERT INTO books (title, author) SELECT 'book ' || n, 1 + n % 100 FROM generate_series(1, $1) AS n", [books]);
    await client.query('INSERT INTO library_seed (books) VALUES ($1)', [books]);
    await client.query('COMMIT');
    await client.query('ANALYZE books');
    return { skipped: false, seconds: (Date.now() - started) / 1000 };
  } finally {
    await client.end();
  }
}

export async function seededBooks(client: pg.Client): Promise<number | undefined> {
  return (await client.query<{ books: number }>('SELECT books FROM library_seed LIMIT 1')).rows[0]?.books;
}
