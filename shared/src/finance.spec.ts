import { agingBuckets, bucketIndex, creditExposure } from './finance';

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
