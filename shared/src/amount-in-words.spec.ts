import Decimal from 'decimal.js';
import { amountInWords } from './amount-in-words';

/** Hand-worked cases (the 《支付结算办法》 examples among them). */
describe('amountInWords (大写金额)', () => {
  it.each([
    ['0', '零元整'],
    ['0.00', '零元整'],
    ['0.05', '伍分'],
    ['0.50', '伍角整'],
    ['0.56', '伍角陆分'],
    ['1', '壹元整'],
    ['1.05', '壹元零伍分'],
    ['10.00', '壹拾元整'],
    ['10.30', '壹拾元叁角整'],
    ['15', '壹拾伍元整'],
    ['101', '壹佰零壹元整'],
    ['110', '壹佰壹拾元整'],
    ['1409.50', '壹仟肆佰零玖元伍角整'],
    ['6007.14', '陆仟零柒元壹角肆分'],
    ['10000', '壹万元整'],
    ['12345.67', '壹万贰仟叁佰肆拾伍元陆角柒分'],
    ['100010.30', '壹拾万零壹拾元叁角整'],
    ['107000.53', '壹拾万柒仟元伍角叁分'],
    ['325000', '叁拾贰万伍仟元整'],
    ['1000010', '壹佰万零壹拾元整'],
    ['100000000', '壹亿元整'],
    ['100010000', '壹亿零壹万元整'],
    ['1000000000.01', '壹拾亿元零壹分'],
    ['10000000000000', '壹拾万亿元整'],
    ['1000100000000', '壹万零壹亿元整'],
    ['9999999999999999.99', '玖仟玖佰玖拾玖万玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分'],
  ])('%s -> %s', (amount, words) => {
    expect(amountInWords(amount)).toBe(words);
  });

  it('writes 负 before a negative amount, and no sign for one that rounds to zero', () => {
    expect(amountInWords('-3.50')).toBe('负叁元伍角整');
    expect(amountInWords('-12345.67')).toBe('负壹万贰仟叁佰肆拾伍元陆角柒分');
    expect(amountInWords('-0.05')).toBe('负伍分');
    expect(amountInWords('-0.004')).toBe('零元整');
  });

  it('rounds half up to cents on the decimal string, never through a float', () => {
    // as binary floats 2.675 and 1.005 are just below the half, and would round down
    expect(amountInWords('2.675')).toBe('贰元陆角捌分');
    expect(amountInWords('1.005')).toBe('壹元零壹分');
    expect(amountInWords('0.125')).toBe('壹角叁分');
    expect(amountInWords('0.004')).toBe('零元整');
    expect(amountInWords('9.995')).toBe('壹拾元整');
    expect(amountInWords('-2.675')).toBe('负贰元陆角捌分');
  });

  it('takes grouped strings and decimal.js values', () => {
    expect(amountInWords('100,010.30')).toBe('壹拾万零壹拾元叁角整');
    expect(amountInWords(' 1,000,000,000.01 ')).toBe('壹拾亿元零壹分');
    expect(amountInWords(new Decimal('12345.675'))).toBe('壹万贰仟叁佰肆拾伍元陆角捌分');
  });

  it('refuses what is not a decimal amount, and more than 16 integer digits', () => {
    expect(() => amountInWords('')).toThrow(RangeError);
    expect(() => amountInWords('abc')).toThrow(RangeError);
    expect(() => amountInWords('1e5')).toThrow(RangeError);
    expect(() => amountInWords('NaN')).toThrow(RangeError);
    expect(() => amountInWords('12.3.4')).toThrow(RangeError);
    expect(() => amountInWords('10000000000000000')).toThrow(RangeError);
    // a number is a float: the type refuses it, and so does the function at run time
    expect(() => amountInWords(12.5 as unknown as string)).toThrow(RangeError);
  });
});
