import { describe, expect, it } from 'vitest';
import { StockDocType } from '@drp/shared';
import {
  adjustmentChange,
  buildDocInput,
  costError,
  describeShortages,
  emptyLine,
  exceedsAvailable,
  lineChange,
  newIdempotencyKey,
  onHandAfter,
  validateLines,
  type LineDraft,
  type LineStock,
} from './docLines';
import { minusQty } from './qty';

const { INBOUND, TRANSFER, ADJUSTMENT } = StockDocType;

// a used row names a unit cost (an inbound needs one; other types ignore it), an untouched row stays blank
const line = (productId: string | null, qty: string, unitCost = productId || qty ? '1' : ''): LineDraft => ({ ...emptyLine(), productId, product: null, qty, unitCost });
const stock = (onHand: string, reserved = '0.000'): LineStock => ({ onHand, reserved, available: minusQty(onHand, reserved) });

describe('adjustmentChange (盘点: counted - on hand)', () => {
  it('computes the change exactly, with decimals', () => {
    expect(adjustmentChange('10', '12.500')).toBe('-2.500');
    expect(adjustmentChange('0.3', '0.1')).toBe('0.200');
    expect(adjustmentChange('100.001', '100.000')).toBe('0.001');
    expect(adjustmentChange('7', '7.000')).toBe('0.000');
    expect(adjustmentChange('0', '123456789012.345')).toBe('-123456789012.345');
  });

  it('takes a missing stock row as zero on hand', () => {
    expect(adjustmentChange('5.5', undefined)).toBe('5.500');
    expect(adjustmentChange('5.5', null)).toBe('5.500');
  });
});

describe('lineChange / onHandAfter / exceedsAvailable', () => {
  const s = stock('20.000', '5.000');

  it('inbound adds, transfer takes out of the source', () => {
    expect(lineChange(INBOUND, 'counted', line('p', '3'), s)).toBe('3.000');
    expect(lineChange(TRANSFER, 'counted', line('p', '3.25'), s)).toBe('-3.250');
  });

  it('adjustments by count or by change', () => {
    expect(lineChange(ADJUSTMENT, 'counted', line('p', '18'), s)).toBe('-2.000');
    expect(lineChange(ADJUSTMENT, 'counted', line('p', '20'), s)).toBe('0.000');
    expect(lineChange(ADJUSTMENT, 'change', line('p', '-1.5'), s)).toBe('-1.500');
    expect(onHandAfter('-1.500', s)).toBe('18.500');
    expect(onHandAfter(null, s)).toBeNull();
  });

  it('has no change while the quantity is not valid', () => {
    expect(lineChange(INBOUND, 'counted', line('p', ''), s)).toBeNull();
    expect(lineChange(INBOUND, 'counted', line('p', '1.0001'), s)).toBeNull();
    expect(lineChange(ADJUSTMENT, 'change', line('p', '0'), s)).toBeNull();
  });

  it('warns when outgoing stock exceeds what is available (on hand - reserved)', () => {
    expect(exceedsAvailable('-15.000', s)).toBe(false);
    expect(exceedsAvailable('-15.001', s)).toBe(true);
    expect(exceedsAvailable('100.000', s)).toBe(false);
    expect(exceedsAvailable('-1.000', undefined)).toBe(true);
    expect(exceedsAvailable(null, s)).toBe(false);
  });
});

describe('validateLines', () => {
  it('accepts good lines and ignores untouched rows', () => {
    const check = validateLines(INBOUND, 'counted', [line('a', '1'), line(null, ''), line('b', '0.125')]);
    expect(check).toEqual({ lines: {}, doc: null, ok: true });
  });

  it('needs at least one line', () => {
    expect(validateLines(INBOUND, 'counted', [line(null, '')]).doc).toBe('noLines');
    expect(validateLines(INBOUND, 'counted', []).ok).toBe(false);
  });

  it('needs a product, once per document', () => {
    const lines = [line('a', '1'), line(null, '2'), line('a', '3')];
    const check = validateLines(INBOUND, 'counted', lines);
    expect(check.lines[lines[1].key]).toEqual({ product: 'productRequired' });
    expect(check.lines[lines[2].key]).toEqual({ product: 'duplicateProduct' });
    expect(check.lines[lines[0].key]).toBeUndefined();
  });

  it('inbound and transfer quantities are above zero with at most 3 decimals', () => {
    for (const type of [INBOUND, TRANSFER]) {
      const lines = [line('a', '0'), line('b', '-1'), line('c', '1.2345'), line('d', 'x'), line('e', '')];
      const check = validateLines(type, 'counted', lines);
      expect(lines.map((l) => check.lines[l.key]?.qty)).toEqual(['qtyPositive', 'qtyNegative', 'qtyTooManyDecimals', 'qtyNotNumber', 'qtyRequired']);
    }
  });

  it('an inbound line needs a unit cost >= 0 with at most 6 decimals; other types take none', () => {
    const lines = [line('a', '1', ''), line('b', '1', 'x'), line('c', '1', '-1'), line('d', '1', '1.1234567'), line('e', '1', '0'), line('f', '1', '12.345678')];
    const check = validateLines(INBOUND, 'counted', lines);
    expect(lines.map((l) => check.lines[l.key]?.unitCost)).toEqual(['costRequired', 'costNotNumber', 'costNegative', 'costTooManyDecimals', undefined, undefined]);
    expect(validateLines(TRANSFER, 'counted', [line('a', '1', '')]).ok).toBe(true);
    expect(costError(' 3.5 ')).toBeUndefined();
  });

  it('an adjustment by change takes a signed non-zero change', () => {
    const lines = [line('a', '-2.5'), line('b', '0'), line('c', '3')];
    const check = validateLines(ADJUSTMENT, 'change', lines);
    expect(lines.map((l) => check.lines[l.key]?.qty)).toEqual([undefined, 'changeNonZero', undefined]);
  });

  it('an adjustment by count takes counts >= 0, and refuses a count that changes nothing', () => {
    const lines = [line('a', '0'), line('b', '-1')];
    const check = validateLines(ADJUSTMENT, 'counted', lines, () => stock('1.000'));
    expect(lines.map((l) => check.lines[l.key]?.qty)).toEqual([undefined, 'qtyNegative']);

    const same = [line('a', '5'), line('b', '7.000')];
    const onHand: Record<string, string> = { a: '5.000', b: '7.000' };
    expect(validateLines(ADJUSTMENT, 'counted', same, (id) => stock(onHand[id])).doc).toBe('nothingToAdjust');
    // one real difference is enough; unknown stock is left to the server
    expect(validateLines(ADJUSTMENT, 'counted', [line('a', '5'), line('b', '6')], (id) => stock(onHand[id])).ok).toBe(true);
    expect(validateLines(ADJUSTMENT, 'counted', same).ok).toBe(true);
  });
});

