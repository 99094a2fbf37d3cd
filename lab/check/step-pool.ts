/**
 * Fix 1: the app reuses database connections. Two bursts of simultaneous /feed requests;
 * PostgreSQL's own count of sessions opened (pg_stat_database.sessions) says how many new
 * connections each burst made. A pool opens at most its size in the first burst and
 * about none in the second; a connection per request opens one per request, every time,
 * however the requests are spaced out or throttled. A third burst (sent only when the second
 * opened about none) asks for different users' posts, which no cache of /feed can answer,
 * so a cache cannot hide new connections.
 */
import type pg from 'pg';
import { sessionsOpened } from '../database/stats.js';
import { burst, describeTally, type BurstTally } from './http-load.js';
import { failed, passed, type StepResult } from './types.js';

export const BURST_SIZE = 50;
/**
 * Requests for different users' posts: each scans posts until bonus B1's index exists, so
 * fewer than a /feed burst. Enough either way: behind a cache, each still opens its own
 * connections (two per request), far above SECOND_BURST_ALLOWANCE.
 */
export const USER_POSTS_BURST_SIZE = 20;
/** The second burst may open at most this many: a pool that lost an idle connection or two still passes. */
export const SECOND_BURST_ALLOWANCE = 5;

interface BurstObservation {
  tally: BurstTally;
  newSessions: number;
}

export interface PoolObservation {
  first: BurstObservation;
  second: BurstObservation;
  /** Requests for different users' posts; not sent when the second burst already opened new connections. */
  userPosts?: BurstObservation;
}

/**
 * PostgreSQL adds a session to pg_stat_database when the session flushes its statistics
 * (at the latest when it ends), so read until the number stops moving.
 */
export async function settledSessions(client: Pick<pg.Client, 'query'>, database: string, maxWaitMs = 2_500): Promise<number> {
  const deadline = Date.now() + maxWaitMs;
  let previous = await sessionsOpened(client, database);
  let stableReads = 0;
  while (Date.now() < deadline && stableReads < 2) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    const now = await sessionsOpened(client, database);
    stableReads = now === previous ? stableReads + 1 : 0;
    previous = now;
  }
  return previous;
}

export async function observePool(appUrl: string, admin: Pick<pg.Client, 'query'>, database: string): Promise<PoolObservation> {
  const feed = `${appUrl}/feed`;
  const start = await settledSessions(admin, database);
  const firstTally = await burst(feed, BURST_SIZE);
  const afterFirst = await settledSessions(admin, database);
  const secondTally = await burst(feed, BURST_SIZE);
  const afterSecond = await settledSessions(admin, database);
  const first = { tally: firstTally, newSessions: afterFirst - start };
  const second = { tally: secondTally, newSessions: afterSecond - afterFirst };
  // Connections are not reused: the verdict is clear, and a third burst would only cost time.
  if (second.newSessions > SECOND_BURST_ALLOWANCE) return { first, second };
  const userPostsTally = await burstOfUserPosts(appUrl, USER_POSTS_BURST_SIZE);
  const afterUserPosts = await settledSessions(admin, database);
  return { first, second, userPosts: { tally: userPostsTally, newSessions: afterUserPosts - afterSecond } };
}

/** GET /users/1/posts … /users/N/posts at once; a 404 (no such user) is an answer too. */
async function burstOfUserPosts(appUrl: string, count: number): Promise<BurstTally> {
  const tallies = await Promise.all(Array.from({ length: count }, (_, i) => burst(`${appUrl}/users/${i + 1}/posts`, 1)));
  const total: BurstTally = { total: count, ok: 0, byStatus: {}, noAnswer: 0, errorBodies: [] };
  for (const tally of tallies) {
    total.noAnswer += tally.noAnswer;
    total.errorBodies.push(...tally.errorBodies);
    for (const [status, n] of Object.entries(tally.byStatus)) {
      total.byStatus[Number(status)] = (total.byStatus[Number(status)] ?? 0) + n;
      if (status === '200' || status === '404') total.ok += n;
    }
  }
  return total;
}

export function judgePool(observation: PoolObservation): StepResult {
  const { first, second, userPosts } = observation;
  const unanswered = [first.tally, second.tally, userPosts?.tally].find((tally) => tally !== undefined && tally.ok < tally.total);
  if (unanswered) {
    return failed(
      'pool',
      `of ${BURST_SIZE} simultaneous requests, ${describeTally(unanswered)}`,
      unanswered.byStatus[429]
        ? 'turning requests away (429) hides the problem; every request should be served: share a pool of connections instead'
        : 'every request should be served: the `npm start` terminal shows the app\'s errors',
    );
  }
  const opened = `a burst of ${BURST_SIZE} requests opened ${first.newSessions} new database connection${first.newSessions === 1 ? '' : 's'}` +
    `, the next burst ${second.newSessions}`;
  if (userPosts && userPosts.newSessions > SECOND_BURST_ALLOWANCE && second.newSessions <= SECOND_BURST_ALLOWANCE) {
    return failed(
      'pool',
      `${opened}, but ${USER_POSTS_BURST_SIZE} requests for different users' posts opened ${userPosts.newSessions}`,
      'a cache can answer /feed without the database, but every query the app sends still opens its own connection: the fix is in query() itself (SCENARIO.md, Step 3, fix 1)',
    );
  }
  if (!userPosts || second.newSessions > SECOND_BURST_ALLOWANCE || userPosts.newSessions > SECOND_BURST_ALLOWANCE) {
    return failed(
      'pool',
      opened,
      'each request still opens its own connection: read query() in src/server.ts (SCENARIO.md, Step 2), then Step 3, fix 1. A pool helps only if it is created once, when the app starts',
    );
  }
  return passed('pool', `${opened}, ${USER_POSTS_BURST_SIZE} requests for different users' posts ${userPosts.newSessions}: connections are reused`);
}
