import { describe, expect, it } from 'vitest';
import { StatementStatus } from '@drp/shared';
import { canRespond, monthRange, monthToDate, periodText, previousMonth, todayText } from './period';

describe('statement periods', () => {
  it('gives the days of a month, leap years included', () => {
    expect(monthRange('2026-01')).toEqual({ from: '2026-01-01', to: '2026-01-31' });
    expect(monthRange('2028-02')).toEqual({ from: '2028-02-01', to: '2028-02-29' });
  });

  it('knows last month, across the year boundary', () => {
    expect(previousMonth('2026-03-15')).toBe('2026-02');
    expect(previousMonth('2026-01-05')).toBe('2025-12');
  });

  it('defaults the ledger to the month so far', () => {
    expect(monthToDate('2026-03-15')).toEqual(['2026-03-01', '2026-03-15']);
    expect(todayText('2026-03-15T10:00:00')).toBe('2026-03-15');
  });

  it('shows a whole month as the month', () => {
    expect(periodText('2026-02-01', '2026-02-28')).toBe('2026-02');
    expect(periodText('2026-02-01', '2026-02-27')).toBe('2026-02-01 ~ 2026-02-27');
  });

  it("lets only the statement's own dealer answer, once, while pending", () => {
    const s = { dealerId: 'dealer-1', status: StatementStatus.PENDING };
    expect(canRespond(s, 'dealer-1')).toBe(true);
    expect(canRespond(s, 'hq')).toBe(false);
    expect(canRespond(s, null)).toBe(false);
    expect(canRespond({ ...s, status: StatementStatus.DISPUTED }, 'dealer-1')).toBe(false);
    expect(canRespond({ ...s, status: StatementStatus.CONFIRMED }, 'dealer-1')).toBe(false);
    expect(canRespond(null, 'dealer-1')).toBe(false);
  });
});
