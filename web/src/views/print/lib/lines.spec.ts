import { describe, expect, it } from 'vitest';
import { pickingOrder, receiptSummary, totalAmount, totalQty } from './lines';

describe('printed lines', () => {
  it('adds quantities and amounts as decimals', () => {
    expect(totalQty([{ qty: '24.000' }, { qty: '1.5' }, { qty: '0.100' }])).toBe('25.6');
    expect(totalQty([])).toBe('0');
    expect(totalAmount(['0.10', '0.20'])).toBe('0.30');
    expect(totalAmount(['12.30', '0.7', '-3.00'])).toBe('10.00');
  });

  it('orders the picking list by location, then product code in natural order', () => {
    const lines = [
      { productCode: 'SP0010', location: null },
      { productCode: 'SP2', location: null },
      { productCode: 'SP0003', location: 'B-01' },
      { productCode: 'SP0001', location: 'A-10' },
      { productCode: 'SP0009', location: 'A-2' },
    ];
    expect(pickingOrder(lines).map((l) => l.productCode)).toEqual(['SP0009', 'SP0001', 'SP0003', 'SP2', 'SP0010']);
    expect(lines[0].productCode).toBe('SP0010'); // the input is left as it was
  });

  it('words a receipt summary\'s method code, and leaves other text alone', () => {
    const label = (code: string) => ({ BANK_TRANSFER: '银行转账', CASH: '现金' })[code];
    expect(receiptSummary('BANK_TRANSFER ICBC-20261101', label)).toBe('银行转账 ICBC-20261101');
    expect(receiptSummary('CASH', label)).toBe('现金');
    expect(receiptSummary('退回破损', label)).toBe('退回破损');
    expect(receiptSummary('', label)).toBe('');
  });
});
