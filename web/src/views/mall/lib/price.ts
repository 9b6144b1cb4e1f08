import { Dec } from '@drp/shared';
import type { Availability, MallProductCardDto } from '@drp/shared';

type T = (key: string, params?: Record<string, unknown>) => string;

/** "2026-11-30" -> "11-30" */
export function shortDate(value: string | null | undefined): string {
  if (!value) return '';
  const m = /^\d{4}-(\d{2})-(\d{2})/.exec(value);
  return m ? `${m[1]}-${m[2]}` : value;
}

type PriceInfo = Pick<MallProductCardDto, 'priceSource' | 'priceSourceName' | 'priceValidTo'>;

/**
 * Where the dealer's price comes from, in a few words: "促销价 至 11-30", "价格本 至 12-31",
 * "三级批发价" (the level's own name), "零售价".
 */
export function priceSourceText(p: PriceInfo, t: T): string {
  const until = p.priceValidTo ? ` ${t('mall.price.until', { date: shortDate(p.priceValidTo) })}` : '';
  switch (p.priceSource) {
    case 'PROMOTION':
      return `${t('mall.price.promotion')}${until}`;
    case 'PRICE_BOOK':
      return `${t('mall.price.priceBook')}${until}`;
    case 'LEVEL':
      return p.priceSourceName || t('mall.price.level');
    default:
      return t('mall.price.base');
  }
}

/** The struck-through "was" price: only when it is really higher than the price. */
export function wasPrice(p: Pick<MallProductCardDto, 'unitPrice' | 'levelPrice'>): string | null {
  if (!p.levelPrice) return null;
  return new Dec(p.levelPrice).greaterThan(p.unitPrice) ? p.levelPrice : null;
}

export interface AvailabilityView {
  type: 'success' | 'warning' | 'danger';
  text: string;
}

/** 有货 / 库存紧张 / 缺货, with the number only when HQ shows exact stock. */
export function availabilityView(a: Availability, qty: string | null, unit: string, t: T): AvailabilityView {
  const type = a === 'IN_STOCK' ? 'success' : a === 'LOW' ? 'warning' : 'danger';
  const label = t(`mall.availability.${a}`);
  if (qty === null || qty === undefined) return { type, text: label };
  const n = new Dec(qty).toDecimalPlaces(3).toString();
  return { type, text: `${label} ${n}${unit}` };
}
