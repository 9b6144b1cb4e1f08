import { describe, expect, it } from 'vitest';
import { PriceSource, type ResolvedPrice } from '@drp/shared';
import { simulatorLine, simulatorTotals } from './simulator';

const resolved = (over: Partial<ResolvedPrice>): ResolvedPrice => ({
  productId: 'p',
  unitPrice: '1.0000',
  source: PriceSource.BASE,
  sourceId: null,
  sourceName: null,
  qty: '1.000',
  levelPrice: null,
  basePrice: '1.0000',
  floorPrice: null,
  validTo: null,
  ...over,
});

describe('simulator lines', () => {
  it('multiplies in decimals: 3 x 0.1 is 0.30, not 0.30000000000000004', () => {
    const line = simulatorLine(resolved({ qty: '3.000', unitPrice: '0.1000', basePrice: '0.1000' }));
    expect(line.amount).toBe('0.30');
    expect(line.saving).toBe('0.00');
  });

  it('rounds the line to cents half up and reports the saving against the base price', () => {
    // 1.5 x 3.3333 = 4.99995 -> 5.00; at base 1.5 x 4.2 = 6.30
    const line = simulatorLine(resolved({ qty: '1.500', unitPrice: '3.3333', basePrice: '4.2000', source: PriceSource.PRICE_BOOK }));
    expect(line.amount).toBe('5.00');
    expect(line.saving).toBe('1.30');
  });

  it('flags a unit price below the floor', () => {
    expect(simulatorLine(resolved({ unitPrice: '3.9000', floorPrice: '4.0000' })).belowFloor).toBe(true);
    expect(simulatorLine(resolved({ unitPrice: '4.0000', floorPrice: '4.0000' })).belowFloor).toBe(false);
    expect(simulatorLine(resolved({ unitPrice: '1.0000', floorPrice: null })).belowFloor).toBe(false);
  });

  it('totals the amounts and counts the sources', () => {
    const lines = [
      simulatorLine(resolved({ qty: '24.000', unitPrice: '4.4800', basePrice: '5.6000', source: PriceSource.PRICE_BOOK })),
      simulatorLine(resolved({ qty: '24.000', unitPrice: '3.0100', basePrice: '3.6000', source: PriceSource.LEVEL })),
      simulatorLine(resolved({ qty: '24.000', unitPrice: '2.7600', basePrice: '3.0000', source: PriceSource.PROMOTION })),
    ];
    expect(lines.map((l) => l.amount)).toEqual(['107.52', '72.24', '66.24']);
    const totals = simulatorTotals(lines);
    expect(totals.amount).toBe('246.00');
    expect(totals.saving).toBe('46.80');
    expect(totals.bySource).toEqual({ PROMOTION: 1, PRICE_BOOK: 1, LEVEL: 1, BASE: 0 });
  });
});
