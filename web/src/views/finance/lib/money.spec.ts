import { describe, expect, it } from 'vitest';
import { amountEditText, amountSign, formatAmount, isNegative, isPositive, minusAmount, sumAmounts } from './money';

describe('finance money helpers', () => {
  it('formats amounts with 2 decimals and thousands separators', () => {
    expect(formatAmount('1234567.5')).toBe('1,234,567.50');
    expect(formatAmount('-2500')).toBe('-2,500.00');
    expect(formatAmount(null)).toBe('');
  });

  it('tells the sign of decimal strings, blanks and junk count as zero', () => {
    expect(amountSign('-0.01')).toBe(-1);
    expect(amountSign('0.00')).toBe(0);
    expect(amountSign('12')).toBe(1);
    expect(amountSign('')).toBe(0);
    expect(amountSign('abc')).toBe(0);
    expect(isNegative('-3.00')).toBe(true);
    expect(isPositive('0')).toBe(false);
  });

  it('adds and subtracts exactly (no binary floats)', () => {
    expect(sumAmounts(['0.10', '0.20', '', null])).toBe('0.30');
    expect(minusAmount('100.00', '99.99')).toBe('0.01');
  });

  it('gives editing text without trailing zeros', () => {
    expect(amountEditText('1200.00')).toBe('1200');
    expect(amountEditText('12.50')).toBe('12.5');
    expect(amountEditText(null)).toBe('');
  });
});
