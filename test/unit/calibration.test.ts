/** The dataset-size decision: keep the size when the lesson shows, scale it when the machine is too fast or too slow. */
import { describe, expect, it } from 'vitest';
import { calibrateDataset, calibrationLoad, chooseSize, nearestStep, type CalibrationFacts } from '../../lab/calibration.js';
import { lab, scenario as projectScenario } from '../helpers/project-lab.js';

/** Scenario 1's definition, which has a calibration. */
const scenario: CalibrationFacts = { ...projectScenario, calibration: projectScenario.calibration! };

const { keepWaitSeconds, targetWaitSeconds } = scenario.calibration;
const steps = scenario.dataset.unitSteps;
/** Requests per second that predict this wait under the load test's users. */
const rateFor = (waitSeconds: number, facts: CalibrationFacts = scenario) => facts.loadTest.users / waitSeconds;

describe('chooseSize, with Scenario 1\'s definition', () => {
  it('keeps the size anywhere in the band', () => {
    for (const wait of [keepWaitSeconds.min, 3, keepWaitSeconds.max]) {
      const decision = chooseSize(100_000, rateFor(wait), scenario);
      expect(decision.changed).toBe(false);
      expect(decision.size).toBe(100_000);
      expect(decision.predictedWaitSeconds).toBeCloseTo(wait);
      expect(decision.reason).toBe(`a pool alone would make users wait about ${wait.toFixed(1)} s: the lesson shows as it is`);
    }
  });

  it('grows the table on a machine fast enough to hide the queue, and names why', () => {
    const decision = chooseSize(100_000, rateFor(0.5), scenario);
    expect(decision.changed).toBe(true);
    expect(decision.size).toBe(700_000); // 100k × 3 s ÷ 0.5 s = 600k: the nearest step
    expect(decision.reason).toBe('this machine is fast for 100,000 posts: a pool alone would make users wait about 0.5 s; aiming for about 3 s');
  });

  it('shrinks the table on a machine so slow that a pool alone would near the client timeout', () => {
    const decision = chooseSize(100_000, rateFor(10), scenario);
    expect(decision.changed).toBe(true);
    expect(decision.size).toBe(30_000); // 100k × 3 s ÷ 10 s
    expect(decision.reason).toMatch(/slow/);
  });

  it('lands every machine from 10× slower to 10× faster in the band (the wait scales with the rows)', () => {
    for (let wait = 0.3; wait <= 30; wait *= 1.1) {
      const decision = chooseSize(100_000, rateFor(wait), scenario);
      const waitAtNewSize = wait * (decision.size / 100_000);
      expect(waitAtNewSize, `a machine waiting ${wait.toFixed(2)} s at 100k`).toBeGreaterThanOrEqual(keepWaitSeconds.min);
      expect(waitAtNewSize, `a machine waiting ${wait.toFixed(2)} s at 100k`).toBeLessThanOrEqual(keepWaitSeconds.max);
    }
  });

  it('keeps a resized table on the next calibration (no flip-flop between two sizes)', () => {
    for (let wait = 0.3; wait <= 30; wait *= 1.1) {
      const first = chooseSize(100_000, rateFor(wait), scenario);
      const second = chooseSize(first.size, rateFor(wait * (first.size / 100_000)), scenario);
      expect(second.changed).toBe(false);
    }
  });

  it('stays within its steps', () => {
    expect(chooseSize(100_000, rateFor(0.01), scenario).size).toBe(steps.at(-1));
    expect(chooseSize(100_000, rateFor(1_000), scenario).size).toBe(steps[0]);
  });
});

