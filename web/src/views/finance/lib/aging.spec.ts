import { describe, expect, it } from 'vitest';
import { agingBuckets, type AgingReport, type AgingRow } from '@drp/shared';
import { boundsText, bucketCaption, overdueShare, parseBounds, pieData, rowName, stackedBarData, topRows } from './aging';

const row = (key: string | null, name: string, total: string, current = '0.00', buckets = ['0.00', '0.00', '0.00', '0.00']): AgingRow => ({
  key,
  code: key ? `C-${key}` : null,
  name,
  current,
  buckets,
  overdue: '0.00',
  total,
});

describe('aging bounds', () => {
  it('parses comma separated days, Chinese commas and spaces too', () => {
    expect(parseBounds('30,60,90')).toEqual({ bounds: [30, 60, 90] });
    expect(parseBounds(' 15， 45  90 ')).toEqual({ bounds: [15, 45, 90] });
    expect(boundsText()).toBe('30,60,90');
  });

  it('refuses what the server refuses', () => {
    expect(parseBounds('')).toEqual({ problem: 'empty' });
    expect(parseBounds('30,abc')).toEqual({ problem: 'format' });
    expect(parseBounds('30,-60')).toEqual({ problem: 'format' });
    expect(parseBounds('60,30')).toEqual({ problem: 'order' });
    expect(parseBounds('0,30')).toEqual({ problem: 'order' });
    expect(parseBounds('30,30')).toEqual({ problem: 'order' });
    expect(parseBounds('1,2,3,4,5,6,7,8,9,10,11')).toEqual({ problem: 'tooMany' });
    expect(parseBounds('30,10000')).toEqual({ problem: 'format' });
  });

  it('captions buckets: 0-30, 31-60, 61-90, 90+', () => {
    const t = (key: string, p: Record<string, unknown>) => (key.endsWith('bucketOpen') ? `${p.from}天以上` : `${p.from}-${p.to}天`);
    expect(agingBuckets([30, 60, 90]).map((b) => bucketCaption(b, t))).toEqual(['0-30天', '31-60天', '61-90天', '90天以上']);
  });
});

describe('aging chart data', () => {
  const buckets = agingBuckets([30, 60, 90]);
  const rows = Array.from({ length: 12 }, (_, i) => row(`d${i}`, `经销商${i}`, `${(i + 1) * 100}.00`, '10.00', ['1.00', '2.00', '3.00', `${i}.00`]));
  const report: AgingReport = {
    asOf: '2026-03-31',
    groupBy: 'dealer',
    buckets,
    rows,
    totals: { current: '120.00', buckets: ['12.00', '0.00', '36.00', '66.00'], overdue: '114.00', total: '234.00' },
  };
  const captions = { current: '未到期', buckets: ['0-30', '31-60', '61-90', '90+'] };

  it('takes the 10 largest rows, largest first', () => {
    expect(topRows(rows).map((r) => r.key)).toEqual(['d11', 'd10', 'd9', 'd8', 'd7', 'd6', 'd5', 'd4', 'd3', 'd2']);
  });

  it('stacks not-yet-due and each bucket per row', () => {
    const { categories, series } = stackedBarData(report, captions, (r) => r.name);
    expect(categories).toHaveLength(10);
    expect(categories[0]).toBe('经销商11');
    expect(series.map((s) => s.name)).toEqual(['未到期', '0-30', '31-60', '61-90', '90+']);
    expect(series[0].data[0]).toBe(10);
    expect(series[4].data[0]).toBe(11);
  });

  it('leaves empty slices out of the pie', () => {
    expect(pieData(report, captions).map((s) => [s.name, s.value])).toEqual([
      ['未到期', 120],
      ['0-30', 12],
      ['61-90', 36],
      ['90+', 66],
    ]);
  });

  it('computes the overdue share and names the unassigned group', () => {
    expect(overdueShare(report.totals)).toBe('48.7');
    expect(overdueShare({ overdue: '0.00', total: '0.00' })).toBe('0.0');
    expect(rowName(row(null, '', '1'), '（未分配）')).toBe('（未分配）');
    expect(rowName(row('k', '北京华联', '1'), 'x')).toBe('北京华联');
  });
});
