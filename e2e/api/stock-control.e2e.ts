import request from 'supertest';
import { ApprovalInstanceDto, ErrorCode, StockControl } from '@drp/shared';
import { bearer, bootTestApp, TestApp } from '../support/test-app';

interface Line {
  id: string;
  productId: string;
  qty: string;
  shippedQty: string;
  reservedQty: string;
}
interface Order {
  id: string;
  number: string;
  status: string;
  version: number;
  credit: unknown;
  lines: Line[];
}
interface Position {
  orderId: string;
  stockControl: string;
  warehouseName: string;
  lines: { productCode: string; productName: string; ordered: string; shipped: string; reserved: string; available: string; short: string }[];
  credit: { mode: string; limit: string; exposure: string; available: string; overdueAmount: string };
}
interface Backorder {
  orderId: string;
  orderNumber: string;
  dealerName: string;
  productCode: string;
  ordered: string;
  shipped: string;
  reserved: string;
  waiting: string;
}

/**
 * Stock at order time (the company setting 可用量控制) and backorders (缺货/待补): BLOCK refuses a
 * short order at submit naming products and quantities, with nothing written; WARN lets it through
 * and approvers see the shortage; NONE reserves what is there and backorders the rest, which stock
 * arriving reserves oldest approval first. Whatever the setting, an approval never fails for stock.
 * The demo's order flow is on: above 5,000 bj.manager, above 10,000 also hq.vp.
 */
