import fc from 'fast-check';
import { minValidQty, orderStep, quantityProblem, roundToMultiple } from './quantity';

describe('quantity rules', () => {
  it('quantityProblem: positive, at least the minimum, a whole multiple', () => {
    expect(quantityProblem('12', '6', '6')).toBeNull();
    expect(quantityProblem('0', '1', '1')).toBe('INVALID_QUANTITY');
    expect(quantityProblem('abc', '1', '1')).toBe('INVALID_QUANTITY');
    expect(quantityProblem('', '1', '1')).toBe('INVALID_QUANTITY');
    expect(quantityProblem('3', '6', '6')).toBe('QTY_BELOW_MINIMUM');
    expect(quantityProblem('13', '6', '6')).toBe('QTY_NOT_MULTIPLE');
    expect(quantityProblem('1.5', '0.5', '0.5')).toBeNull();
    expect(quantityProblem('5', '5', '2')).toBe('QTY_NOT_MULTIPLE');
  });

  it('minValidQty: the minimum rounded up to the multiple, at least one multiple', () => {
    expect(minValidQty({ minOrderQty: '24', orderMultiple: '24' })).toBe('24.000');
    expect(minValidQty({ minOrderQty: '5', orderMultiple: '2' })).toBe('6.000');
    expect(minValidQty({ minOrderQty: '1', orderMultiple: '6' })).toBe('6.000');
    expect(minValidQty({ minOrderQty: '0', orderMultiple: '0.5' })).toBe('0.500');
    expect(minValidQty({ minOrderQty: '1', orderMultiple: '' })).toBe('1.000');
  });

  it('roundToMultiple: raised to the minimum and up to the next multiple; junk -> the smallest valid quantity', () => {
    expect(roundToMultiple('7', { minOrderQty: '6', orderMultiple: '6' })).toBe('12.000');
    expect(roundToMultiple('1', { minOrderQty: '5', orderMultiple: '2' })).toBe('6.000');
    expect(roundToMultiple('12', { minOrderQty: '6', orderMultiple: '6' })).toBe('12.000');
    expect(roundToMultiple('0', { minOrderQty: '6', orderMultiple: '6' })).toBe('6.000');
    expect(roundToMultiple('x', { minOrderQty: '6', orderMultiple: '6' })).toBe('6.000');
    expect(roundToMultiple(null, { minOrderQty: '1', orderMultiple: '1' })).toBe('1.000');
    expect(orderStep('0')).toBe('1');
  });

  it('whatever roundToMultiple answers passes quantityProblem, and a valid quantity stays as it is', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5000 }), fc.integer({ min: 1, max: 100 }), fc.integer({ min: 1, max: 50 }), (q, min, mult) => {
        const rule = { minOrderQty: String(min), orderMultiple: String(mult) };
        const r = roundToMultiple(String(q / 10), rule);
        expect(quantityProblem(r, rule.minOrderQty, rule.orderMultiple)).toBeNull();
        expect(roundToMultiple(r, rule)).toBe(r);
      }),
    );
  });
});
