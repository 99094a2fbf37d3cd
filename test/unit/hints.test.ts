/** `npm run hint` picks the first step the last check did not pass and gets stronger each time (steps made up for the test). */
import { describe, expect, it } from 'vitest';
import { currentStep, nextHint } from '../../lab/hints/next-hint.js';
import type { ScenarioStep, StepStatus } from '../../lab/scenario/steps.js';

const step = (id: string, required = true): ScenarioStep => ({
  id,
  title: `Step ${id}`,
  required,
  hints: [`${id}: a nudge`, `${id}: where to look`, `${id}: nearly the answer`],
  needs: [],
  check: () => ({ status: 'passed', observed: '', next: '' }),
});
const STEPS = [step('first'), step('second'), step('goal'), step('bonus-1', false), step('bonus-2', false)];

const checked = (statuses: Record<string, StepStatus>) => ({
  checkedAt: '2026-11-26T15:00:00.000Z',
  steps: STEPS.map(({ id }) => ({ id, status: statuses[id] ?? 'failed' })),
});

describe('hints', () => {
  it('start at the first step before any check', () => {
    expect(currentStep(STEPS, undefined)?.id).toBe('first');
  });

  it('follow the first step the last check did not pass, in the scenario\'s order', () => {
    expect(currentStep(STEPS, checked({ first: 'passed' }))?.id).toBe('second');
    expect(currentStep(STEPS, checked({ first: 'passed', second: 'passed', goal: 'passed' }))?.id).toBe('bonus-1');
    expect(currentStep(STEPS, checked({ first: 'passed', second: 'passed', goal: 'passed', 'bonus-1': 'passed', 'bonus-2': 'skipped' }))?.id).toBe('bonus-2');
  });

  it('have nothing left when every step passed', () => {
    expect(currentStep(STEPS, checked(Object.fromEntries(STEPS.map(({ id }) => [id, 'passed' as const]))))).toBeUndefined();
  });

  it('grow stronger each time, and stay at the third', () => {
    const second = STEPS[1]!;
    expect(nextHint(second, {})).toEqual({ step: 'second', title: 'Step second', level: 1, text: 'second: a nudge' });
    expect(nextHint(second, { second: 1 })).toMatchObject({ level: 2, text: 'second: where to look' });
    expect(nextHint(second, { second: 3 })).toMatchObject({ level: 3, text: 'second: nearly the answer' });
    expect(nextHint(STEPS[2]!, { second: 3 }).level).toBe(1);
  });
});
