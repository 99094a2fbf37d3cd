/**
 * Seeding with a progress bar, shared by `npm start` (first start) and `npm run seed`.
 */
import cliProgress from 'cli-progress';
import pg from 'pg';
import { readSeedInfo, seed, type SeedResult } from '../db/seed.js';
import { DEFAULT_POSTS, DEFAULT_USERS } from './config.js';

export interface SeedRequest {
  users?: number;
  posts?: number;
  force?: boolean;
}

/** Seeds with a progress bar on an interactive terminal, a line per 25% otherwise. */
export async function seedWithProgress(databaseUrl: string, request: SeedRequest = {}): Promise<SeedResult> {
  const total = request.posts ?? DEFAULT_POSTS;
  const interactive = Boolean(process.stdout.isTTY);
  const bar = new cliProgress.SingleBar(
    { format: '  seeding posts [{bar}] {percentage}% | {value}/{total}', hideCursor: true, clearOnComplete: false },
    cliProgress.Presets.shades_classic,
  );
  let lastQuarter = -1;
  if (interactive) bar.start(total, 0);
  try {
    return await seed(databaseUrl, {
      users: request.users ?? DEFAULT_USERS,
      posts: total,
      force: request.force ?? false,
      onProgress(done) {
        if (interactive) {
          bar.update(done);
          return;
        }
        const quarter = Math.floor((done / total) * 4);
        if (quarter > lastQuarter) {
          lastQuarter = quarter;
          console.log(`  seeding posts: ${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')}`);
        }
      },
    });
  } finally {
    if (interactive) bar.stop();
  }
}

/** The size of the complete seed present, or undefined when the database needs seeding. */
export async function existingSeed(databaseUrl: string): Promise<{ users: number; posts: number } | undefined> {
  const client = new pg.Client({ connectionString: databaseUrl });
  // A server stopped mid-query fails the query; the listener keeps the event from crashing the lab.
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await readSeedInfo(client);
  } finally {
    await client.end();
  }
}
