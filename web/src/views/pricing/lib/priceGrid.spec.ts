import { describe, expect, it } from 'vitest';
import { cellProblem, draftOf, effectiveFloor, isCellChanged, rowChanges } from './priceGrid';

const product = {
  id: 'p1',
  version: 3,
  basePrice: '5.6000',
  levelPrices: ['4.7600', '4.6800', null, null, null, null, null, null, null, '4.0000'],
  floorPrice: null,
};

describe('price grid diff', () => {
  it('an untouched draft sends nothing', () => {
    const d = draftOf(product);
    expect(d.basePrice).toBe('5.60');
    expect(d.levelPrices[2]).toBe('');
    expect(rowChanges(product, d)).toBeNull();
  });

  it('retyping the same value in another form is not a change', () => {
    const d = draftOf(product);
    d.basePrice = '5.60';
    d.levelPrices[0] = '4.760';
    d.levelPrices[3] = '  ';
    expect(rowChanges(product, d)).toBeNull();
  });

  it('sends only the base price when only it changed', () => {
    const d = draftOf(product);
    d.basePrice = '5.8';
    expect(rowChanges(product, d)).toEqual({ productId: 'p1', version: 3, basePrice: '5.8' });
    expect(isCellChanged(product, d, 'base')).toBe(true);
    expect(isCellChanged(product, d, 1)).toBe(false);
  });

  it('sends all ten level prices (null = unset) when any level changed', () => {
    const d = draftOf(product);
    d.levelPrices[2] = '4.5';
    d.levelPrices[9] = '';
    expect(rowChanges(product, d)).toEqual({
      productId: 'p1',
      version: 3,
      levelPrices: ['4.76', '4.68', '4.5', null, null, null, null, null, null, null],
    });
  });

  it('sets and clears the floor', () => {
    const d = draftOf(product);
    d.floorPrice = '3.9';
    expect(rowChanges(product, d)).toEqual({ productId: 'p1', version: 3, floorPrice: '3.9' });
    const withFloor = { ...product, floorPrice: '3.9000' };
    const d2 = draftOf(withFloor);
    d2.floorPrice = '';
    expect(rowChanges(withFloor, d2)).toEqual({ productId: 'p1', version: 3, floorPrice: null });
  });

  it('knows the effective floor and what is wrong with a cell', () => {
    const d = draftOf(product);
    expect(effectiveFloor(d)).toBe('4.00');
    d.floorPrice = '3.95';
    expect(effectiveFloor(d)).toBe('3.95');
    d.basePrice = '';
    expect(cellProblem(d, 'base')).toBe('required');
    d.levelPrices[0] = '1.23456';
    expect(cellProblem(d, 1)).toBe('scale');
    d.levelPrices[1] = '-1';
    expect(cellProblem(d, 2)).toBe('min');
    expect(cellProblem(d, 3)).toBeNull();
  });
});
