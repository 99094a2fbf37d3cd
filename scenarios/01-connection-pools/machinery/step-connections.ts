/**
 * Fix 1: the app reuses database connections. Two bursts of simultaneous /feed requests;
 * PostgreSQL's own count of sessions opened (pg_stat_database.sessions) says how many new
 * connections each burst made. A pool opens at most its size in the first burst and
 * about none in the second; a connection per request opens one per request, every time,
 * however the requests are spaced out or throttled. A third burst (sent only when the second
 * opened about none) asks for different users' posts, which no cache of /feed can answer,
 * so a cache cannot hide new connections.
 *
 * Reusing connections is not enough: a pool allowed to open as many connections as the
 * database has room for (max_connections, less the slots kept for superusers) is refused by
 * PostgreSQL under load just as the broken server is. The line then says the pool's size as the
 * bursts saw it and the database's arithmetic.
 */
import type pg from 'pg';
import type { BurstTally, ConnectionBudget, ScenarioStep, StepVerdict } from '../../../lab/sdk.js';
import { burst, burstEach, connectionBudget, describeTally, failed, isConnectionLimitMessage, passed, settledSessions } from '../../../lab/sdk.js';
import { HINTS } from './hints.js';

export const BURST_SIZE = 50;
/**
 * Requests for different users' posts: each scans posts until bonus B1's index exists, so
 * fewer than a /feed burst. Enough either way: behind a cache, each still opens its own
 * connections (two per request), far above SECOND_BURST_ALLOWANCE.
 */
export const USER_POSTS_BURST_SIZE = 20;
/** The second burst may open at most this many: a pool that lost an idle connection or two still passes. */
export const SECOND_BURST_ALLOWANCE = 5;

export const connectionsStep: ScenarioStep = {
  id: 'pool',
  // Titles name the problem, not the fix: a learner sees them before reaching the step.
  title: 'Fix 1: connections',
  required: true,
  hints: HINTS.pool,
  needs: ['app', 'database'],
  async check({ appUrl, admin, databaseName, sendLoad }) {
    const description = `Fix 1 sends bursts of ${BURST_SIZE} requests to your app, to count the connections they open`;
    return judgePool(await sendLoad('fix 1', description, () => observePool(appUrl, admin, databaseName)));
  },
};

interface BurstObservation {
  tally: BurstTally;
  newSessions: number;
}

export interface PoolObservation {
  budget: ConnectionBudget;
  first: BurstObservation;
  second: BurstObservation;
  /** Requests for different users' posts; not sent when the second burst already opened new connections. */
  userPosts?: BurstObservation;
}

export async function observePool(appUrl: string, admin: Pick<pg.Client, 'query'>, database: string): Promise<PoolObservation> {
  const feed = `${appUrl}/feed`;
  const budget = await connectionBudget(admin);
  const start = await settledSessions(admin, database);
  const firstTally = await burst(feed, BURST_SIZE);
  const afterFirst = await settledSessions(admin, database);
  const secondTally = await burst(feed, BURST_SIZE);
  const afterSecond = await settledSessions(admin, database);
  const first = { tally: firstTally, newSessions: afterFirst - start };
  const second = { tally: secondTally, newSessions: afterSecond - afterFirst };
  // Connections are not reused: the verdict is clear, and a third burst would only cost time.
  if (second.newSessions > SECOND_BURST_ALLOWANCE) return { budget, first, second };
  // GET /users/1/posts … /users/N/posts at once; a 404 (no such user) is an answer too.
  const userPostsUrls = Array.from({ length: USER_POSTS_BURST_SIZE }, (_, i) => `${appUrl}/users/${i + 1}/posts`);
  const userPostsTally = await burstEach(userPostsUrls, { ok: [200, 404] });
  const afterUserPosts = await settledSessions(admin, database);
  return { budget, first, second, userPosts: { tally: userPostsTally, newSessions: afterUserPosts - afterSecond } };
}

/** "PostgreSQL allows 25 connections, 3 of them kept for superusers: at most 22 for the app". */
export function describeBudget({ maxConnections, reservedForSuperusers }: ConnectionBudget): string {
  return `PostgreSQL allows ${maxConnections} connections, ${reservedForSuperusers} of them kept for superusers: at most ${maxConnections - reservedForSuperusers} for the app`;
}

/** Some answer of the burst carries PostgreSQL refusing a connection (SQLSTATE 53300). */
const sayRefused = (tally: BurstTally) => tally.errorBodies.some((body) => isConnectionLimitMessage(body));

export function judgePool(observation: PoolObservation): StepVerdict {
  const { budget, first, second, userPosts } = observation;
  const forTheApp = budget.maxConnections - budget.reservedForSuperusers;
  const reusedForFeed = second.newSessions <= SECOND_BURST_ALLOWANCE;
  const reused = reusedForFeed && (!userPosts || userPosts.newSessions <= SECOND_BURST_ALLOWANCE);
  const opened = `a burst of ${BURST_SIZE} requests opened ${first.newSessions} new database connection${first.newSessions === 1 ? '' : 's'}` +
    `, the next burst ${second.newSessions}`;
  const unanswered = [first.tally, second.tally, userPosts?.tally].find((tally) => tally !== undefined && tally.ok < tally.total);
  // A pool as big as the database's room: its first burst fills the room, PostgreSQL refuses the rest.
  if (reused && (first.newSessions >= forTheApp || (unanswered && sayRefused(unanswered)))) {
    return failed(
      `${opened}${unanswered ? `; of ${BURST_SIZE} simultaneous requests, ${describeTally(unanswered)} ("too many clients")` : ''}. ` +
        `Connections are reused, but the pool opened as many as the database has room for: ${describeBudget(budget)}`,
      `make the pool's max well under ${forTheApp}: the dashboard, \`npm run db\` and a second instance of the app need connections too, and requests beyond the pool wait in the app instead of being refused (SCENARIO.md, Step 3, fix 1)`,
    );
  }
  if (userPosts && userPosts.newSessions > SECOND_BURST_ALLOWANCE && reusedForFeed) {
    return failed(
      `${opened}, but ${USER_POSTS_BURST_SIZE} requests for different users' posts opened ${userPosts.newSessions}`,
      'a cache can answer /feed without the database, but every query the app sends still opens its own connection: the fix is in query() itself (SCENARIO.md, Step 3, fix 1)',
    );
  }
  if (unanswered) {
    if (sayRefused(unanswered)) {
      return failed(
        `${opened}; of ${BURST_SIZE} simultaneous requests, ${describeTally(unanswered)}: PostgreSQL refused connections ("too many clients"; ${describeBudget(budget)})`,
        'each request still opens its own connection: read query() in src/server.ts (SCENARIO.md, Step 2), then Step 3, fix 1. A pool helps only if it is created once, when the app starts',
      );
    }
    return failed(
      `of ${BURST_SIZE} simultaneous requests, ${describeTally(unanswered)}`,
      unanswered.byStatus[429]
        ? 'turning requests away (429) hides the problem; every request should be served: share a pool of connections instead'
        : 'every request should be served: the `npm start` terminal shows the app\'s errors',
    );
  }
  if (!userPosts || !reused) {
    return failed(
      opened,
      'each request still opens its own connection: read query() in src/server.ts (SCENARIO.md, Step 2), then Step 3, fix 1. A pool helps only if it is created once, when the app starts',
    );
  }
  return passed(`${opened}, ${USER_POSTS_BURST_SIZE} requests for different users' posts ${userPosts.newSessions}: connections are reused`);
}
