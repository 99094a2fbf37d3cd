/** The dataset-size decision: keep the size when the lesson shows, scale it when the machine is too fast or too slow. */
import { describe, expect, it } from 'vitest';
import { CALIBRATION_USERS, choosePostCount, KEEP_WAIT_SECONDS, nearestStep, POST_COUNT_STEPS, TARGET_WAIT_SECONDS } from '../../lab/calibration.js';

/** Requests per second that predict this pool-alone wait. */
const rateFor = (waitSeconds: number) => CALIBRATION_USERS / waitSeconds;

describe('choosePostCount', () => {
  it('keeps the size anywhere in the band', () => {
    for (const wait of [KEEP_WAIT_SECONDS.min, 3, KEEP_WAIT_SECONDS.max]) {
      const decision = choosePostCount(100_000, rateFor(wait));
      expect(decision.changed).toBe(false);
      expect(decision.posts).toBe(100_000);
      expect(decision.predictedWaitSeconds).toBeCloseTo(wait);
    }
  });

  it('grows the table on a machine fast enough to hide the queue, and names why', () => {
    const decision = choosePostCount(100_000, rateFor(0.5));
    expect(decision.changed).toBe(true);
    expect(decision.posts).toBe(700_000); // 100k × 3 s ÷ 0.5 s = 600k: the nearest step
    expect(decision.reason).toMatch(/fast .* about 0\.5 s/);
  });

  it('shrinks the table on a machine so slow that a pool alone would near the client timeout', () => {
    const decision = choosePostCount(100_000, rateFor(10));
    expect(decision.changed).toBe(true);
    expect(decision.posts).toBe(30_000); // 100k × 3 s ÷ 10 s
    expect(decision.reason).toMatch(/slow/);
  });

  it('lands every machine from 10× slower to 10× faster in the band (the wait scales with the rows)', () => {
    for (let wait = 0.3; wait <= 30; wait *= 1.1) {
      const decision = choosePostCount(100_000, rateFor(wait));
      const waitAtNewSize = wait * (decision.posts / 100_000);
      expect(waitAtNewSize, `a machine waiting ${wait.toFixed(2)} s at 100k`).toBeGreaterThanOrEqual(KEEP_WAIT_SECONDS.min);
      expect(waitAtNewSize, `a machine waiting ${wait.toFixed(2)} s at 100k`).toBeLessThanOrEqual(KEEP_WAIT_SECONDS.max);
    }
  });

  it('keeps a resized table on the next calibration (no flip-flop between two sizes)', () => {
    for (let wait = 0.3; wait <= 30; wait *= 1.1) {
      const first = choosePostCount(100_000, rateFor(wait));
      const second = choosePostCount(first.posts, rateFor(wait * (first.posts / 100_000)));
      expect(second.changed).toBe(false);
    }
  });

  it('stays within its steps: at most a million posts, at least ten thousand', () => {
    expect(choosePostCount(100_000, rateFor(0.01)).posts).toBe(1_000_000);
    expect(choosePostCount(100_000, rateFor(1_000)).posts).toBe(10_000);
  });
});

describe('nearestStep', () => {
  it('picks the step nearest by ratio', () => {
    expect(nearestStep(14_000)).toBe(15_000);
    expect(nearestStep(85_000)).toBe(100_000);
    expect(nearestStep(80_000)).toBe(70_000);
    expect(POST_COUNT_STEPS).toContain(nearestStep((100_000 * TARGET_WAIT_SECONDS) / 7.4));
  });
});
