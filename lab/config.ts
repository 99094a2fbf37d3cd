/**
 * Every fixed fact of the lab lives here: ports, paths, credentials of the embedded
 * database and the default dataset size. Other modules import these; none repeats them.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (the folder that holds package.json). */
export const ROOT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Lab state that git ignores: database files, run history, hint progress.
 * LAB_STATE_DIR moves it (tests use this to run a lab beside yours).
 */
export const STATE_DIR = process.env.LAB_STATE_DIR ? path.resolve(process.env.LAB_STATE_DIR) : path.join(ROOT_DIR, '.lab');
export const PG_DATA_DIR = path.join(STATE_DIR, 'pgdata');
export const PG_LOG_FILE = path.join(STATE_DIR, 'postgres.log');
/** Written by the running supervisor; read by the other commands to find the lab. */
export const LAB_STATE_FILE = path.join(STATE_DIR, 'lab.json');

/**
 * The learner's app, which `npm start` runs and restarts on save. LAB_APP_ENTRY points it at
 * another file: the tests run the lab on a pristine copy, never on the learner's work.
 */
export const APP_ENTRY = process.env.LAB_APP_ENTRY ? path.resolve(process.env.LAB_APP_ENTRY) : path.join(ROOT_DIR, 'src', 'server.ts');
export const SCHEMA_FILE = path.join(ROOT_DIR, 'db', 'schema.sql');

export const DEFAULT_APP_PORT = 3000;
export const DEFAULT_LAB_PORT = 3002;
/** Not 5432, so a PostgreSQL already installed on the machine is left alone. */
export const DEFAULT_PG_PORT = 54329;

/** The superuser the lab itself uses for statistics, seeding and drills. */
export const PG_SUPERUSER = 'postgres';
export const PG_SUPERUSER_PASSWORD = 'lab-admin';
/** The app's own role: owns the feed tables, may create indexes on them, nothing more. */
export const APP_ROLE = 'feed_app';
export const APP_ROLE_PASSWORD = 'feed_app';
export const APP_DATABASE = 'feed';

/**
 * Default dataset. At 100,000 posts the three states of the scenario are clearly apart
 * on a 2-core machine: per-request connections fail (too many clients), a pool alone
 * queues for seconds, pool + index answers in tens of milliseconds. See db/seed.ts.
 */
export const DEFAULT_USERS = 5_000;
export const DEFAULT_POSTS = 100_000;

/**
 * The load test's bar for "healthy" (green): no failed request and a p99 latency under this.
 * Pool + index stays far below it with 200 users on a 2-core machine; a pool alone is far above.
 * `npm run check` states the same bound as the scenario's goal.
 */
export const LOADTEST_P99_GOAL_MS = 1_000;
