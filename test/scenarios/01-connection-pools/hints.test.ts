/** Scenario 1's steps as `npm run hint` reads them: every step has its three hints, in the order the learner meets them. */
import { describe, expect, it } from 'vitest';
import steps from '../../../scenarios/01-connection-pools/machinery/steps.js';

describe("Scenario 1's steps", () => {
  it('are six, the required ones first, then the bonus', () => {
    expect(steps.map((step) => [step.id, step.required])).toEqual([
      ['reproduce', true],
      ['pool', true],
      ['index', true],
      ['goal', true],
      ['bonus-user-posts', false],
      ['bonus-db-restart', false],
    ]);
  });

  it('each have hints at three levels, growing from a nudge to nearly the answer', () => {
    for (const step of steps) {
      expect(step.hints, step.id).toHaveLength(3);
      for (const text of step.hints) expect(text.length, step.id).toBeGreaterThan(40);
    }
  });

  it('keep the fixes out of the first hint of each fix', () => {
    const first = (id: string) => steps.find((step) => step.id === id)!.hints[0];
    expect(first('pool')).not.toMatch(/pg\.Pool|pool/);
    expect(first('index')).not.toMatch(/CREATE INDEX/i);
  });
});
