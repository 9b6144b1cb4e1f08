import { describe, expect, it } from 'vitest';
import { lineProblem } from './lineProblem';

describe('lineProblem', () => {
  it('reads the product and the quantity rule of a refused quantity', () => {
    expect(lineProblem({ productId: 'p1', qty: '5', minOrderQty: '24.000', orderMultiple: '24.000' })).toEqual({ productIds: ['p1'], rule: { min: '24', multiple: '24' } });
  });

  it('reads a list of products out of scope', () => {
    expect(lineProblem({ productIds: ['a', 'b'] })).toEqual({ productIds: ['a', 'b'], rule: null });
  });

  it('gives nothing for other details', () => {
    expect(lineProblem(null)).toBeNull();
    expect(lineProblem({ field: 'qty' })).toBeNull();
  });
});