describe('buildDocInput', () => {
  it('posts normalised quantities and leaves blank rows out', () => {
    const body = buildDocInput({ type: INBOUND, warehouseId: 'w1', remark: '  到货  ', reason: ' ' }, 'counted', [line('a', '5'), line(null, ''), line('b', '0.5')]);
    expect(body).toEqual({ type: INBOUND, warehouseId: 'w1', remark: '到货', lines: [{ productId: 'a', qty: '5.000', unitCost: '1' }, { productId: 'b', qty: '0.500', unitCost: '1' }] });
  });

  it('only an inbound posts its unit cost; transfers and counts move at the average', () => {
    expect(buildDocInput({ type: INBOUND, warehouseId: 'w1' }, 'counted', [line('a', '2', ' 12.5 ')]).lines).toEqual([{ productId: 'a', qty: '2.000', unitCost: '12.5' }]);
    expect(buildDocInput({ type: TRANSFER, warehouseId: 'w1', toWarehouseId: 'w2' }, 'counted', [line('a', '2', '12.5')]).lines).toEqual([{ productId: 'a', qty: '2.000' }]);
  });

  it('a transfer names its target; a count posts countedQty; a change posts qty', () => {
    expect(buildDocInput({ type: TRANSFER, warehouseId: 'w1', toWarehouseId: 'w2' }, 'counted', [line('a', '1')]).toWarehouseId).toBe('w2');
    expect(buildDocInput({ type: INBOUND, warehouseId: 'w1', toWarehouseId: 'w2' }, 'counted', [line('a', '1')]).toWarehouseId).toBeUndefined();
    const counted = buildDocInput({ type: ADJUSTMENT, warehouseId: 'w1', reason: '月末盘点' }, 'counted', [line('a', '0')]);
    expect(counted).toEqual({ type: ADJUSTMENT, warehouseId: 'w1', reason: '月末盘点', lines: [{ productId: 'a', countedQty: '0.000' }] });
    expect(buildDocInput({ type: ADJUSTMENT, warehouseId: 'w1', reason: '破损' }, 'change', [line('a', '-2')]).lines).toEqual([{ productId: 'a', qty: '-2.000' }]);
  });
});

describe('describeShortages (409 INSUFFICIENT_STOCK)', () => {
  const names = {
    product: (id: string) => ({ p1: 'SP0001 农夫山泉', p2: 'SP0002 可乐' })[id],
    warehouse: (id: string) => ({ w1: '北京分仓' })[id],
  };

  it('names every shortage with what is missing', () => {
    const details = {
      warehouseId: 'w1',
      productId: 'p1',
      productCode: 'SP0001',
      warehouseCode: 'WH-BJ',
      available: '5.000',
      requested: '8.000',
      shortages: [
        { warehouseId: 'w1', productId: 'p1', available: '5.000', requested: '8.000' },
        { warehouseId: 'w1', productId: 'p2', available: '0.000', requested: '0.500' },
      ],
    };
    expect(describeShortages(details, names)).toEqual([
      { productId: 'p1', warehouseId: 'w1', product: 'SP0001 农夫山泉', warehouse: '北京分仓', available: '5.000', requested: '8.000', missing: '3.000' },
      { productId: 'p2', warehouseId: 'w1', product: 'SP0002 可乐', warehouse: '北京分仓', available: '0.000', requested: '0.500', missing: '0.500' },
    ]);
  });

  it('falls back to the codes of the top-level detail, and to nothing for an empty body', () => {
    const details = { warehouseId: 'w9', productId: 'p9', productCode: 'SP0009', warehouseCode: 'WH-GZ', available: '1.000', requested: '2.000' };
    expect(describeShortages(details, names)[0]).toMatchObject({ product: 'SP0009', warehouse: 'WH-GZ', missing: '1.000' });
    // the shortage found while applying the changes names no available quantity
    expect(describeShortages({ warehouseId: 'w1', productId: 'p2', requested: '3.000' }, names)).toEqual([
      { productId: 'p2', warehouseId: 'w1', product: 'SP0002 可乐', warehouse: '北京分仓', available: null, requested: '3.000', missing: null },
    ]);
    expect(describeShortages(undefined, names)).toEqual([]);
    expect(describeShortages({}, names)).toEqual([]);
  });
});

describe('newIdempotencyKey', () => {
  it('makes distinct keys the server accepts', () => {
    const a = newIdempotencyKey();
    expect(a).toMatch(/^[A-Za-z0-9._:-]{8,128}$/);
    expect(a).not.toBe(newIdempotencyKey());
  });
});
