import { ErrorCode, SalesOrderDto } from '@drp/shared';
import { businessDate } from '../../server/src/database/business-date';
import { DocumentKernel } from '../../server/src/kernel/document-kernel.service';
import { checkMachine } from '../../server/src/kernel/document-machine';
import { wireRecorder } from '../support/round-trips';
import { bearer, bootTestApp, TestApp } from '../support/test-app';

/**
 * Sales documents on the document kernel (issue #10): the order's status moves only through its
 * registered state machine (a refused move answers 409 INVALID_STATE and writes nothing); an order
 * is numbered on its business day at the end of its transaction, so nothing ever carries a
 * provisional number; shipments and returns are numbered on their own business date; a copy is
 * one transaction; the console cannot choose an order's source. The file brings its own product
 * (100.00 a case), warehouse and dealer (credit mode NONE) in 北京分公司; the demo flow SO-STANDARD
 * sends an order above 5,000 to the branch manager.
 */
describe('sales documents on the kernel', () => {
  let t: TestApp;
  let admin: string;
  let P: string;
  let whId: string;
  let dealerId: string;

  const ymd = (day: string) => day.replace(/-/g, '');
  const today = () => businessDate(new Date(), 'Asia/Shanghai');
  const daysAgo = (n: number) => {
    const d = new Date(`${today()}T00:00:00Z`);
    d.setUTCDate(d.getUTCDate() - n);
    return d.toISOString().slice(0, 10);
  };
  const post = (path: string, body: object = {}, token = admin) => t.http.post(path).set(bearer(token)).send(body);
  const createOrder = (qty: string, extra: object = {}) => post('/api/sales-orders', { dealerId, warehouseId: whId, lines: [{ productId: P, qty }], ...extra });
  const order = async (id: string) => (await t.http.get(`/api/sales-orders/${id}`).set(bearer(admin)).expect(200)).body as SalesOrderDto;
  /** what a refused command must leave as it was: the order row, its timeline and audit, its shipments, the dealer's receivables */
  const footprint = async (orderId: string) =>
    (
      await t.sql(
        `SELECT o.status, o.version, o.updated_at, o.committed,
                (SELECT count(*)::int FROM sales_order_event e WHERE e.order_id = o.id) AS events,
                (SELECT count(*)::int FROM audit_log a WHERE a.entity_id = o.id) AS audits,
                (SELECT count(*)::int FROM shipment s WHERE s.order_id = o.id) AS shipments,
                (SELECT count(*)::int FROM receivable r WHERE r.dealer_id = o.dealer_id) AS receivables,
                (SELECT count(*)::int FROM stock_movement m WHERE m.product_id = $2) AS movements
           FROM sales_order o WHERE o.id = $1`,
        [orderId, P],
      )
    )[0];

  beforeAll(async () => {
    t = await bootTestApp();
    admin = await t.token('admin');
    const cat = (await post('/api/categories', { code: 'KS-CAT', name: '内核测试' }).expect(201)).body.id;
    P = (await post('/api/products', { code: 'KS-P', name: '内核测试商品', categoryId: cat, baseUnit: '箱', basePrice: '100.0000' }).expect(201)).body.id;
    whId = (await post('/api/warehouses', { code: 'KS-WH', name: '内核测试仓', orgId: await t.orgId('BJ') }).expect(201)).body.id;
    await post('/api/stock-docs', { type: 'INBOUND', warehouseId: whId, lines: [{ productId: P, qty: '1000', unitCost: '5' }] }).expect(201);
    dealerId = (await post('/api/orgs', { code: 'KS-D1', name: '内核测试经销商', type: 'DEALER', parentId: await t.orgId('BJ'), priceLevel: 2 }).expect(201)).body.id;
    await t.http.put(`/api/credit/accounts/${dealerId}`).set(bearer(admin)).send({ limit: '0', mode: 'NONE', creditDays: 30 }).expect(200);
  }, 120_000);
  afterAll(() => t?.close());

  it('the SALES_ORDER machine is registered and sound', () => {
    const machine = t.app.get(DocumentKernel).registered().find((m) => m.type === 'SALES_ORDER');
    expect(machine).toMatchObject({ table: 'sales_order', initial: ['DRAFT'], versioned: true });
    expect(checkMachine(machine!)).toEqual([]);
  });

  it('an order is numbered on its business day at the end of its transaction: the approval, its task notice and the audit carry that number, nothing a provisional one', async () => {
    const o = (await createOrder('60', { submit: true }).expect(201)).body as SalesOrderDto;
    expect(o).toMatchObject({ status: 'PENDING_APPROVAL', businessDate: today(), total: '6000.00' });
    expect(o.number).toMatch(new RegExp(`^SO${ymd(today())}-\\d{4}$`));
    expect(o.events.map((e) => [e.action, e.fromStatus, e.toStatus])).toEqual([['CREATE', null, 'DRAFT'], ['SUBMIT', 'DRAFT', 'PENDING_APPROVAL']]);

    const approvals = await t.sql<{ doc_number: string }>('SELECT doc_number FROM approval_instance WHERE doc_id = $1', [o.id]);
    expect(approvals).toEqual([{ doc_number: o.number }]);
    const notices = await t.sql<{ title: string; number: string | null }>(
      `SELECT n.title, n.message #>> '{params,number}' AS number FROM notification n JOIN app_user u ON u.id = n.user_id WHERE u.username = 'bj.manager' AND n.link = '/approvals/inbox' AND n.title LIKE '%' || $1`,
      [o.number],
    );
    expect(notices).toEqual([{ title: `待审批：${o.number}`, number: o.number }]);
    const [created] = await t.sql<{ summary: string; number: string }>(`SELECT summary, after ->> 'number' AS number FROM audit_log WHERE entity = 'sales_order' AND entity_id = $1 AND action = 'create'`, [o.id]);
    expect(created).toEqual({ summary: expect.stringContaining(`order ${o.number} for KS-D1`), number: o.number });

    // no document, approval, notice or audit entry anywhere names a provisional number
    const [left] = await t.sql<{ orders: number; approvals: number; notices: number; audits: number }>(
      `SELECT (SELECT count(*)::int FROM sales_order WHERE number IS NULL OR number LIKE '~%') AS orders,
              (SELECT count(*)::int FROM approval_instance WHERE doc_number IS NULL OR doc_number = '' OR doc_number LIKE '~%') AS approvals,
              (SELECT count(*)::int FROM notification WHERE title LIKE '%~%' OR message #>> '{params,number}' LIKE '~%' OR message #>> '{params,number}' = '') AS notices,
              (SELECT count(*)::int FROM audit_log WHERE org_id = $1 AND (summary LIKE '%~%' OR summary LIKE '%null%')) AS audits`,
      [dealerId],
    );
    expect(left).toEqual({ orders: 0, approvals: 0, notices: 0, audits: 0 });
    // the demo seed ships orders it created in the same transaction: their shipments' audit names the order's final number too
    const [seeded] = await t.sql<{ shipments: number; unnamed: number }>(
      `SELECT count(*)::int AS shipments, count(*) FILTER (WHERE summary !~ ' of SO[0-9]{8}-[0-9]{4}:')::int AS unnamed FROM audit_log WHERE entity = 'shipment' AND action = 'create'`,
    );
    expect(seeded.shipments).toBeGreaterThan(0);
    expect(seeded.unnamed).toBe(0);
  });

  it('an order created and submitted in one call holds its stock rows for one round trip: its timeline, the reservation and the number go together, then one statement of end writes with the COMMIT', async () => {
    const wire = wireRecorder();
    wire.install();
    let o: SalesOrderDto;
    let trips: string[][][];
    try {
      // within the demo flow's own limit (5,000): approved at once, so it reserves in the same transaction
      [o, trips] = await wire.recorded(async () => (await createOrder('3', { submit: true }).expect(201)).body as SalesOrderDto);
    } finally {
      wire.uninstall();
    }
    expect(o.status).toBe('APPROVED');
    // the order's transaction: the connection that sent the reservation, from its BEGIN to its COMMIT
    const client = trips.find((c) => c.some((g) => g.some((s) => /FOR UPDATE OF s/.test(s) && /UPDATE stock/.test(s))))!;
    expect(client).toBeDefined();
    const begin = client.findIndex((g) => g[0] === 'BEGIN');
    const txTrips = client.slice(begin, client.findIndex((g, i) => i >= begin && g.includes('COMMIT')) + 1);
    const kind = (s: string) =>
      [
        ['BEGIN', /^BEGIN$/], ['dealer', /from "organization" as "o"/], ['warehouse', /from "warehouse"/], ['products', /^select "p"\.\*/], ['prices', /^WITH d AS MATERIALIZED/],
        ['order', /^insert into "sales_order" /], ['lines', /^insert into "sales_order_line"/], ['settings', /from "company_settings"/], ['facts', /^select "o"\."number"/],
        ['flows', /from "approval_flow"/], ['credit', /^update "credit_account"/], ['status', /^update "sales_order" set/], ['timeline', /insert into "sales_order_event"/],
        ['reserve', /FOR UPDATE OF s/], ['number', /INSERT INTO doc_sequence/], ['end', /insert into "audit_log"/], ['COMMIT', /^COMMIT$/],
      ].find(([, re]) => (re as RegExp).test(s))?.[0] ?? s.slice(0, 40);
    // what needs nothing of each other goes together (DbService.query's batches): 8 round trips for 17 statements
    expect(txTrips.map((g) => g.map(kind))).toEqual([
      ['BEGIN', 'dealer', 'warehouse'],
      ['products', 'prices'],
      ['order', 'lines'],
      ['settings', 'facts', 'flows'],
      ['credit'],
      ['status'],
      // the stock rows and the day's counter, taken last, in that order: held while one batch is answered and the next sent
      ['timeline', 'reserve', 'number'],
      ['end', 'COMMIT'],
    ]);
    // the approval's copy of the number, the lines' reserved quantities and the audit entries: one statement, with the COMMIT
    const end = txTrips[txTrips.length - 1][0];
    expect(end).toMatch(/update "approval_instance"/);
    expect(end).toMatch(/update "sales_order_line"/);
    // what that one statement wrote is there
    const [line] = await t.sql<{ reserved_qty: string }>('SELECT reserved_qty FROM sales_order_line WHERE order_id = $1', [o.id]);
    expect(line.reserved_qty).toBe('3.000');
    const [inst] = await t.sql<{ doc_number: string }>(`SELECT doc_number FROM approval_instance WHERE doc_id = $1 AND doc_type = 'SALES_ORDER'`, [o.id]);
    expect(inst.doc_number).toBe(o.number);
  });

  it('a back-dated shipment and return are numbered on their own business date; the receivable (ShipmentPosted) and its credit (ReturnPosted) follow', async () => {
    const o = (await createOrder('10', { submit: true }).expect(201)).body as SalesOrderDto;
    expect(o.status).toBe('APPROVED');
    const day = daysAgo(3);
    const s = (await post('/api/shipments', { orderId: o.id, businessDate: day }).expect(201)).body;
    expect(s).toMatchObject({ businessDate: day, amount: '1000.00' });
    expect(s.number).toMatch(new RegExp(`^FH${ymd(day)}-\\d{4}$`));
    const after = await order(o.id);
    expect(after).toMatchObject({ status: 'SHIPPED', shippedTotal: '1000.00' });
    expect(after.events.at(-1)).toMatchObject({ action: 'SHIP', fromStatus: 'APPROVED', toStatus: 'SHIPPED', note: s.number });
    const [committed] = await t.sql<{ committed: string }>('SELECT committed FROM sales_order WHERE id = $1', [o.id]);
    expect(committed.committed).toBe('0.00');
    const receivables = await t.sql<{ number: string; amount: string; business_date: string; open_amount: string }>(
      `SELECT number, amount, to_char(business_date, 'YYYY-MM-DD') AS business_date, open_amount FROM receivable WHERE shipment_id = $1`,
      [s.id],
    );
    expect(receivables).toEqual([{ number: s.number, amount: '1000.00', business_date: day, open_amount: '1000.00' }]);

    const returnDay = daysAgo(1);
    const r = (await post('/api/returns', { shipmentId: s.id, reason: '破损', businessDate: returnDay, lines: [{ shipmentLineId: s.lines[0].id, qty: '2' }] }).expect(201)).body;
    expect(r.number).toMatch(new RegExp(`^TH${ymd(returnDay)}-\\d{4}$`));
    const [credited] = await t.sql<{ open_amount: string }>('SELECT open_amount FROM receivable WHERE shipment_id = $1', [s.id]);
    expect(credited.open_amount).toBe('800.00');
    const returned = await order(o.id);
    expect(returned.status).toBe('SHIPPED');
    expect(returned.events.at(-1)).toMatchObject({ action: 'RETURN', fromStatus: 'SHIPPED', toStatus: 'SHIPPED', note: `${r.number}: 破损` });
  });

  it('a refused move answers 409 INVALID_STATE and writes nothing: ship, complete or reopen a DRAFT; complete an APPROVED order', async () => {
    const draft = (await createOrder('1').expect(201)).body as SalesOrderDto;
    const before = await footprint(draft.id);
    expect((await post('/api/shipments', { orderId: draft.id }).expect(409)).body).toMatchObject({ code: ErrorCode.INVALID_STATE, details: { status: 'DRAFT' } });
    expect((await post(`/api/sales-orders/${draft.id}/complete`).expect(409)).body).toMatchObject({ code: ErrorCode.INVALID_STATE, details: { status: 'DRAFT' } });
    expect((await post(`/api/sales-orders/${draft.id}/reopen`).expect(409)).body).toMatchObject({ code: ErrorCode.INVALID_STATE, details: { status: 'DRAFT' } });
    expect(await footprint(draft.id)).toEqual(before);

    const approved = (await createOrder('1', { submit: true }).expect(201)).body as SalesOrderDto;
    const approvedBefore = await footprint(approved.id);
    expect((await post(`/api/sales-orders/${approved.id}/complete`).expect(409)).body).toMatchObject({ code: ErrorCode.INVALID_STATE, details: { status: 'APPROVED' } });
    expect(await footprint(approved.id)).toEqual(approvedBefore);
  });

  it('a copy is made in one transaction: copied_from set, CREATE and COPY on its timeline', async () => {
    const src = (await createOrder('2', { submit: true }).expect(201)).body as SalesOrderDto;
    const copy = (await post(`/api/sales-orders/${src.id}/copy`).expect(201)).body as SalesOrderDto;
    expect(copy).toMatchObject({ status: 'DRAFT', copiedFromId: src.id, source: 'CONSOLE', businessDate: today() });
    expect(copy.number).toMatch(new RegExp(`^SO${ymd(today())}-\\d{4}$`));
    expect(copy.events.map((e) => [e.action, e.fromStatus, e.toStatus, e.note])).toEqual([['CREATE', null, 'DRAFT', null], ['COPY', null, 'DRAFT', src.number]]);
    // the order row (with its copied_from_id and number) and both timeline rows were written by one transaction
    const xids = await t.sql<{ xid: string }>(
      `SELECT xmin::text AS xid FROM sales_order WHERE id = $1 UNION SELECT xmin::text FROM sales_order_event WHERE order_id = $1`,
      [copy.id],
    );
    expect(xids).toHaveLength(1);
  });

  it('an order read back in one statement answers every line and timeline row as the database holds them (numbers as decimal text, never floats)', async () => {
    const [o] = await t.sql<{ id: string }>(
      `SELECT o.id FROM sales_order o WHERE (SELECT count(*) FROM sales_order_line l WHERE l.order_id = o.id) > 1 AND (SELECT count(*) FROM sales_order_event e WHERE e.order_id = o.id) > 1 ORDER BY o.created_at LIMIT 1`,
    );
    // a line with as many digits as its columns hold, beyond what a float keeps exactly
    await t.sql(`UPDATE sales_order_line SET amount = 9999999999999999.99, unit_price = 99999999999999.9999, qty = 999999999999999.999 WHERE id = (SELECT id FROM sales_order_line WHERE order_id = $1 ORDER BY line_no LIMIT 1)`, [o.id]);
    const got = await order(o.id);
    const lines = await t.sql<{ id: string; line_no: number; qty: string; unit_price: string; amount: string; tax_amount: string; reserved_qty: string }>(
      `SELECT id, line_no, qty::text, unit_price::text, amount::text, tax_amount::text, reserved_qty::text FROM sales_order_line WHERE order_id = $1 ORDER BY line_no`,
      [o.id],
    );
    expect(got.lines.map((l) => [l.id, l.lineNo, l.qty, l.unitPrice, l.amount, l.taxAmount, l.reservedQty])).toEqual(
      lines.map((l) => [l.id, l.line_no, l.qty, l.unit_price, l.amount, l.tax_amount, l.reserved_qty]),
    );
    expect(got.lines[0]).toMatchObject({ amount: '9999999999999999.99', unitPrice: '99999999999999.9999', qty: '999999999999999.999' });
    const events = await t.sql<{ id: string; action: string }>(`SELECT id, action FROM sales_order_event WHERE order_id = $1 ORDER BY created_at, id`, [o.id]);
    expect(got.events.map((e) => [e.id, e.action])).toEqual(events.map((e) => [e.id, e.action]));
  });

  it('the console cannot set an order\'s source: a POST with source is refused (400) and writes nothing', async () => {
    const [{ n: n0 }] = await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM sales_order WHERE dealer_id = $1', [dealerId]);
    for (const source of ['MALL', 'CONSOLE']) {
      const res = await createOrder('1', { source }).expect(400);
      expect(res.body.code).toBe(ErrorCode.VALIDATION_FAILED);
    }
    const [{ n }] = await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM sales_order WHERE dealer_id = $1', [dealerId]);
    expect(n).toBe(n0);
    // without it the order is the console's
    expect((await createOrder('1').expect(201)).body.source).toBe('CONSOLE');
  });
});
