// @vitest-environment node
import { describe, expect, it } from 'vitest';
import {
  amountEditText,
  amountSign,
  blankToNull,
  editText,
  formatAmount,
  formatDecimal,
  formatPrice,
  formatQty,
  groupThousands,
  isNegative,
  isPositive,
  minusAmount,
  priceText,
  samePrice,
  sumAmounts,
  yuan,
  yuanPrice,
} from './money';

describe('amounts', () => {
  it('round to cents half up, never through floats, and group thousands', () => {
    expect(formatAmount('1.005')).toBe('1.01');
    expect(formatAmount('0.1')).toBe('0.10');
    expect(formatAmount('12345.675')).toBe('12,345.68');
    expect(formatAmount('1234567.5')).toBe('1,234,567.50');
    expect(formatAmount('-2500')).toBe('-2,500.00');
    expect(formatAmount('-123')).toBe('-123.00');
    expect(formatAmount(null)).toBe('');
    expect(formatAmount('')).toBe('');
    expect(groupThousands('1000')).toBe('1,000');
    expect(groupThousands('-1234567.891')).toBe('-1,234,567.891');
  });

  it('carry the yuan sign, minus in front, and a chosen text for nothing', () => {
    expect(yuan('1234.5')).toBe('¥1,234.50');
    expect(yuan('0')).toBe('¥0.00');
    expect(yuan('-20')).toBe('-¥20.00');
    expect(yuan(null)).toBe('');
    expect(yuan(undefined, '-')).toBe('-');
    expect(yuan('', '—')).toBe('—');
  });
});

describe('unit prices', () => {
  it('show 2 to 4 decimals and group thousands', () => {
    expect(formatPrice('3.5000')).toBe('3.50');
    expect(formatPrice('3.2550')).toBe('3.255');
    expect(formatPrice('0.1234')).toBe('0.1234');
    expect(formatPrice('1234567.8900')).toBe('1,234,567.89');
    expect(formatPrice('-1234.5')).toBe('-1,234.50');
    expect(formatPrice('1.23456')).toBe('1.2346');
    expect(formatPrice(null)).toBe('');
  });

  it('carry the yuan sign', () => {
    expect(yuanPrice('12.5000')).toBe('¥12.50');
    expect(yuanPrice('3.1250')).toBe('¥3.125');
    expect(yuanPrice('3.1234')).toBe('¥3.1234');
    expect(yuanPrice('12345.6')).toBe('¥12,345.60');
    expect(yuanPrice(undefined, '-')).toBe('-');
    expect(yuanPrice(null)).toBe('');
  });
});

describe('quantities and editing texts', () => {
  it('drop trailing zeros; prices keep two decimals, ungrouped', () => {
    expect(formatQty('24.000')).toBe('24');
    expect(formatQty('1.500')).toBe('1.5');
    expect(editText('3.5000')).toBe('3.5');
    expect(editText(null)).toBe('');
    expect(amountEditText('1200.00')).toBe('1200');
    expect(amountEditText('12.50')).toBe('12.5');
    expect(amountEditText(null)).toBe('');
    expect(priceText('3.5000')).toBe('3.50');
    expect(priceText('1234.1250')).toBe('1234.125');
    expect(priceText(null)).toBe('');
  });
});

describe('plain decimals', () => {
  it('group, drop trailing zeros and keep at most the given decimals, exactly', () => {
    expect(formatDecimal('5000')).toBe('5,000');
    expect(formatDecimal('10000.50')).toBe('10,000.5');
    expect(formatDecimal('0.12345')).toBe('0.1235');
    expect(formatDecimal('-1234.5', 0)).toBe('-1,235');
    expect(formatDecimal('abc')).toBe('abc');
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

describe('signs and sums', () => {
  it('tell the sign of decimal strings, blanks and junk count as zero', () => {
    expect(amountSign('-0.01')).toBe(-1);
    expect(amountSign('0.00')).toBe(0);
    expect(amountSign('12')).toBe(1);
    expect(amountSign('')).toBe(0);
    expect(amountSign('abc')).toBe(0);
    expect(isNegative('-3.00')).toBe(true);
    expect(isPositive('0')).toBe(false);
    expect(isPositive('0.001')).toBe(true);
    expect(isPositive('0.01')).toBe(true);
    expect(isPositive('0.00')).toBe(false);
    expect(isPositive(null)).toBe(false);
  });

  it('add and subtract exactly (no binary floats)', () => {
    expect(sumAmounts(['0.10', '0.20', '', null])).toBe('0.30');
    expect(minusAmount('100.00', '99.99')).toBe('0.01');
  });
});

describe('issue #12: the company price scale and balances', () => {
  it('unit prices show the company scale, more only when the price carries it', async () => {
    const { setPriceScale, formatPrice, yuanPrice, getPriceScale } = await import('./money');
    expect(getPriceScale()).toBe(2);
    expect(yuanPrice('3.3000')).toBe('¥3.30');
    setPriceScale(4);
    expect(yuanPrice('3.3000')).toBe('¥3.3000');
    expect(formatPrice('3.3028')).toBe('3.3028');
    setPriceScale(0);
    expect(formatPrice('3.0000')).toBe('3');
    expect(formatPrice('3.3028')).toBe('3.3028');
    setPriceScale(7); // out of range: ignored
    expect(getPriceScale()).toBe(0);
    setPriceScale(2);
    expect(yuanPrice('3.3028')).toBe('¥3.3028');
    expect(yuanPrice('3.30')).toBe('¥3.30');
  });

  it('a negative balance reads 预收 and the amount, one money format (-¥ before the number) elsewhere', async () => {
    const { yuanBalance, yuan } = await import('./money');
    expect(yuanBalance('-333.16', '预收')).toBe('预收 ¥333.16');
    expect(yuanBalance('1234.5', '预收')).toBe('¥1,234.50');
    expect(yuanBalance('0', '预收')).toBe('¥0.00');
    expect(yuanBalance(null, '预收', '-')).toBe('-');
    expect(yuan('-115.2')).toBe('-¥115.20');
    expect(yuanBalance('-333.16', '预收')).not.toContain('¥-');
  });
});
