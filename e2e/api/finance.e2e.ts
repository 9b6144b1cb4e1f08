import { ErrorCode } from '@drp/shared';
import { addDays, businessDate } from '../../server/src/database/business-date';
import { bearer, bootTestApp, TestApp } from '../support/test-app';
import ExcelJS from 'exceljs';
import { binary, loadSheet, readXlsx } from '../support/xlsx';

interface Allocation {
  receivableId: string;
  amount: string;
  reversed: boolean;
  creditType: string;
  creditId: string;
}
interface Receipt {
  id: string;
  number: string;
  dealerId: string;
  amount: string;
  allocated: string;
  unallocated: string;
  status: string;
  allocations: Allocation[];
}
interface Shipped {
  order: { id: string; number: string };
  shipment: { id: string; number: string; amount: string; lines: { id: string }[] };
  receivableId: string;
}
interface LedgerLine {
  date: string;
  type: string;
  docId: string;
  docNumber: string;
  summary: string;
  debit: string;
  credit: string;
  balance: string;
}
interface AgingRow {
  key: string | null;
  code: string | null;
  name: string;
  current: string;
  buckets: string[];
  overdue: string;
  total: string;
}

const ZERO_UUID = '00000000-0000-4000-8000-000000000000';

/**
 * Finance end to end: credit accounts, receipts (oldest first, explicit, prepayments, reversal),
 * receivables, aging buckets by dealer / branch / sales rep, the dealer ledger, statements (save,
 * confirm, dispute, export, month end), the consistency check and scope. Dealers (and a branch for
 * aging) are created here so the assertions never meet the demo documents.
 */
