import { ErrorCode } from '@drp/shared';
import { addDays, businessDate } from '../../server/src/database/business-date';
import { bearer, bootTestApp, TestApp } from '../support/test-app';

/**
 * One home per rule (issue 10 §3): the order form's credit preview and the submit decide through
 * the same shared `creditDecision`, so what the preview says is what submitting meets; the selling
 * branch is the same everywhere (orders, the credit list). The file brings its own dealers,
 * product, warehouse and stock.
 */
describe('shared rules: the credit preview decides as the submit does; one selling branch', () => {
  let t: TestApp;
  let admin: string;
  let whId: string;
  let productId: string;
  let seq = 0;

  const today = () => businessDate(new Date(), 'Asia/Shanghai');
  const get = (path: string) => t.http.get(path).set(bearer(admin));
  const post = (path: string, body: object = {}) => t.http.post(path).set(bearer(admin)).send(body);
  const put = (path: string, body: object) => t.http.put(path).set(bearer(admin)).send(body);
  const newDealer = async (parent: string) => {
    const n = ++seq;
    return (await post('/api/orgs', { code: `CR-D${n}`, name: `规则测试经销商${n}`, type: 'DEALER', parentId: parent, priceLevel: 3 }).expect(201)).body.id as string;
  };
  const setCredit = async (dealerId: string, body: object) =>
    (await put(`/api/credit/accounts/${dealerId}`, { limit: '0', mode: 'NONE', creditDays: 30, blockOnOverdue: false, ...body }).expect(200)).body;
  const lines = (qty: string) => [{ productId, qty }];
  const preview = async (dealerId: string, qty: string, extra: object = {}) =>
    (await post('/api/sales-orders/preview', { dealerId, warehouseId: whId, lines: lines(qty), ...extra }).expect(200)).body.credit;
  const create = (dealerId: string, qty: string, extra: object = {}) => post('/api/sales-orders', { dealerId, warehouseId: whId, lines: lines(qty), ...extra });
  /** a receivable of 10.00 past due by 15 days */
  const overdueReceivable = async (dealerId: string) => {
    const o = (await create(dealerId, '1', { submit: true }).expect(201)).body;
    await post('/api/shipments', { orderId: o.id, businessDate: addDays(today(), -20) }).expect(201);
  };

  beforeAll(async () => {
    t = await bootTestApp();
    admin = await t.token('admin');
    await t.sql(`UPDATE approval_flow SET status = 'DISABLED'`);
    const catId = (await post('/api/categories', { code: 'CR-CAT', name: '规则测试' }).expect(201)).body.id;
    productId = (await post('/api/products', { code: 'CR-A', name: '规则商品', categoryId: catId, baseUnit: '箱', basePrice: '10.0000' }).expect(201)).body.id;
    whId = (await post('/api/warehouses', { code: 'CR-WH', name: '规则测试仓', orgId: await t.orgId('BJ') }).expect(201)).body.id;
    await post('/api/stock-docs', { type: 'INBOUND', warehouseId: whId, lines: [{ productId, qty: '10000', unitCost: '5' }] }).expect(201);
  });

  afterAll(async () => {
    await t?.close();
  });

  it('BLOCK past the limit: the preview says BLOCK / LIMIT and the submit is refused with the same figures', async () => {
    const d = await newDealer(await t.orgId('BJ'));
    await setCredit(d, { limit: '50', mode: 'BLOCK' });
    const c = await preview(d, '6');
    expect(c).toMatchObject({ outcome: 'BLOCK', reason: 'LIMIT', limit: '50.00', exposure: '0.00', orderTotal: '60.00', excess: '10.00', committed: '0.00', blockOnOverdue: false });
    const res = await create(d, '6', { submit: true }).expect(422);
    expect(res.body).toMatchObject({ code: ErrorCode.CREDIT_LIMIT_EXCEEDED, details: { limit: c.limit, exposure: c.exposure, orderTotal: c.orderTotal, excess: c.excess, available: '50.00' } });
    expect(await preview(d, '5')).toMatchObject({ outcome: 'OK', reason: null, warning: null });
  });

  it('blockOnOverdue: the preview says BLOCK / OVERDUE in any mode and the submit is refused with CREDIT_OVERDUE_BLOCKED', async () => {
    const d = await newDealer(await t.orgId('BJ'));
    await setCredit(d, { mode: 'NONE', creditDays: 5 });
    await overdueReceivable(d);
    expect(await preview(d, '1')).toMatchObject({ outcome: 'OK', overdue: true });
    await setCredit(d, { mode: 'NONE', creditDays: 5, blockOnOverdue: true });
    expect(await preview(d, '1')).toMatchObject({ outcome: 'BLOCK', reason: 'OVERDUE', overdue: true, blockOnOverdue: true });
    expect((await create(d, '1', { submit: true }).expect(422)).body.code).toBe(ErrorCode.CREDIT_OVERDUE_BLOCKED);
  });

  it('WARN with something overdue warns, in the preview and on the submitted order alike', async () => {
    const d = await newDealer(await t.orgId('BJ'));
    await setCredit(d, { limit: '100000', mode: 'WARN', creditDays: 5 });
    await overdueReceivable(d);
    const c = await preview(d, '1');
    expect(c).toMatchObject({ outcome: 'WARN', reason: 'OVERDUE', warning: 'The dealer has overdue receivables' });
    const o = (await create(d, '1', { submit: true }).expect(201)).body;
    expect(o.credit).toMatchObject({ warning: c.warning, overdue: true });
  });

  it('an edit that does not raise what a submitted order commits is not checked, in the preview as on save', async () => {
    const d = await newDealer(await t.orgId('BJ'));
    await setCredit(d, { limit: '50', mode: 'WARN' });
    const o = (await create(d, '10', { submit: true }).expect(201)).body;
    expect(o.credit).toMatchObject({ mode: 'WARN', excess: '50.00' });
    // lowering it to 8 is still 30.00 over the limit, but lowers the exposure: nothing to warn about
    expect(await preview(d, '8', { excludeOrderId: o.id })).toMatchObject({ outcome: 'OK', excess: '30.00', committed: '100.00', exposure: '0.00' });
    expect(await preview(d, '11', { excludeOrderId: o.id })).toMatchObject({ outcome: 'WARN', reason: 'LIMIT', excess: '60.00' });
  });

  it('the selling branch: the nearest branch above the dealer (an office, a sub-dealer\'s branch), else HQ, on orders and the credit list alike', async () => {
    const cy = await newDealer(await t.orgId('BJ-CY'));
    const order = (await create(cy, '1').expect(201)).body;
    expect((await get(`/api/sales-orders/${order.id}`).expect(200)).body).toMatchObject({ branchId: await t.orgId('BJ-CY') });
    expect((await get(`/api/credit/accounts/${cy}`).expect(200)).body.branchName).toBe('朝阳办事处');
    const parent = await newDealer(await t.orgId('BJ'));
    const sub = await newDealer(parent);
    const subOrder = (await create(sub, '1').expect(201)).body;
    expect((await get(`/api/sales-orders/${subOrder.id}`).expect(200)).body).toMatchObject({ branchId: await t.orgId('BJ'), branchName: '北京分公司' });
    // a direct account of HQ: its branch is HQ (the credit list used to show none)
    const direct = await newDealer(await t.orgId('HQ'));
    const [hq] = await t.sql<{ name: string }>(`SELECT name FROM organization WHERE type = 'HQ'`);
    expect((await get(`/api/credit/accounts/${direct}`).expect(200)).body.branchName).toBe(hq.name);
  });
});
