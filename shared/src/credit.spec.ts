import { availableCredit, creditDecision, isOverLimit } from './credit';

const base = { mode: 'BLOCK' as const, limit: '150', exposure: '100', adding: '60' };

describe('availableCredit', () => {
  it('is limit minus exposure, negative when over', () => {
    expect(availableCredit({ limit: '150', exposure: '100' })).toBe('50.00');
    expect(availableCredit({ limit: '100', exposure: '-60' })).toBe('160.00');
    expect(availableCredit({ limit: '0', exposure: '30.5' })).toBe('-30.50');
  });
});

describe('creditDecision', () => {
  it('BLOCK refuses past the limit with the figures; exactly up to the limit passes', () => {
    expect(creditDecision(base)).toEqual({
      outcome: 'BLOCK', reason: 'LIMIT', code: 'CREDIT_LIMIT_EXCEEDED', limit: '150.00', exposure: '100.00', orderTotal: '60.00',
      available: '50.00', after: '-10.00', excess: '10.00', overLimit: true,
    });
    expect(creditDecision({ ...base, adding: '50' })).toMatchObject({ outcome: 'OK', reason: null, code: null, excess: '0.00', after: '0.00', overLimit: false });
  });

  it('WARN passes with a warning; NONE ignores the limit', () => {
    expect(creditDecision({ ...base, mode: 'WARN' })).toMatchObject({ outcome: 'WARN', reason: 'LIMIT', code: null, excess: '10.00' });
    expect(creditDecision({ ...base, mode: 'NONE' })).toMatchObject({ outcome: 'OK', reason: null, excess: '10.00', overLimit: false });
  });

  it('an override lets a refusal through and keeps its code', () => {
    expect(creditDecision({ ...base, override: true })).toMatchObject({ outcome: 'OVERRIDDEN', reason: 'LIMIT', code: 'CREDIT_LIMIT_EXCEEDED' });
    expect(creditDecision({ ...base, adding: '10', override: true })).toMatchObject({ outcome: 'OK', code: null });
  });

  it('blockOnOverdue refuses while something is overdue, in any mode, before the limit', () => {
    expect(creditDecision({ ...base, mode: 'NONE', adding: '1', blockOnOverdue: true, overdue: true })).toMatchObject({ outcome: 'BLOCK', reason: 'OVERDUE', code: 'CREDIT_OVERDUE_BLOCKED' });
    expect(creditDecision({ ...base, blockOnOverdue: true, overdue: true })).toMatchObject({ outcome: 'BLOCK', reason: 'OVERDUE' });
    expect(creditDecision({ ...base, mode: 'NONE', adding: '1', blockOnOverdue: true, overdue: false }).outcome).toBe('OK');
    expect(creditDecision({ ...base, mode: 'NONE', adding: '1', blockOnOverdue: false, overdue: true }).outcome).toBe('OK');
  });

  it('WARN also warns about overdue receivables within the limit', () => {
    expect(creditDecision({ ...base, mode: 'WARN', adding: '10', overdue: true })).toMatchObject({ outcome: 'WARN', reason: 'OVERDUE' });
    expect(creditDecision({ ...base, mode: 'BLOCK', adding: '10', overdue: true }).outcome).toBe('OK');
  });

  it('an edit that does not raise what the order commits is not checked', () => {
    // exposure without the order 100, the order held 60 and now holds 60 or 55: passes though over the limit
    expect(creditDecision({ ...base, committed: '60' })).toMatchObject({ outcome: 'OK', excess: '10.00', overLimit: true });
    expect(creditDecision({ ...base, adding: '55', committed: '60', blockOnOverdue: true, overdue: true }).outcome).toBe('OK');
    expect(creditDecision({ ...base, adding: '61', committed: '60' })).toMatchObject({ outcome: 'BLOCK', excess: '11.00' });
    // an empty order commits nothing
    expect(creditDecision({ ...base, exposure: '500', adding: '0' }).outcome).toBe('OK');
  });

  it('prepayments (a negative exposure) raise what is available', () => {
    expect(creditDecision({ mode: 'BLOCK', limit: '100', exposure: '-60', adding: '150' })).toMatchObject({ outcome: 'OK', available: '160.00', after: '10.00', excess: '0.00' });
  });
});

describe('isOverLimit', () => {
  it('needs a limit in force and a positive excess', () => {
    expect(isOverLimit({ mode: 'WARN', excess: '0.01' })).toBe(true);
    expect(isOverLimit({ mode: 'BLOCK', excess: '0.00' })).toBe(false);
    expect(isOverLimit({ mode: 'NONE', excess: '50.00' })).toBe(false);
  });
});
