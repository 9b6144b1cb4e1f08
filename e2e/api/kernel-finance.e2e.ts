import { ErrorCode } from '@drp/shared';
import { RequestContext } from '../../server/src/common/context/request-context';
import { businessDate } from '../../server/src/database/business-date';
import { DbService } from '../../server/src/database/db.service';
import { DocumentKernel } from '../../server/src/kernel/document-kernel.service';
import { EventBus } from '../../server/src/kernel/events';
import { ReceivableService } from '../../server/src/modules/finance/receivable.service';
import { bearer, bootTestApp, TestApp } from '../support/test-app';

/**
 * Finance on the document kernel (issue #10): receipts and statements move only through their
 * state machines (a refused move is 409 INVALID_STATE and writes nothing), receipts are numbered
 * on their business date, receivables and return credits are booked from sales' ShipmentPosted /
 * ReturnPosted events inside the shipment's / return's transaction, and a return's money lives in
 * finance's own return_credit table.
 */
describe('finance on the kernel: receipt and statement machines, numbering, sales events, return credits', () => {
  let t: TestApp;
  let admin: string;
  let productId: string;
  let whId: string;
  let seq = 0;

  const today = () => businessDate(new Date(), 'Asia/Shanghai');
  const ago = (n: number) => {
    const d = new Date(`${today()}T00:00:00Z`);
    d.setUTCDate(d.getUTCDate() - n);
    return d.toISOString().slice(0, 10);
  };
  const get = (path: string, token = admin) => t.http.get(path).set(bearer(token));
  const post = (path: string, body: object = {}, token = admin) => t.http.post(path).set(bearer(token)).send(body);
  const newDealer = async () => {
    const n = ++seq;
    return (await post('/api/orgs', { code: `KF-D${n}`, name: `内核财务经销商${n}`, type: 'DEALER', parentId: await t.orgId('BJ'), priceLevel: 3 }).expect(201)).body.id as string;
  };
  /** an approved order of `qty` x 10.00 */
  const approved = async (dealerId: string, qty: string) => {
    const o = (await post('/api/sales-orders', { dealerId, warehouseId: whId, lines: [{ productId, qty }], submit: true }).expect(201)).body;
    expect(o.status).toBe('APPROVED');
    return o as { id: string; number: string };
  };
  const receivables = (dealerId: string) =>
    t.sql<{ shipment_id: string; number: string; amount: string; open_amount: string }>('SELECT shipment_id, number, amount, open_amount FROM receivable WHERE dealer_id = $1 ORDER BY created_at', [dealerId]);
  const account = async (dealerId: string) => (await get(`/api/credit/accounts/${dealerId}`).expect(200)).body;
  const auditCount = async (entity: string, id: string) => (await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM audit_log WHERE entity = $1 AND entity_id = $2', [entity, id]))[0].n;
  const row = async (table: 'receipt' | 'statement', id: string) =>
    (await t.sql<Record<string, unknown>>(`SELECT * FROM ${table} WHERE id = $1`, [id]))[0];

  beforeAll(async () => {
    t = await bootTestApp();
    admin = await t.token('admin');
    // approval routing has its own tests: here an order that passes credit is approved at once
    await t.sql(`UPDATE approval_flow SET status = 'DISABLED'`);
    const cat = (await post('/api/categories', { code: 'KF-CAT', name: '内核财务测试' }).expect(201)).body.id;
    productId = (await post('/api/products', { code: 'KF-P', name: '内核财务测试商品', categoryId: cat, baseUnit: '箱', basePrice: '10.0000' }).expect(201)).body.id;
    whId = (await post('/api/warehouses', { code: 'KF-WH', name: '内核财务测试仓', orgId: await t.orgId('BJ') }).expect(201)).body.id;
    await post('/api/stock-docs', { type: 'INBOUND', warehouseId: whId, lines: [{ productId, qty: '10000', unitCost: '5' }] }).expect(201);
  });
  afterAll(() => t.close());

  it('registers the RECEIPT and STATEMENT machines', () => {
    const machines = t.app.get(DocumentKernel).registered();
    expect(machines.find((m) => m.type === 'RECEIPT')).toMatchObject({ table: 'receipt', initial: ['ACTIVE'], transitions: { ACTIVE: ['REVERSED'] } });
    expect(machines.find((m) => m.type === 'STATEMENT')).toMatchObject({ table: 'statement', initial: ['PENDING'], transitions: { PENDING: ['CONFIRMED', 'DISPUTED'], DISPUTED: ['PENDING'] } });
  });

  it('a receipt dated in the past is numbered on its business date; today\'s on today', async () => {
    const d = await newDealer();
    const day = ago(40);
    const old = (await post('/api/receipts', { dealerId: d, amount: '12', method: 'CASH', businessDate: day }).expect(201)).body;
    expect(old).toMatchObject({ businessDate: day, status: 'ACTIVE' });
    expect(old.number).toMatch(new RegExp(`^SK${day.replace(/-/g, '')}-\\d{4}$`));
    const now = (await post('/api/receipts', { dealerId: d, amount: '3', method: 'CASH' }).expect(201)).body;
    expect(now.number).toMatch(new RegExp(`^SK${today().replace(/-/g, '')}-\\d{4}$`));
    // the creation is audited through the kernel (one entry)
    expect(await t.sql(`SELECT action FROM audit_log WHERE entity = 'receipt' AND entity_id = $1`, [old.id])).toEqual([{ action: 'create' }]);
  });

  it('a refused receipt move answers 409 INVALID_STATE and writes nothing', async () => {
    const d = await newDealer();
    const rc = (await post('/api/receipts', { dealerId: d, amount: '40', method: 'CASH' }).expect(201)).body;
    await post(`/api/receipts/${rc.id}/reverse`, { reason: '录错' }).expect(200);
    const before = await row('receipt', rc.id);
    const audits = await auditCount('receipt', rc.id);
    const again = await post(`/api/receipts/${rc.id}/reverse`, { reason: '再冲' }).expect(409);
    expect(again.body).toMatchObject({ code: ErrorCode.INVALID_STATE, details: { status: 'REVERSED' } });
    expect(await row('receipt', rc.id)).toEqual(before);
    expect(await auditCount('receipt', rc.id)).toBe(audits);

    // the kernel itself: a move the machine does not list, and a move from a status the row no longer has
    const kernel = t.app.get(DocumentKernel);
    const db = t.app.get(DbService);
    const ctx = RequestContext.system();
    for (const move of [
      { from: 'REVERSED', to: 'ACTIVE' },
      { from: 'ACTIVE', to: 'REVERSED' },
    ]) {
      const err = await db.tx(ctx, (tx) => kernel.transition(tx, 'RECEIPT', { id: rc.id, ...move, audit: { action: 'test' } })).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: ErrorCode.INVALID_STATE });
    }
    expect(await row('receipt', rc.id)).toEqual(before);
    expect(await auditCount('receipt', rc.id)).toBe(audits);
  });

  it('a refused statement move answers 409 INVALID_STATE and writes nothing; a disputed statement generated again is PENDING', async () => {
    const d = await t.orgId('D-BJ002');
    await post('/api/receipts', { dealerId: d, amount: '25', method: 'CASH', businessDate: ago(1) }).expect(201);
    const dealer = await t.token('bj.dealer2');
    const period = { dealerId: d, from: ago(1), to: today() };
    const st = (await post('/api/statements', period).expect(201)).body;
    expect(st).toMatchObject({ status: 'PENDING', version: 1 });

    const disputed = (await post(`/api/statements/${st.id}/dispute`, { comment: '金额不对' }, dealer).expect(200)).body;
    expect(disputed).toMatchObject({ status: 'DISPUTED', responseComment: '金额不对', version: 2 });
    const before = await row('statement', st.id);
    const audits = await auditCount('statement', st.id);
    const refused = await post(`/api/statements/${st.id}/confirm`, {}, dealer).expect(409);
    expect(refused.body).toMatchObject({ code: ErrorCode.INVALID_STATE, details: { status: 'DISPUTED' } });
    expect(await row('statement', st.id)).toEqual(before);
    expect(await auditCount('statement', st.id)).toBe(audits);

    // generated again: DISPUTED -> PENDING through the kernel, the answer cleared
    const again = (await post('/api/statements', period).expect(201)).body;
    expect(again).toMatchObject({ id: st.id, status: 'PENDING', responseComment: null, respondedByName: null, version: 3 });
    const confirmed = (await post(`/api/statements/${st.id}/confirm`, {}, dealer).expect(200)).body;
    expect(confirmed).toMatchObject({ status: 'CONFIRMED', version: 4 });
    const kept = await row('statement', st.id);
    const keptAudits = await auditCount('statement', st.id);
    expect((await post(`/api/statements/${st.id}/dispute`, { comment: '反悔' }, dealer).expect(409)).body).toMatchObject({ code: ErrorCode.INVALID_STATE, details: { status: 'CONFIRMED' } });
    expect((await post('/api/statements', period).expect(409)).body).toMatchObject({ code: ErrorCode.INVALID_STATE, details: { status: 'CONFIRMED' } });
    expect(await row('statement', st.id)).toEqual(kept);
    expect(await auditCount('statement', st.id)).toBe(keptAudits);
    expect(await t.sql(`SELECT action FROM audit_log WHERE entity = 'statement' AND entity_id = $1 ORDER BY created_at`, [st.id])).toEqual([
      { action: 'create' }, { action: 'dispute' }, { action: 'refresh' }, { action: 'confirm' },
    ]);
  });

  it('a shipment posts its receivable through ShipmentPosted in its own transaction; a failing shipment leaves none', async () => {
    const d = await newDealer();
    const o = await approved(d, '5');
    // over-shipping is refused: no shipment, no receivable
    const orderLineId = (await get(`/api/sales-orders/${o.id}`).expect(200)).body.lines[0].id;
    const over = await post('/api/shipments', { orderId: o.id, lines: [{ orderLineId, qty: '6' }] });
    expect(over.status).toBeGreaterThanOrEqual(400);
    expect(over.status).toBeLessThan(500);
    expect(await receivables(d)).toEqual([]);

    // a subscriber failing at the end of the shipment's transaction takes the shipment with it
    let fail = true;
    t.app.get(EventBus).onFinal('ShipmentPosted', async (_tx, p) => {
      if (fail && p.dealerId === d) throw new Error('the books are closed');
    });
    await post('/api/shipments', { orderId: o.id }).expect(500);
    expect(await receivables(d)).toEqual([]);
    expect(await t.sql('SELECT id FROM shipment WHERE order_id = $1', [o.id])).toEqual([]);
    expect(await account(d)).toMatchObject({ openReceivables: '0.00', openOrders: '50.00' });

    fail = false;
    const s = (await post('/api/shipments', { orderId: o.id, businessDate: ago(2) }).expect(201)).body;
    expect(await receivables(d)).toEqual([{ shipment_id: s.id, number: s.number, amount: '50.00', open_amount: '50.00' }]);
    expect(await account(d)).toMatchObject({ openReceivables: '50.00', openOrders: '0.00' });

    // posting the same shipment again (a redelivered event) changes nothing: one receivable per shipment
    const db = t.app.get(DbService);
    const [r] = await t.sql<{ order_id: string; branch_id: string; due_date: string }>(`SELECT order_id, branch_id, to_char(due_date, 'YYYY-MM-DD') AS due_date FROM receivable WHERE shipment_id = $1`, [s.id]);
    await db.tx(RequestContext.system(), (tx) =>
      t.app.get(ReceivableService).post(tx, { shipmentId: s.id, orderId: r.order_id, dealerId: d, branchId: r.branch_id, salesRepId: null, number: s.number, businessDate: ago(2), dueDate: r.due_date, amount: '50.00' }),
    );
    expect(await receivables(d)).toHaveLength(1);
    expect(await account(d)).toMatchObject({ openReceivables: '50.00' });
    expect((await get('/api/credit/consistency').expect(200)).body).toMatchObject({ ok: true });
  });

  it('return credits live in return_credit and settle as before', async () => {
    expect(await t.sql(`SELECT 1 FROM information_schema.columns WHERE table_name = 'sales_return' AND column_name = 'unallocated'`)).toEqual([]);
    const d = await newDealer();
    // a return of an unpaid shipment credits its own receivable
    const o1 = await approved(d, '10');
    const s1 = (await post('/api/shipments', { orderId: o1.id }).expect(201)).body;
    const r1 = (await post('/api/returns', { shipmentId: s1.id, reason: '破损', lines: [{ shipmentLineId: s1.lines[0].id, qty: '2' }] }).expect(201)).body;
    expect(await t.sql('SELECT dealer_id, number, amount, unallocated FROM return_credit WHERE return_id = $1', [r1.id])).toEqual([{ dealer_id: d, number: r1.number, amount: '20.00', unallocated: '0.00' }]);
    expect((await receivables(d)).map((r) => r.open_amount)).toEqual(['80.00']);

    // paid in full, then a return: the credit waits in return_credit as a prepayment ...
    await post('/api/receipts', { dealerId: d, amount: '80', method: 'CASH' }).expect(201);
    const r2 = (await post('/api/returns', { shipmentId: s1.id, reason: '退货', lines: [{ shipmentLineId: s1.lines[0].id, qty: '3' }] }).expect(201)).body;
    expect(await t.sql('SELECT amount, unallocated FROM return_credit WHERE return_id = $1', [r2.id])).toEqual([{ amount: '30.00', unallocated: '30.00' }]);
    expect(await account(d)).toMatchObject({ openReceivables: '0.00', prepayment: '30.00' });

    // ... and pays the next shipment
    const o2 = await approved(d, '5');
    await post('/api/shipments', { orderId: o2.id }).expect(201);
    expect(await t.sql('SELECT unallocated FROM return_credit WHERE return_id = $1', [r2.id])).toEqual([{ unallocated: '0.00' }]);
    expect((await receivables(d)).map((r) => r.open_amount)).toEqual(['0.00', '20.00']);
    expect(await account(d)).toMatchObject({ openReceivables: '20.00', prepayment: '0.00' });
    const allocs = await t.sql<{ amount: string }>('SELECT a.amount FROM allocation a WHERE a.return_id = $1', [r2.id]);
    expect(allocs).toEqual([{ amount: '30.00' }]);
    expect((await get('/api/credit/consistency').expect(200)).body).toMatchObject({ ok: true });
  });
});
