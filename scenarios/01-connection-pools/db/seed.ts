// Fills the database with users and posts so that the feed has something to be slow on.
//
//   npm run seed                      seed the default size (skipped if already seeded)
//   npm run seed -- --posts 1000000   re-seed with a million posts (Q6: what changes?)
//
// Rows are generated inside PostgreSQL with generate_series (one statement per chunk),
// not sent one by one from Node: that is the difference between a second and an hour.
import pg from 'pg';

// The default size. At 100,000 posts the three states of the scenario are clearly apart on a
// 2-core machine; on its first start the lab times this size and grows or shrinks it to fit yours.
export const DEFAULT_USERS = 5_000;
export const DEFAULT_POSTS = 100_000;

export interface SeedOptions {
  users?: number;
  posts?: number;
  /** Re-seed even when the database already holds a complete seed of this size. */
  force?: boolean;
  /** Called after each chunk of posts, for a progress bar. */
  onProgress?: (postsDone: number, postsTotal: number) => void;
}

export interface SeedResult {
  skipped: boolean;
  users: number;
  posts: number;
  seconds: number;
}

// Rows per INSERT statement. Big enough to be fast, small enough for a smooth progress bar.
const CHUNK = 50_000;

// Posts are glued together from these pieces: 10 × 10 × 10 = 1,000 different texts.
const OPENERS = [
  'Just finished', 'Anyone else tried', 'Hot take about', 'Today I learned about', 'Finally fixed',
  "Can't stop thinking about", 'Reminder to self about', 'Weekend plans involve', 'Quick question about', 'Loving',
];
const SUBJECTS = [
  'the new coffee place downtown', 'my sourdough starter', 'a bug that only happens on Fridays',
  'the morning run', 'this book on distributed systems', "our team's standup", 'the rain',
  'learning TypeScript', 'the train delay', 'a three-hour code review',
];
const ENDINGS = ['.', '!', ' 🙌', ' — thoughts?', '. Worth it.', ' #monday', '...', ' 😅', '. More soon.', ' (again)'];
// Every combination, built once here so the database picks one text per row.
const POST_TEXTS = OPENERS.flatMap((opener) =>
  SUBJECTS.flatMap((subject) => ENDINGS.map((ending) => `${opener} ${subject}${ending}`)),
);
const ADJECTIVES = ['quiet', 'brave', 'sunny', 'clever', 'rapid', 'gentle', 'lucky', 'curious', 'bold', 'calm'];
const NOUNS = ['otter', 'falcon', 'maple', 'comet', 'harbor', 'pixel', 'willow', 'ember', 'badger', 'lantern'];

/** Seeds the database unless it already holds a complete seed of the requested size. */
export async function seed(connectionString: string, options: SeedOptions = {}): Promise<SeedResult> {
  const users = options.users ?? DEFAULT_USERS;
  const posts = options.posts ?? DEFAULT_POSTS;
  const started = Date.now();
  const client = new pg.Client({ connectionString });
  // If the server goes away mid-seed (Ctrl-C stops it), the running query fails with that
  // error anyway; without a listener, the client's 'error' event would also crash Node.
  client.on('error', () => undefined);
  await client.connect();
  try {
    if (!options.force && (await isSeeded(client, users, posts))) {
      return { skipped: true, users, posts, seconds: 0 };
    }
    // One transaction: if seeding is interrupted, nothing of it stays behind,
    // and the next start sees "not seeded" and does it again.
    await client.query('BEGIN');
    await client.query('TRUNCATE posts, users, seed_info RESTART IDENTITY');
    // Checking the foreign key row by row costs more than generating the rows.
    // Drop it, insert, and add it back: PostgreSQL then checks all rows in one pass.
    await client.query('ALTER TABLE posts DROP CONSTRAINT IF EXISTS posts_user_id_fkey');
    await insertUsers(client, users);
    for (let done = 0; done < posts; done += CHUNK) {
      await insertPosts(client, Math.min(CHUNK, posts - done), users);
      options.onProgress?.(Math.min(done + CHUNK, posts), posts);
    }
    await client.query('ALTER TABLE posts ADD CONSTRAINT posts_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id)');
    await client.query('INSERT INTO seed_info (users, posts) VALUES ($1, $2)', [users, posts]);
    await client.query('COMMIT');
    // Fresh statistics let the planner choose well; VACUUM also marks pages all-visible.
    await client.query('VACUUM ANALYZE users');
    await client.query('VACUUM ANALYZE posts');
    return { skipped: false, users, posts, seconds: (Date.now() - started) / 1000 };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    await client.end();
  }
}

/** True when a complete seed of exactly this size is present. */
async function isSeeded(client: pg.Client, users: number, posts: number): Promise<boolean> {
  const seeded = await readSeedInfo(client);
  return seeded !== undefined && seeded.users === users && seeded.posts === posts;
}

/** The size of the complete seed in the database, or undefined if it was never (fully) seeded. */
export async function readSeedInfo(client: pg.Client): Promise<{ users: number; posts: number } | undefined> {
  const result = await client.query('SELECT users, posts FROM seed_info LIMIT 1');
  return result.rows[0];
}

async function insertUsers(client: pg.Client, count: number): Promise<void> {
  await client.query(
    `INSERT INTO users (username, created_at)
     SELECT ($1::text[])[1 + i % 10] || '_' || ($2::text[])[1 + (i / 10) % 10] || '_' || i,
            now() - random() * interval '730 days'
     FROM generate_series(1, $3) AS i`,
    [ADJECTIVES, NOUNS, count],
  );
}

async function insertPosts(client: pg.Client, count: number, userCount: number): Promise<void> {
  // random() picks the author, one of the texts and a moment in the last year.
  await client.query(
    `INSERT INTO posts (user_id, content, created_at)
     SELECT 1 + floor(random() * $2)::int,
            ($1::text[])[1 + floor(random() * $3)::int],
            now() - random() * interval '365 days'
     FROM generate_series(1, $4)`,
    [POST_TEXTS, userCount, POST_TEXTS.length, count],
  );
}
