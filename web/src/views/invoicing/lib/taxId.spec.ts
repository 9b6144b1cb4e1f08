import { describe, expect, it } from 'vitest';
import { creditCodeValid, taxIdProblem } from './taxId';

describe('tax id check', () => {
  it('GB 32100-2015 check character', () => {
    for (const ok of ['91350100M000100Y43', '91350213678251743X', '91440101MA5CJQ4N59']) expect(creditCodeValid(ok)).toBe(true);
    expect(creditCodeValid('91350100M000100Y4Z')).toBe(false);
    expect(creditCodeValid('91350100M000100Y44')).toBe(false);
  });

  it('words the problem', () => {
    expect(taxIdProblem('')).toBe('MISSING');
    expect(taxIdProblem('', false)).toBeNull();
    expect(taxIdProblem('9135')).toBe('FORMAT');
    expect(taxIdProblem('91350100M000100Y4Z')).toBe('FORMAT');
    expect(taxIdProblem('91350100M000100Y44')).toBe('CHECKSUM');
    expect(taxIdProblem(' 91350100m000100y43 ')).toBeNull();
    expect(taxIdProblem('110108123456789')).toBeNull();
  });
});
