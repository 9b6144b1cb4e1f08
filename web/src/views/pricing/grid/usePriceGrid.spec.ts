import { describe, expect, it } from 'vitest';
import type { ProductDto } from '@drp/shared';
import { usePriceGrid } from './usePriceGrid';

const product = (id: string, version: number, basePrice: string): ProductDto =>
  ({ id, code: id.toUpperCase(), version, basePrice, levelPrices: Array(10).fill(null), floorPrice: null }) as unknown as ProductDto;

describe('usePriceGrid', () => {
  it('keeps edits across reloads and sends them with the version they were made on', () => {
    const grid = usePriceGrid();
    grid.absorb([product('a', 1, '5.0000'), product('b', 1, '6.0000')]);
    grid.draft('a').basePrice = '5.5';
    // a later page load brings a newer copy of both: the edited row keeps its base, the other follows
    grid.absorb([product('a', 2, '5.2000'), product('b', 2, '6.1000')]);
    expect(grid.draft('a').basePrice).toBe('5.5');
    expect(grid.draft('b').basePrice).toBe('6.10');
    expect(grid.changedRows.value).toEqual([{ productId: 'a', version: 1, basePrice: '5.5' }]);
  });

  it('lists rows that cannot be saved, discards and replaces', () => {
    const grid = usePriceGrid();
    grid.absorb([product('a', 1, '5.0000'), product('b', 1, '6.0000')]);
    grid.draft('a').basePrice = '';
    grid.draft('b').levelPrices[0] = '1.2.3';
    expect(grid.invalidIds.value).toEqual(['a', 'b']);
    expect(grid.changed('b', 1)).toBe(true);
    grid.discard('a');
    expect(grid.invalidIds.value).toEqual(['b']);
    grid.replace([product('b', 2, '7.0000')]);
    expect(grid.changedRows.value).toEqual([]);
    expect(grid.draft('b').basePrice).toBe('7.00');
    expect(grid.productByCode('b')?.version).toBe(2);
  });
});
