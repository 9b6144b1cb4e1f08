import { ErrorCode, SalesOrderDto, SalesReturnDto, ShipmentDto, StockDocDto, StockRowDto, StockValueDto } from '@drp/shared';
import { bearer, bootTestApp, TestApp } from '../support/test-app';

/**
 * Inventory cost (issue #16): moving weighted average per warehouse and product, through the real
 * endpoints, on the hand-worked numbers of shared/src/costing.spec.ts. The file brings its own
 * products (base price 100.00, tax 13%), two warehouses (北京 A, 上海 B) and a BJ dealer with
 * credit mode NONE, so every figure below is its own.
 *
 *   A: in 100 @ 10 -> 10; in 50 @ 13 -> 11; ship 30 at 11 (frozen); in 30 @ 12.50 -> 11.3;
 *      return 10 at the frozen 11 -> 11.28125; transfer 60 to B; count loss 5 at 11.28125
 *   B: in 20 @ 9; transfer in 60 at A's 11.28125 -> 10.7109375 -> 10.710938
 */
describe('inventory cost (moving weighted average)', () => {
  let t: TestApp;
  let admin: string;
  let P: string;
  let Q: string;
  let catP: string;
  let catQ: string;
  let A: string;
  let B: string;
  let dealerId: string;
  let shipment: ShipmentDto;

  const post = (path: string, body: object = {}, token = admin) => t.http.post(path).set(bearer(token)).send(body);
  const get = async <T>(path: string, token = admin) => (await t.http.get(path).set(bearer(token)).expect(200)).body as T;
  const doc = (body: object) => post('/api/stock-docs', body);
  const inbound = (warehouseId: string, productId: string, qty: string, unitCost: string) => doc({ type: 'INBOUND', warehouseId, lines: [{ productId, qty, unitCost }] });
  const row = async (warehouseId: string, productId: string) => (await get<{ items: StockRowDto[] }>(`/api/stock?warehouseId=${warehouseId}&productId=${productId}`)).items[0];
  const cost = async (warehouseId: string, productId: string) => {
    const r = await row(warehouseId, productId);
    return { onHand: r.onHand, avgCost: r.avgCost, value: r.value };
  };
  const movements = (docId: string) =>
    t.sql<{ warehouse_id: string; delta: string; unit_cost: string; cost_delta: string }>('SELECT warehouse_id, delta, unit_cost, cost_delta FROM stock_movement WHERE doc_id = $1 ORDER BY created_at', [docId]);

  beforeAll(async () => {
    t = await bootTestApp();
    admin = await t.token('admin');
    catP = (await post('/api/categories', { code: 'IC-CAT-P', name: '成本测试甲' }).expect(201)).body.id;
    catQ = (await post('/api/categories', { code: 'IC-CAT-Q', name: '成本测试乙' }).expect(201)).body.id;
    P = (await post('/api/products', { code: 'IC-P', name: '成本测试商品P', categoryId: catP, baseUnit: '箱', basePrice: '100.0000' }).expect(201)).body.id;
    Q = (await post('/api/products', { code: 'IC-Q', name: '成本测试商品Q', categoryId: catQ, baseUnit: '箱', basePrice: '100.0000' }).expect(201)).body.id;
    A = (await post('/api/warehouses', { code: 'IC-A', name: '成本测试仓A', orgId: await t.orgId('BJ') }).expect(201)).body.id;
    B = (await post('/api/warehouses', { code: 'IC-B', name: '成本测试仓B', orgId: await t.orgId('SH') }).expect(201)).body.id;
    dealerId = (await post('/api/orgs', { code: 'IC-D1', name: '成本测试经销商', type: 'DEALER', parentId: await t.orgId('BJ'), priceLevel: 2 }).expect(201)).body.id;
    await t.http.put(`/api/credit/accounts/${dealerId}`).set(bearer(admin)).send({ limit: '0', mode: 'NONE', creditDays: 30 }).expect(200);
  }, 120_000);
  afterAll(() => t?.close());

  it('the demo company starts valued: every stock row and every seeded shipment line has a cost, every line its tax by the formula', async () => {
    const [s] = await t.sql<{ uncosted: number; rows: number }>('SELECT count(*) FILTER (WHERE avg_cost = 0)::int AS uncosted, count(*)::int AS rows FROM stock');
    expect(s.rows).toBeGreaterThan(100);
    expect(s.uncosted).toBe(0);
    const [l] = await t.sql<{ lines: number; uncosted: number; badTax: number; badCost: number }>(
      `SELECT count(*)::int AS lines, count(*) FILTER (WHERE sl.unit_cost = 0)::int AS uncosted,
              count(*) FILTER (WHERE sl.tax_amount <> round(sl.amount * ol.tax_rate / (1 + ol.tax_rate), 2))::int AS "badTax",
              count(*) FILTER (WHERE sl.cost_amount <> round(sl.qty * sl.unit_cost, 2))::int AS "badCost"
         FROM shipment_line sl JOIN sales_order_line ol ON ol.id = sl.order_line_id`,
    );
    expect(l.lines).toBeGreaterThan(0);
    expect(l).toMatchObject({ uncosted: 0, badTax: 0, badCost: 0 });
  });

  it('inbound at two costs: the average moves (100 @ 10, then 50 @ 13 -> 11); lines and movements carry the cost', async () => {
    const first = (await inbound(A, P, '100', '10').expect(201)).body as StockDocDto;
    expect(first.lines[0]).toMatchObject({ qty: '100.000', unitCost: '10.000000', costAmount: '1000.00' });
    expect(await cost(A, P)).toEqual({ onHand: '100.000', avgCost: '10.000000', value: '1000.00' });
    const second = (await inbound(A, P, '50', '13.00').expect(201)).body as StockDocDto;
    expect(second.lines[0]).toMatchObject({ unitCost: '13.000000', costAmount: '650.00' });
    expect(await cost(A, P)).toEqual({ onHand: '150.000', avgCost: '11.000000', value: '1650.00' });
    expect(await movements(second.id)).toEqual([{ warehouse_id: A, delta: '50.000', unit_cost: '13.000000', cost_delta: '650.00' }]);
    const ledger = await get<{ items: { docId: string; unitCost: string | null; costDelta: string | null }[] }>(`/api/stock/movements?warehouseId=${A}&productId=${P}`);
    expect(ledger.items.map((m) => [m.docId, m.unitCost, m.costDelta])).toEqual([[second.id, '13.000000', '650.00'], [first.id, '10.000000', '1000.00']]);
  });

  it('a shipment freezes its cost of goods at the average of that moment; a later inbound moves the average but not the shipment', async () => {
    const o = (await post('/api/sales-orders', { dealerId, warehouseId: A, lines: [{ productId: P, qty: '30' }], submit: true }).expect(201)).body as SalesOrderDto;
    expect(o).toMatchObject({ status: 'APPROVED', total: '3000.00' });
    shipment = (await post('/api/shipments', { orderId: o.id }).expect(201)).body as ShipmentDto;
    // tax inside 3000.00 at 13%: 3000 x 0.13 / 1.13 = 345.1327... -> 345.13
    expect(shipment.lines[0]).toMatchObject({ qty: '30.000', amount: '3000.00', taxAmount: '345.13', unitCost: '11.000000', costAmount: '330.00' });
    expect(await movements(shipment.id)).toEqual([{ warehouse_id: A, delta: '-30.000', unit_cost: '11.000000', cost_delta: '-330.00' }]);
    expect(await cost(A, P)).toEqual({ onHand: '120.000', avgCost: '11.000000', value: '1320.00' });

    await inbound(A, P, '30', '12.50').expect(201);
    // (120 x 11 + 30 x 12.5) / 150 = 11.3
    expect(await cost(A, P)).toEqual({ onHand: '150.000', avgCost: '11.300000', value: '1695.00' });
    const again = await get<ShipmentDto>(`/api/shipments/${shipment.id}`);
    expect(again.lines[0]).toMatchObject({ unitCost: '11.000000', costAmount: '330.00' });
    const [db] = await t.sql<{ unit_cost: string; cost_amount: string; tax_amount: string }>('SELECT unit_cost, cost_amount, tax_amount FROM shipment_line WHERE shipment_id = $1', [shipment.id]);
    expect(db).toEqual({ unit_cost: '11.000000', cost_amount: '330.00', tax_amount: '345.13' });
  });

  it('a return comes back at the cost it left with and averages in (150 @ 11.3 + 10 @ 11 -> 11.28125)', async () => {
    const r = (await post('/api/returns', { shipmentId: shipment.id, reason: '破损', lines: [{ shipmentLineId: shipment.lines[0].id, qty: '10' }] }).expect(201)).body as SalesReturnDto;
    // 1000.00 x 0.13 / 1.13 = 115.044... -> 115.04
    expect(r.lines[0]).toMatchObject({ qty: '10.000', amount: '1000.00', taxAmount: '115.04', unitCost: '11.000000', costAmount: '110.00' });
    expect(await movements(r.id)).toEqual([{ warehouse_id: A, delta: '10.000', unit_cost: '11.000000', cost_delta: '110.00' }]);
    expect(await cost(A, P)).toEqual({ onHand: '160.000', avgCost: '11.281250', value: '1805.00' });
  });

  it('a transfer leaves at the source average and averages into the destination (20 @ 9 + 60 @ 11.28125 -> 10.710938)', async () => {
    await inbound(B, P, '20', '9').expect(201);
    const tr = (await doc({ type: 'TRANSFER', warehouseId: A, toWarehouseId: B, lines: [{ productId: P, qty: '60' }] }).expect(201)).body as StockDocDto;
    // 60 x 11.28125 = 676.875 -> 676.88
    expect(tr.lines[0]).toMatchObject({ qty: '60.000', unitCost: '11.281250', costAmount: '676.88' });
    expect(await movements(tr.id)).toEqual([
      { warehouse_id: A, delta: '-60.000', unit_cost: '11.281250', cost_delta: '-676.88' },
      { warehouse_id: B, delta: '60.000', unit_cost: '11.281250', cost_delta: '676.88' },
    ]);
    expect(await cost(A, P)).toEqual({ onHand: '100.000', avgCost: '11.281250', value: '1128.13' });
    expect(await cost(B, P)).toEqual({ onHand: '80.000', avgCost: '10.710938', value: '856.88' });
  });

  it('a count is valued too: a loss at the average; a gain on a never-costed row at the product\'s last known average elsewhere', async () => {
    const loss = (await doc({ type: 'ADJUSTMENT', warehouseId: A, reason: '破损', lines: [{ productId: P, qty: '-5' }] }).expect(201)).body as StockDocDto;
    expect(loss).toMatchObject({ status: 'POSTED' });
    // 5 x 11.28125 = 56.40625 -> 56.41
    expect(loss.lines[0]).toMatchObject({ qty: '-5.000', unitCost: '11.281250', costAmount: '56.41' });
    expect(await movements(loss.id)).toEqual([{ warehouse_id: A, delta: '-5.000', unit_cost: '11.281250', cost_delta: '-56.41' }]);
    expect(await cost(A, P)).toEqual({ onHand: '95.000', avgCost: '11.281250', value: '1071.72' });

    await inbound(B, Q, '10', '20').expect(201);
    const gain = (await doc({ type: 'ADJUSTMENT', warehouseId: A, reason: '盘盈', lines: [{ productId: Q, countedQty: '5' }] }).expect(201)).body as StockDocDto;
    expect(gain.lines[0]).toMatchObject({ qty: '5.000', unitCost: '20.000000', costAmount: '100.00' });
    expect(await cost(A, Q)).toEqual({ onHand: '5.000', avgCost: '20.000000', value: '100.00' });
  });

  it('stock value by warehouse, category and branch: grouped totals are the sums of the groups and of the rows', async () => {
    const byWh = await get<StockValueDto>(`/api/inventory/stock-value?groupBy=warehouse&warehouseId=${A}`);
    expect(byWh).toEqual({ groupBy: 'warehouse', items: [{ key: A, code: 'IC-A', name: '成本测试仓A', rows: 2, onHand: '100.000', value: '1171.72' }], totals: { rows: 2, onHand: '100.000', value: '1171.72' } });
    const byCat = await get<StockValueDto>(`/api/inventory/stock-value?groupBy=category&warehouseId=${A}`);
    expect(byCat.items.map((i) => [i.key, i.value])).toEqual([[catP, '1071.72'], [catQ, '100.00']]);
    expect(byCat.totals.value).toBe('1171.72');

    // the whole company (admin sees all): every grouping adds up to the same total, the sum of round(on hand x avg, 2) over the rows
    const [all] = await t.sql<{ value: string; on_hand: string; rows: number }>('SELECT sum(round(on_hand * avg_cost, 2)) AS value, sum(on_hand) AS on_hand, count(*)::int AS rows FROM stock WHERE on_hand <> 0');
    for (const groupBy of ['warehouse', 'category', 'branch']) {
      const v = await get<StockValueDto>(`/api/inventory/stock-value?groupBy=${groupBy}`);
      const cents = v.items.reduce((s, i) => s + Math.round(Number(i.value) * 100), 0);
      expect({ groupBy, cents, rows: v.items.reduce((s, i) => s + i.rows, 0) }).toEqual({ groupBy, cents: Math.round(Number(v.totals.value) * 100), rows: v.totals.rows });
      expect(v.totals).toEqual({ rows: all.rows, onHand: all.on_hand, value: all.value });
    }
    const byBranch = await get<StockValueDto>('/api/inventory/stock-value?groupBy=branch');
    expect(byBranch.items.map((i) => i.code).sort()).toEqual(expect.arrayContaining(['BJ', 'SH']));

    // the stock list carries the same value in its totals
    const list = await get<{ totals: { value: string } }>(`/api/stock?warehouseId=${A}`);
    expect(list.totals.value).toBe('1171.72');
  });

  it('costs show to those who enter them or read margins: a sales rep sees quantities only and no stock value', async () => {
    const rep = await t.token('bj.sales');
    const rows = await get<{ items: StockRowDto[]; totals: { value: string | null } }>(`/api/stock?pageSize=5`, rep);
    expect(rows.items.length).toBeGreaterThan(0);
    expect(rows.items.every((r) => r.avgCost === null && r.value === null)).toBe(true);
    expect(rows.totals.value).toBeNull();
    const refused = await t.http.get('/api/inventory/stock-value?groupBy=warehouse').set(bearer(rep)).expect(403);
    expect(refused.body.code).toBe(ErrorCode.FORBIDDEN);
    expect((await t.http.get('/api/stock?sort=-value').set(bearer(rep)).expect(400)).body.code).toBe(ErrorCode.VALIDATION_FAILED);
    const manager = await t.token('bj.manager');
    const bj = await get<StockValueDto>('/api/inventory/stock-value?groupBy=warehouse', manager);
    expect(bj.items.length).toBeGreaterThan(0);
    expect(bj.items.map((i) => i.code)).not.toContain('IC-B');
    expect((await t.http.get('/api/inventory/stock-value?groupBy=dealer').set(bearer(admin)).expect(400)).body.code).toBe(ErrorCode.VALIDATION_FAILED);
  });

  it('an inbound line without a unit cost, or with a negative one, is refused with INVALID_UNIT_COST and writes nothing', async () => {
    const snapshot = async () =>
      (
        await t.sql(
          `SELECT (SELECT count(*)::int FROM stock_doc) AS docs, (SELECT count(*)::int FROM stock_doc_line) AS lines, (SELECT count(*)::int FROM stock_movement) AS moves,
                  (SELECT count(*)::int FROM audit_log) AS audits, (SELECT on_hand || '@' || avg_cost FROM stock WHERE warehouse_id = $1 AND product_id = $2) AS row`,
          [A, P],
        )
      )[0];
    const before = await snapshot();
    const missing = await doc({ type: 'INBOUND', warehouseId: A, lines: [{ productId: P, qty: '5', unitCost: '10' }, { productId: Q, qty: '5' }] }).expect(400);
    expect(missing.body).toMatchObject({ code: ErrorCode.INVALID_UNIT_COST, details: { line: 2, productId: Q, field: 'lines.1.unitCost' } });
    const negative = await inbound(A, P, '5', '-0.01').expect(400);
    expect(negative.body).toMatchObject({ code: ErrorCode.INVALID_UNIT_COST, details: { line: 1, field: 'lines.0.unitCost' } });
    expect((await doc({ type: 'INBOUND', warehouseId: A, lines: [{ productId: P, qty: '5', unitCost: null }] }).expect(400)).body.code).toBe(ErrorCode.INVALID_UNIT_COST);
    // not a decimal (or more than 6 decimals): the request shape
    expect((await inbound(A, P, '5', 'abc').expect(400)).body.code).toBe(ErrorCode.VALIDATION_FAILED);
    expect((await inbound(A, P, '5', '1.0000001').expect(400)).body.code).toBe(ErrorCode.VALIDATION_FAILED);
    // transfers and counts move at the average: a typed cost is refused
    const typed = await doc({ type: 'TRANSFER', warehouseId: A, toWarehouseId: B, lines: [{ productId: P, qty: '1', unitCost: '1' }] }).expect(400);
    expect(typed.body).toMatchObject({ code: ErrorCode.VALIDATION_FAILED, details: { field: 'lines.0.unitCost' } });
    expect(await snapshot()).toEqual(before);
    // a unit cost of 0 is a cost (free goods): accepted, and it averages in
    await inbound(A, P, '5', '0').expect(201);
    // (95 x 11.28125 + 5 x 0) / 100 = 10.7171875 -> 10.717188
    expect(await cost(A, P)).toEqual({ onHand: '100.000', avgCost: '10.717188', value: '1071.72' });
  });
});
