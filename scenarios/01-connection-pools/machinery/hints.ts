/**
 * Three hints per step of Scenario 1, by step id: a nudge, where to look, nearly the answer.
 * Each level assumes the learner read the ones before it.
 */
import type { StepHints } from '../../../lab/sdk.js';
import scenario from './scenario.js';

const { users, p99GoalMs } = scenario.loadTest;

export const HINTS = {
  reproduce: [
    'Before fixing anything, see it fail. With `npm start` running, put the feed under the load of many users at once.',
    'Run `npm run loadtest` and keep the dashboard open beside it. Watch the error rate and the database connections panel.',
    'Run `npm run loadtest` against the original src/server.ts (`npm run reset` brings it back). The run is recorded in .lab/runs/; a run with failed requests completes this step.',
  ],
  pool: [
    `Count how many database connections one request to /feed opens, and how many ${users} requests at once would open. The \`npm start\` banner's Connections line says how many PostgreSQL allows.`,
    'Look at the query() function in src/server.ts: what does it create, and when? Where could something be created once instead?',
    'Create ONE `new pg.Pool({ connectionString: DATABASE_URL, max: 10 })` at the top of src/server.ts, outside every function, and make query() call `pool.query(sql, params)`. Add `pool.on(\'error\', …)` so a broken idle connection does not crash the app.',
  ],
  index: [
    'The feed asks for the 20 newest posts. How does PostgreSQL find the newest 20 among all the posts if nothing keeps them in date order?',
    'Open `npm run db` and run EXPLAIN ANALYZE on the feed query (it is in src/server.ts). Look for "Seq Scan" and "Sort": every request reads and sorts every post.',
    'In `npm run db`: CREATE INDEX posts_created_at_idx ON posts (created_at); then EXPLAIN ANALYZE the feed query again and compare the plan and the execution time. No code change is needed.',
  ],
  goal: [
    `The goal needs ${scenario.checks.fixes}: ${users} users with no errors (fix 1) and 99% of answers within ${p99GoalMs / 1000} s (fix 2).`,
    'If requests fail, fix 1 is not complete; if they are slow, look at how long each feed query takes (EXPLAIN ANALYZE) and how many can run at once (the pool size).',
    'With one shared pool and an index on posts (created_at), each feed query reads about 20 index entries instead of every post, so the pool\'s queue drains many times faster. Check both with `npm run check`; a green `npm run loadtest` with both fixes also counts for this line.',
  ],
  'bonus-user-posts': [
    'GET /users/:id/posts filters by one column and sorts by another. Which index would let PostgreSQL jump straight to one user\'s newest posts?',
    'EXPLAIN ANALYZE its query in `npm run db` with a real id, e.g. WHERE user_id = 7. Does your created_at index help here?',
    'An index whose first column is user_id serves it; (user_id, created_at) even returns the rows already in order: CREATE INDEX ON posts (user_id, created_at);',
  ],
  'bonus-db-restart': [
    'Run `npm run chaos -- db` while the app runs. Does the feed come back by itself when the database returns?',
    'When the database stops, the connections idling in a pool break. What does your app do with the error a pool reports for them?',
    'Give the pool an error listener: `pool.on(\'error\', (error) => console.error(…))`. The pool drops the broken connection and opens a new one on the next query; without the listener the error ends the process.',
  ],
} satisfies Record<string, StepHints>;
