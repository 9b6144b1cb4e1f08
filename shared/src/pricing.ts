import { Dec, fmt } from './money';
import { PriceSource, PromotionKind } from './catalog';

/**
 * Price resolution rule (ARCHITECTURE §7), as one pure function. The server gathers every
 * candidate for a whole page of products in one SQL query and lets this decide, so the rule has
 * one home and can be tested exhaustively.
 *
 * - Fallback: the dealer's price book (valid on the business date; per book the item with the
 *   largest min qty not above the order qty; across books the lowest price), else the dealer's
 *   wholesale level price, else the base price.
 * - Promotions active at the instant (starts <= at < ends) whose min qty is met: a special price,
 *   or a percent off the fallback. The lowest wins, and it is used only when it does not cost the
 *   dealer more than the fallback (a promotion never raises a negotiated price).
 * - A promotion's price is MADE here, so it is rounded half up to the company's unit-price scale
 *   (`priceScale`, T+'s 单价小数位数, default 4): 92 折 of 3.59 is 3.30 at scale 2, not 3.3028,
 *   and what the dealer is shown is what the order charges. Typed prices (base, level, price
 *   book) are kept as they were entered.
 */
export interface PromotionCandidate {
  id: string;
  name: string;
  kind: PromotionKind;
  value: string;
  minQty: string;
  startsAt: string;
  endsAt: string;
}

export interface PriceBookCandidate {
  bookId: string;
  bookName: string;
  validFrom: string;
  validTo: string | null;
  minQty: string;
  price: string;
}

export interface ResolveInput {
  qty: string;
  /** the instant prices are asked for (ISO) */
  at: string;
  /** its business date, YYYY-MM-DD in the company time zone */
  businessDate: string;
  basePrice: string;
  level: number | null;
  levelName: string | null;
  levelPrice: string | null;
  promotions: PromotionCandidate[];
  priceBookItems: PriceBookCandidate[];
  /** decimals a made (promotion) price is rounded to, half up; 0..4, default 4 */
  priceScale?: number;
}

export interface ResolveOutput {
  unitPrice: string;
  source: PriceSource;
  sourceId: string | null;
  sourceName: string | null;
}

export function resolvePrice(input: ResolveInput): ResolveOutput {
  const qty = new Dec(input.qty);
  const fallback = resolveFallback(input, qty);
  const at = Date.parse(input.at);
  const scale = Math.min(4, Math.max(0, input.priceScale ?? 4));
  let best: ResolveOutput | null = null;
  for (const p of input.promotions) {
    if (!(Date.parse(p.startsAt) <= at && at < Date.parse(p.endsAt))) continue;
    if (qty.lessThan(p.minQty)) continue;
    const price =
      p.kind === PromotionKind.SPECIAL_PRICE ? new Dec(p.value) : new Dec(fallback.unitPrice).times(new Dec(100).minus(p.value)).div(100);
    const unitPrice = fmt(price.toDecimalPlaces(scale, Dec.ROUND_HALF_UP), 'unitPrice');
    if (!best || new Dec(unitPrice).lessThan(best.unitPrice) || (new Dec(unitPrice).equals(best.unitPrice) && p.id < best.sourceId!)) {
      best = { unitPrice, source: PriceSource.PROMOTION, sourceId: p.id, sourceName: p.name };
    }
  }
  if (best && new Dec(best.unitPrice).lessThanOrEqualTo(fallback.unitPrice)) return best;
  return fallback;
}

function resolveFallback(input: ResolveInput, qty: InstanceType<typeof Dec>): ResolveOutput {
  const perBook = new Map<string, PriceBookCandidate>();
  for (const item of input.priceBookItems) {
    if (item.validFrom > input.businessDate) continue;
    if (item.validTo !== null && item.validTo < input.businessDate) continue;
    if (qty.lessThan(item.minQty)) continue;
    const current = perBook.get(item.bookId);
    if (!current || new Dec(item.minQty).greaterThan(current.minQty)) perBook.set(item.bookId, item);
  }
  let book: PriceBookCandidate | undefined;
  for (const item of perBook.values()) {
    if (!book || new Dec(item.price).lessThan(book.price) || (new Dec(item.price).equals(book.price) && item.bookId < book.bookId)) book = item;
  }
  if (book) return { unitPrice: fmt(book.price, 'unitPrice'), source: PriceSource.PRICE_BOOK, sourceId: book.bookId, sourceName: book.bookName };
  if (input.levelPrice !== null) return { unitPrice: fmt(input.levelPrice, 'unitPrice'), source: PriceSource.LEVEL, sourceId: input.level !== null ? String(input.level) : null, sourceName: input.levelName };
  return { unitPrice: fmt(input.basePrice, 'unitPrice'), source: PriceSource.BASE, sourceId: null, sourceName: null };
}

/**
 * Quantity breaks of one product in one price book: buying more must never cost more per unit.
 * Answers the offending pairs (empty when fine).
 */
export function quantityBreakProblems(items: { minQty: string; price: string }[]): { minQty: string; price: string; previousMinQty: string; previousPrice: string }[] {
  const sorted = [...items].sort((a, b) => new Dec(a.minQty).comparedTo(b.minQty));
  const problems = [];
  for (let i = 1; i < sorted.length; i++) {
    if (new Dec(sorted[i].price).greaterThan(sorted[i - 1].price)) {
      problems.push({ minQty: sorted[i].minQty, price: sorted[i].price, previousMinQty: sorted[i - 1].minQty, previousPrice: sorted[i - 1].price });
    }
  }
  return problems;
}

/** A manual unit price below the product's floor (its own, or the level-10 price) needs approval. */
export function isBelowFloor(unitPrice: string, floorPrice: string | null): boolean {
  return floorPrice !== null && new Dec(unitPrice).lessThan(floorPrice);
}
