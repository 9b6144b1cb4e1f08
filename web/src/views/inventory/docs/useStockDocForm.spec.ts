import { beforeEach, describe, expect, it, vi } from 'vitest';
import { nextTick } from 'vue';
import { OrgType, StockDocType, type StockDocDto } from '@drp/shared';
import { ApiError } from '@/api/http';

const api = vi.hoisted(() => ({
  create: vi.fn(),
  list: vi.fn(),
}));
vi.mock('@/api/inventory', () => ({
  stockDocsApi: { create: api.create },
  stockApi: { list: api.list },
}));

import { useStockDocForm } from './useStockDocForm';

const product = (id: string, code: string) => ({ id, code, name: `商品${code}`, spec: null, baseUnit: '瓶' });
const stockPage = (onHand: string) => ({ items: [{ onHand, reserved: '0.000', available: onHand }], total: 1, page: 1, pageSize: 1, totals: {} });
const flush = async () => {
  for (let i = 0; i < 5; i++) await nextTick();
};

describe('useStockDocForm', () => {
  beforeEach(() => {
    api.create.mockReset();
    api.list.mockReset();
    api.list.mockResolvedValue(stockPage('10.000'));
  });

  it('reads the stock of a chosen product and keeps a free row at the bottom', async () => {
    const form = useStockDocForm(StockDocType.ADJUSTMENT, 'w1');
    const last = form.lines.value[2];
    form.setProduct(last, product('p1', 'SP0001'));
    await flush();
    expect(api.list).toHaveBeenCalledWith({ warehouseId: 'w1', productId: 'p1', pageSize: 1 }, { silent: true });
    expect(form.stockOf('p1')).toEqual({ onHand: '10.000', reserved: '0.000', available: '10.000' });
    expect(form.lines.value).toHaveLength(4);
    last.qty = '7.5';
    expect(form.changeOf(last)).toBe('-2.500');
    expect(form.afterOf(last)).toBe('7.500');
    expect(form.totals.value).toMatchObject({ lines: 1, gain: '0.000', loss: '-2.500' });
  });

  it('does not post invalid lines', async () => {
    const form = useStockDocForm(StockDocType.INBOUND, 'w1');
    form.setProduct(form.lines.value[0], product('p1', 'SP0001'));
    form.lines.value[0].qty = '0';
    const outcome = await form.submit();
    expect(outcome).toEqual({ ok: false, kind: 'lines' });
    expect(form.lineErrors(form.lines.value[0]).qty).toBe('qtyPositive');
    expect(api.create).not.toHaveBeenCalled();
  });

  it('posts with one Idempotency-Key per opened form, also on a retry, and explains a shortage', async () => {
    const form = useStockDocForm(StockDocType.TRANSFER, 'w1');
    form.header.toWarehouseId = 'w2';
    form.warehouses.value = [{ id: 'w1', code: 'WH-BJ', name: '北京分仓', org: { id: 'o', code: 'BJ', name: '北京', type: OrgType.BRANCH }, address: null, status: 'ACTIVE', version: 1 }];
    form.setProduct(form.lines.value[0], product('p1', 'SP0001'));
    form.lines.value[0].qty = '12';
    await flush();
    api.create.mockRejectedValueOnce(
      new ApiError(409, 'INSUFFICIENT_STOCK', 'Insufficient stock', {
        warehouseId: 'w1',
        productId: 'p1',
        productCode: 'SP0001',
        warehouseCode: 'WH-BJ',
        available: '10.000',
        requested: '12.000',
        shortages: [{ warehouseId: 'w1', productId: 'p1', available: '10.000', requested: '12.000' }],
      }),
    );
    const refused = await form.submit();
    expect(refused).toMatchObject({ ok: false, kind: 'shortage' });
    expect(form.shortages.value).toEqual([
      { productId: 'p1', warehouseId: 'w1', product: 'SP0001 商品SP0001', warehouse: '北京分仓', available: '10.000', requested: '12.000', missing: '2.000' },
    ]);
    expect(form.shortOf(form.lines.value[0])).toBe(true);

    form.lines.value[0].qty = '10';
    const doc = { id: 'd1', number: 'DB20261123-0001' } as StockDocDto;
    api.create.mockResolvedValueOnce(doc);
    const posted = await form.submit();
    expect(posted).toEqual({ ok: true, doc });
    const [first, second] = api.create.mock.calls;
    expect(second[0]).toEqual({ type: 'TRANSFER', warehouseId: 'w1', toWarehouseId: 'w2', lines: [{ productId: 'p1', qty: '10.000' }] });
    expect(second[1]).toBe(first[1]);
    expect(second[2]).toEqual({ silent: true });
    expect(form.dirty.value).toBe(false);

    form.reset();
    expect(form.idempotencyKey.value).not.toBe(first[1]);
  });

  it('marks the lines the server refused', async () => {
    const form = useStockDocForm(StockDocType.INBOUND, 'w1');
    form.setProduct(form.lines.value[0], product('p1', 'SP0001'));
    form.setProduct(form.lines.value[1], product('p2', 'SP0002'));
    form.lines.value[0].qty = '1';
    form.lines.value[1].qty = '2';
    // an inbound names each line's unit cost
    form.lines.value[0].unitCost = '10';
    form.lines.value[1].unitCost = '0';
    api.create.mockRejectedValueOnce(new ApiError(400, 'PRODUCT_OUT_OF_SCOPE', 'Not in range', { productIds: ['p2'] }));
    const outcome = await form.submit();
    expect(outcome).toMatchObject({ ok: false, kind: 'lines' });
    expect(form.lineErrors(form.lines.value[1]).server).toBe('PRODUCT_OUT_OF_SCOPE');
    expect(form.lineErrors(form.lines.value[0]).server).toBeUndefined();

    api.create.mockRejectedValueOnce(new ApiError(409, 'WAREHOUSE_DISABLED', 'disabled', { warehouseId: 'w1' }));
    form.lines.value[1].qty = '3';
    await flush();
    expect(form.lineErrors(form.lines.value[1]).server).toBeUndefined();
    expect(await form.submit()).toMatchObject({ ok: false, kind: 'header' });
    expect(form.headerErrors.warehouseId).toBe('WAREHOUSE_DISABLED');
  });

  it('盘点: loads the warehouse stock as lines (counted = book quantity), pages of 200, skipping zero rows and products already there', async () => {
    const row = (n: number, onHand: string) => ({ warehouseId: 'w1', warehouseName: '北京分仓', productId: `p${n}`, productCode: `SP${String(n).padStart(4, '0')}`, productName: `商品${n}`, baseUnit: '瓶', onHand, reserved: '1.000', available: onHand, lowThreshold: '0', low: false });
    const first = Array.from({ length: 200 }, (_, i) => row(i + 1, i === 4 ? '0.000' : '12.500'));
    api.list.mockReset();
    api.list.mockResolvedValueOnce({ items: first, total: 203, page: 1, pageSize: 200, totals: {} });
    api.list.mockResolvedValueOnce({ items: [row(201, '3.000'), row(202, '4.000'), row(203, '5.000')], total: 203, page: 2, pageSize: 200, totals: {} });
    const form = useStockDocForm(StockDocType.ADJUSTMENT, 'w1');
    form.lines.value[0].productId = 'p2';
    form.lines.value[0].product = product('p2', 'SP0002');
    form.lines.value[0].qty = '11';
    const result = await form.loadWarehouseStock();
    expect(api.list).toHaveBeenNthCalledWith(1, { warehouseId: 'w1', page: 1, pageSize: 200, sort: 'product' }, { silent: true });
    expect(api.list).toHaveBeenNthCalledWith(2, { warehouseId: 'w1', page: 2, pageSize: 200, sort: 'product' }, { silent: true });
    // 203 rows, one with nothing on hand, one already on the sheet (its typed count kept)
    expect(result).toEqual({ added: 201, truncated: false });
    const used = form.usedLines.value;
    expect(used).toHaveLength(202);
    expect(used[0]).toMatchObject({ productId: 'p2', qty: '11' });
    expect(used[1]).toMatchObject({ productId: 'p1', qty: '12.5', product: { code: 'SP0001', name: '商品1', baseUnit: '瓶' } });
    expect(used.some((l) => l.productId === 'p5')).toBe(false);
    // the stock is known without another request: no change until a count differs
    expect(form.changeOf(used[1])).toBe('0.000');
    expect(form.stockOf('p203')).toEqual({ onHand: '5.000', reserved: '1.000', available: '5.000' });
    // a free row stays at the bottom
    expect(form.lines.value[form.lines.value.length - 1].productId).toBeNull();
  });

  it('盘点: no warehouse, nothing loaded and nothing asked; more than 500 lines are cut at 500', async () => {
    const none = useStockDocForm(StockDocType.ADJUSTMENT, null);
    api.list.mockReset();
    expect(await none.loadWarehouseStock()).toEqual({ added: 0, truncated: false });
    expect(api.list).not.toHaveBeenCalled();

    const rows = (from: number) => Array.from({ length: 200 }, (_, i) => ({ productId: `q${from + i}`, productCode: `Q${from + i}`, productName: 'x', baseUnit: '瓶', onHand: '1.000', reserved: '0.000', available: '1.000' }));
    api.list.mockResolvedValueOnce({ items: rows(0), total: 600, page: 1, pageSize: 200, totals: {} });
    api.list.mockResolvedValueOnce({ items: rows(200), total: 600, page: 2, pageSize: 200, totals: {} });
    api.list.mockResolvedValueOnce({ items: rows(400), total: 600, page: 3, pageSize: 200, totals: {} });
    const form = useStockDocForm(StockDocType.ADJUSTMENT, 'w1');
    expect(await form.loadWarehouseStock()).toEqual({ added: 500, truncated: true });
    expect(form.usedLines.value).toHaveLength(500);
  });
});
