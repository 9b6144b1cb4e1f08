import { describe, expect, it } from 'vitest';
import { displayQty, minusQty, normalizeQty, plusQty, qtyProblem, signOf } from './qty';

describe('qtyProblem', () => {
  it('accepts up to 3 decimals and 15 integer digits', () => {
    expect(qtyProblem('5')).toBeNull();
    expect(qtyProblem(' 12.345 ')).toBeNull();
    expect(qtyProblem('0')).toBeNull();
    expect(qtyProblem('999999999999999.999')).toBeNull();
  });

  it('names what is wrong', () => {
    expect(qtyProblem('')).toBe('required');
    expect(qtyProblem('   ')).toBe('required');
    expect(qtyProblem(undefined)).toBe('required');
    expect(qtyProblem('abc')).toBe('notNumber');
    expect(qtyProblem('1e3')).toBe('notNumber');
    expect(qtyProblem('1,000')).toBe('notNumber');
    expect(qtyProblem('.5')).toBe('notNumber');
    expect(qtyProblem('1.2345')).toBe('tooManyDecimals');
    expect(qtyProblem('1234567890123456')).toBe('tooLarge');
    expect(qtyProblem('-1')).toBe('negative');
  });

  it('signed quantities take a minus', () => {
    expect(qtyProblem('-1.5', true)).toBeNull();
    expect(qtyProblem('-1.5555', true)).toBe('tooManyDecimals');
    expect(qtyProblem('--1', true)).toBe('notNumber');
  });
});

describe('displayQty', () => {
  it('trims trailing zeros and groups thousands', () => {
    expect(displayQty('120.000')).toBe('120');
    expect(displayQty('12.500')).toBe('12.5');
    expect(displayQty('0.001')).toBe('0.001');
    expect(displayQty('1234567.250')).toBe('1,234,567.25');
    expect(displayQty('1234567.250', { group: false })).toBe('1234567.25');
    expect(displayQty('0.000')).toBe('0');
    expect(displayQty('-0.000')).toBe('0');
  });

  it('signs deltas when asked', () => {
    expect(displayQty('5.000', { sign: true })).toBe('+5');
    expect(displayQty('-2.500', { sign: true })).toBe('-2.5');
    expect(displayQty('0', { sign: true })).toBe('0');
  });

  it('leaves empty values empty', () => {
    expect(displayQty(null)).toBe('');
    expect(displayQty(undefined)).toBe('');
    expect(displayQty('')).toBe('');
  });

  it('is exact where binary floats are not', () => {
    expect(plusQty('0.1', '0.2')).toBe('0.300');
    expect(minusQty('1.003', '0.001')).toBe('1.002');
    expect(displayQty(plusQty('999999999999.999', '0.001'))).toBe('1,000,000,000,000');
  });
});

describe('normalizeQty / signOf', () => {
  it('formats for the wire with 3 decimals', () => {
    expect(normalizeQty('5')).toBe('5.000');
    expect(normalizeQty(' -0.5 ')).toBe('-0.500');
  });

  it('tells the sign', () => {
    expect(signOf('1.000')).toBe(1);
    expect(signOf('-0.001')).toBe(-1);
    expect(signOf('0.000')).toBe(0);
    expect(signOf(null)).toBe(0);
  });
});
