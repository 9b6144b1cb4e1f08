import { Dec, fmt, quantityBreakProblems, type PriceBookDto } from '@drp/shared';
import { decimalProblem, type DecimalProblem } from '@/utils/decimalInput';

/** One line of a price book being edited (texts as typed). */
export interface BookItemDraft {
  key: number;
  productId: string | null;
  minQty: string;
  price: string;
}

export type ItemProblem =
  | { field: 'product'; code: 'required' }
  | { field: 'minQty' | 'price'; code: 'required' | DecimalProblem }
  | { field: 'minQty'; code: 'duplicate' }
  | { field: 'price'; code: 'break'; minQty: string; price: string; previousMinQty: string; previousPrice: string };

export const MIN_QTY_RULE = { scale: 3, min: '0' } as const;
export const BOOK_PRICE_RULE = { scale: 4, min: '0' } as const;

/**
 * What is wrong with each line, mirroring the server: a product and a price are required; the
 * min qty (default 0) and the price are decimals >= 0 with 3 and 4 decimals; a product appears once
 * per min qty; and its quantity breaks never raise the unit price (QUANTITY_BREAK_INVALID).
 * Answers problems by line key (only the first problem of a line).
 */
export function itemProblems(items: BookItemDraft[]): Map<number, ItemProblem> {
  const out = new Map<number, ItemProblem>();
  const valid: { key: number; productId: string; minQty: string; price: string }[] = [];
  for (const i of items) {
    if (!i.productId) {
      out.set(i.key, { field: 'product', code: 'required' });
      continue;
    }
    const minQty = i.minQty.trim() === '' ? '0' : i.minQty.trim();
    const qtyProblem = decimalProblem(minQty, MIN_QTY_RULE);
    if (qtyProblem) {
      out.set(i.key, { field: 'minQty', code: qtyProblem });
      continue;
    }
    if (i.price.trim() === '') {
      out.set(i.key, { field: 'price', code: 'required' });
      continue;
    }
    const priceProblem = decimalProblem(i.price.trim(), BOOK_PRICE_RULE);
    if (priceProblem) {
      out.set(i.key, { field: 'price', code: priceProblem });
      continue;
    }
    valid.push({ key: i.key, productId: i.productId, minQty: fmt(minQty, 'qty'), price: fmt(i.price.trim(), 'unitPrice') });
  }
  const seen = new Set<string>();
  for (const i of valid) {
    const k = `${i.productId}@${i.minQty}`;
    if (seen.has(k)) out.set(i.key, { field: 'minQty', code: 'duplicate' });
    seen.add(k);
  }
  const byProduct = new Map<string, typeof valid>();
  valid.forEach((i) => byProduct.set(i.productId, [...(byProduct.get(i.productId) ?? []), i]));
  for (const tiers of byProduct.values()) {
    for (const p of quantityBreakProblems(tiers)) {
      const line = tiers.find((x) => new Dec(x.minQty).equals(p.minQty) && new Dec(x.price).equals(p.price));
      if (line && !out.has(line.key)) out.set(line.key, { field: 'price', code: 'break', ...p });
    }
  }
  return out;
}

/** The book's state on a business day (YYYY-MM-DD): 生效中 / 未生效 / 已过期 / 已停用. */
export type BookState = 'VALID' | 'PENDING' | 'EXPIRED' | 'DISABLED';

export function bookState(b: Pick<PriceBookDto, 'status' | 'validFrom' | 'validTo'>, today: string): BookState {
  if (b.status === 'DISABLED') return 'DISABLED';
  if (b.validFrom > today) return 'PENDING';
  if (b.validTo !== null && b.validTo < today) return 'EXPIRED';
  return 'VALID';
}

/** distinct products in a book (a product with quantity breaks has several lines) */
export function productCount(b: Pick<PriceBookDto, 'items'>): number {
  return new Set(b.items.map((i) => i.productId)).size;
}
