import { describe, expect, it } from 'vitest';
import type { CreditCheckDto } from '@drp/shared';
import { creditRefusal, creditView } from './credit';

const check = (over: Partial<CreditCheckDto>): CreditCheckDto => ({
  mode: 'BLOCK',
  limit: '10000.00',
  exposure: '8000.00',
  orderTotal: '1500.00',
  excess: '0.00',
  overdue: false,
  warning: null,
  overridden: false,
  ...over,
});

describe('creditView', () => {
  it('works out what is available before and after the order', () => {
    expect(creditView(check({}))).toMatchObject({ available: '2000.00', after: '500.00', level: 'ok' });
  });

  it('says BLOCK refuses and WARN warns when the order goes over', () => {
    expect(creditView(check({ orderTotal: '3000.00', excess: '1000.00' }))).toMatchObject({ after: '-1000.00', level: 'block' });
    expect(creditView(check({ mode: 'WARN', orderTotal: '3000.00', excess: '1000.00' })).level).toBe('warn');
    expect(creditView(check({ mode: 'NONE', excess: '1000.00' })).level).toBe('none');
  });

  it('decides as the server does: an edit that does not raise what the order commits passes; overdue blocks where the account says so', () => {
    const preview = { blockOnOverdue: false, committed: '3000.00', outcome: 'OK' as const, reason: null };
    expect(creditView({ ...check({ orderTotal: '3000.00', excess: '1000.00' }), ...preview })).toMatchObject({ level: 'ok', excess: '1000.00' });
    expect(creditView({ ...check({ orderTotal: '3001.00' }), ...preview }).level).toBe('block');
    const blocked = creditView({ ...check({ mode: 'NONE', overdue: true }), ...preview, committed: '0.00', blockOnOverdue: true });
    expect(blocked).toMatchObject({ level: 'none', overdueBlocked: true, overdue: true });
  });
});

describe('creditRefusal', () => {
  it('reads the figures of a CREDIT_LIMIT_EXCEEDED', () => {
    expect(creditRefusal({ limit: '1000.00', exposure: '900.00', orderTotal: '300.00', available: '100.00', excess: '200.00' })).toEqual({
      limit: '1000.00',
      exposure: '900.00',
      orderTotal: '300.00',
      available: '100.00',
      excess: '200.00',
    });
  });

  it('fills in available and excess when the server left them out, and gives up without the basics', () => {
    expect(creditRefusal({ limit: '1000.00', exposure: '900.00', orderTotal: '300.00' })).toMatchObject({ available: '100.00', excess: '200.00' });
    expect(creditRefusal({ limit: 1000, exposure: 900, orderTotal: 50 })).toMatchObject({ excess: '0.00' });
    expect(creditRefusal(null)).toBeNull();
    expect(creditRefusal({ limit: '1' })).toBeNull();
    expect(creditRefusal('nope')).toBeNull();
  });
});
