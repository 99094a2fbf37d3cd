/** Scenario 2's steps as `npm run check` and `npm run hint` read them: in the learner's order, each with its three hints. */
import { describe, expect, it } from 'vitest';
import steps from '../../../scenarios/02-indexes-slow-queries/machinery/steps.js';

describe("Scenario 2's steps", () => {
  it('are six and all required: reproduce, the three pages, the indexes\' cost, the goal', () => {
    expect(steps.map((step) => [step.id, step.required])).toEqual([
      ['reproduce', true],
      ['my-orders', true],
      ['search', true],
      ['operations', true],
      ['index-cost', true],
      ['goal', true],
    ]);
  });

  it('each have hints at three levels, growing from a nudge to nearly the answer', () => {
    for (const step of steps) {
      expect(step.hints, step.id).toHaveLength(3);
      for (const text of step.hints) expect(text.length, step.id).toBeGreaterThan(40);
    }
  });

  it('keep the index out of the first hint of each page, and give it in the third', () => {
    for (const id of ['my-orders', 'search', 'operations']) {
      const hints = steps.find((step) => step.id === id)!.hints;
      expect(hints[0], id).not.toMatch(/CREATE INDEX/i);
      expect(hints[2], id).toMatch(/CREATE INDEX/);
    }
  });

  it('name the goal\'s freshness in its title', () => {
    expect(steps.at(-1)!.title).toBe('Goal: 100 users, 0 errors, p99 under 1 s on every route, fresh answers');
  });
});
