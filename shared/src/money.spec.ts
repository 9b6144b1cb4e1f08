import { fmt, fmtGrouped, isDecimalString, lineAmount, splitTax, sum } from './money';
import { passwordProblems } from './validation';

describe('money', () => {
  it('adds without binary-float drift', () => {
    expect(sum(['0.10', '0.20'])).toBe('0.30');
    expect(sum(Array(1000).fill('0.01'))).toBe('10.00');
  });
  it('rounds half up to the kind scale', () => {
    expect(fmt('2.345')).toBe('2.35');
    expect(fmt('-2.345')).toBe('-2.35');
    expect(fmt('1.00005', 'unitPrice')).toBe('1.0001');
    expect(lineAmount('3', '19.9999')).toBe('60.00');
  });
  it('validates decimal strings and their scale', () => {
    expect(isDecimalString('12.3456')).toBe(true);
    expect(isDecimalString('12.34567')).toBe(false);
    expect(isDecimalString('1e5')).toBe(false);
    expect(isDecimalString(12)).toBe(false);
    expect(isDecimalString('12.345', 2)).toBe(false);
  });
  it('splits tax so that net + tax = gross exactly', () => {
    const { net, tax } = splitTax('113.00', '0.13');
    expect(net).toBe('100.00');
    expect(tax).toBe('13.00');
    const odd = splitTax('10.01', '0.13');
    expect(sum([odd.net, odd.tax])).toBe('10.01');
  });
});

describe('passwordProblems', () => {
  it('accepts the demo password and refuses weak ones', () => {
    expect(passwordProblems('Demo#2026')).toEqual([]);
    expect(passwordProblems('short')).toHaveLength(2);
    expect(passwordProblems('alllowercase')).toHaveLength(1);
  });
});

describe('grouped amounts', () => {
  it('groups thousands and keeps the sign and the decimals', () => {
    expect(fmtGrouped('12034.405')).toBe('12,034.41');
    expect(fmtGrouped('-1234567')).toBe('-1,234,567.00');
    expect(fmtGrouped('999.9')).toBe('999.90');
  });
});
