import { ApprovalInstanceDto, ApprovalTaskDto, ErrorCode, ReceiptDto, StockDocDto } from '@drp/shared';
import { bearer, bootTestApp, TestApp } from '../support/test-app';

type Inbox = { items: ApprovalTaskDto[]; total: number };

/**
 * Stock adjustments (盘点) and receipt reversals through approval, with the demo flows STOCK-ADJ
 * (a loss above 2,000: the warehouse's branch manager) and RECEIPT-REV (every reversal: the
 * finance staff of the dealer's branch; above 50,000 also the HQ administrators). An adjustment
 * that waits moves no stock until approved; a reversal that waits leaves the receipt in force but
 * frozen (no allocation, no second reversal). The file brings its own product (100.00), warehouse
 * and dealer in 北京分公司; sales-order flows are disabled so its orders are approved at once.
 */
describe('approval of stock adjustments and receipt reversals', () => {
  let t: TestApp;
  let admin: string;
  let mgr: string; // bj.manager 王建国
  let fin: string; // bj.finance 李娜
  let shm: string; // sh.manager
  let P: string; // 100.0000 a case
  let whId: string;
  let dealerId: string;

  const get = (path: string, token = admin) => t.http.get(path).set(bearer(token));
  const post = (path: string, body: object = {}, token = admin) => t.http.post(path).set(bearer(token)).send(body);
  const onHand = async () => {
    const [row] = await t.sql<{ on_hand: string }>('SELECT on_hand FROM stock WHERE warehouse_id = $1 AND product_id = $2', [whId, P]);
    return row.on_hand;
  };
  const movements = async (docId: string) => t.sql<{ delta: string; on_hand_after: string }>('SELECT delta, on_hand_after FROM stock_movement WHERE doc_id = $1', [docId]);
  const adjust = (qty: string, reason = '月末盘点', token = admin) => post('/api/stock-docs', { type: 'ADJUSTMENT', warehouseId: whId, reason, lines: [{ productId: P, qty }] }, token);
  const stockDoc = async (id: string) => (await get(`/api/stock-docs/${id}`).expect(200)).body as StockDocDto;
  const approvalsOf = async (docType: string, docId: string, token = admin) =>
    (await get(`/api/approvals/instances?docType=${docType}&docId=${docId}`, token).expect(200)).body as ApprovalInstanceDto[];
  const openTask = async (docType: string, docId: string) => {
    const [inst] = await approvalsOf(docType, docId);
    const open = inst.tasks.filter((x) => x.status === 'PENDING');
    expect(open).toHaveLength(1);
    return open[0];
  };
  const act = (taskId: string, verb: 'approve' | 'reject' | 'return', token: string, body: object = {}) => post(`/api/approvals/tasks/${taskId}/${verb}`, body, token);
  const inbox = async (token: string) => (await get('/api/approvals/tasks?box=todo&pageSize=200', token).expect(200)).body as Inbox;
  const receipt = async (id: string) => (await get(`/api/receipts/${id}`).expect(200)).body as ReceiptDto;
  const openAmount = async (receivableId: string) => (await t.sql<{ open_amount: string }>('SELECT open_amount FROM receivable WHERE id = $1', [receivableId]))[0].open_amount;
  /** an order of `qty` x 100.00 for the dealer, shipped: its receivable */
  const shippedReceivable = async (qty: string, dealer = dealerId) => {
    const order = (await post('/api/sales-orders', { dealerId: dealer, warehouseId: whId, lines: [{ productId: P, qty }], submit: true }).expect(201)).body;
    expect(order.status).toBe('APPROVED');
    const shipment = (await post('/api/shipments', { orderId: order.id }).expect(201)).body;
    const [r] = await t.sql<{ id: string }>('SELECT id FROM receivable WHERE shipment_id = $1', [shipment.id]);
    return r.id;
  };

  beforeAll(async () => {
    t = await bootTestApp();
    [admin, mgr, fin, shm] = await Promise.all(['admin', 'bj.manager', 'bj.finance', 'sh.manager'].map((u) => t.token(u)));
    // sales-order routing has its own tests: here orders are approved at once
    await t.sql(`UPDATE approval_flow SET status = 'DISABLED' WHERE doc_type NOT IN ('STOCK_ADJUSTMENT', 'RECEIPT_REVERSAL')`);
    const cat = (await post('/api/categories', { code: 'AD-CAT', name: '审批单据测试' }).expect(201)).body.id;
    P = (await post('/api/products', { code: 'AD-P', name: '审批单据测试商品', categoryId: cat, baseUnit: '箱', basePrice: '100.0000' }).expect(201)).body.id;
    whId = (await post('/api/warehouses', { code: 'AD-WH', name: '审批测试仓', orgId: await t.orgId('BJ') }).expect(201)).body.id;
    await post('/api/stock-docs', { type: 'INBOUND', warehouseId: whId, lines: [{ productId: P, qty: '100', unitCost: '5' }] }).expect(201);
    dealerId = (await post('/api/orgs', { code: 'AD-D1', name: '审批单据经销商', type: 'DEALER', parentId: await t.orgId('BJ'), priceLevel: 2 }).expect(201)).body.id;
    await t.http.put(`/api/credit/accounts/${dealerId}`).set(bearer(admin)).send({ limit: '0', mode: 'NONE', creditDays: 30 }).expect(200);
  });
  afterAll(() => t.close());

  describe('stock adjustments (STOCK-ADJ: a loss above 2,000 waits for the branch manager)', () => {
    it('a loss of 2,000 or a gain posts at once: POSTED, stock moved, the approval auto-approved', async () => {
      const loss = (await adjust('-20').expect(201)).body as StockDocDto;
      expect(loss).toMatchObject({ status: 'POSTED', rejectedReason: null });
      expect(await onHand()).toBe('80.000');
      expect(await movements(loss.id)).toEqual([{ delta: '-20.000', on_hand_after: '80.000' }]);
      const [inst] = await approvalsOf('STOCK_ADJUSTMENT', loss.id);
      expect(inst).toMatchObject({ status: 'APPROVED', facts: { amount: '2000.00', lossAmount: '2000.00', branchCode: 'BJ', warehouseCode: 'AD-WH' } });
      expect(inst.events.map((e) => e.action)).toEqual(expect.arrayContaining(['SUBMIT', 'STEP_SKIPPED', 'APPROVED', 'AUTO_APPROVE']));

      const gain = (await adjust('40', '盘盈').expect(201)).body as StockDocDto;
      expect(gain.status).toBe('POSTED');
      expect(await onHand()).toBe('120.000');
      expect((await approvalsOf('STOCK_ADJUSTMENT', gain.id))[0].facts).toMatchObject({ amount: '4000.00', lossAmount: '0.00' });
    });

    it('a loss above 2,000 waits with no movement; another branch cannot see the task; bj.manager approves and the stock moves then', async () => {
      const before = await onHand();
      const doc = (await adjust('-30', '破损报废').expect(201)).body as StockDocDto;
      expect(doc).toMatchObject({ status: 'PENDING_APPROVAL', number: expect.stringMatching(/^PD\d{8}-\d{4}$/) });
      expect(await onHand()).toBe(before);
      expect(await movements(doc.id)).toEqual([]);
      // the list filters by status
      const pending = (await get(`/api/stock-docs?status=PENDING_APPROVAL&warehouseId=${whId}`).expect(200)).body.items as StockDocDto[];
      expect(pending.map((d) => d.id)).toEqual([doc.id]);
      expect(((await get(`/api/stock-docs?status=POSTED&warehouseId=${whId}`).expect(200)).body.items as StockDocDto[]).map((d) => d.id)).not.toContain(doc.id);
      expect((await get('/api/stock-docs?status=DONE').expect(400)).body.code).toBe(ErrorCode.VALIDATION_FAILED);

      const task = (await inbox(mgr)).items.find((x) => x.docId === doc.id)!;
      expect(task).toMatchObject({ docType: 'STOCK_ADJUSTMENT', docNumber: doc.number, stepName: '盘亏审批', docSummary: '审批测试仓 盘点 1 行 ¥3,000.00', status: 'PENDING' });
      expect(task.summary).toEqual({ party: '审批测试仓', amount: '3000.00', lines: 1 });
      // 上海's manager: neither the task nor the approval exists for him
      expect((await act(task.id, 'approve', shm).expect(404)).body.code).toBe(ErrorCode.NOT_FOUND);
      await get(`/api/approvals/instances/${task.instanceId}`, shm).expect(404);
      expect(await approvalsOf('STOCK_ADJUSTMENT', doc.id, shm)).toEqual([]);
      expect((await stockDoc(doc.id)).status).toBe('PENDING_APPROVAL');

      await act(task.id, 'approve', mgr, { comment: '核实无误' }).expect(200);
      expect(await stockDoc(doc.id)).toMatchObject({ status: 'POSTED', rejectedReason: null });
      expect(await onHand()).toBe(String((Number(before) - 30).toFixed(3)));
      expect(await movements(doc.id)).toEqual([{ delta: '-30.000', on_hand_after: (Number(before) - 30).toFixed(3) }]);
      const [inst] = await approvalsOf('STOCK_ADJUSTMENT', doc.id);
      expect(inst.status).toBe('APPROVED');
      expect(inst.events.map((e) => e.action)).toEqual(['SUBMIT', 'STEP_OPEN', 'APPROVE', 'APPROVED']);
      expect(inst.events.find((e) => e.action === 'APPROVE')).toMatchObject({ actorName: '王建国', note: '核实无误' });
      expect(await t.sql(`SELECT 1 FROM audit_log WHERE entity = 'stock_doc' AND entity_id = $1 AND action = 'post'`, [doc.id])).toHaveLength(1);
    });

    it('rejected: REJECTED with the reason, stock unchanged, no movement; a withdrawn one ends REJECTED too', async () => {
      const before = await onHand();
      const doc = (await adjust('-25').expect(201)).body as StockDocDto;
      const task = await openTask('STOCK_ADJUSTMENT', doc.id);
      expect((await act(task.id, 'reject', mgr, {}).expect(400)).body.code).toBe(ErrorCode.APPROVAL_REASON_REQUIRED);
      expect((await stockDoc(doc.id)).status).toBe('PENDING_APPROVAL');
      await act(task.id, 'reject', mgr, { reason: '数量有误，请复盘' }).expect(200);
      expect(await stockDoc(doc.id)).toMatchObject({ status: 'REJECTED', rejectedReason: '数量有误，请复盘' });
      expect(await onHand()).toBe(before);
      expect(await movements(doc.id)).toEqual([]);
      // decided: a second decision is refused
      expect((await act(task.id, 'approve', mgr).expect(409)).body.code).toBe(ErrorCode.APPROVAL_TASK_NOT_OPEN);

      const other = (await adjust('-21').expect(201)).body as StockDocDto;
      const [inst] = await approvalsOf('STOCK_ADJUSTMENT', other.id);
      await post(`/api/approvals/instances/${inst.id}/withdraw`).expect(200);
      expect(await stockDoc(other.id)).toMatchObject({ status: 'REJECTED', rejectedReason: '提交人已撤回' });
      expect(await onHand()).toBe(before);
      expect(await movements(other.id)).toEqual([]);
    });

    it('approving when the stock has meanwhile gone too low: 409 INSUFFICIENT_STOCK, nothing changes, the task stays open', async () => {
      const start = Number(await onHand());
      const doc = (await adjust('-30').expect(201)).body as StockDocDto;
      const task = await openTask('STOCK_ADJUSTMENT', doc.id);
      // losses of 2,000 each post at once until fewer than 30 cases are left
      let left = start;
      while (left >= 30) {
        await adjust('-20').expect(201);
        left -= 20;
      }
      expect(Number(await onHand())).toBe(left);
      const res = await act(task.id, 'approve', mgr).expect(409);
      expect(res.body).toMatchObject({ code: ErrorCode.INSUFFICIENT_STOCK, details: { productCode: 'AD-P', warehouseCode: 'AD-WH', requested: '30.000' } });
      expect(Number(await onHand())).toBe(left);
      expect(await movements(doc.id)).toEqual([]);
      expect((await stockDoc(doc.id)).status).toBe('PENDING_APPROVAL');
      const [inst] = await approvalsOf('STOCK_ADJUSTMENT', doc.id);
      expect(inst.status).toBe('PENDING');
      expect(inst.tasks.find((x) => x.id === task.id)!.status).toBe('PENDING');
      expect(inst.events.map((e) => e.action)).not.toContain('APPROVE');
      // stock back: the same task approves
      await post('/api/stock-docs', { type: 'INBOUND', warehouseId: whId, lines: [{ productId: P, qty: '50', unitCost: '5' }] }).expect(201);
      await act(task.id, 'approve', mgr).expect(200);
      expect((await stockDoc(doc.id)).status).toBe('POSTED');
      expect(Number(await onHand())).toBe(left + 50 - 30);
    });

    it('inbound and transfer documents never wait', async () => {
      const big = (await post('/api/stock-docs', { type: 'INBOUND', warehouseId: whId, lines: [{ productId: P, qty: '500', unitCost: '5' }] }).expect(201)).body as StockDocDto;
      expect(big.status).toBe('POSTED');
      expect(await approvalsOf('STOCK_ADJUSTMENT', big.id)).toEqual([]);
      const to = (await post('/api/warehouses', { code: 'AD-WH2', name: '审批测试二仓', orgId: await t.orgId('BJ') }).expect(201)).body.id;
      const move = (await post('/api/stock-docs', { type: 'TRANSFER', warehouseId: whId, toWarehouseId: to, lines: [{ productId: P, qty: '100' }] }).expect(201)).body as StockDocDto;
      expect(move.status).toBe('POSTED');
      expect(await movements(move.id)).toHaveLength(2);
      expect(await approvalsOf('STOCK_ADJUSTMENT', move.id)).toEqual([]);
    });
  });

  describe('receipt reversals (RECEIPT-REV: finance of the dealer branch, above 50,000 also HQ)', () => {
    it('the reversal waits: the receipt stays ACTIVE and in force; allocate and a second reversal answer 409 APPROVAL_PENDING; finance approves and it is reversed', async () => {
      const rv = await shippedReceivable('3'); // 300.00
      const rc = (await post('/api/receipts', { dealerId, amount: '500', method: 'BANK_TRANSFER' }).expect(201)).body as ReceiptDto;
      expect(rc).toMatchObject({ allocated: '300.00', unallocated: '200.00', reversalStatus: null });
      expect(await openAmount(rv)).toBe('0.00');

      const asked = (await post(`/api/receipts/${rc.id}/reverse`, { reason: '银行退票' }).expect(200)).body as ReceiptDto;
      expect(asked).toMatchObject({ status: 'ACTIVE', reversalStatus: 'PENDING_APPROVAL', reversalReason: '银行退票', reversalRequestedByName: '系统管理员', reversedAt: null, allocated: '300.00', unallocated: '200.00' });
      expect(asked.reversalRequestedAt).not.toBeNull();
      expect(await openAmount(rv)).toBe('0.00');
      const [inst] = await approvalsOf('RECEIPT_REVERSAL', rc.id);
      expect(inst).toMatchObject({ status: 'PENDING', facts: { amount: '500.00', allocatedAmount: '300.00', ageDays: '0', dealerLevel: 2, branchCode: 'BJ' } });

      const version = (await t.sql<{ version: number }>('SELECT version FROM receipt WHERE id = $1', [rc.id]))[0].version;
      expect((await post(`/api/receipts/${rc.id}/allocate`, {}).expect(409)).body.code).toBe(ErrorCode.APPROVAL_PENDING);
      expect((await post(`/api/receipts/${rc.id}/reverse`, { reason: '再冲' }).expect(409)).body.code).toBe(ErrorCode.APPROVAL_PENDING);
      expect((await t.sql<{ version: number }>('SELECT version FROM receipt WHERE id = $1', [rc.id]))[0].version).toBe(version);
      expect(await approvalsOf('RECEIPT_REVERSAL', rc.id)).toHaveLength(1);

      // another branch's manager: 404
      const task = await openTask('RECEIPT_REVERSAL', rc.id);
      expect(task).toMatchObject({ stepName: '财务审批', approverName: '李娜' });
      await act(task.id, 'approve', shm).expect(404);
      expect((await inbox(fin)).items.find((x) => x.id === task.id)).toMatchObject({ docSummary: '审批单据经销商 冲销 ¥500.00', summary: { party: '审批单据经销商', amount: '500.00' } });

      await act(task.id, 'approve', fin).expect(200);
      const done = await receipt(rc.id);
      expect(done).toMatchObject({ status: 'REVERSED', reversalStatus: null, reversalReason: '银行退票', reversedByName: '李娜', reversalRequestedByName: '系统管理员', allocated: '0.00', unallocated: '0.00' });
      expect(done.allocations.every((a) => a.reversed)).toBe(true);
      expect(await openAmount(rv)).toBe('300.00');
      const [after] = await approvalsOf('RECEIPT_REVERSAL', rc.id);
      expect(after.status).toBe('APPROVED');
      expect(after.events.map((e) => e.action)).toEqual(['SUBMIT', 'STEP_OPEN', 'APPROVE', 'STEP_SKIPPED', 'APPROVED']);
      expect(await t.sql(`SELECT 1 FROM audit_log WHERE entity = 'receipt' AND entity_id = $1 AND action IN ('request-reversal', 'reverse')`, [rc.id])).toHaveLength(2);
    });

    it('rejected: the receipt stays ACTIVE with reversal REJECTED, allocatable again; a new reversal may be asked for', async () => {
      const rc = (await post('/api/receipts', { dealerId, amount: '120', method: 'CASH' }).expect(201)).body as ReceiptDto;
      await post(`/api/receipts/${rc.id}/reverse`, { reason: '录错金额' }).expect(200);
      const task = await openTask('RECEIPT_REVERSAL', rc.id);
      await act(task.id, 'reject', fin, { reason: '款项已到账，不能冲销' }).expect(200);
      const kept = await receipt(rc.id);
      expect(kept).toMatchObject({ status: 'ACTIVE', reversalStatus: 'REJECTED', reversedAt: null, amount: '120.00' });
      const [row] = await t.sql<{ status: string; reversal_date: string | null }>('SELECT status, reversal_date FROM receipt WHERE id = $1', [rc.id]);
      expect(row).toEqual({ status: 'ACTIVE', reversal_date: null });
      await post(`/api/receipts/${rc.id}/allocate`, {}).expect(200);

      // asked again: a second approval, which is withdrawn: REJECTED again
      expect((await post(`/api/receipts/${rc.id}/reverse`, { reason: '再次申请' }).expect(200)).body.reversalStatus).toBe('PENDING_APPROVAL');
      const all = await approvalsOf('RECEIPT_REVERSAL', rc.id);
      expect(all.map((i) => i.status)).toEqual(['PENDING', 'REJECTED']);
      await post(`/api/approvals/instances/${all[0].id}/withdraw`).expect(200);
      expect((await receipt(rc.id)).reversalStatus).toBe('REJECTED');
    });

    it('while its reversal waits a receipt pays nothing; rejected, its money settles what opened meanwhile', async () => {
      const d2 = (await post('/api/orgs', { code: 'AD-D2', name: '审批单据经销商二', type: 'DEALER', parentId: await t.orgId('BJ'), priceLevel: 2 }).expect(201)).body.id;
      await t.http.put(`/api/credit/accounts/${d2}`).set(bearer(admin)).send({ limit: '0', mode: 'NONE', creditDays: 30 }).expect(200);
      const rc = (await post('/api/receipts', { dealerId: d2, amount: '250', method: 'CASH' }).expect(201)).body as ReceiptDto;
      expect(rc).toMatchObject({ allocated: '0.00', unallocated: '250.00' });
      await post(`/api/receipts/${rc.id}/reverse`, { reason: '疑似重复登记' }).expect(200);

      const rv = await shippedReceivable('2', d2); // 200.00, shipped while the reversal waits
      expect(await openAmount(rv)).toBe('200.00');
      expect(await receipt(rc.id)).toMatchObject({ reversalStatus: 'PENDING_APPROVAL', allocated: '0.00', unallocated: '250.00' });
      expect(await t.sql('SELECT 1 FROM allocation WHERE receipt_id = $1', [rc.id])).toHaveLength(0);

      await act((await openTask('RECEIPT_REVERSAL', rc.id)).id, 'reject', fin, { reason: '核实不是重复登记' }).expect(200);
      expect(await receipt(rc.id)).toMatchObject({ status: 'ACTIVE', reversalStatus: 'REJECTED', allocated: '200.00', unallocated: '50.00' });
      expect(await openAmount(rv)).toBe('0.00');
    });

    it('above 50,000: finance, then the HQ administrators', async () => {
      const rc = (await post('/api/receipts', { dealerId, amount: '60000', method: 'BANK_TRANSFER' }).expect(201)).body as ReceiptDto;
      await post(`/api/receipts/${rc.id}/reverse`, { reason: '重复登记' }).expect(200);
      await act((await openTask('RECEIPT_REVERSAL', rc.id)).id, 'approve', fin).expect(200);
      expect((await receipt(rc.id)).reversalStatus).toBe('PENDING_APPROVAL');
      const hq = await openTask('RECEIPT_REVERSAL', rc.id);
      expect(hq).toMatchObject({ stepName: '总部审批', approverName: '系统管理员' });
      await act(hq.id, 'approve', admin).expect(200);
      expect(await receipt(rc.id)).toMatchObject({ status: 'REVERSED', reversalStatus: null, reversedByName: '系统管理员' });
    });

    it('no flow applies: reversed at once, as before', async () => {
      await t.sql(`UPDATE approval_flow SET status = 'DISABLED' WHERE doc_type = 'RECEIPT_REVERSAL'`);
      try {
        const rc = (await post('/api/receipts', { dealerId, amount: '80', method: 'CASH' }).expect(201)).body as ReceiptDto;
        const res = (await post(`/api/receipts/${rc.id}/reverse`, { reason: '测试' }).expect(200)).body as ReceiptDto;
        expect(res).toMatchObject({ status: 'REVERSED', reversalStatus: null, reversalReason: '测试', reversedByName: '系统管理员' });
        expect((await approvalsOf('RECEIPT_REVERSAL', rc.id))[0].status).toBe('APPROVED');
        expect((await post(`/api/receipts/${rc.id}/reverse`, { reason: '再冲' }).expect(409)).body.code).toBe(ErrorCode.INVALID_STATE);
      } finally {
        await t.sql(`UPDATE approval_flow SET status = 'ACTIVE' WHERE doc_type = 'RECEIPT_REVERSAL'`);
      }
    });
  });
});
