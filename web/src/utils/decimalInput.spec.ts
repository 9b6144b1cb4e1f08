// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { decimalProblem } from './decimalInput';

describe('decimalProblem mirrors the server', () => {
  const price = { scale: 4, min: '0' };
  it('accepts plain decimals within scale and bounds', () => {
    expect(decimalProblem('12.5', price)).toBeNull();
    expect(decimalProblem('0', price)).toBeNull();
    expect(decimalProblem('0.1234', price)).toBeNull();
  });
  it('refuses other notations, too many decimals and out-of-range values', () => {
    expect(decimalProblem('1e3', price)).toBe('format');
    expect(decimalProblem('1,000', price)).toBe('format');
    expect(decimalProblem('.5', price)).toBe('format');
    expect(decimalProblem('0.12345', price)).toBe('scale');
    expect(decimalProblem('-1', price)).toBe('min');
    expect(decimalProblem('0', { scale: 3, positive: true })).toBe('positive');
    expect(decimalProblem('1', { scale: 3, greaterThan: '1' })).toBe('greaterThan');
    expect(decimalProblem('1.001', { scale: 3, greaterThan: '1' })).toBeNull();
    expect(decimalProblem('100', { scale: 4, greaterThan: '0', lessThan: '100' })).toBe('lessThan');
  });
});
