import { describe, expect, it } from 'vitest';
import type { OrderLineDto, ShipmentLineDto } from '@drp/shared';
import { checkFulfil, fillAll, fulfilError, fulfilLines, remainingToShip, returnable, returnDrafts, shipDrafts } from './fulfil';

const orderLine = (over: Partial<OrderLineDto>): OrderLineDto =>
  ({ id: 'l1', productCode: 'SP0001', productName: '矿泉水', baseUnit: '瓶', qty: '10.000', shippedQty: '0.000', returnedQty: '0.000', ...over }) as OrderLineDto;
const shipLine = (over: Partial<ShipmentLineDto>): ShipmentLineDto =>
  ({ id: 's1', orderLineId: 'l1', productCode: 'SP0001', productName: '矿泉水', baseUnit: '瓶', qty: '4.000', returnedQty: '0.000', ...over }) as ShipmentLineDto;

describe('what is left', () => {
  it('ships ordered minus shipped and returns shipped minus returned, never below zero', () => {
    expect(remainingToShip({ qty: '10.000', shippedQty: '4.500' })).toBe('5.500');
    expect(remainingToShip({ qty: '10.000', shippedQty: '12.000' })).toBe('0.000');
    expect(returnable({ qty: '4.000', returnedQty: '1.000' })).toBe('3.000');
  });

  it('prefills the ship dialog with everything open and skips finished lines', () => {
    const drafts = shipDrafts([orderLine({ id: 'a', shippedQty: '4.000' }), orderLine({ id: 'b', shippedQty: '10.000' })]);
    expect(drafts).toHaveLength(1);
    expect(drafts[0]).toMatchObject({ lineId: 'a', left: '6.000', qty: '6', done: '4.000' });
  });

  it('prefills a shipment with what is reserved: a backorder waits for stock', () => {
    const drafts = shipDrafts([orderLine({ id: 'a', qty: '150.000', reservedQty: '40.000' }), orderLine({ id: 'b', reservedQty: '0.000' }), orderLine({ id: 'c', shippedQty: '2.000', reservedQty: '8.000' })]);
    expect(drafts.map((d) => [d.lineId, d.left, d.qty])).toEqual([
      ['a', '150.000', '40'],
      ['b', '10.000', '0'],
      ['c', '8.000', '8'],
    ]);
  });

  it('starts the return dialog empty, only for lines with something returnable', () => {
    const drafts = returnDrafts({ lines: [shipLine({ id: 'x' }), shipLine({ id: 'y', returnedQty: '4.000' })] });
    expect(drafts.map((d) => [d.lineId, d.left, d.qty])).toEqual([['x', '4.000', '']]);
  });
});

describe('typed quantities', () => {
  it('accepts nothing, zero and up to what is left', () => {
    expect(fulfilError({ qty: '', left: '5.000' })).toBeUndefined();
    expect(fulfilError({ qty: '0', left: '5.000' })).toBeUndefined();
    expect(fulfilError({ qty: '5', left: '5.000' })).toBeUndefined();
    expect(fulfilError({ qty: '5.001', left: '5.000' })).toBe('exceeds');
    expect(fulfilError({ qty: '1.2345', left: '5.000' })).toBe('scale');
    expect(fulfilError({ qty: '-1', left: '5.000' })).toBe('negative');
    expect(fulfilError({ qty: 'x', left: '5.000' })).toBe('format');
  });

  it('needs one line above zero and sends only those', () => {
    const drafts = shipDrafts([orderLine({ id: 'a' }), orderLine({ id: 'b', qty: '3.000' })]);
    drafts[0].qty = '4';
    drafts[1].qty = '0';
    expect(checkFulfil(drafts)).toEqual({ errors: {}, nothing: false, ok: true });
    expect(fulfilLines(drafts)).toEqual([{ lineId: 'a', qty: '4.000' }]);
    drafts[0].qty = '';
    expect(checkFulfil(drafts)).toMatchObject({ nothing: true, ok: false });
    drafts[1].qty = '7';
    expect(checkFulfil(drafts)).toEqual({ errors: { b: 'exceeds' }, nothing: true, ok: false });
    fillAll(drafts);
    expect(drafts.map((d) => d.qty)).toEqual(['10', '3']);
  });
});
