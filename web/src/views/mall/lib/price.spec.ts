import { describe, expect, it } from 'vitest';
import { PriceSource } from '@drp/shared';
import zhCN from '@/i18n/locales/mall.zh-CN';
import en from '@/i18n/locales/mall.en';
import { availabilityView, priceSourceText, shortDate, wasPrice } from './price';

type Tree = { [key: string]: string | Tree };

/** A tiny `t` over the mall messages (keys under `mall.`), with {placeholders}. */
function tFor(messages: Tree) {
  return (key: string, params: Record<string, unknown> = {}) => {
    const path = key.replace(/^mall\./, '').split('.');
    let node: string | Tree = messages;
    for (const p of path) node = (node as Tree)[p];
    if (typeof node !== 'string') throw new Error(`no message ${key}`);
    return node.replace(/\{(\w+)\}/g, (_, k: string) => String(params[k]));
  };
}
const zh = tFor(zhCN as unknown as Tree);
const english = tFor(en as unknown as Tree);

describe('price source text', () => {
  it('names a promotion and a price book with the day they end', () => {
    expect(priceSourceText({ priceSource: PriceSource.PROMOTION, priceSourceName: '冬季果汁茶饮 92 折', priceValidTo: '2026-11-30' }, zh)).toBe('促销价 至 11-30');
    expect(priceSourceText({ priceSource: PriceSource.PROMOTION, priceSourceName: null, priceValidTo: null }, zh)).toBe('促销价');
    expect(priceSourceText({ priceSource: PriceSource.PRICE_BOOK, priceSourceName: '华联 2026', priceValidTo: '2026-12-31' }, zh)).toBe('价格本 至 12-31');
    expect(priceSourceText({ priceSource: PriceSource.PRICE_BOOK, priceSourceName: null, priceValidTo: null }, zh)).toBe('价格本');
    expect(priceSourceText({ priceSource: PriceSource.PROMOTION, priceSourceName: null, priceValidTo: '2026-11-30' }, english)).toBe('Promotion until 11-30');
  });

  it('uses the level name HQ gave it, else a generic word; base price', () => {
    expect(priceSourceText({ priceSource: PriceSource.LEVEL, priceSourceName: '三级批发价', priceValidTo: null }, zh)).toBe('三级批发价');
    expect(priceSourceText({ priceSource: PriceSource.LEVEL, priceSourceName: null, priceValidTo: null }, zh)).toBe('批发价');
    expect(priceSourceText({ priceSource: PriceSource.BASE, priceSourceName: null, priceValidTo: null }, zh)).toBe('零售价');
    expect(priceSourceText({ priceSource: PriceSource.BASE, priceSourceName: null, priceValidTo: null }, english)).toBe('List price');
  });
});

describe('prices', () => {
  it('shows a struck "was" price only when the level price is higher', () => {
    expect(wasPrice({ unitPrice: '9.2000', levelPrice: '10.0000' })).toBe('10.0000');
    expect(wasPrice({ unitPrice: '10.0000', levelPrice: '10.0000' })).toBeNull();
    expect(wasPrice({ unitPrice: '10.0000', levelPrice: null })).toBeNull();
  });

  it('shortens dates to month-day', () => {
    expect(shortDate('2026-11-30')).toBe('11-30');
    expect(shortDate(null)).toBe('');
  });
});

describe('availability', () => {
  it('is a level, with the number only when HQ shows exact stock', () => {
    expect(availabilityView('IN_STOCK', null, '瓶', zh)).toEqual({ type: 'success', text: '有货' });
    expect(availabilityView('LOW', '12.000', '箱', zh)).toEqual({ type: 'warning', text: '库存紧张 12箱' });
    expect(availabilityView('OUT', '0.000', '瓶', zh)).toEqual({ type: 'danger', text: '缺货 0瓶' });
    expect(availabilityView('OUT', null, 'bottle', english)).toEqual({ type: 'danger', text: 'Out of stock' });
  });
});
