import { creditCodeCheckChar, isValidCreditCode, isValidTaxId, normalizeTaxId, taxIdProblem } from './tax-id';

describe('GB 32100-2015 credit code', () => {
  it.each(['91350100M000100Y43', '91350213678251743X', '91440101MA5CJQ4N59'])('accepts %s', (code) => {
    expect(isValidCreditCode(code)).toBe(true);
    expect(taxIdProblem(code)).toBeNull();
  });

  it('refuses a wrong check character', () => {
    expect(isValidCreditCode('91350100M000100Y4Z')).toBe(false);
    expect(taxIdProblem('91350100M000100Y4Z')).toBe('FORMAT'); // Z is not in the alphabet
    expect(taxIdProblem('91350100M000100Y44')).toBe('CHECKSUM');
  });

  it('computes the check character', () => {
    expect(creditCodeCheckChar('91350100M000100Y4')).toBe('3');
    expect(creditCodeCheckChar('91350213678251743')).toBe('X');
    expect(creditCodeCheckChar('9135021367825174I')).toBeUndefined();
  });

  it('refuses letters the standard leaves out and wrong lengths', () => {
    expect(isValidCreditCode('91350100M000100I43')).toBe(false);
    expect(isValidCreditCode('91350100M000100Y4')).toBe(false);
    expect(taxIdProblem('')).toBe('MISSING');
    expect(taxIdProblem(null)).toBe('MISSING');
    expect(taxIdProblem('12345')).toBe('FORMAT');
  });

  it('normalises what people type and accepts old 15/20-character ids by shape', () => {
    expect(normalizeTaxId(' 91350100m000100y43 ')).toBe('91350100M000100Y43');
    expect(isValidTaxId('91350100m000100y43')).toBe(true);
    expect(isValidTaxId('110108123456789')).toBe(true);
    expect(isValidTaxId('11010812345678901234')).toBe(true);
  });
});
