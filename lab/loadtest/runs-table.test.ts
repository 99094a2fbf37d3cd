import { describe, expect, it } from 'vitest';
import { ratio } from './runs-table.js';

describe('ratio', () => {
  it('says how a number compares with the first run', () => {
    expect(ratio(100, 7000, 'lower', 'higher')).toBe('70× lower');
    expect(ratio(2455, 75, 'lower', 'higher')).toBe('33× higher');
    expect(ratio(150, 100, 'lower', 'higher')).toBe('1.5× higher');
    expect(ratio(102, 100, 'lower', 'higher')).toBe('about the same');
    expect(ratio(0, 100, 'lower', 'higher')).toBe('n/a');
  });
});
