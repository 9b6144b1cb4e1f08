import { describe, expect, it } from 'vitest';
import { creditDaysProblem } from './credit';

describe('credit days', () => {
  it('accepts whole days from 0 to 3650', () => {
    expect(creditDaysProblem('0')).toBeNull();
    expect(creditDaysProblem(' 30 ')).toBeNull();
    expect(creditDaysProblem(3650)).toBeNull();
  });

  it('refuses blanks, fractions, negatives and more than ten years', () => {
    expect(creditDaysProblem('')).toBe('required');
    expect(creditDaysProblem(null)).toBe('required');
    expect(creditDaysProblem('1.5')).toBe('format');
    expect(creditDaysProblem('-1')).toBe('format');
    expect(creditDaysProblem('3651')).toBe('range');
  });
});
