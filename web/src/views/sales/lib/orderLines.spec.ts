import { describe, expect, it } from 'vitest';
import { PriceSource, type OrderLineDto } from '@drp/shared';
import {
  buildLineInputs,
  buildPreview,
  checkLines,
  discountError,
  draftsFromOrder,
  emptyOrderLine,
  initialQty,
  percentToRate,
  priceError,
  qtyError,
  rateToPercent,
  type OrderLineDraft,
} from './orderLines';

const line = (over: Partial<OrderLineDraft> = {}): OrderLineDraft => ({
  ...emptyOrderLine(),
  productId: 'p1',
  product: { id: 'p1', code: 'SP0001', name: '矿泉水' },
  qty: '10',
  ...over,
});

describe('line checks', () => {
  it('wants a quantity above zero with at most 3 decimals', () => {
    expect(qtyError('')).toBe('qtyRequired');
    expect(qtyError('  ')).toBe('qtyRequired');
    expect(qtyError('abc')).toBe('qtyFormat');
    expect(qtyError('1e3')).toBe('qtyFormat');
    expect(qtyError('0')).toBe('qtyPositive');
    expect(qtyError('-2')).toBe('qtyPositive');
    expect(qtyError('1.2345')).toBe('qtyScale');
    expect(qtyError('1.234')).toBeUndefined();
    expect(qtyError('12')).toBeUndefined();
  });

  it('takes a discount from 0 to 99.99 percent with 2 decimals, empty for none', () => {
    expect(discountError('')).toBeUndefined();
    expect(discountError('0')).toBeUndefined();
    expect(discountError('99.99')).toBeUndefined();
    expect(discountError('100')).toBe('discountRange');
    expect(discountError('-1')).toBe('discountRange');
    expect(discountError('5.555')).toBe('discountScale');
    expect(discountError('five')).toBe('discountFormat');
  });

  it('checks a manual price only when there is one', () => {
    expect(priceError(null)).toBeUndefined();
    expect(priceError('')).toBe('priceFormat');
    expect(priceError('3.12345')).toBe('priceScale');
    expect(priceError('3.1234')).toBeUndefined();
  });

  it('needs at least one line and leaves untouched rows out', () => {
    expect(checkLines([emptyOrderLine()])).toMatchObject({ noLines: true, ok: false });
    const good = line();
    const bad = line({ qty: '0', discount: '120' });
    const noProduct = line({ productId: null, product: null });
    const result = checkLines([good, emptyOrderLine(), bad, noProduct]);
    expect(result.ok).toBe(false);
    expect(result.noLines).toBe(false);
    expect(Object.keys(result.lines)).toEqual([bad.key, noProduct.key]);
    expect(result.lines[bad.key]).toEqual({ qty: 'qtyPositive', discount: 'discountRange' });
    expect(result.lines[noProduct.key]).toEqual({ product: 'productRequired' });
    expect(checkLines([good, emptyOrderLine()]).ok).toBe(true);
  });
});

describe('discount percent and rate', () => {
  it('converts both ways', () => {
    expect(percentToRate('5')).toBe('0.0500');
    expect(percentToRate('12.5')).toBe('0.1250');
    expect(percentToRate('99.99')).toBe('0.9999');
    expect(percentToRate('')).toBe('0.0000');
    expect(rateToPercent('0.0500')).toBe('5');
    expect(rateToPercent('0.1250')).toBe('12.5');
    expect(rateToPercent('0.0000')).toBe('');
    expect(rateToPercent(null)).toBe('');
  });
});

describe('requests', () => {
  it('builds the POST lines: quantities on the wire scale, a discount only when given, a price only when allowed', () => {
    const lines = [line({ qty: '5', discount: '5', unitPrice: '3.2', remark: ' 加急 ' }), emptyOrderLine(), line({ productId: 'p2', qty: '1.5' })];
    expect(buildLineInputs(lines, true)).toEqual([
      { productId: 'p1', qty: '5.000', discountRate: '0.0500', unitPrice: '3.2000', remark: '加急' },
      { productId: 'p2', qty: '1.500' },
    ]);
    expect(buildLineInputs(lines, false)[0]).toEqual({ productId: 'p1', qty: '5.000', discountRate: '0.0500', remark: '加急' });
  });

  it('previews only lines with a product and a valid quantity, remembering which draft each is', () => {
    const a = line({ qty: '2' });
    const b = line({ productId: 'p2', qty: '' });
    const c = line({ productId: 'p3', qty: '3', discount: 'bad', unitPrice: '9' });
    const built = buildPreview({ dealerId: 'd1', warehouseId: 'w1', orderId: 'o1' }, [a, b, c, emptyOrderLine()], false);
    expect(built?.keys).toEqual([a.key, c.key]);
    expect(built?.input).toEqual({
      dealerId: 'd1',
      warehouseId: 'w1',
      excludeOrderId: 'o1',
      lines: [
        { productId: 'p1', qty: '2.000' },
        { productId: 'p3', qty: '3.000' },
      ],
    });
    expect(buildPreview({ dealerId: 'd1', warehouseId: null }, [c], true)?.input).toEqual({ dealerId: 'd1', lines: [{ productId: 'p3', qty: '3.000', unitPrice: '9.0000' }] });
    expect(buildPreview({ dealerId: null, warehouseId: 'w1' }, [a], false)).toBeNull();
  });

  it('reads a saved order back into drafts, keeping manual prices manual', () => {
    const base = {
      id: 'l1', lineNo: 1, productId: 'p1', productCode: 'SP0001', productName: '矿泉水', spec: '550ml', baseUnit: '瓶',
      qty: '24.000', unitPrice: '1.2000', listPrice: '1.5000', priceSource: 'MANUAL', priceRefId: null, priceRefName: null,
      floorPrice: '1.0000', belowFloor: false, discountRate: '0.0500', taxRate: '0.13', amount: '27.36', taxAmount: '3.15',
      shippedQty: '0.000', shippedAmount: '0.00', returnedQty: '0.000', reservedQty: '0.000', remark: null,
    } as OrderLineDto;
    const [d] = draftsFromOrder([base, { ...base, priceSource: PriceSource.LEVEL }]).slice(0, 1);
    expect(d).toMatchObject({ productId: 'p1', qty: '24', discount: '5', unitPrice: '1.20', remark: '' });
    expect(d.product).toMatchObject({ code: 'SP0001', baseUnit: '瓶' });
    expect(draftsFromOrder([{ ...base, priceSource: PriceSource.LEVEL }])[0].unitPrice).toBeNull();
  });

  it('starts a picked product at its minimum order quantity', () => {
    expect(initialQty({ minOrderQty: '6.000' })).toBe('6');
    expect(initialQty({ minOrderQty: '0.000' })).toBe('1');
    expect(initialQty(null)).toBe('1');
    // the smallest orderable quantity: the minimum rounded up to the multiple (as the mall's stepper)
    expect(initialQty({ minOrderQty: '5.000', orderMultiple: '2.000' })).toBe('6');
    expect(initialQty({ minOrderQty: '1.000', orderMultiple: '12.000' })).toBe('12');
  });
});
