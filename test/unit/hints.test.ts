/** `npm run hint` picks the first step the last check did not pass and gets stronger each time. */
import { describe, expect, it } from 'vitest';
import { STEPS, type StepId } from '../../lab/check/types.js';
import { HINTS } from '../../lab/hints/hint-text.js';
import { currentStep, nextHint } from '../../lab/hints/next-hint.js';

const checked = (statuses: Partial<Record<StepId, 'passed' | 'failed' | 'skipped'>>) => ({
  checkedAt: '2026-11-26T15:00:00.000Z',
  steps: (Object.keys(STEPS) as StepId[]).map((id) => ({ id, status: statuses[id] ?? 'failed' })),
});

describe('hints', () => {
  it('start at the first step before any check', () => {
    expect(currentStep(undefined)).toBe('reproduce');
  });

  it('follow the first step the last check did not pass, then the bonus steps', () => {
    expect(currentStep(checked({ reproduce: 'passed' }))).toBe('pool');
    expect(currentStep(checked({ reproduce: 'passed', pool: 'passed', index: 'passed', goal: 'passed' }))).toBe('bonus-user-posts');
    expect(currentStep(checked({ reproduce: 'passed', pool: 'passed', index: 'passed', goal: 'passed', 'bonus-user-posts': 'passed', 'bonus-db-restart': 'skipped' }))).toBe('bonus-db-restart');
  });

  it('have nothing left when every step passed', () => {
    const all = Object.fromEntries(Object.keys(STEPS).map((id) => [id, 'passed'])) as Record<StepId, 'passed'>;
    expect(currentStep(checked(all))).toBeUndefined();
  });

  it('grow stronger each time, and stay at the third', () => {
    expect(nextHint('pool', {})).toMatchObject({ level: 1, text: HINTS.pool[0] });
    expect(nextHint('pool', { pool: 1 })).toMatchObject({ level: 2, text: HINTS.pool[1] });
    expect(nextHint('pool', { pool: 3 })).toMatchObject({ level: 3, text: HINTS.pool[2] });
    expect(nextHint('index', { pool: 3 }).level).toBe(1);
  });

  it('exist at three levels for every step', () => {
    for (const id of Object.keys(STEPS) as StepId[]) {
      expect(HINTS[id]).toHaveLength(3);
      for (const text of HINTS[id]) expect(text.length).toBeGreaterThan(40);
    }
  });
});
