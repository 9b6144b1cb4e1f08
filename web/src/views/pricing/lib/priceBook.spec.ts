import { describe, expect, it } from 'vitest';
import { bookState, itemProblems, productCount, type BookItemDraft } from './priceBook';

let key = 0;
const line = (productId: string | null, minQty: string, price: string): BookItemDraft => ({ key: ++key, productId, minQty, price });

describe('price book items', () => {
  it('accepts a clean book with quantity breaks that lower the price', () => {
    expect(itemProblems([line('a', '0', '10'), line('a', '100', '9.5'), line('b', '', '3')]).size).toBe(0);
  });

  it('needs a product and a price, in the right format', () => {
    const items = [line(null, '0', '1'), line('a', '0', ''), line('b', '1.2345', '1'), line('c', '0', '1.23456'), line('d', '0', '-1')];
    const problems = itemProblems(items);
    expect(problems.get(items[0].key)).toEqual({ field: 'product', code: 'required' });
    expect(problems.get(items[1].key)).toEqual({ field: 'price', code: 'required' });
    expect(problems.get(items[2].key)).toEqual({ field: 'minQty', code: 'scale' });
    expect(problems.get(items[3].key)).toEqual({ field: 'price', code: 'scale' });
    expect(problems.get(items[4].key)).toEqual({ field: 'price', code: 'min' });
  });

  it('refuses the same product twice at the same min qty ("" counts as 0)', () => {
    const items = [line('a', '0', '10'), line('a', '', '9')];
    expect(itemProblems(items).get(items[1].key)).toEqual({ field: 'minQty', code: 'duplicate' });
  });

  it('refuses a break that raises the unit price (QUANTITY_BREAK_INVALID)', () => {
    const items = [line('a', '100', '11'), line('a', '0', '10')];
    expect(itemProblems(items).get(items[0].key)).toEqual({
      field: 'price',
      code: 'break',
      minQty: '100.000',
      price: '11.0000',
      previousMinQty: '0.000',
      previousPrice: '10.0000',
    });
  });

  it('counts products, not lines', () => {
    expect(productCount({ items: [{ productId: 'a' }, { productId: 'a' }, { productId: 'b' }] as never })).toBe(2);
  });
});

describe('price book state', () => {
  const book = { status: 'ACTIVE' as const, validFrom: '2026-01-01', validTo: '2026-12-31' as string | null };
  it('follows the validity dates (both inclusive) and the status', () => {
    expect(bookState(book, '2025-12-31')).toBe('PENDING');
    expect(bookState(book, '2026-01-01')).toBe('VALID');
    expect(bookState(book, '2026-12-31')).toBe('VALID');
    expect(bookState(book, '2027-01-01')).toBe('EXPIRED');
    expect(bookState({ ...book, validTo: null }, '2099-01-01')).toBe('VALID');
    expect(bookState({ ...book, status: 'DISABLED' }, '2026-06-01')).toBe('DISABLED');
  });
});
