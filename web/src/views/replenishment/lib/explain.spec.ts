import { describe, expect, it } from 'vitest';
import { ReplenishmentMethod, replenishmentLine, type DayReport } from '@drp/shared';
import { i18n, loadLocale } from '@/i18n';
import { atRisk, unreportedDays, whySentence, type ExplainedLine, type T } from './explain';

const t: T = (k, v) => (v ? i18n.global.t(k, v) : i18n.global.t(k));

/** a line as the worksheet gets it, computed by the shared rule itself */
function lineFrom(reports: DayReport[], method: ReplenishmentMethod, extra: Partial<ExplainedLine> = {}, orderMultiple = '1', minOrderQty = '0'): ExplainedLine {
  const params = { method, windowDays: 30, turnoverDays: 15, leadDays: 3, safetyStock: '0' };
  const r = replenishmentLine({ today: '2026-12-01', reports, lastReplenishmentDate: null, openSupply: '0', orderMultiple, minOrderQty, params })!;
  const avg = Number(r.avgDaily);
  return {
    ...params,
    ...r,
    lastReplenishmentDate: null,
    suggestedQty: r.qty,
    orderMultiple,
    minOrderQty,
    daysOfStock: avg > 0 ? (Number(r.currentStock) / avg).toFixed(2) : null,
    ...extra,
  };
}

/** 27 reported days before 2026-12-01: 22 selling 4.5 a day, 5 stock-out days; the last stock `last` */
function month(last: string): DayReport[] {
  const out: DayReport[] = [];
  for (let back = 27; back >= 1; back--) {
    const d = new Date(Date.UTC(2026, 11, 1 - back)).toISOString().slice(0, 10);
    const stockOut = back >= 10 && back <= 14;
    out.push({ date: d, stock: back === 1 ? last : stockOut ? '0' : '30', sold: stockOut ? '1' : '4.5' });
  }
  return out;
}

describe('replenishment explanations (issue #15)', () => {
  it('says the usable days, the stock-out days left out, the average, the target and the rounding in one sentence', async () => {
    await loadLocale('zh-CN');
    const line = lineFrom(month('30'), ReplenishmentMethod.TURNOVER, {}, '24');
    expect(line).toMatchObject({ usableDays: 22, stockoutDays: 5, avgDaily: '4.5000', target: '81.0000', rawQty: '51.0000', suggestedQty: '72.000' });
    const why = whySentence(t, line);
    expect(why).toContain('近30天有效销售22天（断货5天已剔除）（未上报3天不计），日均4.5');
    expect(why).toContain('目标库存 = 日均4.5 ×（周转15天 + 提前3天）+ 安全库存0 = 81，减去当前库存30和在途0，需补51');
    expect(why).toContain('按包装24向上取整为72');
    expect(why).toContain('现有库存约可售6.7天');
    expect(why).not.toMatch(/[A-Z]{2,}_[A-Z]+|\{|\}/);
  });

  it('words the other methods, the minimum order and the insufficient data case; English too', async () => {
    await loadLocale('zh-CN');
    const diff = lineFrom(month('10'), ReplenishmentMethod.SALES_STOCK_DIFF, {}, '1', '200');
    expect(whySentence(t, diff)).toContain('近30天销量');
    expect(whySentence(t, diff)).toContain('不足起订量，按起订量200建议200');
    const sell = lineFrom(month('10'), ReplenishmentMethod.SELL_ONE_REPLACE_ONE, { lastReplenishmentDate: '2026-11-20', soldSinceLast: '40.000', rawQty: '40.0000', suggestedQty: '40.000' });
    expect(whySentence(t, sell)).toContain('自上次补货单（2026-11-20）以来销量40 − 在途0 = 40；建议40');
    const few = lineFrom(month('10').slice(-5), ReplenishmentMethod.TURNOVER);
    expect(few.status).toBe('INSUFFICIENT_DATA');
    expect(whySentence(t, few)).toBe('近30天有效销售5天（未上报25天不计），少于7天，数据不足，暂不建议补货。');
    await loadLocale('en');
    expect(whySentence(t, few)).toBe('5 usable days of sales in the last 30 days (25 unreported days not counted): fewer than 7, not enough data to suggest anything.');
    await loadLocale('zh-CN');
  });

  it('highlights a stock-out risk when the stock left lasts less than the lead time', () => {
    const base = { leadDays: 3, avgDaily: '4.5000', currentStock: '9.000' };
    expect(atRisk({ ...base, daysOfStock: '2.00' })).toBe(true);
    expect(atRisk({ ...base, daysOfStock: '3.00' })).toBe(false);
    expect(atRisk({ ...base, daysOfStock: '10.00' })).toBe(false);
    expect(atRisk({ ...base, currentStock: '0.000', daysOfStock: '0.00' })).toBe(true);
    // no sales, no average: nothing to tell
    expect(atRisk({ ...base, avgDaily: '0.0000', daysOfStock: null })).toBe(false);
    expect(unreportedDays({ windowDays: 30, usableDays: 22, stockoutDays: 5 })).toBe(3);
  });
});
