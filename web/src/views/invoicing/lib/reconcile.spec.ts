import { describe, expect, it } from 'vitest';
import { compareSides, countDelta, fileSize, findingActions, statusCode } from './reconcile';

describe('reconciliation display', () => {
  it('lays the sides next to each other and marks the differences', () => {
    const rows = compareSides({
      platform: { row: 5, type: '81', issueDate: '2026-11-03', buyerName: '北京华联', buyerTaxId: '91350100m000100y43', amount: '100', tax: '13.00', total: '113.00', status: '已红冲-部分' },
      system: { invoiceId: 'i', type: '81', issueDate: '2026-11-03T00:00:00Z', buyerName: '北京华联', buyerTaxId: '91350100M000100Y43', amount: '100.00', tax: '13.01', total: '113.01', status: 'NORMAL' },
    });
    expect(rows.filter((r) => r.differs).map((r) => r.field)).toEqual(['tax', 'total', 'status']);
  });

  it('marks nothing when a side is missing', () => {
    expect(compareSides({ platform: { amount: '1' }, system: null }).some((r) => r.differs)).toBe(false);
  });

  it('maps the platform status words', () => {
    expect(statusCode('已作废')).toBe('VOIDED');
    expect(statusCode('NORMAL')).toBe('NORMAL');
    expect(statusCode('')).toBeNull();
  });

  it('offers the actions that fit', () => {
    const missing = { category: 'MISSING_IN_SYSTEM' as const, resolution: null, platform: { row: 1 }, system: null };
    expect(findingActions(missing)).toEqual({ supplement: true, correctStatus: false, explain: true });
    expect(findingActions({ ...missing, resolution: { kind: 'SUPPLEMENTED', note: null, byName: 'x', at: '' } })).toEqual({ supplement: false, correctStatus: false, explain: false });
    expect(findingActions({ category: 'STATUS_MISMATCH', resolution: null, platform: { row: 1 }, system: { invoiceId: 'i' } })).toEqual({ supplement: false, correctStatus: true, explain: true });
    expect(findingActions({ category: 'RED_WITHOUT_BLUE', resolution: null, platform: { row: 1 }, system: null }).supplement).toBe(false);
    expect(findingActions({ category: 'MATCHED', resolution: null, platform: { row: 1 }, system: { invoiceId: 'i' } }).explain).toBe(false);
    expect(findingActions({ category: 'MISSING_ON_PLATFORM', resolution: null, platform: null, system: { invoiceId: 'i' } })).toEqual({ supplement: false, correctStatus: false, explain: true });
  });

  it('counts and sizes', () => {
    expect(countDelta({ MATCHED: 3 }, { MATCHED: 5 }, 'MATCHED')).toEqual({ a: 3, b: 5, delta: 2 });
    expect(countDelta({}, { DUPLICATE: 1 }, 'DUPLICATE')).toEqual({ a: 0, b: 1, delta: 1 });
    expect(fileSize(500)).toBe('500 B');
    expect(fileSize(2048)).toBe('2.0 KB');
    expect(fileSize(60 * 1024 * 1024)).toBe('60.0 MB');
  });
});