describe('stock control at order time and backorders', () => {
  let t: TestApp;
  let admin: string;
  let mgr: string;
  let vp: string;
  let catId: string;
  let whId: string;
  let seq = 0;

  const get = (path: string, token = admin) => t.http.get(path).set(bearer(token));
  const post = (path: string, body: object = {}, token = admin) => t.http.post(path).set(bearer(token)).send(body);
  const put = (path: string, body: object, token = admin) => t.http.put(path).set(bearer(token)).send(body);
  const setControl = async (stockControl: StockControl) => {
    const now = (await get('/api/settings/company').expect(200)).body;
    await put('/api/settings/company', { stockControl, version: now.version }).expect(200);
  };
  const product = async (code: string, name: string) =>
    (await post('/api/products', { code, name, categoryId: catId, baseUnit: '箱', basePrice: '10.0000' }).expect(201)).body.id as string;
  const inbound = (productId: string, qty: string) => post('/api/stock-docs', { type: 'INBOUND', warehouseId: whId, lines: [{ productId, qty, unitCost: '5' }] }).expect(201);
  const newDealer = async () => {
    const n = ++seq;
    const id = (await post('/api/orgs', { code: `SC-D${n}`, name: `缺货测试经销商${n}`, type: 'DEALER', parentId: await t.orgId('BJ'), priceLevel: 3 }).expect(201)).body.id as string;
    await put(`/api/credit/accounts/${id}`, { limit: '100000', mode: 'WARN', creditDays: 30, blockOnOverdue: false }).expect(200);
    return id;
  };
  const order = async (id: string) => (await get(`/api/sales-orders/${id}`).expect(200)).body as Order;
  const position = async (id: string, token = admin) => (await get(`/api/sales-orders/${id}/stock-position`, token).expect(200)).body as Position;
  const stock = async (productId: string) => {
    const [row] = await t.sql<{ on_hand: string; reserved: string }>('SELECT on_hand, reserved FROM stock WHERE warehouse_id = $1 AND product_id = $2', [whId, productId]);
    return { onHand: Number(row?.on_hand ?? 0), reserved: Number(row?.reserved ?? 0) };
  };
  /** every stock row's reservation equals what the open lines of approved orders hold */
  const reservationsAgree = async () =>
    t.sql(
      `SELECT s.product_id FROM stock s
        LEFT JOIN (SELECT o.warehouse_id, l.product_id, sum(l.reserved_qty) AS r FROM sales_order_line l JOIN sales_order o ON o.id = l.order_id GROUP BY 1, 2) x
          ON x.warehouse_id = s.warehouse_id AND x.product_id = s.product_id
       WHERE s.warehouse_id = $1 AND s.reserved <> COALESCE(x.r, 0)`,
      [whId],
    );
  const backorders = async (query = '') => (await get(`/api/backorders?warehouseId=${whId}${query}`).expect(200)).body as { items: Backorder[]; total: number; totals: { waiting: string } };
  const openTask = async (orderId: string) => {
    const [inst] = (await get(`/api/approvals/instances?docType=SALES_ORDER&docId=${orderId}`).expect(200)).body as ApprovalInstanceDto[];
    const open = inst.tasks.filter((x) => x.status === 'PENDING');
    expect(open).toHaveLength(1);
    return open[0];
  };
  const counts = async () =>
    (
      await t.sql<{ orders: number; lines: number; audit: number; seqs: string }>(
        `SELECT (SELECT count(*)::int FROM sales_order) AS orders, (SELECT count(*)::int FROM sales_order_line) AS lines, (SELECT count(*)::int FROM audit_log) AS audit,
                (SELECT COALESCE(string_agg(doc_type || ':' || last_no, ',' ORDER BY doc_type, day), '') FROM doc_sequence) AS seqs`,
      )
    )[0];

  beforeAll(async () => {
    t = await bootTestApp();
    [admin, mgr, vp] = await Promise.all(['admin', 'bj.manager', 'hq.vp'].map((u) => t.token(u)));
    catId = (await post('/api/categories', { code: 'SC-CAT', name: '缺货测试' }).expect(201)).body.id;
    whId = (await post('/api/warehouses', { code: 'SC-WH', name: '缺货测试仓', orgId: await t.orgId('BJ') }).expect(201)).body.id;
  });
  afterAll(() => t.close());

  it('BLOCK: a short order is refused at submit naming each product (code, name) and its quantities; nothing is written', async () => {
    const a = await product('SC-A', '缺货测试矿泉水');
    const b = await product('SC-B', '缺货测试果汁');
    await inbound(a, '194');
    await setControl(StockControl.BLOCK);
    const d = await newDealer();
    const before = await counts();
    const res = await post('/api/sales-orders', { dealerId: d, warehouseId: whId, submit: true, lines: [{ productId: a, qty: '2400' }, { productId: b, qty: '5' }] }).expect(409);
    expect(res.body).toMatchObject({
      code: ErrorCode.INSUFFICIENT_STOCK,
      details: {
        productId: a, productCode: 'SC-A', productName: '缺货测试矿泉水', requested: '2400.000', available: '194.000',
        shortages: [
          { warehouseId: whId, productId: a, productCode: 'SC-A', productName: '缺货测试矿泉水', requested: '2400.000', available: '194.000' },
          { warehouseId: whId, productId: b, productCode: 'SC-B', productName: '缺货测试果汁', requested: '5.000', available: '0.000' },
        ],
      },
    });
    // no order, no line, no audit row, no number consumed, no reservation
    expect(await counts()).toEqual(before);
    expect(await stock(a)).toEqual({ onHand: 194, reserved: 0 });

    // a draft submitted short stays a DRAFT with no credit committed
    const draft = (await post('/api/sales-orders', { dealerId: d, warehouseId: whId, lines: [{ productId: a, qty: '200' }] }).expect(201)).body as Order;
    const refused = await post(`/api/sales-orders/${draft.id}/submit`, {}).expect(409);
    expect(refused.body.details.shortages).toEqual([{ warehouseId: whId, productId: a, productCode: 'SC-A', productName: '缺货测试矿泉水', requested: '200.000', available: '194.000' }]);
    expect(await order(draft.id)).toMatchObject({ status: 'DRAFT', credit: null });
    expect((await get(`/api/credit/accounts/${d}`).expect(200)).body.openOrders).toBe('0.00');

    // created and submitted at once, both short and over a blocking credit limit: the stock check reports first (the
    // order of the checks), and the credit the account took for it in its locking UPDATE is rolled back with the rest
    const tight = await newDealer();
    await put(`/api/credit/accounts/${tight}`, { limit: '100', mode: 'BLOCK', creditDays: 30, blockOnOverdue: false }).expect(200);
    const both = await post('/api/sales-orders', { dealerId: tight, warehouseId: whId, submit: true, lines: [{ productId: a, qty: '300' }] }).expect(409);
    expect(both.body.code).toBe(ErrorCode.INSUFFICIENT_STOCK);
    const overOnly = await post('/api/sales-orders', { dealerId: tight, warehouseId: whId, submit: true, lines: [{ productId: a, qty: '100' }] }).expect(422);
    expect(overOnly.body.code).toBe(ErrorCode.CREDIT_LIMIT_EXCEEDED);
    expect((await get(`/api/credit/accounts/${tight}`).expect(200)).body.openOrders).toBe('0.00');
    expect(await stock(a)).toEqual({ onHand: 194, reserved: 0 });
    // within what is there it goes through (1,940 needs no approval) and reserves all of it
    const fits = (await put(`/api/sales-orders/${draft.id}`, { version: draft.version, lines: [{ productId: a, qty: '194' }] }).expect(200)).body as Order;
    const ok = (await post(`/api/sales-orders/${fits.id}/submit`, {}).expect(200)).body as Order;
    expect(ok.status).toBe('APPROVED');
    expect(ok.lines[0].reservedQty).toBe('194.000');
    // and cancelled gives it back
    await post(`/api/sales-orders/${ok.id}/cancel`, { reason: '测试' }).expect(200);
    expect(await stock(a)).toEqual({ onHand: 194, reserved: 0 });
    expect(await reservationsAgree()).toEqual([]);
  });

  it('WARN: a short order is submitted; the approver sees per line ordered, available, reserved and short, and the credit figures; two steps approve it without failing', async () => {
    const a = await product('SC-W', '缺货测试啤酒');
    await inbound(a, '194');
    await setControl(StockControl.WARN);
    const d = await newDealer();
    const o = (await post('/api/sales-orders', { dealerId: d, warehouseId: whId, submit: true, lines: [{ productId: a, qty: '2400' }] }).expect(201)).body as Order;
    expect(o.status).toBe('PENDING_APPROVAL');
    const facts = await position(o.id, mgr);
    expect(facts).toMatchObject({
      orderId: o.id,
      stockControl: 'WARN',
      warehouseName: '缺货测试仓',
      lines: [{ productCode: 'SC-W', productName: '缺货测试啤酒', ordered: '2400.000', shipped: '0.000', reserved: '0.000', available: '194.000', short: '2206.000' }],
    });
    const acct = (await get(`/api/credit/accounts/${d}`).expect(200)).body;
    expect(facts.credit).toEqual({ mode: 'WARN', limit: '100000.00', exposure: acct.exposure, available: acct.available, overdueAmount: acct.overdueAmount });
    expect(facts.credit.exposure).toBe('24000.00');

    // step 1 (bj.manager), then another order takes what was there, then step 2 (hq.vp): never fails
    await post(`/api/approvals/tasks/${(await openTask(o.id)).id}/approve`, {}, mgr).expect(200);
    const other = (await post('/api/sales-orders', { dealerId: await newDealer(), warehouseId: whId, submit: true, lines: [{ productId: a, qty: '150' }] }).expect(201)).body as Order;
    expect(other.status).toBe('APPROVED');
    expect((await position(o.id, vp)).lines[0]).toMatchObject({ available: '44.000', short: '2356.000' });
    await post(`/api/approvals/tasks/${(await openTask(o.id)).id}/approve`, {}, vp).expect(200);
    const done = await order(o.id);
    expect(done.status).toBe('APPROVED');
    expect(done.lines[0]).toMatchObject({ qty: '2400.000', reservedQty: '44.000' });
    expect((await position(o.id)).lines[0]).toMatchObject({ reserved: '44.000', available: '0.000', short: '2356.000' });
    expect(await stock(a)).toEqual({ onHand: 194, reserved: 194 });
    expect(await reservationsAgree()).toEqual([]);
    // an out-of-scope reader gets 404; a bad id 400
    await get(`/api/sales-orders/${o.id}/stock-position`, await t.token('sh.manager')).expect(404);
    expect((await get('/api/sales-orders/not-a-uuid/stock-position').expect(400)).body.code).toBe(ErrorCode.VALIDATION_FAILED);
  });

  it('NONE: what is there is reserved, the rest backordered; a posted inbound document reserves backorders oldest first; shipments ship what is reserved', async () => {
    const a = await product('SC-N', '缺货测试面包');
    await inbound(a, '50');
    await setControl(StockControl.NONE);
    const [d1, d2] = [await newDealer(), await newDealer()];
    // 800 and 400: approved at once (no approval step below 5,000)
    const first = (await post('/api/sales-orders', { dealerId: d1, warehouseId: whId, submit: true, lines: [{ productId: a, qty: '80' }] }).expect(201)).body as Order;
    const second = (await post('/api/sales-orders', { dealerId: d2, warehouseId: whId, submit: true, lines: [{ productId: a, qty: '40' }] }).expect(201)).body as Order;
    expect([first.status, second.status]).toEqual(['APPROVED', 'APPROVED']);
    expect(first.lines[0].reservedQty).toBe('50.000');
    expect(second.lines[0].reservedQty).toBe('0.000');
    let list = await backorders(`&productId=${a}`);
    expect(list.items.map((x) => [x.orderNumber, x.waiting, x.reserved])).toEqual([
      [first.number, '30.000', '50.000'],
      [second.number, '40.000', '0.000'],
    ]);
    expect(list.totals.waiting).toBe('70.000');
    expect((await backorders(`&dealerId=${d2}`)).items.map((x) => x.orderId)).toEqual([second.id]);

    // the first ships what it has; the second has nothing reserved: refused naming the product
    const s1 = (await post('/api/shipments', { orderId: first.id }).expect(201)).body;
    expect(s1.lines.map((l: { qty: string }) => l.qty)).toEqual(['50.000']);
    expect((await order(first.id)).status).toBe('PARTIALLY_SHIPPED');
    const nothing = await post('/api/shipments', { orderId: second.id }).expect(409);
    expect(nothing.body).toMatchObject({ code: ErrorCode.INSUFFICIENT_STOCK, details: { shortages: [{ productCode: 'SC-N', productName: '缺货测试面包', requested: '40.000', available: '0.000' }] } });
    // asking for more than is reserved and available is refused the same way
    expect((await post('/api/shipments', { orderId: first.id, lines: [{ orderLineId: first.lines[0].id, qty: '5' }] }).expect(409)).body.code).toBe(ErrorCode.INSUFFICIENT_STOCK);

    // 60 arrive: the first order (approved first) takes its 30, the second the other 30
    await inbound(a, '60');
    expect((await order(first.id)).lines[0]).toMatchObject({ shippedQty: '50.000', reservedQty: '30.000' });
    expect((await order(second.id)).lines[0]).toMatchObject({ reservedQty: '30.000' });
    list = await backorders(`&productId=${a}`);
    expect(list.items.map((x) => [x.orderId, x.waiting])).toEqual([[second.id, '10.000']]);
    expect(await stock(a)).toEqual({ onHand: 60, reserved: 60 });
    // one audit row per order that got stock
    const audit = await t.sql<{ entity_id: string; after: { lines: { reserved: string }[] } }>(`SELECT entity_id, after FROM audit_log WHERE action = 'reserve_backorder' AND entity_id = ANY($1)`, [[first.id, second.id]]);
    expect(audit.map((x) => [x.entity_id, x.after.lines[0].reserved]).sort()).toEqual([[first.id, '30.000'], [second.id, '30.000']].sort());

    await post('/api/shipments', { orderId: first.id }).expect(201);
    expect((await order(first.id)).status).toBe('SHIPPED');
    const s2 = (await post('/api/shipments', { orderId: second.id }).expect(201)).body;
    expect(s2.lines[0].qty).toBe('30.000');
    // a return restocks: the second order's last 10 are reserved from it, and it ships in full
    await post('/api/returns', { shipmentId: s1.id, reason: '包装破损退回', lines: [{ shipmentLineId: s1.lines[0].id, qty: '10' }] }).expect(201);
    expect((await order(second.id)).lines[0]).toMatchObject({ shippedQty: '30.000', reservedQty: '10.000' });
    await post('/api/shipments', { orderId: second.id }).expect(201);
    expect((await order(second.id)).status).toBe('SHIPPED');
    expect((await backorders(`&productId=${a}`)).total).toBe(0);
    expect(await stock(a)).toEqual({ onHand: 0, reserved: 0 });
    expect(await reservationsAgree()).toEqual([]);
  });

  it('a cancelled order gives its reservation to the next backorder in the queue', async () => {
    const a = await product('SC-C', '缺货测试牛奶');
    await inbound(a, '20');
    await setControl(StockControl.NONE);
    const holder = (await post('/api/sales-orders', { dealerId: await newDealer(), warehouseId: whId, submit: true, lines: [{ productId: a, qty: '20' }] }).expect(201)).body as Order;
    const waiter = (await post('/api/sales-orders', { dealerId: await newDealer(), warehouseId: whId, submit: true, lines: [{ productId: a, qty: '15' }] }).expect(201)).body as Order;
    expect(waiter.lines[0].reservedQty).toBe('0.000');
    await post(`/api/sales-orders/${holder.id}/cancel`, { reason: '客户取消' }).expect(200);
    expect((await order(waiter.id)).lines[0].reservedQty).toBe('15.000');
    expect(await stock(a)).toEqual({ onHand: 20, reserved: 15 });
    expect(await reservationsAgree()).toEqual([]);
  });

  it('dealers racing for scarce stock under WARN: every order is approved, the reservations add up to what is on hand, the rest is backordered', async () => {
    const a = await product('SC-R', '缺货测试抢购');
    await inbound(a, '10');
    await setControl(StockControl.WARN);
    const dealers: string[] = [];
    for (let i = 0; i < 5; i++) dealers.push(await newDealer());
    const drafts = await Promise.all(dealers.map(async (d) => (await post('/api/sales-orders', { dealerId: d, warehouseId: whId, lines: [{ productId: a, qty: '3' }] }).expect(201)).body as Order));
    if (!t.app.getHttpServer().listening) await t.app.listen(0, '127.0.0.1');
    const url = await t.app.getUrl();
    const results = await Promise.all(drafts.map((o) => request(url).post(`/api/sales-orders/${o.id}/submit`).set(bearer(admin)).send({})));
    expect(results.map((r) => [r.status, r.body.status])).toEqual(drafts.map(() => [200, 'APPROVED']));
    expect(await stock(a)).toEqual({ onHand: 10, reserved: 10 });
    const list = await backorders(`&productId=${a}`);
    expect(list.totals.waiting).toBe('5.000');
    expect(await reservationsAgree()).toEqual([]);
  });

  it('bad settings values and bad backorder queries are 400 with nothing changed; only HQ with settings:manage edits', async () => {
    const before = (await get('/api/settings/company').expect(200)).body;
    for (const body of [{ stockControl: 'SOMETIMES' }, { stockControl: 'block' }, { priceScale: 5 }, { priceScale: -1 }, { priceScale: 1.5 }, { version: 0 }, { other: true }]) {
      const res = await put('/api/settings/company', body).expect(400);
      expect(res.body.code).toBe(ErrorCode.VALIDATION_FAILED);
    }
    await put('/api/settings/company', { stockControl: 'BLOCK' }, mgr).expect(403);
    await put('/api/settings/company', { stockControl: 'BLOCK' }, await t.token('bj.sales')).expect(403);
    const stale = await put('/api/settings/company', { stockControl: 'BLOCK', version: before.version - 1 }).expect(409);
    expect(stale.body.code).toBe(ErrorCode.STALE_VERSION);
    expect((await get('/api/settings/company').expect(200)).body).toEqual(before);
    for (const q of ['warehouseId=x', 'dealerId=1', 'sort=secret', 'pageSize=100000']) {
      expect((await get(`/api/backorders?${q}`).expect(400)).body.code).toBe(ErrorCode.VALIDATION_FAILED);
    }
    await t.http.get('/api/backorders').expect(401);
  });
});
