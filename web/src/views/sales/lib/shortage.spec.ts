import { beforeAll, describe, expect, it } from 'vitest';
import { loadLocale } from '@/i18n';
import { StockControl } from '@drp/shared';
import { formShortages, shortItem, shortText, submitGate } from './shortage';

const line = (productId: string, qty: string, available: string | null) => ({ productId, productCode: `SP-${productId}`, productName: `商品${productId}`, qty, available });

describe('order form shortages (可用量控制)', () => {
  // the words below are Chinese: say so rather than rely on what an earlier spec in this worker left
  beforeAll(() => loadLocale('zh-CN'));

  it('per product against what is available, in words', () => {
    const s = formShortages([line('a', '2400.000', '194.000'), line('b', '3.000', '10.000'), line('a', '100.000', '194.000')]);
    expect(s).toEqual([{ productId: 'a', product: 'SP-a 商品a', ordered: '2500.000', available: '194.000', short: '2306.000' }]);
    expect(shortText(s[0])).toBe('缺 2,306（订 2,500，可用 194）');
    expect(shortItem(s[0])).toBe('SP-a 商品a：订 2,500，可用 194，缺 2,306');
  });

  it('no warehouse (available null) means no shortage to show', () => {
    expect(formShortages([line('a', '5', null)])).toEqual([]);
  });

  it('the gate follows the setting only when something is short', () => {
    const short = formShortages([line('a', '5', '1')]);
    expect(submitGate(StockControl.BLOCK, [])).toBe('go');
    expect(submitGate(StockControl.BLOCK, short)).toBe('refuse');
    expect(submitGate(StockControl.WARN, short)).toBe('confirm');
    expect(submitGate(StockControl.NONE, short)).toBe('confirm');
    expect(submitGate(null, short)).toBe('confirm');
  });
});

describe('lineBackorder', () => {
  it('an approved line waits for what is neither shipped nor reserved', async () => {
    const { lineBackorder } = await import('./shortage');
    expect(lineBackorder({ qty: '2400.000', shippedQty: '0.000', reservedQty: '194.000' }, 'APPROVED')).toBe('2206.000');
    expect(lineBackorder({ qty: '80.000', shippedQty: '50.000', reservedQty: '30.000' }, 'PARTIALLY_SHIPPED')).toBe('0.000');
    expect(lineBackorder({ qty: '80.000', shippedQty: '0.000', reservedQty: '0.000' }, 'PENDING_APPROVAL')).toBe('0.000');
  });
});
