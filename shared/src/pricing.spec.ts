import fc from 'fast-check';
import { PriceSource, PromotionKind } from './catalog';
import { Dec } from './money';
import { isBelowFloor, quantityBreakProblems, resolvePrice, ResolveInput } from './pricing';
import { quantityProblem } from './quantity';

const base: ResolveInput = {
  qty: '1',
  at: '2026-11-23T04:00:00.000Z',
  businessDate: '2026-11-23',
  basePrice: '100.0000',
  level: 3,
  levelName: '三级批发价',
  levelPrice: '80.0000',
  promotions: [],
  priceBookItems: [],
};
const book = (over: Partial<ResolveInput['priceBookItems'][0]> = {}) => ({ bookId: 'b1', bookName: '华联价格本', validFrom: '2026-11-01', validTo: '2026-11-30', minQty: '0', price: '70', ...over });
const promo = (over: Partial<ResolveInput['promotions'][0]> = {}) => ({
  id: 'p1', name: '双11', kind: PromotionKind.SPECIAL_PRICE, value: '60', minQty: '0', startsAt: '2026-11-20T00:00:00.000Z', endsAt: '2026-11-25T00:00:00.000Z', ...over,
});

describe('resolvePrice precedence', () => {
  it('falls back from level to base', () => {
    expect(resolvePrice(base)).toMatchObject({ unitPrice: '80.0000', source: PriceSource.LEVEL, sourceId: '3', sourceName: '三级批发价' });
    expect(resolvePrice({ ...base, levelPrice: null, level: null })).toMatchObject({ unitPrice: '100.0000', source: PriceSource.BASE, sourceId: null });
  });
  it('a valid price book beats the level; a promotion beats the book', () => {
    expect(resolvePrice({ ...base, priceBookItems: [book()] })).toMatchObject({ unitPrice: '70.0000', source: PriceSource.PRICE_BOOK, sourceId: 'b1' });
    expect(resolvePrice({ ...base, priceBookItems: [book()], promotions: [promo()] })).toMatchObject({ unitPrice: '60.0000', source: PriceSource.PROMOTION, sourceId: 'p1' });
  });
  it('percent off applies to the dealer\'s own price', () => {
    const r = resolvePrice({ ...base, priceBookItems: [book({ price: '70' })], promotions: [promo({ kind: PromotionKind.PERCENT_OFF, value: '15' })] });
    expect(r).toMatchObject({ unitPrice: '59.5000', source: PriceSource.PROMOTION });
  });
  it('a promotion never raises a negotiated price', () => {
    expect(resolvePrice({ ...base, priceBookItems: [book({ price: '50' })], promotions: [promo({ value: '60' })] }).source).toBe(PriceSource.PRICE_BOOK);
  });
  it('edge dates: a book is valid from its first to its last day inclusive; a promotion from start (inclusive) to end (exclusive)', () => {
    expect(resolvePrice({ ...base, businessDate: '2026-11-01', priceBookItems: [book()] }).source).toBe(PriceSource.PRICE_BOOK);
    expect(resolvePrice({ ...base, businessDate: '2026-11-30', priceBookItems: [book()] }).source).toBe(PriceSource.PRICE_BOOK);
    expect(resolvePrice({ ...base, businessDate: '2026-12-01', priceBookItems: [book()] }).source).toBe(PriceSource.LEVEL);
    expect(resolvePrice({ ...base, businessDate: '2026-10-31', priceBookItems: [book()] }).source).toBe(PriceSource.LEVEL);
    expect(resolvePrice({ ...base, priceBookItems: [book({ validTo: null, validFrom: '2020-01-01' })] }).source).toBe(PriceSource.PRICE_BOOK);
    expect(resolvePrice({ ...base, at: '2026-11-20T00:00:00.000Z', promotions: [promo()] }).source).toBe(PriceSource.PROMOTION);
    expect(resolvePrice({ ...base, at: '2026-11-25T00:00:00.000Z', promotions: [promo()] }).source).toBe(PriceSource.LEVEL);
    expect(resolvePrice({ ...base, at: '2026-11-19T23:59:59.999Z', promotions: [promo()] }).source).toBe(PriceSource.LEVEL);
  });
  it('minimum quantities: quantity breaks pick the largest reached tier; a promotion needs its minimum', () => {
    const tiers = [book({ minQty: '0', price: '70' }), book({ minQty: '10', price: '65' }), book({ minQty: '100', price: '60' })];
    expect(resolvePrice({ ...base, qty: '9.999', priceBookItems: tiers }).unitPrice).toBe('70.0000');
    expect(resolvePrice({ ...base, qty: '10', priceBookItems: tiers }).unitPrice).toBe('65.0000');
    expect(resolvePrice({ ...base, qty: '500', priceBookItems: tiers }).unitPrice).toBe('60.0000');
    expect(resolvePrice({ ...base, qty: '4', promotions: [promo({ minQty: '5' })] }).source).toBe(PriceSource.LEVEL);
    expect(resolvePrice({ ...base, qty: '5', promotions: [promo({ minQty: '5' })] }).source).toBe(PriceSource.PROMOTION);
  });
  it('across several books and promotions the lowest wins, ties broken by id', () => {
    const r = resolvePrice({ ...base, priceBookItems: [book({ bookId: 'b2', price: '68' }), book({ bookId: 'b1', price: '68' }), book({ bookId: 'b3', price: '75' })] });
    expect(r.sourceId).toBe('b1');
    expect(resolvePrice({ ...base, promotions: [promo({ id: 'p2', value: '55' }), promo({ id: 'p1', value: '58' })] }).sourceId).toBe('p2');
  });

  const decimal = fc.integer({ min: 0, max: 100_000_000 }).map((n) => (n / 10_000).toFixed(4));
  const day = fc.integer({ min: 0, max: 60 }).map((d) => new Date(Date.UTC(2026, 10, 1 + d)).toISOString().slice(0, 10));

  it('property: the answer is never above the fallback, and never from an inapplicable record', () => {
    fc.assert(
      fc.property(
        decimal, fc.option(decimal, { nil: null }), fc.integer({ min: 1, max: 1000 }), day,
        fc.array(fc.record({ bookId: fc.constantFrom('b1', 'b2'), bookName: fc.constant('B'), validFrom: day, validTo: fc.option(day, { nil: null }), minQty: fc.integer({ min: 0, max: 50 }).map(String), price: decimal }), { maxLength: 6 }),
        fc.array(fc.record({ id: fc.constantFrom('p1', 'p2', 'p3'), name: fc.constant('P'), kind: fc.constantFrom(PromotionKind.SPECIAL_PRICE, PromotionKind.PERCENT_OFF), value: fc.integer({ min: 1, max: 99 }).map(String), minQty: fc.integer({ min: 0, max: 50 }).map(String), startsAt: day.map((d) => `${d}T00:00:00.000Z`), endsAt: day.map((d) => `${d}T12:00:00.000Z`) }), { maxLength: 4 }),
        (basePrice, levelPrice, qty, businessDate, priceBookItems, promotions) => {
          const input: ResolveInput = { ...base, basePrice, levelPrice, level: levelPrice ? 3 : null, qty: String(qty), businessDate, at: `${businessDate}T06:00:00.000Z`, priceBookItems, promotions };
          const r = resolvePrice(input);
          const noPromo = resolvePrice({ ...input, promotions: [] });
          expect(new Dec(r.unitPrice).lessThanOrEqualTo(noPromo.unitPrice)).toBe(true);
          if (r.source === PriceSource.PRICE_BOOK) {
            const item = priceBookItems.find((i) => i.bookId === r.sourceId && i.validFrom <= businessDate && (!i.validTo || i.validTo >= businessDate) && Number(i.minQty) <= qty);
            expect(item).toBeDefined();
          }
          if (r.source === PriceSource.PROMOTION) {
            const p = promotions.find((x) => x.id === r.sourceId && x.startsAt <= input.at && input.at < x.endsAt && Number(x.minQty) <= qty);
            expect(p).toBeDefined();
          }
          if (r.source === PriceSource.LEVEL) expect(r.unitPrice).toBe(new Dec(levelPrice!).toFixed(4));
          if (r.source === PriceSource.BASE) expect(levelPrice).toBeNull();
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('quantity rules', () => {
  it('refuses quantity breaks where buying more costs more per unit', () => {
    expect(quantityBreakProblems([{ minQty: '0', price: '10' }, { minQty: '10', price: '9' }])).toEqual([]);
    expect(quantityBreakProblems([{ minQty: '10', price: '11' }, { minQty: '0', price: '10' }])).toHaveLength(1);
  });
  it('checks minimum and multiple of order quantities', () => {
    expect(quantityProblem('12', '6', '6')).toBeNull();
    expect(quantityProblem('0', '1', '1')).toBe('INVALID_QUANTITY');
    expect(quantityProblem('-1', '1', '1')).toBe('INVALID_QUANTITY');
    expect(quantityProblem('3', '6', '6')).toBe('QTY_BELOW_MINIMUM');
    expect(quantityProblem('13', '6', '6')).toBe('QTY_NOT_MULTIPLE');
    expect(quantityProblem('1.5', '0.5', '0.5')).toBeNull();
  });
});

describe('isBelowFloor', () => {
  it('flags manual prices under the floor only', () => {
    expect(isBelowFloor('9.99', '10')).toBe(true);
    expect(isBelowFloor('10.0000', '10')).toBe(false);
    expect(isBelowFloor('1', null)).toBe(false);
  });
});

describe('resolvePrice: a made price is rounded to the company price scale (issue #12)', () => {
  const juice = { ...base, levelPrice: '3.5900', basePrice: '3.5900' };
  const off8 = promo({ kind: PromotionKind.PERCENT_OFF, value: '8' });
  it('92 折 of 3.59 is 3.30 at scale 2 (half up), 3.3028 at scale 4', () => {
    expect(resolvePrice({ ...juice, promotions: [off8], priceScale: 2 }).unitPrice).toBe('3.3000');
    expect(resolvePrice({ ...juice, promotions: [off8], priceScale: 4 }).unitPrice).toBe('3.3028');
    expect(resolvePrice({ ...juice, promotions: [off8] }).unitPrice).toBe('3.3028');
    expect(resolvePrice({ ...juice, promotions: [off8], priceScale: 0 }).unitPrice).toBe('3.0000');
  });
  it('half up: 2.125 -> 2.13 at scale 2', () => {
    expect(resolvePrice({ ...base, levelPrice: '2.5000', promotions: [promo({ kind: PromotionKind.PERCENT_OFF, value: '15' })], priceScale: 2 }).unitPrice).toBe('2.1300');
  });
  it('typed prices are kept; a rounded promotion never costs more than the fallback', () => {
    expect(resolvePrice({ ...base, levelPrice: '3.2951', priceScale: 2 }).unitPrice).toBe('3.2951');
    // 3.2954 rounds to 3.30, above the 3.2951 fallback: the fallback stays
    expect(resolvePrice({ ...base, levelPrice: '3.2951', promotions: [promo({ value: '3.2954' })], priceScale: 2 }).source).toBe(PriceSource.LEVEL);
  });
});
