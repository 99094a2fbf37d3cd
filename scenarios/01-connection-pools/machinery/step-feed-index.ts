/**
 * Fix 2: the feed query is served by an index. Two facts, both read from PostgreSQL: an
 * index led by posts.created_at exists, and the plan of the feed query uses it instead of
 * reading every post and sorting them (Seq Scan + Sort). Until one exists, the line says only
 * what the plan did (rows read, a sort): a learner still on an earlier step sees it, and the
 * indexes posts has (or lacks) would point at the fix; they are named in the advice, which
 * only the learner on this step reads.
 */
import type pg from 'pg';
import type { RunRecord, ScenarioStep, StepVerdict, TableAccess, TableIndex } from '../../../lab/sdk.js';
import { accessesTo, describeAccess, describeIndex, explain, explainAnalyze, failed, indexesOn, ledBy, passed, readsOf, skipped, sortsRows } from '../../../lab/sdk.js';
import { HINTS } from './hints.js';
import { FEED_QUERY, USER_POSTS_QUERY } from './queries.js';

type Queryable = Pick<pg.Client, 'query'>;

export const feedIndexStep: ScenarioStep = {
  id: 'index',
  title: 'Fix 2: the feed query',
  required: true,
  hints: HINTS.index,
  needs: ['database'],
  check: async ({ admin }) => judgeFeedIndex(await observeFeedIndex(admin)),
};

export const userPostsIndexStep: ScenarioStep = {
  id: 'bonus-user-posts',
  title: 'Bonus: the other slow endpoint, /users/:id/posts',
  required: false,
  hints: HINTS['bonus-user-posts'],
  needs: ['database'],
  check: ({ admin, runs }) => checkUserPostsIndex(admin, runs),
};

export interface IndexObservation {
  /** Usable indexes on posts. */
  postsIndexes: TableIndex[];
  /** How the feed query's plan reads posts. */
  feedAccess: TableAccess[];
  feedSorts: boolean;
  /** Rows of posts the feed query read when run (EXPLAIN ANALYZE): the whole table, or about 20. */
  feedRowsRead: number;
}

export async function observeFeedIndex(admin: Queryable): Promise<IndexObservation> {
  const postsIndexes = (await indexesOn(admin, ['posts'])).filter((index) => index.usable);
  const plan = await explainAnalyze(admin, FEED_QUERY);
  const feedRowsRead = readsOf(plan, 'posts').reduce((sum, read) => sum + read.rowsRead, 0);
  return { postsIndexes, feedAccess: accessesTo(plan, 'posts'), feedSorts: sortsRows(plan), feedRowsRead };
}

export function judgeFeedIndex(observation: IndexObservation): StepVerdict {
  const createdAt = observation.postsIndexes.filter(ledBy('created_at'));
  const others = observation.postsIndexes.filter((index) => !index.backsConstraint && !ledBy('created_at')(index));
  const plan = `the feed query's plan: ${describeAccess(observation.feedAccess, 'posts')}${observation.feedSorts ? ' + Sort' : ''}`;
  if (createdAt.length === 0) {
    const found = others.length > 0
      ? `posts has ${others.map(describeIndex).join(', ')} besides its primary key`
      : 'posts has no index besides its primary key';
    return failed(
      `the feed query's plan reads ${observation.feedRowsRead.toLocaleString('en-US')} rows of posts${observation.feedSorts ? ' and sorts them' : ''}`,
      `${found}, so the feed query reads and sorts every post: look at its plan with EXPLAIN ANALYZE in \`npm run db\` (SCENARIO.md, Step 3, fix 2). ` +
        '(A cache in front of /feed may make the goal pass, but the database still reads every post whenever it misses.)',
    );
  }
  const names = new Set(createdAt.map((index) => index.name));
  const usesIt = observation.feedAccess.some((access) => access.indexName !== undefined && names.has(access.indexName));
  const scans = observation.feedAccess.some((access) => access.nodeType.includes('Seq Scan'));
  if (!usesIt || scans) {
    return failed(
      `${createdAt.map(describeIndex).join(', ')} exists, but ${plan}`,
      'PostgreSQL does not use the index for the feed yet: run ANALYZE posts; in `npm run db`, and check the feed query still orders by p.created_at',
    );
  }
  return passed(`${createdAt.map(describeIndex).join(', ')} exists; ${plan}`);
}

/**
 * Bonus: GET /users/:id/posts reads one user's posts through an index led by user_id. Not
 * tried ("–") until an index on user_id exists or a load test ran on that route.
 */
export async function checkUserPostsIndex(admin: Queryable, runs: RunRecord[]): Promise<StepVerdict> {
  const usable = (await indexesOn(admin, ['posts'])).filter((index) => index.usable);
  const ledByUserId = new Set(usable.filter(ledBy('user_id')).map((index) => index.name));
  const plan = await explain(admin, USER_POSTS_QUERY, [1]);
  const access = accessesTo(plan, 'posts');
  const usesIt = access.some((entry) => entry.indexName !== undefined && ledByUserId.has(entry.indexName));
  const observed = `the plan for one user's posts: ${describeAccess(access, 'posts')}${sortsRows(plan) ? ' + Sort' : ''}`;
  if (usesIt) return passed(observed);
  const tried = usable.some((index) => index.columns.includes('user_id')) || runs.some((run) => run.summary.route.startsWith('/users/'));
  if (!tried) return skipped(`not tried yet; ${observed}`, 'look at its plan, then load-test it (SCENARIO.md, Bonus B1)');
  return failed(
    observed,
    'this query filters by user_id and orders by created_at: which index would let PostgreSQL read only that user’s newest 20? Try it, then EXPLAIN it',
  );
}
