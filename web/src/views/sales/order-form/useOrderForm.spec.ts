import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { nextTick } from 'vue';
import { OrderSource, OrderStatus, PriceSource, type CreditPreviewDto, type SalesOrderDto } from '@drp/shared';
import { ApiError } from '@/api/http';
import { salesOrdersApi, type OrderPreview, type OrderPreviewInput } from '@/api/sales';
import { useOrderForm } from './useOrderForm';

const credit: CreditPreviewDto = { mode: 'BLOCK', limit: '1000.00', exposure: '100.00', orderTotal: '0.00', excess: '0.00', overdue: false, warning: null, overridden: false, blockOnOverdue: false, committed: '0.00', outcome: 'OK', reason: null };

function answer(input: OrderPreviewInput): OrderPreview {
  return {
    lines: input.lines.map((l, i) => ({
      id: '',
      lineNo: i + 1,
      productId: l.productId,
      productCode: `SP${i}`,
      productName: `商品${i}`,
      baseUnit: '瓶',
      qty: l.qty,
      unitPrice: l.unitPrice ?? '2.0000',
      listPrice: '2.0000',
      priceSource: l.unitPrice ? 'MANUAL' : PriceSource.LEVEL,
      priceRefId: null,
      priceRefName: '二级批发价',
      floorPrice: '1.5000',
      belowFloor: !!l.unitPrice && Number(l.unitPrice) < 1.5,
      discountRate: l.discountRate ?? '0.0000',
      taxRate: '0.13',
      amount: (Number(l.qty) * 2).toFixed(2),
      taxAmount: '0.00',
      spec: null,
      shippedQty: '0.000',
      shippedAmount: '0.00',
      returnedQty: '0.000',
      reservedQty: '0.000',
      remark: null,
      available: '50.000',
    })),
    total: input.lines.reduce((a, l) => a + Number(l.qty) * 2, 0).toFixed(2),
    taxTotal: '0.00',
    discountTotal: '0.00',
    credit,
  };
}

const savedOrder = (over: Partial<SalesOrderDto> = {}): SalesOrderDto =>
  ({
    id: 'o1', number: 'SO20260101-0001', status: OrderStatus.DRAFT, source: OrderSource.CONSOLE, dealerId: 'd1', dealerCode: 'D-BJ001', dealerName: '北京华联',
    branchId: 'b', branchName: '北京分公司', warehouseId: 'w1', warehouseName: '北京分仓', salesRepId: null, salesRepName: null, requestedDate: null,
    businessDate: '2026-01-01', remark: null, total: '20.00', taxTotal: '0', discountTotal: '0', shippedTotal: '0', belowFloor: false, credit: null,
    copiedFromId: null, createdBy: null, createdByName: null, submittedAt: null, approvedAt: null, createdAt: '', updatedAt: '', version: 3, lineCount: 1,
    lines: [], events: [], ...over,
  }) as SalesOrderDto;

describe('useOrderForm', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('asks for a preview once the typing stops, and maps the answer back to the lines', async () => {
    const preview = vi.spyOn(salesOrdersApi, 'preview').mockImplementation(async (input) => answer(input));
    const form = useOrderForm({ manualPrice: () => false, debounceMs: 300 });
    form.header.dealerId = 'd1';
    form.header.warehouseId = 'w1';
    const line = form.lines.value[0];
    form.setProduct(line, { id: 'p1', code: 'SP0001', name: '矿泉水', minOrderQty: '6.000' });
    await nextTick();
    expect(line.qty).toBe('6');
    line.qty = '10';
    await nextTick();
    vi.advanceTimersByTime(200);
    expect(preview).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(300);
    expect(preview).toHaveBeenCalledTimes(1);
    expect(preview.mock.calls[0][0]).toEqual({ dealerId: 'd1', warehouseId: 'w1', lines: [{ productId: 'p1', qty: '10.000' }] });
    expect(form.previewOf(form.lines.value[0])?.amount).toBe('20.00');
    expect(form.preview.value?.credit.limit).toBe('1000.00');

    // the same request again is not sent twice
    line.qty = '10.0';
    await nextTick();
    line.qty = '10';
    await nextTick();
    await vi.advanceTimersByTimeAsync(400);
    expect(preview).toHaveBeenCalledTimes(1);
  });

  it('shows a failed preview as an error and clears the preview when the dealer goes', async () => {
    vi.spyOn(salesOrdersApi, 'preview').mockRejectedValue(new ApiError(400, 'PRODUCT_OUT_OF_SCOPE', 'nope'));
    const form = useOrderForm({ manualPrice: () => false, debounceMs: 10 });
    form.header.dealerId = 'd1';
    form.setProduct(form.lines.value[0], { id: 'p1', code: 'SP0001', name: '矿泉水' });
    await nextTick();
    await vi.advanceTimersByTimeAsync(20);
    expect(form.previewError.value).toBeTruthy();
    form.header.dealerId = null;
    await nextTick();
    expect(form.previewError.value).toBeNull();
    expect(form.preview.value).toBeNull();
  });

  it('refuses to save without lines, then creates with one idempotency key and updates with the version', async () => {
    const create = vi.spyOn(salesOrdersApi, 'create').mockResolvedValue(savedOrder());
    const update = vi.spyOn(salesOrdersApi, 'update').mockResolvedValue(savedOrder({ version: 4 }));
    vi.spyOn(salesOrdersApi, 'preview').mockImplementation(async (input) => answer(input));
    const form = useOrderForm({ manualPrice: () => true, debounceMs: 10 });
    form.header.dealerId = 'd1';
    form.header.warehouseId = 'w1';
    expect(await form.save(false)).toEqual({ kind: 'invalid' });
    expect(form.check.value.noLines).toBe(true);

    const line = form.lines.value[0];
    form.setProduct(line, { id: 'p1', code: 'SP0001', name: '矿泉水' });
    line.qty = '10';
    line.discount = '5';
    line.unitPrice = '1.2';
    const outcome = await form.save(true);
    expect(outcome.kind).toBe('saved');
    expect(create).toHaveBeenCalledWith(
      { dealerId: 'd1', warehouseId: 'w1', lines: [{ productId: 'p1', qty: '10.000', discountRate: '0.0500', unitPrice: '1.2000' }] },
      expect.any(String),
      { silent: true },
    );
    expect(form.order.value?.id).toBe('o1');

    line.qty = '12';
    await form.save(false);
    expect(update).toHaveBeenCalledWith('o1', expect.objectContaining({ version: 3, warehouseId: 'w1', lines: [expect.objectContaining({ qty: '12.000' })] }), { silent: true });
  });

  it('uses a new idempotency key after a refused create', async () => {
    const create = vi
      .spyOn(salesOrdersApi, 'create')
      .mockRejectedValueOnce(new ApiError(400, 'QTY_BELOW_MINIMUM', 'min'))
      .mockResolvedValueOnce(savedOrder());
    vi.spyOn(salesOrdersApi, 'preview').mockImplementation(async (input) => answer(input));
    const form = useOrderForm({ manualPrice: () => false });
    form.header.dealerId = 'd1';
    form.header.warehouseId = 'w1';
    form.setProduct(form.lines.value[0], { id: 'p1', code: 'SP0001', name: '矿泉水' });
    const first = await form.save(false);
    expect(first.kind).toBe('error');
    await form.save(false);
    expect(create.mock.calls[0][1]).not.toBe(create.mock.calls[1][1]);
  });
});
