import { agingBuckets, bucketIndex, creditExposure, daysOverdue, isOverdue, isPastDue } from './finance';

describe('aging buckets', () => {
  it('builds the default 0-30, 31-60, 61-90, 90+ buckets', () => {
    const b = agingBuckets([30, 60, 90]);
    expect(b.map((x) => x.label)).toEqual(['0-30', '31-60', '61-90', '90+']);
    expect([bucketIndex(b, -1), bucketIndex(b, 0), bucketIndex(b, 1), bucketIndex(b, 30), bucketIndex(b, 31), bucketIndex(b, 90), bucketIndex(b, 91), bucketIndex(b, 1000)]).toEqual([-1, -1, 0, 0, 1, 2, 3, 3]);
  });

  it('refuses bounds that do not rise or are not positive whole days', () => {
    expect(() => agingBuckets([60, 30])).toThrow(RangeError);
    expect(() => agingBuckets([0, 30])).toThrow(RangeError);
    expect(() => agingBuckets([15.5])).toThrow(RangeError);
    expect(() => agingBuckets([])).toThrow(RangeError);
  });

  it('takes custom bounds', () => {
    expect(agingBuckets([15, 45]).map((x) => [x.label, x.from, x.to])).toEqual([['0-15', 1, 15], ['16-45', 16, 45], ['45+', 46, null]]);
  });
});

describe('credit exposure', () => {
  it('is open receivables plus open orders minus prepayments', () => {
    expect(creditExposure({ openReceivables: '1000.10', openOrders: '200.20', prepayment: '1500.00' })).toBe('-299.70');
  });
});

describe('overdue', () => {
  it('is past due the day after the due date, never when settled', () => {
    expect(isOverdue('2026-11-30', '2026-11-30')).toBe(false);
    expect(isOverdue('2026-11-30', '2026-12-01')).toBe(true);
    expect(isOverdue('2026-12-02', '2026-12-01')).toBe(false);
    expect(isOverdue('2026-11-30', '2026-12-01', '0.00')).toBe(false);
    expect(isOverdue('2026-11-30', '2026-12-01', '0.01')).toBe(true);
  });
  it('counts days past due across months and years', () => {
    expect(daysOverdue('2026-12-31', '2027-01-01')).toBe(1);
    expect(daysOverdue('2026-02-28', '2026-03-01')).toBe(1);
    expect(daysOverdue('2026-12-01', '2026-11-21')).toBe(-10);
    expect(isPastDue(0)).toBe(false);
    expect(isPastDue(1)).toBe(true);
  });
});
