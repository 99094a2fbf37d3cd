/**
 * Sizes the posts table to the machine on the lab's first start.
 *
 * The lesson needs three clearly different states at 200 users: per-request connections
 * fail, a pool alone queues for SECONDS, pool + index answers in milliseconds. How long
 * the pool-alone queue is depends on how fast this machine scans the unindexed table:
 * by Little's law, 200 waiting users ÷ Q queries per second ≈ the wait. On a 2-core
 * machine 100,000 posts give a few seconds; a machine four times faster would give well
 * under a second, and the lesson would be lost. So after seeding the default size we time
 * the feed query exactly as a pool of 10 would run it, and grow the table if needed.
 */
import pg from 'pg';
import { FEED_QUERY } from './feed-query.js';

/** The wait we aim for when a pool alone serves 200 users without an index. */
export const TARGET_QUEUE_SECONDS = 3.5;
/** Outside this band the default size is changed. */
export const ACCEPTABLE_QUEUE_SECONDS = { min: 1.5, max: 8 } as const;
export const CALIBRATION_USERS = 200;
const POOL_SIZE = 10;
const MEASURE_MS = 2_000;
const MIN_POSTS = 50_000;
const MAX_POSTS = 1_000_000;
const ROUND_TO = 50_000;

export interface CalibrationDecision {
  measuredQueriesPerSecond: number;
  /** 200 users ÷ measured queries/s: the pool-alone wait at the current size. */
  predictedQueueSeconds: number;
  posts: number;
  changed: boolean;
  reason: string;
}

/** Pure decision: the post count that brings the predicted pool-alone wait into the band. */
export function choosePostCount(currentPosts: number, measuredQueriesPerSecond: number): CalibrationDecision {
  const predicted = CALIBRATION_USERS / measuredQueriesPerSecond;
  const base = { measuredQueriesPerSecond, predictedQueueSeconds: predicted };
  if (predicted >= ACCEPTABLE_QUEUE_SECONDS.min && predicted <= ACCEPTABLE_QUEUE_SECONDS.max) {
    return { ...base, posts: currentPosts, changed: false, reason: 'a pool alone would queue for a few seconds: the lesson shows as it is' };
  }
  // The scan's cost grows with the table, so the wait scales with the row count.
  const wanted = (currentPosts * TARGET_QUEUE_SECONDS) / predicted;
  const posts = Math.min(MAX_POSTS, Math.max(MIN_POSTS, Math.round(wanted / ROUND_TO) * ROUND_TO));
  const speed = predicted < ACCEPTABLE_QUEUE_SECONDS.min ? 'fast' : 'slow';
  return {
    ...base,
    posts,
    changed: posts !== currentPosts,
    reason: `this machine is ${speed}: a pool alone would queue for about ${predicted.toFixed(1)} s at ${currentPosts.toLocaleString('en-US')} posts; aiming for about ${TARGET_QUEUE_SECONDS} s`,
  };
}

/**
 * Runs the unindexed feed query from 10 connections for two seconds and returns the
 * completed queries per second. Bounded in time; leaves no connection behind.
 */
export async function measureFeedQueriesPerSecond(databaseUrl: string): Promise<number> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: POOL_SIZE });
  pool.on('error', () => undefined);
  try {
    // Open all connections first, so connecting is not part of what we time.
    await Promise.all(Array.from({ length: POOL_SIZE }, () => pool.query('SELECT 1')));
    let completed = 0;
    const started = Date.now();
    const deadline = started + MEASURE_MS;
    await Promise.all(
      Array.from({ length: POOL_SIZE }, async () => {
        while (Date.now() < deadline) {
          await pool.query(FEED_QUERY);
          completed += 1;
        }
      }),
    );
    return completed / ((Date.now() - started) / 1000);
  } finally {
    await pool.end();
  }
}
