import { describe, expect, it } from 'vitest';
import type { InvoiceLine } from '@/api/invoicing';
import { amountForQty, hasLeft, lineLeft, lineLeftQty, redPlan } from './red';

const line = (id: string, total: string, rate = '0.13', extra: Partial<InvoiceLine> = {}): InvoiceLine => ({
  id,
  name: `P${id}`,
  spec: null,
  unit: '箱',
  qty: '10.000',
  unitPrice: '100.0000',
  amount: '0',
  taxRate: rate,
  tax: '0',
  total,
  shipmentLineId: null,
  shipmentNumber: null,
  redLeft: { total, qty: '10.000' },
  ...extra,
});

describe('red-letter arithmetic (tax-inclusive amounts)', () => {
  const lines = [line('a', '1130.00'), line('b', '545.00', '0.09', { redLeft: { total: '218.00', qty: '4.000' } })];
  const left = { amount: '1200.00', tax: '148.00', total: '1348.00' };

  it('adds up the chosen lines and splits out their tax', () => {
    const plan = redPlan(lines, [{ invoiceLineId: 'a', amount: '113' }, { invoiceLineId: 'b', amount: '109.00' }], left);
    // 113 at 13% = 100 + 13; 109 at 9% = 100 + 9
    expect(plan).toMatchObject({ amount: '200.00', tax: '22.00', total: '222.00', exceedsLeft: false, ok: true, problems: {} });
  });

  it('refuses more than a line has left and more than the blue has left', () => {
    expect(redPlan(lines, [{ invoiceLineId: 'b', amount: '218.01' }], left).problems).toEqual({ b: 'EXCEEDS_LINE' });
    expect(redPlan(lines, [{ invoiceLineId: 'b', amount: '218.00' }], left).ok).toBe(true);
    const over = redPlan(lines, [{ invoiceLineId: 'a', amount: '1130' }, { invoiceLineId: 'b', amount: '218' }], { amount: '1150.00', tax: '150.00', total: '1300.00' });
    expect(over.exceedsLeft).toBe(true);
    expect(over.ok).toBe(false);
  });

  it('refuses bad amounts and quantities, and an empty choice', () => {
    expect(redPlan(lines, [{ invoiceLineId: 'a', amount: 'x' }], left).problems).toEqual({ a: 'AMOUNT_INVALID' });
    expect(redPlan(lines, [{ invoiceLineId: 'a', amount: '1.001' }], left).problems).toEqual({ a: 'AMOUNT_INVALID' });
    expect(redPlan(lines, [{ invoiceLineId: 'a', amount: '0' }], left).problems).toEqual({ a: 'AMOUNT_NOT_POSITIVE' });
    expect(redPlan(lines, [{ invoiceLineId: 'b', amount: '10', qty: '5' }], left).problems).toEqual({ b: 'EXCEEDS_QTY' });
    expect(redPlan(lines, [{ invoiceLineId: 'b', amount: '10', qty: '-1' }], left).problems).toEqual({ b: 'QTY_INVALID' });
    expect(redPlan(lines, [], left)).toMatchObject({ empty: true, ok: false, total: '0.00' });
  });

  it('prices a quantity from what is left and tells what is left', () => {
    expect(amountForQty('2.5', lines[0])).toBe('282.50');
    expect(amountForQty('4', lines[1])).toBe('218.00');
    expect(amountForQty('x', lines[0])).toBe('');
    expect(lineLeft(lines[1])).toBe('218.00');
    expect(lineLeft(line('c', '-50.00', '0.13', { redLeft: null }))).toBe('50.00');
    expect(lineLeftQty(lines[1])).toBe('4');
    expect(hasLeft(left)).toBe(true);
    expect(hasLeft({ amount: '0.00', tax: '0.00', total: '0.00' })).toBe(false);
    expect(hasLeft(null)).toBe(false);
  });
});
