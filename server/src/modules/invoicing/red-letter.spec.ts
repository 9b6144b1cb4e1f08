import { InvoiceStatus } from '@drp/shared';
import { applyRed, redLeft, splitTotal, sumMoney } from './red-letter';

const blue = { amount: '1000.00', tax: '130.00', total: '1130.00' };

describe('red-letter arithmetic', () => {
  it('what is left of a blue invoice is the blue plus its reds', () => {
    expect(redLeft(blue, [])).toEqual(blue);
    expect(redLeft(blue, [{ amount: '-100.00', tax: '-13.00', total: '-113.00' }])).toEqual({ amount: '900.00', tax: '117.00', total: '1017.00' });
  });

  it('a full red leaves nothing: RED_FULL', () => {
    expect(applyRed(blue, blue)).toEqual({ ok: true, status: InvoiceStatus.RED_FULL, leftAfter: { amount: '0.00', tax: '0.00', total: '0.00' } });
  });

  it('a partial red: RED_PARTIAL, and a second one takes the rest', () => {
    const first = applyRed(blue, { amount: '100.00', tax: '13.00', total: '113.00' });
    expect(first).toMatchObject({ ok: true, status: InvoiceStatus.RED_PARTIAL, leftAfter: { total: '1017.00' } });
    if (!first.ok) throw new Error('expected ok');
    expect(applyRed(first.leftAfter, first.leftAfter)).toMatchObject({ ok: true, status: InvoiceStatus.RED_FULL });
  });

  it('never exceeds what is left, by a cent in any figure', () => {
    const left = redLeft(blue, [{ amount: '-900.00', tax: '-117.00', total: '-1017.00' }]);
    expect(applyRed(left, { amount: '100.01', tax: '13.00', total: '113.01' })).toEqual({ ok: false, reason: 'EXCEEDS' });
    expect(applyRed(left, { amount: '100.00', tax: '13.01', total: '113.01' })).toEqual({ ok: false, reason: 'EXCEEDS' });
    expect(applyRed(left, { amount: '100.00', tax: '13.00', total: '113.00' })).toMatchObject({ ok: true, status: InvoiceStatus.RED_FULL });
  });

  it('refuses a zero or negative red', () => {
    expect(applyRed(blue, { amount: '0', tax: '0', total: '0' })).toEqual({ ok: false, reason: 'NOT_POSITIVE' });
    expect(applyRed(blue, { amount: '-1', tax: '0', total: '-1' })).toEqual({ ok: false, reason: 'NOT_POSITIVE' });
  });

  it('splits a tax-inclusive total at a rate and sums', () => {
    expect(splitTotal('113.00', '0.13')).toEqual({ amount: '100.00', tax: '13.00', total: '113.00' });
    expect(splitTotal('10.00', '0.13')).toEqual({ amount: '8.85', tax: '1.15', total: '10.00' });
    expect(sumMoney([splitTotal('113.00', '0.13'), splitTotal('10.00', '0.13')])).toEqual({ amount: '108.85', tax: '14.15', total: '123.00' });
  });
});
