import { describe, expect, it } from 'vitest';
import { READY_REPORT_KEYS } from '@drp/shared';
import { cellText, isNumeric, PAGED_READY_REPORTS, READY_COLUMNS, READY_SUMMARY } from './columns';

const words = { source: (c: string) => `src:${c}`, minutes: (m: string) => `${m} min`, days: (d: string) => `${d} d` };

describe('ready report columns', () => {
  it('every report has columns and summary tiles; only the paged ones offer server sorts', () => {
    for (const key of READY_REPORT_KEYS) {
      expect(READY_COLUMNS[key].length).toBeGreaterThan(3);
      expect(READY_SUMMARY[key].length).toBeGreaterThan(2);
      if (!PAGED_READY_REPORTS.includes(key)) expect(READY_COLUMNS[key].some((c) => c.sort)).toBe(false);
    }
  });

  it('reads each kind of cell: amounts in yuan, quantities without trailing zeros, rates in percent, a dash for nothing', () => {
    expect(cellText('amount', '12345.60', words)).toBe('¥12,345.60');
    expect(cellText('qty', '24.000', words)).toBe('24');
    expect(cellText('rate', '0.98765', words)).toBe('98.8%');
    expect(cellText('rate', null, words)).toBe('—');
    expect(cellText('days', '12.5', words)).toBe('12.5 d');
    expect(cellText('days', null, words)).toBe('—');
    expect(cellText('minutes', '31.2', words)).toBe('31.2 min');
    expect(cellText('source', 'MALL', words)).toBe('src:MALL');
    expect(cellText('count', 0, words)).toBe('0');
    expect(cellText('text', '北京分公司', words)).toBe('北京分公司');
    expect(isNumeric('amount')).toBe(true);
    expect(isNumeric('text')).toBe(false);
  });
});
