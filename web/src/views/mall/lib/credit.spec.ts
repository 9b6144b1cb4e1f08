import { describe, expect, it } from 'vitest';
import { overCredit } from './credit';

const credit = (mode: string, limit: string, exposure: string) => ({ mode, limit, exposure, available: null, overdue: '0.00' });

describe('mall overCredit', () => {
  it('is the total past limit - exposure where a limit is in force', () => {
    expect(overCredit(credit('BLOCK', '1000.00', '900.00'), '100.00')).toBe(false);
    expect(overCredit(credit('BLOCK', '1000.00', '900.00'), '100.01')).toBe(true);
    expect(overCredit(credit('WARN', '1000.00', '-60.00'), '1050.00')).toBe(false);
    expect(overCredit(credit('NONE', '0.00', '500.00'), '100.00')).toBe(false);
  });
  it('says nothing without figures', () => {
    expect(overCredit(null, '1.00')).toBe(false);
    expect(overCredit(credit('BLOCK', '0.00', '0.00'), undefined)).toBe(false);
  });
});