describe('chooseSize, with another scenario\'s definition', () => {
  // A shop: 50 users, orders in three steps, a wait of 2 s kept between 1 and 4.
  const shop: CalibrationFacts = {
    loadTest: { ...scenario.loadTest, users: 50, requestTimeoutSeconds: 10 },
    calibration: { state: 'the shop without its indexes', route: '/orders/mine', targetWaitSeconds: 2, keepWaitSeconds: { min: 1, max: 4 } },
    dataset: { ...scenario.dataset, unit: 'orders', unitSteps: [100_000, 200_000, 400_000] },
  };

  it('takes its users, band, target, steps and words from the definition', () => {
    // 50 users at 25 requests/s: a 2 s wait, inside 1–4 s.
    expect(chooseSize(200_000, 25, shop)).toMatchObject({ changed: false, size: 200_000, predictedWaitSeconds: 2 });
    expect(chooseSize(200_000, 25, shop).reason).toMatch(/^the shop without its indexes would make users wait/);
    // A 0.5 s wait: four times the rows wanted (800k), the largest step is 400k.
    const faster = chooseSize(200_000, rateFor(0.5, shop), shop);
    expect(faster).toMatchObject({ changed: true, size: 400_000 });
    expect(faster.reason).toBe('this machine is fast for 200,000 orders: the shop without its indexes would make users wait about 0.5 s; aiming for about 2 s');
  });

  it('sends what the definition names: its calibration route, its load test\'s users and patience', () => {
    expect(calibrationLoad(shop)).toEqual({ route: '/orders/mine', users: 50, requestTimeoutSeconds: 10 });
    expect(calibrationLoad(scenario)).toEqual({ route: '/feed', users: 200, requestTimeoutSeconds: 20 });
  });
});

describe('nearestStep', () => {
  it('picks the step nearest by ratio', () => {
    expect(nearestStep(14_000, steps)).toBe(15_000);
    expect(nearestStep(85_000, steps)).toBe(100_000);
    expect(nearestStep(80_000, steps)).toBe(70_000);
    expect(steps).toContain(nearestStep((100_000 * targetWaitSeconds) / 7.4, steps));
    expect(nearestStep(260_000, [100_000, 200_000, 400_000])).toBe(200_000);
  });
});

describe('calibrateDataset: a first start seeds at most once more after its first guess', () => {
  /** A machine whose rate at each size is given, as the table's cost need not be linear in its size. */
  const machine = (rateAt: (size: number) => number) => {
    let size = 100_000;
    const reseeds: number[] = [];
    return {
      reseeds,
      reseed: async (to: number) => void reseeds.push((size = to)),
      measure: async () => rateAt(size),
    };
  };

  it('keeps the size without reseeding when the first timing lands in the band', async () => {
    const m = machine(() => rateFor(targetWaitSeconds));
    const result = await calibrateDataset(lab, 'unused', 100_000, m.reseed, undefined, m.measure);
    expect(m.reseeds).toEqual([]);
    expect(result.size).toBe(100_000);
    expect(result.decisions).toHaveLength(1);
  });

  it('reseeds once, and keeps the new size even when it is timed outside the band (halving the table tripled the rate)', async () => {
    // 100,000 gives 6.6 s; 50,000 answers three times as fast: 1.1 s, under the band's floor.
    const m = machine((size) => (size >= 100_000 ? rateFor(6.6) : rateFor(6.6 / 6)));
    const lines: string[] = [];
    const result = await calibrateDataset(lab, 'unused', 100_000, m.reseed, (line) => lines.push(line), m.measure);
    expect(m.reseeds).toHaveLength(1);
    expect(result.size).toBe(m.reseeds[0]);
    expect(result.decisions).toHaveLength(2);
    expect(result.decisions[1]!.changed).toBe(false);
    expect(result.decisions[1]!.predictedWaitSeconds).toBeLessThan(keepWaitSeconds.min);
    // The learner is told the wait the kept size gives, and how to change it.
    expect(lines.at(-1)).toMatch(/wait about 1\.1 s .*keeping it .*npm run seed -- --posts N/);
  });
});

describe('a scenario without a calibration', () => {
  it('keeps the size it seeded, timing nothing', async () => {
    const uncalibrated = { ...projectScenario };
    delete uncalibrated.calibration;
    let timed = 0;
    const measure = async () => {
      timed += 1;
      return 1;
    };
    const result = await calibrateDataset({ ...lab, scenario: uncalibrated }, 'unused', 100_000, async () => undefined, undefined, measure);
    expect(result).toEqual({ decisions: [], size: 100_000 });
    expect(timed).toBe(0);
  });
});
