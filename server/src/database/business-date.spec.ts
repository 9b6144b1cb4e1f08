import { businessDate } from './business-date';
import { formatDocNumber } from './doc-number.service';

describe('businessDate', () => {
  it('uses the company time zone, not UTC', () => {
    // 2026-11-22 17:30 UTC is already the 23rd in Shanghai
    expect(businessDate(new Date('2026-11-22T17:30:00Z'), 'Asia/Shanghai')).toBe('2026-11-23');
    expect(businessDate(new Date('2026-11-22T17:30:00Z'), 'UTC')).toBe('2026-11-22');
  });
});

describe('formatDocNumber', () => {
  it('formats prefix, day and a zero-padded counter', () => {
    expect(formatDocNumber('SO', '2026-11-22', 7)).toBe('SO20261122-0007');
    expect(formatDocNumber('SO', '2026-11-22', 12345)).toBe('SO20261122-12345');
  });
});
