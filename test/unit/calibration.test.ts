/** The dataset-size decision: keep the default when the lesson shows, scale it when the machine is too fast or too slow. */
import { describe, expect, it } from 'vitest';
import { ACCEPTABLE_QUEUE_SECONDS, choosePostCount } from '../../lab/calibration.js';

describe('choosePostCount', () => {
  it('keeps 100,000 posts when a pool alone would queue for a few seconds (this 2-core machine: ~35-60 queries/s)', () => {
    for (const qps of [35, 60, 100]) {
      const decision = choosePostCount(100_000, qps);
      expect(decision.changed).toBe(false);
      expect(decision.posts).toBe(100_000);
    }
  });

  it('grows the table on a machine fast enough to hide the queue', () => {
    const decision = choosePostCount(100_000, 400); // 200 users ÷ 400/s = 0.5 s
    expect(decision.changed).toBe(true);
    expect(decision.posts).toBe(700_000); // 100k × 3.5 s ÷ 0.5 s
    expect(decision.reason).toMatch(/fast/);
    // At the new size the predicted wait is back in the band (the scan scales with rows).
    const predictedAfter = decision.predictedQueueSeconds * (decision.posts / 100_000);
    expect(predictedAfter).toBeGreaterThanOrEqual(ACCEPTABLE_QUEUE_SECONDS.min);
    expect(predictedAfter).toBeLessThanOrEqual(ACCEPTABLE_QUEUE_SECONDS.max);
  });

  it('never seeds more than a million posts', () => {
    expect(choosePostCount(100_000, 5_000).posts).toBe(1_000_000);
  });

  it('shrinks the table on a machine so slow that a pool alone would time out', () => {
    const decision = choosePostCount(100_000, 10); // 20 s: the load test's client timeout
    expect(decision.changed).toBe(true);
    expect(decision.posts).toBe(50_000);
    expect(decision.reason).toMatch(/slow/);
  });
});
