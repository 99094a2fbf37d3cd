// A library clerk, for the engine's own tests only: a process without a port that keeps one
// database connection and counts the books on the shelves every few hundred milliseconds, as
// a background worker would. Several run at once: the lab names each (clerk-1, clerk-2…).
import pg from 'pg';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 1, idleTimeoutMillis: 0 });
pool.on('error', () => undefined);

const timer = setInterval(() => {
  pool.query('SELECT count(*) FROM books').catch(() => undefined);
}, 300);

process.on('SIGTERM', () => {
  clearInterval(timer);
  void pool.end().finally(() => process.exit(0));
});

console.log(`${process.env.LAB_PROCESS ?? 'clerk'} at the desk`);