describe('finance: credit accounts, receipts, receivables, aging, ledger, statements', () => {
  let t: TestApp;
  let admin: string;
  let productId: string;
  let whId: string;
  let seq = 0;

  const today = () => businessDate(new Date(), 'Asia/Shanghai');
  const ago = (n: number) => addDays(today(), -n);
  const get = (path: string, token = admin) => t.http.get(path).set(bearer(token));
  const post = (path: string, body: object = {}, token = admin) => t.http.post(path).set(bearer(token)).send(body);
  const put = (path: string, body: object, token = admin) => t.http.put(path).set(bearer(token)).send(body);
  const newDealer = async (parent = 'BJ', parentId?: string) => {
    const n = ++seq;
    return (await post('/api/orgs', { code: `FN-D${n}`, name: `财务测试经销商${n}`, type: 'DEALER', parentId: parentId ?? (await t.orgId(parent)), priceLevel: 3 }).expect(201)).body.id as string;
  };
  const setCredit = async (dealerId: string, body: object = {}) =>
    (await put(`/api/credit/accounts/${dealerId}`, { limit: '0', mode: 'NONE', creditDays: 0, blockOnOverdue: false, ...body }).expect(200)).body;
  const account = async (dealerId: string, token = admin) => (await get(`/api/credit/accounts/${dealerId}`, token).expect(200)).body;
  /** an approved order of `qty` x 10.00 shipped `daysAgo` days ago; its receivable is due after the dealer's credit days */
  const shipped = async (dealerId: string, qty: string, daysAgo = 0, opts: { salesRepId?: string; warehouseId?: string } = {}): Promise<Shipped> => {
    const order = (await post('/api/sales-orders', { dealerId, warehouseId: opts.warehouseId ?? whId, salesRepId: opts.salesRepId, lines: [{ productId, qty }], submit: true }).expect(201)).body;
    expect(order.status).toBe('APPROVED');
    const shipment = (await post('/api/shipments', { orderId: order.id, businessDate: ago(daysAgo) }).expect(201)).body;
    const [r] = await t.sql<{ id: string }>('SELECT id FROM receivable WHERE shipment_id = $1', [shipment.id]);
    return { order, shipment, receivableId: r.id };
  };
  const receipt = (dealerId: string, amount: string, extra: object = {}, token = admin) => post('/api/receipts', { dealerId, amount, method: 'BANK_TRANSFER', ...extra }, token);
  const open = async (...ids: string[]) => {
    const rows = await t.sql<{ id: string; open_amount: string }>('SELECT id, open_amount FROM receivable WHERE id = ANY($1)', [ids]);
    return ids.map((id) => rows.find((r) => r.id === id)!.open_amount);
  };
  const count = async (table: string, dealerId: string) => (await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE dealer_id = $1`, [dealerId]))[0].n;
  const subtree = async (code: string) =>
    new Set((await t.sql<{ id: string }>(`SELECT id FROM organization WHERE path LIKE (SELECT path FROM organization WHERE code = $1) || '%'`, [code])).map((r) => r.id));

  beforeAll(async () => {
    t = await bootTestApp();
    admin = await t.token('admin');
    // approval routing has its own tests (approvals.e2e.ts): here an order that passes credit is approved at once
    await t.sql(`UPDATE approval_flow SET status = 'DISABLED'`);
    const cat = (await post('/api/categories', { code: 'FN-CAT', name: '财务测试' }).expect(201)).body.id;
    productId = (await post('/api/products', { code: 'FN-P', name: '财务测试商品', categoryId: cat, baseUnit: '箱', basePrice: '10.0000' }).expect(201)).body.id;
    whId = (await post('/api/warehouses', { code: 'FN-WH', name: '财务测试仓', orgId: await t.orgId('BJ') }).expect(201)).body.id;
    await post('/api/stock-docs', { type: 'INBOUND', warehouseId: whId, lines: [{ productId, qty: '100000', unitCost: '5' }] }).expect(201);
  });
  afterAll(() => t.close());

  describe('credit accounts', () => {
    it('a dealer without settings shows the defaults; PUT sets the policy with optimistic versions and is audited', async () => {
      const d = await newDealer();
      const fresh = await account(d);
      expect(fresh).toEqual({
        dealerId: d, dealerCode: expect.stringMatching(/^FN-D\d+$/), dealerName: expect.any(String), branchName: '北京分公司', settlementMethod: expect.any(String),
        limit: '0.00', creditDays: 0, mode: 'NONE', blockOnOverdue: false, openReceivables: '0.00', openOrders: '0.00', prepayment: '0.00',
        exposure: '0.00', available: '0.00', overdueAmount: '0.00', version: 0, updatedAt: null,
      });
      const set = (await put(`/api/credit/accounts/${d}`, { limit: '5000', mode: 'BLOCK', creditDays: 30, blockOnOverdue: true, settlementMethod: 'MONTHLY', version: 0 }).expect(200)).body;
      expect(set).toMatchObject({ limit: '5000.00', mode: 'BLOCK', creditDays: 30, blockOnOverdue: true, settlementMethod: 'MONTHLY', available: '5000.00' });
      expect(set.updatedAt).not.toBeNull();
      expect(set.version).toBeGreaterThan(0);
      expect(await account(d)).toEqual(set);

      const stale = await put(`/api/credit/accounts/${d}`, { limit: '1', mode: 'NONE', creditDays: 0, version: set.version + 5 }).expect(409);
      expect(stale.body.code).toBe(ErrorCode.STALE_VERSION);
      expect((await account(d)).limit).toBe('5000.00');
      const next = (await put(`/api/credit/accounts/${d}`, { limit: '800.5', mode: 'WARN', creditDays: 15, version: set.version }).expect(200)).body;
      // blockOnOverdue kept when not sent
      expect(next).toMatchObject({ limit: '800.50', mode: 'WARN', creditDays: 15, blockOnOverdue: true, version: set.version + 1 });

      const bad = async (body: object) => expect((await put(`/api/credit/accounts/${d}`, { limit: '1', mode: 'NONE', creditDays: 0, ...body }).expect(400)).body.code).toBe(ErrorCode.VALIDATION_FAILED);
      await bad({ limit: '-1' });
      await bad({ limit: '1.234' });
      await bad({ limit: 100 });
      await bad({ mode: 'STRICT' });
      await bad({ creditDays: -1 });
      await bad({ creditDays: 4000 });
      await bad({ creditDays: '30' });
      await bad({ settlementMethod: 'BARTER' });
      expect(await account(d)).toMatchObject({ limit: '800.50', mode: 'WARN' });
      expect((await put(`/api/credit/accounts/${await t.orgId('BJ')}`, { limit: '1', mode: 'NONE', creditDays: 0 }).expect(404)).body.code).toBe(ErrorCode.NOT_FOUND);
      await put(`/api/credit/accounts/${ZERO_UUID}`, { limit: '1', mode: 'NONE', creditDays: 0 }).expect(404);
      await get(`/api/credit/accounts/${await t.orgId('BJ')}`).expect(404);

      const audit = await t.sql<{ action: string; before: { limit: string }; after: { limit: string; mode: string } }>(
        `SELECT action, before, after FROM audit_log WHERE entity = 'credit_account' AND entity_id = $1 ORDER BY created_at`,
        [d],
      );
      expect(audit.map((a) => [a.action, a.after.limit, a.after.mode])).toEqual([['update', '5000.00', 'BLOCK'], ['update', '800.50', 'WARN']]);
      expect(audit[1].before.limit).toBe('5000.00');
    });

    it('two editors who both read the dealer without settings (version 0): the second save is 409 STALE_VERSION, not a silent overwrite', async () => {
      const d = await newDealer();
      const read = await account(d);
      expect(read.version).toBe(0);
      const first = (await put(`/api/credit/accounts/${d}`, { limit: '100', mode: 'BLOCK', creditDays: 10, version: read.version }).expect(200)).body;
      expect(first.version).toBeGreaterThan(0);
      const second = await put(`/api/credit/accounts/${d}`, { limit: '999999', mode: 'NONE', creditDays: 90, version: read.version });
      expect(second.body.code).toBe(ErrorCode.STALE_VERSION);
      expect(second.status).toBe(409);
      expect(await account(d)).toMatchObject({ limit: '100.00', mode: 'BLOCK', creditDays: 10 });
    });

    it('who may set credit: finance of the branch yes, elsewhere 404; a sales rep or a dealer 403; a dealer reads its own account only', async () => {
      const d = await newDealer();
      const fin = await t.token('bj.finance');
      expect((await put(`/api/credit/accounts/${d}`, { limit: '300', mode: 'BLOCK', creditDays: 10 }, fin).expect(200)).body.limit).toBe('300.00');
      expect((await put(`/api/credit/accounts/${await t.orgId('D-SH001')}`, { limit: '300', mode: 'BLOCK', creditDays: 10 }, fin).expect(404)).body.code).toBe(ErrorCode.NOT_FOUND);
      expect((await put(`/api/credit/accounts/${d}`, { limit: '1', mode: 'NONE', creditDays: 0 }, await t.token('bj.sales')).expect(403)).body.code).toBe(ErrorCode.FORBIDDEN);
      const dealer = await t.token('bj.dealer1');
      expect((await put(`/api/credit/accounts/${await t.orgId('D-BJ001')}`, { limit: '99999', mode: 'NONE', creditDays: 0 }, dealer).expect(403)).body.code).toBe(ErrorCode.FORBIDDEN);
      expect((await account(await t.orgId('D-BJ001'), dealer)).dealerCode).toBe('D-BJ001');
      await get(`/api/credit/accounts/${d}`, dealer).expect(404);
      expect((await account(d)).limit).toBe('300.00');
    });

    it('lists every dealer in scope with exposure; filters by branch, mode and over the limit', async () => {
      const branch = (await post('/api/orgs', { code: 'FN-BRL', name: '信用列表分公司', type: 'BRANCH', parentId: await t.orgId('HQ') }).expect(201)).body.id;
      const within = await newDealer('', branch);
      const over = await newDealer('', branch);
      const plain = await newDealer('', branch);
      await setCredit(within, { limit: '1000', mode: 'BLOCK' });
      await setCredit(over, { limit: '10', mode: 'WARN' });
      await shipped(over, '5'); // 50 open against a limit of 10
      await shipped(within, '5');
      const list = (await get(`/api/credit/accounts?branchId=${branch}&sort=dealer`).expect(200)).body;
      expect(list.total).toBe(3);
      expect(list.items.map((a: { dealerId: string }) => a.dealerId).sort()).toEqual([within, over, plain].sort());
      const byId = (id: string) => list.items.find((a: { dealerId: string }) => a.dealerId === id);
      expect(byId(within)).toMatchObject({ mode: 'BLOCK', openReceivables: '50.00', exposure: '50.00', available: '950.00', branchName: '信用列表分公司' });
      expect(byId(over)).toMatchObject({ mode: 'WARN', exposure: '50.00', available: '-40.00' });
      expect(byId(plain)).toMatchObject({ mode: 'NONE', limit: '0.00', version: 0 });
      const ids = async (q: string) => (await get(`/api/credit/accounts?branchId=${branch}&${q}`).expect(200)).body.items.map((a: { dealerId: string }) => a.dealerId);
      expect(await ids('overLimit=true')).toEqual([over]);
      expect(await ids('mode=BLOCK')).toEqual([within]);
      expect(await ids('mode=NONE')).toEqual([plain]);
      expect(await ids('sort=-available')).toEqual([within, plain, over]);
      expect(await ids('sort=exposure&mode=NONE')).toEqual([plain]);
      await get('/api/credit/accounts?mode=SOMETIMES').expect(400);
      // a Beijing finance user lists Beijing dealers only
      const bj = await subtree('BJ');
      const fin = (await get('/api/credit/accounts?pageSize=200', await t.token('bj.finance')).expect(200)).body.items as { dealerId: string }[];
      expect(fin.length).toBeGreaterThan(0);
      expect(fin.every((a) => bj.has(a.dealerId))).toBe(true);
    });
  });

  describe('receipts', () => {
    it('without allocations a receipt pays the open receivables by earliest due date; the rest is a prepayment', async () => {
      const d = await newDealer();
      await setCredit(d);
      const r10 = await shipped(d, '3', 10);
      const r30 = await shipped(d, '5', 30);
      const r20 = await shipped(d, '4', 20);
      expect(await account(d)).toMatchObject({ openReceivables: '120.00', overdueAmount: '120.00' });

      const first = (await receipt(d, '70', { bankRef: 'BK-001', remark: '货款' }).expect(201)).body as Receipt;
      expect(first.number).toMatch(new RegExp(`^SK${today().replace(/-/g, '')}-\\d{4}$`));
      expect(first).toMatchObject({ dealerId: d, amount: '70.00', allocated: '70.00', unallocated: '0.00', status: 'ACTIVE', method: 'BANK_TRANSFER', bankRef: 'BK-001', businessDate: today(), createdByName: '系统管理员' });
      expect(first.allocations.map((a) => [a.receivableId, a.amount, a.creditType, a.creditId, a.reversed])).toEqual([
        [r30.receivableId, '50.00', 'RECEIPT', first.id, false],
        [r20.receivableId, '20.00', 'RECEIPT', first.id, false],
      ]);
      expect(await open(r30.receivableId, r20.receivableId, r10.receivableId)).toEqual(['0.00', '20.00', '30.00']);
      expect(await account(d)).toMatchObject({ openReceivables: '50.00', prepayment: '0.00' });

      const second = (await receipt(d, '100', { method: 'WECHAT' }).expect(201)).body as Receipt;
      expect(second).toMatchObject({ allocated: '50.00', unallocated: '50.00' });
      expect(second.allocations.map((a) => [a.receivableId, a.amount])).toEqual([[r20.receivableId, '20.00'], [r10.receivableId, '30.00']]);
      expect(await account(d)).toMatchObject({ openReceivables: '0.00', prepayment: '50.00', exposure: '-50.00', overdueAmount: '0.00' });
      expect((await get(`/api/receipts/${second.id}`).expect(200)).body).toEqual(second);

      const list = (await get(`/api/receipts?dealerId=${d}`).expect(200)).body;
      expect(list).toMatchObject({ total: 2, totals: { amount: '170.00', unallocated: '50.00' } });
      expect((await get(`/api/receipts?dealerId=${d}&method=WECHAT`).expect(200)).body.items.map((r: Receipt) => r.id)).toEqual([second.id]);
      expect((await get(`/api/receipts?q=BK-001`).expect(200)).body.items.map((r: Receipt) => r.id)).toEqual([first.id]);
      // the prepayment pays the next shipment at once
      const later = await shipped(d, '2');
      expect(await open(later.receivableId)).toEqual(['0.00']);
      expect(await account(d)).toMatchObject({ openReceivables: '0.00', prepayment: '30.00' });
      expect((await get(`/api/receipts/${second.id}`).expect(200)).body).toMatchObject({ allocated: '70.00', unallocated: '30.00' });
    });

    it('allocating a receipt without naming receivables spends that receipt, not an older prepayment', async () => {
      const d = await newDealer();
      await setCredit(d);
      const r = await shipped(d, '2', 5);
      const older = (await receipt(d, '8', { allocations: [] }).expect(201)).body as Receipt;
      const newer = (await receipt(d, '6', { allocations: [] }).expect(201)).body as Receipt;
      const after = (await post(`/api/receipts/${newer.id}/allocate`, {}).expect(200)).body as Receipt;
      expect(after).toMatchObject({ allocated: '6.00', unallocated: '0.00' });
      expect((await get(`/api/receipts/${older.id}`).expect(200)).body).toMatchObject({ allocated: '0.00', unallocated: '8.00' });
      expect(await open(r.receivableId)).toEqual(['14.00']);
      expect((await get('/api/credit/consistency').expect(200)).body.ok).toBe(true);
    });

    it('a receivable due today is current, not overdue, in aging as in the overdue list', async () => {
      const d = await newDealer();
      await setCredit(d, { creditDays: 0 });
      const r = await shipped(d, '1', 0);
      const aging = (await get(`/api/finance/aging?dealerId=${d}`).expect(200)).body;
      expect(aging.rows).toHaveLength(1);
      expect(aging.rows[0]).toMatchObject({ current: '10.00', overdue: '0.00', total: '10.00' });
      const overdue = (await get(`/api/finance/receivables?dealerId=${d}&overdue=true`).expect(200)).body;
      expect(overdue.total).toBe(0);
      expect((await get(`/api/finance/receivables?dealerId=${d}&open=true`).expect(200)).body.items.map((x: { id: string; daysOverdue: number }) => [x.id, x.daysOverdue])).toEqual([[r.receivableId, 0]]);
    });

    it('explicit allocations pay exactly the receivables named; the rest stays a prepayment; allocate later as named or oldest first', async () => {
      const d = await newDealer();
      await setCredit(d);
      const old = await shipped(d, '5', 30);
      const mid = await shipped(d, '4', 20);
      const recent = await shipped(d, '3', 10);
      const rc = (await receipt(d, '60', { allocations: [{ receivableId: recent.receivableId, amount: '30' }, { receivableId: mid.receivableId, amount: '10' }] }).expect(201)).body as Receipt;
      expect(rc).toMatchObject({ allocated: '40.00', unallocated: '20.00' });
      expect(rc.allocations.map((a) => [a.receivableId, a.amount])).toEqual([[recent.receivableId, '30.00'], [mid.receivableId, '10.00']]);
      expect(await open(old.receivableId, mid.receivableId, recent.receivableId)).toEqual(['50.00', '30.00', '0.00']);
      expect(await account(d)).toMatchObject({ openReceivables: '80.00', prepayment: '20.00', exposure: '60.00' });

      const more = (await post(`/api/receipts/${rc.id}/allocate`, { allocations: [{ receivableId: old.receivableId, amount: '20' }] }).expect(200)).body as Receipt;
      expect(more).toMatchObject({ allocated: '60.00', unallocated: '0.00' });
      expect(await open(old.receivableId)).toEqual(['30.00']);
      expect((await post(`/api/receipts/${rc.id}/allocate`, { allocations: [{ receivableId: old.receivableId, amount: '1' }] }).expect(400)).body.code).toBe(ErrorCode.ALLOCATION_EXCEEDS_RECEIPT);

      // [] keeps everything as a prepayment even with receivables open
      const kept = (await receipt(d, '25', { allocations: [] }).expect(201)).body as Receipt;
      expect(kept).toMatchObject({ allocated: '0.00', unallocated: '25.00', allocations: [] });
      expect(await account(d)).toMatchObject({ openReceivables: '60.00', prepayment: '25.00' });
      const oldest = (await post(`/api/receipts/${kept.id}/allocate`, {}).expect(200)).body as Receipt;
      expect(oldest.allocations.map((a) => [a.receivableId, a.amount])).toEqual([[old.receivableId, '25.00']]);
      expect(await open(old.receivableId, mid.receivableId)).toEqual(['5.00', '30.00']);
      expect(await account(d)).toMatchObject({ openReceivables: '35.00', prepayment: '0.00' });
    });

    it('refuses allocations beyond the open amount (409) or beyond the receipt (400), unknown or foreign receivables; nothing written', async () => {
      const d = await newDealer();
      await setCredit(d);
      const a = await shipped(d, '5', 5);
      const b = await shipped(d, '3', 3);
      const other = await newDealer();
      const foreign = await shipped(other, '1');
      const before = await count('receipt', d);
      const acc0 = await account(d);
      const beyondOpen = await receipt(d, '100', { allocations: [{ receivableId: a.receivableId, amount: '50.01' }] }).expect(409);
      expect(beyondOpen.body).toMatchObject({ code: ErrorCode.ALLOCATION_EXCEEDS_OPEN, details: { receivableId: a.receivableId, open: '50.00', requested: '50.01' } });
      const beyondReceipt = await receipt(d, '40', { allocations: [{ receivableId: a.receivableId, amount: '30' }, { receivableId: b.receivableId, amount: '20' }] }).expect(400);
      expect(beyondReceipt.body).toMatchObject({ code: ErrorCode.ALLOCATION_EXCEEDS_RECEIPT, details: { allocated: '50.00', unallocated: '40.00' } });
      expect((await receipt(d, '40', { allocations: [{ receivableId: foreign.receivableId, amount: '1' }] }).expect(404)).body.code).toBe(ErrorCode.NOT_FOUND);
      expect((await receipt(d, '40', { allocations: [{ receivableId: ZERO_UUID, amount: '1' }] }).expect(404)).body.code).toBe(ErrorCode.NOT_FOUND);
      expect((await receipt(d, '40', { allocations: [{ receivableId: a.receivableId, amount: '0' }] }).expect(400)).body.code).toBe(ErrorCode.INVALID_AMOUNT);
      expect((await receipt(d, '40', { allocations: [{ receivableId: a.receivableId, amount: '1' }, { receivableId: a.receivableId, amount: '1' }] }).expect(400)).body.code).toBe(ErrorCode.VALIDATION_FAILED);
      expect(await count('receipt', d)).toBe(before);
      expect(await account(d)).toEqual(acc0);
      expect(await open(a.receivableId, b.receivableId)).toEqual(['50.00', '30.00']);
      expect(await t.sql('SELECT 1 FROM allocation WHERE receivable_id = ANY($1)', [[a.receivableId, b.receivableId]])).toHaveLength(0);
    });

    it('refuses a zero or negative amount (400 INVALID_AMOUNT), a future date, a non-dealer; honours Idempotency-Key', async () => {
      const d = await newDealer();
      const bad = async (body: object, status: number, code: ErrorCode) => expect((await post('/api/receipts', { dealerId: d, amount: '10', method: 'CASH', ...body }).expect(status)).body.code).toBe(code);
      await bad({ amount: '0' }, 400, ErrorCode.INVALID_AMOUNT);
      await bad({ amount: '0.00' }, 400, ErrorCode.INVALID_AMOUNT);
      await bad({ amount: '-5' }, 400, ErrorCode.INVALID_AMOUNT);
      await bad({ amount: '1.234' }, 400, ErrorCode.VALIDATION_FAILED);
      await bad({ amount: 10 }, 400, ErrorCode.VALIDATION_FAILED);
      await bad({ method: 'CHEQUE' }, 400, ErrorCode.VALIDATION_FAILED);
      await bad({ businessDate: addDays(today(), 1) }, 400, ErrorCode.VALIDATION_FAILED);
      await bad({ businessDate: '2026-02-30' }, 400, ErrorCode.VALIDATION_FAILED);
      await bad({ dealerId: await t.orgId('BJ') }, 400, ErrorCode.VALIDATION_FAILED);
      await bad({ dealerId: ZERO_UUID }, 404, ErrorCode.NOT_FOUND);
      expect((await post('/api/receipts', { dealerId: d, amount: '10', method: 'CASH' }, await t.token('bj.sales')).expect(403)).body.code).toBe(ErrorCode.FORBIDDEN);
      expect((await post('/api/receipts', { dealerId: await t.orgId('D-SH001'), amount: '10', method: 'CASH' }, await t.token('bj.finance')).expect(404)).body.code).toBe(ErrorCode.NOT_FOUND);
      expect(await count('receipt', d)).toBe(0);
      expect((await account(d)).prepayment).toBe('0.00');

      const body = { dealerId: d, amount: '88.8', method: 'ALIPAY', businessDate: ago(2) };
      const first = await t.http.post('/api/receipts').set(bearer(admin)).set('Idempotency-Key', 'fn-rc-idem-01').send(body).expect(201);
      const retry = await t.http.post('/api/receipts').set(bearer(admin)).set('Idempotency-Key', 'fn-rc-idem-01').send(body).expect(201);
      expect(retry.headers['idempotent-replayed']).toBe('true');
      expect(retry.body.id).toBe(first.body.id);
      expect(first.body).toMatchObject({ amount: '88.80', businessDate: ago(2), method: 'ALIPAY' });
      expect(await count('receipt', d)).toBe(1);
      expect((await account(d)).prepayment).toBe('88.80');
      expect((await t.http.post('/api/receipts').set(bearer(admin)).set('Idempotency-Key', 'fn-rc-idem-01').send({ ...body, amount: '88.9' }).expect(409)).body.code).toBe(ErrorCode.IDEMPOTENCY_KEY_REUSED);
      expect(await count('receipt', d)).toBe(1);
    });

    it('a reversal needs a reason, undoes the allocations and reopens the receivables; a receipt is never deleted', async () => {
      const d = await newDealer();
      await setCredit(d);
      const a = await shipped(d, '5', 20);
      const b = await shipped(d, '3', 10);
      const rc = (await receipt(d, '60').expect(201)).body as Receipt;
      expect(await open(a.receivableId, b.receivableId)).toEqual(['0.00', '20.00']);
      expect((await post(`/api/receipts/${rc.id}/reverse`, {}).expect(400)).body.code).toBe(ErrorCode.VALIDATION_FAILED);
      expect((await post(`/api/receipts/${rc.id}/reverse`, { reason: '   ' }).expect(400)).body.code).toBe(ErrorCode.VALIDATION_FAILED);
      expect((await post(`/api/receipts/${rc.id}/reverse`, { reason: '越权' }, await t.token('bj.sales')).expect(403)).body.code).toBe(ErrorCode.FORBIDDEN);
      expect((await get(`/api/receipts/${rc.id}`).expect(200)).body.status).toBe('ACTIVE');

      const rev = (await post(`/api/receipts/${rc.id}/reverse`, { reason: '银行退票' }).expect(200)).body as Receipt & Record<string, unknown>;
      expect(rev).toMatchObject({ status: 'REVERSED', reversalReason: '银行退票', reversedByName: '系统管理员', amount: '60.00', allocated: '0.00', unallocated: '0.00' });
      expect(rev.reversedAt).not.toBeNull();
      expect(rev.allocations.map((x) => [x.receivableId, x.amount, x.reversed])).toEqual([[a.receivableId, '50.00', true], [b.receivableId, '10.00', true]]);
      expect(await open(a.receivableId, b.receivableId)).toEqual(['50.00', '30.00']);
      expect(await account(d)).toMatchObject({ openReceivables: '80.00', prepayment: '0.00', overdueAmount: '80.00' });

      const again = await post(`/api/receipts/${rc.id}/reverse`, { reason: '再冲' }).expect(409);
      expect(again.body).toMatchObject({ code: ErrorCode.INVALID_STATE, details: { status: 'REVERSED' } });
      expect((await post(`/api/receipts/${rc.id}/allocate`, {}).expect(409)).body).toMatchObject({ code: ErrorCode.INVALID_STATE, details: { status: 'REVERSED' } });
      const del = await t.http.delete(`/api/receipts/${rc.id}`).set(bearer(admin)).expect(404);
      expect(del.body.code).toBe(ErrorCode.ROUTE_NOT_FOUND);
      expect((await get(`/api/receipts/${rc.id}`).expect(200)).body.status).toBe('REVERSED');
      // nor does it go with its dealer
      expect((await t.http.delete(`/api/orgs/${d}`).set(bearer(admin)).expect(409)).body.code).toBe(ErrorCode.ORG_HAS_DOCUMENTS);
      expect(await count('receipt', d)).toBe(1);
      expect((await get(`/api/receipts?dealerId=${d}&status=REVERSED`).expect(200)).body.items.map((r: Receipt) => r.id)).toEqual([rc.id]);
      expect(await t.sql(`SELECT 1 FROM audit_log WHERE entity = 'receipt' AND entity_id = $1 AND action = 'reverse'`, [rc.id])).toHaveLength(1);
      const ledger = (await get(`/api/finance/ledger?dealerId=${d}&from=${today()}&to=${today()}`).expect(200)).body;
      expect(ledger.lines.map((l: LedgerLine) => [l.type, l.docId, l.debit, l.credit])).toEqual([
        ['RECEIPT', rc.id, '0.00', '60.00'],
        ['RECEIPT_REVERSAL', rc.id, '60.00', '0.00'],
      ]);
      expect(ledger.lines[1].summary).toBe('银行退票');
      expect(ledger).toMatchObject({ openingBalance: '80.00', receipts: '0.00', closingBalance: '80.00' });

      // a later receipt pays the reopened receivables again
      await receipt(d, '80').expect(201);
      expect(await open(a.receivableId, b.receivableId)).toEqual(['0.00', '0.00']);
    });
  });

  describe('receivables and aging', () => {
    let branch: string;
    let ag1: string;
    let ag2: string;
    let rep: string;
    let brWh: string;
    const rv: Record<string, Shipped> = {};

    beforeAll(async () => {
      branch = (await post('/api/orgs', { code: 'FN-BR', name: '账龄测试分公司', type: 'BRANCH', parentId: await t.orgId('HQ') }).expect(201)).body.id;
      brWh = (await post('/api/warehouses', { code: 'FN-BRWH', name: '账龄测试仓', orgId: branch }).expect(201)).body.id;
      await post('/api/stock-docs', { type: 'INBOUND', warehouseId: brWh, lines: [{ productId, qty: '10000', unitCost: '5' }] }).expect(201);
      ag1 = await newDealer('', branch);
      ag2 = await newDealer('', branch);
      rep = await t.userId('bj.sales');
      await setCredit(ag1, { creditDays: 0 });
      await setCredit(ag2, { creditDays: 0 });
      rv.d100 = await shipped(ag1, '100', 100, { salesRepId: rep, warehouseId: brWh });
      rv.d70 = await shipped(ag1, '70', 70, { salesRepId: rep, warehouseId: brWh });
      rv.d40 = await shipped(ag1, '40', 40, { warehouseId: brWh });
      rv.d10 = await shipped(ag1, '10', 10, { warehouseId: brWh });
      await setCredit(ag1, { creditDays: 30 });
      rv.current = await shipped(ag1, '5', 0, { warehouseId: brWh });
      rv.d45 = await shipped(ag2, '20', 45, { salesRepId: rep, warehouseId: brWh });
    });

    it('lists receivables with due dates after the credit days, days overdue, and the open / overdue / branch / sales rep filters', async () => {
      const items = (await get(`/api/finance/receivables?dealerId=${ag1}`).expect(200)).body.items;
      expect(items.map((r: { daysOverdue: number; amount: string; openAmount: string }) => [r.daysOverdue, r.amount, r.openAmount])).toEqual([
        [100, '1000.00', '1000.00'], [70, '700.00', '700.00'], [40, '400.00', '400.00'], [10, '100.00', '100.00'], [-30, '50.00', '50.00'],
      ]);
      expect(items[0]).toMatchObject({ id: rv.d100.receivableId, number: rv.d100.shipment.number, orderNumber: rv.d100.order.number, businessDate: ago(100), dueDate: ago(100), salesRepName: '张伟', branchName: '账龄测试分公司' });
      expect(items[4]).toMatchObject({ businessDate: today(), dueDate: addDays(today(), 30), salesRepName: null });
      const ids = async (q: string) => (await get(`/api/finance/receivables?${q}`).expect(200)).body.items.map((r: { id: string }) => r.id);
      expect(await ids(`dealerId=${ag1}&overdue=true`)).toEqual([rv.d100, rv.d70, rv.d40, rv.d10].map((x) => x.receivableId));
      expect((await ids(`branchId=${branch}`)).sort()).toEqual(Object.values(rv).map((x) => x.receivableId).sort());
      expect(await ids(`branchId=${branch}&salesRepId=${rep}`)).toEqual([rv.d100, rv.d70, rv.d45].map((x) => x.receivableId));
      expect(await ids(`branchId=${branch}&sort=-amount&pageSize=2`)).toEqual([rv.d100, rv.d70].map((x) => x.receivableId));
      expect(await ids(`q=${rv.d45.shipment.number}`)).toEqual([rv.d45.receivableId]);
      expect(await ids(`dealerId=${ag2}&open=true`)).toEqual([rv.d45.receivableId]);
      await get('/api/finance/receivables?overdue=yes').expect(400);
    });

    it('ages open receivables into the default buckets 0-30, 31-60, 61-90, 90+ (not yet due apart), by dealer', async () => {
      const rep0 = (await get(`/api/finance/aging?branchId=${branch}`).expect(200)).body;
      expect(rep0).toMatchObject({ asOf: today(), groupBy: 'dealer' });
      expect(rep0.buckets).toEqual([
        { label: '0-30', from: 1, to: 30 }, { label: '31-60', from: 31, to: 60 }, { label: '61-90', from: 61, to: 90 }, { label: '90+', from: 91, to: null },
      ]);
      expect(rep0.rows.map((r: AgingRow) => [r.key, r.current, r.buckets, r.overdue, r.total])).toEqual([
        [ag1, '50.00', ['100.00', '400.00', '700.00', '1000.00'], '2200.00', '2250.00'],
        [ag2, '0.00', ['0.00', '200.00', '0.00', '0.00'], '200.00', '200.00'],
      ]);
      expect(rep0.rows[0].code).toMatch(/^FN-D\d+$/);
      expect(rep0.totals).toEqual({ current: '50.00', buckets: ['100.00', '600.00', '700.00', '1000.00'], overdue: '2400.00', total: '2450.00' });
      const one = (await get(`/api/finance/aging?dealerId=${ag2}`).expect(200)).body;
      expect(one.rows.map((r: AgingRow) => r.key)).toEqual([ag2]);
    });

    it('custom buckets, an as-of date, and grouping by branch and by sales rep', async () => {
      const custom = (await get(`/api/finance/aging?branchId=${branch}&buckets=15,45`).expect(200)).body;
      expect(custom.buckets.map((b: { label: string }) => b.label)).toEqual(['0-15', '16-45', '45+']);
      expect(custom.rows.map((r: AgingRow) => [r.key, r.buckets])).toEqual([
        [ag1, ['100.00', '400.00', '1700.00']],
        [ag2, ['0.00', '200.00', '0.00']],
      ]);
      // 20 days ago: the newer receivables did not exist yet and the rest were 20 days younger
      const past = (await get(`/api/finance/aging?branchId=${branch}&asOf=${ago(20)}`).expect(200)).body;
      expect(past.asOf).toBe(ago(20));
      expect(past.rows.map((r: AgingRow) => [r.key, r.current, r.buckets, r.total])).toEqual([
        [ag1, '0.00', ['400.00', '700.00', '1000.00', '0.00'], '2100.00'],
        [ag2, '0.00', ['200.00', '0.00', '0.00', '0.00'], '200.00'],
      ]);

      const byBranch = (await get('/api/finance/aging?groupBy=branch').expect(200)).body;
      expect(byBranch.groupBy).toBe('branch');
      const mine = byBranch.rows.find((r: AgingRow) => r.key === branch);
      expect(mine).toEqual({ key: branch, code: 'FN-BR', name: '账龄测试分公司', current: '50.00', buckets: ['100.00', '600.00', '700.00', '1000.00'], overdue: '2400.00', total: '2450.00' });

      const byRep = (await get(`/api/finance/aging?groupBy=salesRep&branchId=${branch}`).expect(200)).body;
      expect(byRep.rows.map((r: AgingRow) => [r.key, r.code, r.name, r.current, r.buckets, r.total])).toEqual([
        [rep, 'bj.sales', '张伟', '0.00', ['0.00', '200.00', '700.00', '1000.00'], '1900.00'],
        [null, null, '', '50.00', ['100.00', '400.00', '0.00', '0.00'], '550.00'],
      ]);
    });

    it('refuses bad buckets and parameters with 400 VALIDATION_FAILED', async () => {
      for (const q of ['buckets=60,30', 'buckets=0,30', 'buckets=30,30', 'buckets=abc', 'buckets=30,', 'groupBy=product', 'asOf=yesterday', 'branchId=nope']) {
        expect((await get(`/api/finance/aging?${q}`).expect(400)).body.code).toBe(ErrorCode.VALIDATION_FAILED);
      }
    });

    it('a receipt pays the oldest first, and the aging follows', async () => {
      await receipt(ag1, '1100').expect(201);
      const after = (await get(`/api/finance/aging?dealerId=${ag1}`).expect(200)).body;
      expect(after.rows[0]).toMatchObject({ current: '50.00', buckets: ['100.00', '400.00', '600.00', '0.00'], total: '1150.00' });
      expect((await get(`/api/finance/receivables?dealerId=${ag1}&open=true`).expect(200)).body.items.map((r: { id: string }) => r.id)).toEqual(
        [rv.d70, rv.d40, rv.d10, rv.current].map((x) => x.receivableId),
      );
    });
  });

  describe('ledger and statements', () => {
    let d: string;
    let s1: Shipped;
    let s2: Shipped;
    let r0: Receipt;
    let r1: Receipt;
    let r2: Receipt;
    let ret: { id: string; number: string };
    const from = () => ago(30);

    beforeAll(async () => {
      d = await newDealer();
      await setCredit(d);
      s1 = await shipped(d, '10', 40);
      r0 = (await receipt(d, '30', { businessDate: ago(35) }).expect(201)).body;
      s2 = await shipped(d, '5', 0);
      r1 = (await receipt(d, '120', { bankRef: 'BR-1' }).expect(201)).body;
      ret = (await post('/api/returns', { shipmentId: s2.shipment.id, reason: '临期退货', lines: [{ shipmentLineId: s2.shipment.lines[0].id, qty: '1' }] }).expect(201)).body;
      r2 = (await receipt(d, '20', { method: 'CASH' }).expect(201)).body;
      await post(`/api/receipts/${r2.id}/reverse`, { reason: '重复录入' }).expect(200);
    });

    it('the ledger: the balance before the period, every document with the running balance, and the closing balance', async () => {
      const view = (await get(`/api/finance/ledger?dealerId=${d}&from=${from()}&to=${today()}`).expect(200)).body;
      expect(view).toMatchObject({ dealerId: d, from: from(), to: today(), openingBalance: '70.00', shipments: '50.00', returns: '10.00', receipts: '120.00', closingBalance: '-10.00' });
      expect(view.lines.map((l: LedgerLine) => [l.date, l.type, l.docId, l.debit, l.credit, l.balance])).toEqual([
        [today(), 'SHIPMENT', s2.shipment.id, '50.00', '0.00', '120.00'],
        [today(), 'RECEIPT', r1.id, '0.00', '120.00', '0.00'],
        [today(), 'RETURN', ret.id, '0.00', '10.00', '-10.00'],
        [today(), 'RECEIPT', r2.id, '0.00', '20.00', '-30.00'],
        [today(), 'RECEIPT_REVERSAL', r2.id, '20.00', '0.00', '-10.00'],
      ]);
      expect(view.lines.map((l: LedgerLine) => [l.docNumber, l.summary])).toEqual([
        [s2.shipment.number, s2.order.number], [r1.number, 'BANK_TRANSFER BR-1'], [ret.number, '临期退货'], [r2.number, 'CASH'], [r2.number, '重复录入'],
      ]);
      // the closing balance is what the credit account says: receivables open minus prepayments
      expect(await account(d)).toMatchObject({ openReceivables: '0.00', prepayment: '10.00', exposure: '-10.00' });
      // the whole history from the first day
      const all = (await get(`/api/finance/ledger?dealerId=${d}&from=${ago(60)}&to=${today()}`).expect(200)).body;
      expect(all.openingBalance).toBe('0.00');
      expect(all.lines.slice(0, 2).map((l: LedgerLine) => [l.date, l.type, l.docId, l.balance])).toEqual([[ago(40), 'SHIPMENT', s1.shipment.id, '100.00'], [ago(35), 'RECEIPT', r0.id, '70.00']]);
      expect(all.closingBalance).toBe('-10.00');
      const before = (await get(`/api/finance/ledger?dealerId=${d}&from=${ago(80)}&to=${ago(50)}`).expect(200)).body;
      expect(before).toMatchObject({ openingBalance: '0.00', closingBalance: '0.00', lines: [] });
      expect((await get(`/api/finance/ledger?dealerId=${d}&from=${today()}&to=${ago(1)}`).expect(400)).body.code).toBe(ErrorCode.VALIDATION_FAILED);
      await get(`/api/finance/ledger?dealerId=${d}&from=${from()}`).expect(400);
      await get(`/api/finance/ledger?dealerId=${await t.orgId('BJ')}&from=${from()}&to=${today()}`).expect(404);
    });

    it('statements: the period computed now, saved as a snapshot, refreshed while pending, and exported as xlsx', async () => {
      const q = `dealerId=${d}&from=${from()}&to=${today()}`;
      const view = (await get(`/api/statements?${q}`).expect(200)).body;
      expect(view).toMatchObject({ openingBalance: '70.00', closingBalance: '-10.00', saved: null });
      expect(view.lines).toHaveLength(5);
      const st = (await post('/api/statements', { dealerId: d, from: from(), to: today() }).expect(201)).body;
      expect(st.number).toMatch(new RegExp(`^DZ${today().replace(/-/g, '')}-\\d{4}$`));
      expect(st).toMatchObject({ dealerId: d, from: from(), to: today(), status: 'PENDING', origin: 'MANUAL', openingBalance: '70.00', shipments: '50.00', returns: '10.00', receipts: '120.00', closingBalance: '-10.00', createdByName: '系统管理员', respondedByName: null });
      expect(st.lines).toEqual(view.lines);
      expect((await get(`/api/statements/${st.id}`).expect(200)).body).toEqual(st);
      expect((await get(`/api/statements?${q}`).expect(200)).body.saved).toEqual(st);

      // a later receipt: the saved snapshot keeps its figures until it is generated again
      await receipt(d, '5', { method: 'CASH' }).expect(201);
      expect((await get(`/api/statements/${st.id}`).expect(200)).body.closingBalance).toBe('-10.00');
      expect((await get(`/api/statements?${q}`).expect(200)).body.closingBalance).toBe('-15.00');
      const refreshed = (await post('/api/statements', { dealerId: d, from: from(), to: today() }).expect(201)).body;
      expect(refreshed).toMatchObject({ id: st.id, number: st.number, status: 'PENDING', closingBalance: '-15.00', version: st.version + 1 });
      expect(refreshed.lines).toHaveLength(6);

      const list = (await get(`/api/statements/list?dealerId=${d}`).expect(200)).body;
      expect(list.total).toBe(1);
      expect(list.items[0]).toMatchObject({ id: st.id, closingBalance: '-15.00', lines: [] });

      const res = await get(`/api/statements/${st.id}/export`).buffer(true).parse(binary).expect(200);
      expect(res.headers['content-type']).toContain('spreadsheetml');
      expect(res.headers['content-disposition']).toContain('attachment');
      const rows = await readXlsx(res.body);
      expect(rows[0][0]).toContain(st.number);
      const opening = rows.find((r) => r[3] === '期初余额')!;
      const closing = rows.find((r) => r[3] === '期末余额')!;
      expect(Number(opening[6])).toBe(70);
      expect(Number(closing[6])).toBe(-15);
      // exact decimal strings, never floats
      expect([opening[6], closing[6]]).toEqual(['70.00', '-15.00']);
      expect(rows.some((r) => r[2] === ret.number && Number(r[5]) === 10)).toBe(true);
      // amounts are numeric cells with a money format (Excel users sum them), document numbers text
      const ws = await loadSheet(res.body);
      let retRow = 1;
      while (ws.getRow(retRow).getCell(3).value !== ret.number && retRow <= ws.rowCount) retRow++;
      const credit = ws.getRow(retRow).getCell(6);
      expect([credit.type, credit.value, credit.numFmt]).toEqual([ExcelJS.ValueType.Number, 10, '#,##0.00']);
      expect([ws.getRow(retRow).getCell(3).type, ws.getRow(retRow).getCell(3).numFmt]).toEqual([ExcelJS.ValueType.String, '@']);

      const bad = async (body: object) => expect((await post('/api/statements', { dealerId: d, from: from(), to: today(), ...body }).expect(400)).body.code).toBe(ErrorCode.VALIDATION_FAILED);
      await bad({ to: addDays(today(), 1) });
      await bad({ from: today(), to: ago(1) });
      await bad({ from: '2026/01/01' });
      expect((await post('/api/statements', { dealerId: d, from: from(), to: today() }, await t.token('bj.sales')).expect(403)).body.code).toBe(ErrorCode.FORBIDDEN);
    });

    it('the dealer confirms or disputes its own statement; others cannot (403 NOT_STATEMENT_DEALER); a confirmed one cannot be regenerated', async () => {
      const own = await t.orgId('D-BJ001');
      await setCredit(own, { creditDays: 30 });
      const mine = await shipped(own, '2');
      const period = { dealerId: own, from: ago(2), to: today() };
      const fin = await t.token('bj.finance');
      const st = (await post('/api/statements', period, fin).expect(201)).body;
      expect(st).toMatchObject({ status: 'PENDING', createdByName: '李娜' });
      expect(st.lines.map((l: LedgerLine) => l.docId)).toContain(mine.shipment.id);
      // the running balance adds up from the opening balance to the closing one
      let bal = Number(st.openingBalance);
      for (const l of st.lines as LedgerLine[]) {
        bal = Math.round((bal + Number(l.debit) - Number(l.credit)) * 100) / 100;
        expect(Number(l.balance)).toBe(bal);
      }
      expect(Number(st.closingBalance)).toBe(bal);

      const dealer = await t.token('bj.dealer1');
      for (const token of [admin, fin, await t.token('bj.manager')]) {
        expect((await post(`/api/statements/${st.id}/confirm`, {}, token).expect(403)).body.code).toBe(ErrorCode.NOT_STATEMENT_DEALER);
      }
      expect((await post(`/api/statements/${st.id}/confirm`, {}, await t.token('bj.dealer2')).expect(404)).body.code).toBe(ErrorCode.NOT_FOUND);
      expect((await post(`/api/statements/${st.id}/dispute`, {}, dealer).expect(400)).body.code).toBe(ErrorCode.VALIDATION_FAILED);
      expect((await post(`/api/statements/${st.id}/dispute`, { comment: '  ' }, dealer).expect(400)).body.code).toBe(ErrorCode.VALIDATION_FAILED);
      const disputed = (await post(`/api/statements/${st.id}/dispute`, { comment: '少了一笔收款' }, dealer).expect(200)).body;
      expect(disputed).toMatchObject({ status: 'DISPUTED', responseComment: '少了一笔收款', respondedByName: '赵立' });
      expect((await post(`/api/statements/${st.id}/confirm`, {}, dealer).expect(409)).body).toMatchObject({ code: ErrorCode.INVALID_STATE, details: { status: 'DISPUTED' } });
      // finance regenerates it: pending again
      const again = (await post('/api/statements', period, fin).expect(201)).body;
      expect(again).toMatchObject({ id: st.id, status: 'PENDING', responseComment: null, respondedByName: null });
      expect((await post(`/api/statements/${st.id}/confirm`, { version: again.version + 1 }, dealer).expect(409)).body.code).toBe(ErrorCode.STALE_VERSION);
      const confirmed = (await post(`/api/statements/${st.id}/confirm`, { comment: '无误', version: again.version }, dealer).expect(200)).body;
      expect(confirmed).toMatchObject({ status: 'CONFIRMED', respondedByName: '赵立', responseComment: '无误' });
      expect(confirmed.respondedAt).not.toBeNull();
      expect((await post(`/api/statements/${st.id}/dispute`, { comment: '反悔' }, dealer).expect(409)).body.code).toBe(ErrorCode.INVALID_STATE);
      const regen = await post('/api/statements', period, fin).expect(409);
      expect(regen.body).toMatchObject({ code: ErrorCode.INVALID_STATE, details: { status: 'CONFIRMED' } });
      expect((await get(`/api/statements/${st.id}`).expect(200)).body).toMatchObject({ status: 'CONFIRMED', closingBalance: confirmed.closingBalance });
      expect(await t.sql(`SELECT action FROM audit_log WHERE entity = 'statement' AND entity_id = $1 ORDER BY created_at`, [st.id])).toEqual([
        { action: 'create' }, { action: 'dispute' }, { action: 'refresh' }, { action: 'confirm' },
      ]);

      // the parent dealer sees its sub-dealer's statement but does not answer for it
      const sub = (await post('/api/statements', { dealerId: await t.orgId('D-BJ001-01'), from: ago(2), to: today() }).expect(201)).body;
      await get(`/api/statements/${sub.id}`, dealer).expect(200);
      expect((await post(`/api/statements/${sub.id}/confirm`, {}, dealer).expect(403)).body.code).toBe(ErrorCode.NOT_STATEMENT_DEALER);
    });

    it('month end: one statement per active dealer with a balance or movements and none for the month, in the caller\'s scope; idle dealers are skipped; a second run adds none', async () => {
      const month = '2026-08';
      const busy = await newDealer();
      await setCredit(busy);
      const order = (await post('/api/sales-orders', { dealerId: busy, warehouseId: whId, lines: [{ productId, qty: '7' }], submit: true }).expect(201)).body;
      await post('/api/shipments', { orderId: order.id, businessDate: '2026-08-10' }).expect(201);
      const idle = await newDealer();
      const off = await newDealer();
      await post(`/api/orgs/${off}/disable`).expect(200);
      const pending = await t.sql<{ id: string }>(
        `SELECT o.id FROM organization o WHERE o.type = 'DEALER' AND o.status = 'ACTIVE'
           AND NOT EXISTS (SELECT 1 FROM statement s WHERE s.dealer_id = o.id AND s.period_from = '2026-08-01' AND s.period_to = '2026-08-31')`,
      );
      // which of them have anything to state: a balance brought forward or a document in August
      const withActivity = new Set<string>();
      for (const { id } of pending) {
        const v = (await get(`/api/finance/ledger?dealerId=${id}&from=2026-08-01&to=2026-08-31`).expect(200)).body;
        if (v.lines.length || Number(v.openingBalance) !== 0) withActivity.add(id);
      }
      expect(withActivity.has(busy)).toBe(true);
      expect(withActivity.has(idle)).toBe(false);
      const bj = await subtree('BJ');
      const inBj = pending.filter((p) => bj.has(p.id));
      const bjBusy = inBj.filter((p) => withActivity.has(p.id)).length;
      const restBusy = withActivity.size - bjBusy;
      const idleCount = pending.length - withActivity.size;
      const has = async (id: string) => (await t.sql('SELECT 1 FROM statement WHERE dealer_id = $1 AND period_from = $2', [id, '2026-08-01'])).length === 1;

      const byBranch = (await post('/api/statements/month-end', { month }, await t.token('bj.finance')).expect(200)).body;
      expect(byBranch).toEqual({ month, generated: bjBusy, skipped: inBj.length - bjBusy });
      expect(await has(busy)).toBe(true);
      const rest = (await post('/api/statements/month-end', { month }).expect(200)).body;
      expect(rest).toEqual({ month, generated: restBusy, skipped: idleCount });
      expect((await post('/api/statements/month-end', { month }).expect(200)).body).toEqual({ month, generated: 0, skipped: idleCount });
      for (const id of pending.map((p) => p.id)) expect(await has(id)).toBe(withActivity.has(id));
      expect(await has(off)).toBe(false);
      const st = (await get(`/api/statements/list?dealerId=${busy}&from=2026-08-01&to=2026-08-31`).expect(200)).body.items;
      expect(st).toHaveLength(1);
      expect(st[0]).toMatchObject({ origin: 'MONTH_END', status: 'PENDING', from: '2026-08-01', to: '2026-08-31', openingBalance: '0.00', shipments: '70.00', closingBalance: '70.00', createdByName: '李娜' });

      // no month: last month
      const [y, m] = today().split('-').map(Number);
      const last = m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
      const def = (await post('/api/statements/month-end', {}).expect(200)).body;
      expect(def.month).toBe(last);
      const [{ n }] = await t.sql<{ n: number }>(
        `SELECT count(*)::int AS n FROM organization o WHERE o.type = 'DEALER' AND o.status = 'ACTIVE'
           AND NOT EXISTS (SELECT 1 FROM statement s WHERE s.dealer_id = o.id AND s.period_from = $1::date AND s.period_to = ($1::date + interval '1 month - 1 day')::date)`,
        [`${last}-01`],
      );
      expect(def.skipped).toBe(n);
      expect((await post('/api/statements/month-end', { month: '2026-13' }).expect(400)).body.code).toBe(ErrorCode.VALIDATION_FAILED);
      expect((await post('/api/statements/month-end', { month }, await t.token('bj.sales')).expect(403)).body.code).toBe(ErrorCode.FORBIDDEN);
    });
  });

  describe('scope and consistency', () => {
    it('a dealer sees only its own receipts, receivables, statements, accounts and aging; another dealer\'s answer 404', async () => {
      const own = await t.orgId('D-BJ001');
      await setCredit(own, { creditDays: 30 });
      const other = await newDealer();
      await setCredit(other);
      const mine = await shipped(own, '1');
      const theirs = await shipped(other, '1');
      const myReceipt = (await receipt(own, '1', { allocations: [] }).expect(201)).body as Receipt;
      const theirReceipt = (await receipt(other, '1').expect(201)).body as Receipt;
      const theirStatement = (await post('/api/statements', { dealerId: other, from: ago(1), to: today() }).expect(201)).body;
      const myStatement = (await post('/api/statements', { dealerId: own, from: ago(1), to: ago(1) }).expect(201)).body;

      const dealer = await t.token('bj.dealer1');
      const visible = await subtree('D-BJ001');
      await get(`/api/receipts/${myReceipt.id}`, dealer).expect(200);
      expect((await get(`/api/receipts/${theirReceipt.id}`, dealer).expect(404)).body.code).toBe(ErrorCode.NOT_FOUND);
      await get(`/api/statements/${myStatement.id}`, dealer).expect(200);
      expect((await get(`/api/statements/${theirStatement.id}`, dealer).expect(404)).body.code).toBe(ErrorCode.NOT_FOUND);
      await get(`/api/statements/${theirStatement.id}/export`, dealer).expect(404);
      await get(`/api/statements?dealerId=${other}&from=${ago(1)}&to=${today()}`, dealer).expect(404);
      await get(`/api/finance/ledger?dealerId=${other}&from=${ago(1)}&to=${today()}`, dealer).expect(404);
      await get(`/api/statements?dealerId=${own}&from=${ago(1)}&to=${today()}`, dealer).expect(200);

      const lists: [string, string, string][] = [
        ['/api/receipts?pageSize=100', 'dealerId', myReceipt.id],
        // latest due first: the demo's year of history gives the dealer more than a page of settled receivables
        ['/api/finance/receivables?pageSize=100&sort=-dueDate', 'dealerId', mine.receivableId],
        ['/api/statements/list?pageSize=100', 'dealerId', myStatement.id],
        ['/api/credit/accounts?pageSize=100', 'dealerId', own],
      ];
      for (const [path, field, expected] of lists) {
        const items = (await get(path, dealer).expect(200)).body.items as Record<string, string>[];
        expect(items.map((i) => (path.includes('credit') ? i.dealerId : i.id))).toContain(expected);
        expect(items.every((i) => visible.has(i[field]))).toBe(true);
      }
      expect((await get(`/api/finance/receivables?dealerId=${other}`, dealer).expect(200)).body.total).toBe(0);
      expect((await get(`/api/receipts?dealerId=${other}`, dealer).expect(200)).body.total).toBe(0);
      // aging is the console's analysis: a dealer's user is refused it (dealer-console.e2e)
      expect((await get('/api/finance/aging?groupBy=dealer', dealer).expect(403)).body.code).toBe(ErrorCode.STAFF_ONLY);
      expect(theirs.receivableId).toBeTruthy();
      // a dealer cannot record or reverse receipts
      expect((await receipt(own, '1', {}, dealer).expect(403)).body.code).toBe(ErrorCode.FORBIDDEN);
      expect((await post(`/api/receipts/${myReceipt.id}/reverse`, { reason: 'x' }, dealer).expect(403)).body.code).toBe(ErrorCode.FORBIDDEN);
      expect((await post('/api/statements', { dealerId: own, from: ago(1), to: today() }, dealer).expect(403)).body.code).toBe(ErrorCode.FORBIDDEN);

      // the Shanghai manager sees none of it
      const sh = await t.token('sh.manager');
      await get(`/api/receipts/${theirReceipt.id}`, sh).expect(404);
      await get(`/api/statements/${theirStatement.id}`, sh).expect(404);
      await get(`/api/credit/accounts/${other}`, sh).expect(404);
      const shBranch = await subtree('SH');
      const shRecv = (await get('/api/finance/receivables?pageSize=100', sh).expect(200)).body.items as { dealerId: string }[];
      expect(shRecv.every((r) => shBranch.has(r.dealerId))).toBe(true);
      const shAging = (await get('/api/finance/aging?groupBy=dealer', sh).expect(200)).body.rows as AgingRow[];
      expect(shAging.every((r) => shBranch.has(r.key!))).toBe(true);
    });

    it('after everything above the running totals match the documents: the consistency check finds no drift', async () => {
      expect((await get('/api/credit/consistency', await t.token('bj.sales')).expect(403)).body.code).toBe(ErrorCode.FORBIDDEN);
      const check = (await get('/api/credit/consistency').expect(200)).body;
      expect(check.drifts).toEqual([]);
      expect(check.ok).toBe(true);
      const [{ n }] = await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM credit_account');
      expect(check.checkedAccounts).toBe(n);
      // and it would notice one
      await t.sql(`UPDATE credit_account SET open_orders = open_orders + 1 WHERE dealer_id = (SELECT id FROM organization WHERE code = 'FN-D1')`);
      const drift = (await get('/api/credit/consistency').expect(200)).body;
      expect(drift.ok).toBe(false);
      expect(drift.drifts).toEqual([expect.objectContaining({ dealerCode: 'FN-D1', field: 'openOrders' })]);
      await t.sql(`UPDATE credit_account SET open_orders = open_orders - 1 WHERE dealer_id = (SELECT id FROM organization WHERE code = 'FN-D1')`);
    });
  });
});
