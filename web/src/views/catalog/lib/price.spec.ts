import { describe, expect, it } from 'vitest';
import { blankToNull, decimalProblem, editText, formatAmount, formatPrice, formatQty, groupThousands, priceText, samePrice } from './price';

describe('price display', () => {
  it('shows unit prices with 2 to 4 decimals and groups thousands', () => {
    expect(formatPrice('3.5000')).toBe('3.50');
    expect(formatPrice('3.2550')).toBe('3.255');
    expect(formatPrice('0.1234')).toBe('0.1234');
    expect(formatPrice('1234567.8900')).toBe('1,234,567.89');
    expect(formatPrice('-1234.5')).toBe('-1,234.50');
    expect(formatPrice(null)).toBe('');
  });

  it('rounds amounts to cents half up, never through floats', () => {
    expect(formatAmount('1.005')).toBe('1.01');
    expect(formatAmount('0.1')).toBe('0.10');
    expect(formatAmount('12345.675')).toBe('12,345.68');
    expect(groupThousands('1000')).toBe('1,000');
  });

  it('writes quantities and editing texts without trailing zeros', () => {
    expect(formatQty('24.000')).toBe('24');
    expect(formatQty('1.500')).toBe('1.5');
    expect(editText('3.5000')).toBe('3.5');
    expect(editText(null)).toBe('');
    expect(priceText('3.5000')).toBe('3.50');
    expect(priceText('1234.1250')).toBe('1234.125');
    expect(priceText(null)).toBe('');
  });
});

describe('price comparison', () => {
  it('treats equal decimals and empty values as the same', () => {
    expect(samePrice('3.5', '3.5000')).toBe(true);
    expect(samePrice('', null)).toBe(true);
    expect(samePrice(' ', undefined)).toBe(true);
    expect(samePrice('3.5', '3.51')).toBe(false);
    expect(samePrice('', '0')).toBe(false);
    expect(samePrice('abc', '3')).toBe(false);
    expect(blankToNull('  ')).toBeNull();
    expect(blankToNull(' 2 ')).toBe('2');
  });
});

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
