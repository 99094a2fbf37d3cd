/**
 * Sizes the posts table to the machine on the lab's first start.
 *
 * The lesson needs three clearly different states under the load test's 200 users:
 * per-request connections fail, a pool alone queues for SECONDS, pool + index answers in
 * milliseconds. How long the pool-alone queue is depends on how fast this machine scans the
 * unindexed table: by Little's law the wait is 200 users ÷ the requests answered per second.
 * So after seeding the default size, the lab runs exactly that state for a few seconds — the
 * solution's server (one pool of 10, no index) under 200 users from the load generator, all
 * sharing this machine's cores as they will in the learner's run — and scales the table until
 * the predicted wait sits in a band that is safely above a second and safely below the load
 * test's client timeout.
 */
import { startApp, FIXED_SERVER } from './app-runner.js';
import { startLoad } from './loadtest/generator.js';

/** The load test's users (scripts/loadtest.ts): the wait is what they will see. */
export const CALIBRATION_USERS = 200;
/** The pool-alone wait (p50) the lab aims for when it must change the size. */
export const TARGET_WAIT_SECONDS = 3;
/**
 * Inside this band the current size is kept. Its floor keeps the pool-alone state slow
 * enough to see (p50 ≥ 1 s with room for error); its ceiling keeps p99 (about 1.6 × p50 in
 * our runs) under half the load test's 20 s client timeout.
 */
export const KEEP_WAIT_SECONDS = { min: 1.8, max: 4.5 } as const;
/**
 * The sizes the lab chooses from. Steps of about 1.4× are fine enough to land in the band,
 * and coarse enough that the same machine lands on the same step on a second start.
 */
export const POST_COUNT_STEPS = [
  10_000, 15_000, 20_000, 30_000, 40_000, 50_000, 70_000, 100_000, 150_000, 200_000, 300_000, 400_000, 500_000, 700_000, 1_000_000,
] as const;
/** Time, resize, and time again once: enough to land in the band, bounded in time. */
export const CALIBRATION_ROUNDS = 2;
const WARM_UP_SECONDS = 1.5;
const MEASURE_SECONDS = 4;
/** As in the load test: a request unanswered after 20 s is given up. */
const REQUEST_TIMEOUT_SECONDS = 20;

export interface CalibrationDecision {
  /** Requests per second the pool-alone app answered at the current size. */
  measuredRequestsPerSecond: number;
  /** Users ÷ measured requests/s: the pool-alone wait at the current size. */
  predictedWaitSeconds: number;
  posts: number;
  changed: boolean;
  reason: string;
}

/** Pure decision: the post count that brings the predicted pool-alone wait into the band. */
export function choosePostCount(currentPosts: number, measuredRequestsPerSecond: number): CalibrationDecision {
  const predicted = CALIBRATION_USERS / measuredRequestsPerSecond;
  const base = { measuredRequestsPerSecond, predictedWaitSeconds: predicted };
  if (predicted >= KEEP_WAIT_SECONDS.min && predicted <= KEEP_WAIT_SECONDS.max) {
    return { ...base, posts: currentPosts, changed: false, reason: 'a pool alone would make users wait a few seconds: the lesson shows as it is' };
  }
  // The scan's cost grows with the table, so the wait scales with the row count.
  const wanted = (currentPosts * TARGET_WAIT_SECONDS) / predicted;
  const posts = nearestStep(wanted);
  const speed = predicted < KEEP_WAIT_SECONDS.min ? 'fast' : 'slow';
  return {
    ...base,
    posts,
    changed: posts !== currentPosts,
    reason: `this machine is ${speed} for ${currentPosts.toLocaleString('en-US')} posts: a pool alone would make users wait about ${predicted.toFixed(1)} s; aiming for about ${TARGET_WAIT_SECONDS} s`,
  };
}

/** The step closest to the wanted size, measured as a ratio (so 14,000 is nearer 15,000 than 10,000). */
export function nearestStep(wanted: number): number {
  let best: number = POST_COUNT_STEPS[0];
  for (const step of POST_COUNT_STEPS) if (Math.abs(Math.log(step / wanted)) < Math.abs(Math.log(best / wanted))) best = step;
  return best;
}

/**
 * Runs the pool-alone state for a few seconds: the solution's server (pristine copy, never the
 * learner's) on the unindexed table, under the load test's users on loopback. Returns the
 * requests answered per second after a warm-up. Bounded in time; stops the server it started.
 */
export async function measurePoolAloneRequestsPerSecond(appDatabaseUrl: string): Promise<number> {
  const app = await startApp(FIXED_SERVER, appDatabaseUrl);
  try {
    // Requests completed at the first reading after the warm-up, and at the last reading.
    let first: { seconds: number; completed: number } | undefined;
    let last: { seconds: number; completed: number } | undefined;
    await startLoad({
      port: app.port,
      route: '/feed',
      users: CALIBRATION_USERS,
      durationSeconds: WARM_UP_SECONDS + MEASURE_SECONDS,
      requestTimeoutSeconds: REQUEST_TIMEOUT_SECONDS,
      onProgress: (progress) => {
        if (progress.elapsedSeconds < WARM_UP_SECONDS) return;
        const reading = { seconds: progress.elapsedSeconds, completed: progress.succeeded + progress.failed };
        first ??= reading;
        last = reading;
      },
    }).finished;
    if (!first || !last || last.seconds <= first.seconds) throw new Error('the calibration load took too few readings to time the app');
    return (last.completed - first.completed) / (last.seconds - first.seconds);
  } finally {
    await app.stop();
  }
}

export interface DatasetCalibration {
  /** One decision per round, in order; the last one's size is what the table holds now. */
  decisions: CalibrationDecision[];
  posts: number;
}

/**
 * Times the pool-alone state at the current size and reseeds until the predicted wait is in
 * the band, at most CALIBRATION_ROUNDS times. `reseed` fills the table with that many posts.
 */
export async function calibrateDataset(
  appDatabaseUrl: string,
  currentPosts: number,
  reseed: (posts: number) => Promise<void>,
  log: (line: string) => void = () => undefined,
): Promise<DatasetCalibration> {
  const decisions: CalibrationDecision[] = [];
  let posts = currentPosts;
  for (let round = 1; round <= CALIBRATION_ROUNDS; round += 1) {
    log(`Timing a pool alone under ${CALIBRATION_USERS} users on this machine, to size the table for the lesson…`);
    const decision = choosePostCount(posts, await measurePoolAloneRequestsPerSecond(appDatabaseUrl));
    decisions.push(decision);
    log(`${decision.measuredRequestsPerSecond.toFixed(0)} requests/s answered → ${decision.reason}.`);
    if (!decision.changed) break;
    log(`Seeding ${decision.posts.toLocaleString('en-US')} posts instead (change it any time: npm run seed -- --posts N).`);
    await reseed(decision.posts);
    posts = decision.posts;
  }
  return { decisions, posts };
}
