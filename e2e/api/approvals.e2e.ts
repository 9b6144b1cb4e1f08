import request from 'supertest';
import { ApprovalFlowDto, ApprovalInstanceDto, ApprovalTaskDto, ErrorCode, LoginWarningsDto, NotificationDto } from '@drp/shared';
import { ApprovalService } from '../../server/src/modules/approval/approval.service';
import { NotificationChannel, NotificationService } from '../../server/src/modules/notifications/notification.service';
import { RequestContext } from '../../server/src/common/context/request-context';
import { businessDate } from '../../server/src/database/business-date';
import { bearer, bootTestApp, TestApp } from '../support/test-app';

interface Order {
  id: string;
  number: string;
  status: string;
  dealerId: string;
  total: string;
  version: number;
  belowFloor: boolean;
  approvedAt: string | null;
  lines: { id: string; productId: string; qty: string; unitPrice: string; belowFloor: boolean }[];
  events: { action: string; fromStatus: string | null; toStatus: string; note: string | null; actorName: string | null }[];
}
type Inbox = { items: ApprovalTaskDto[]; total: number; counts: { todo: number; done: number; submitted: number } };
type Bell = { items: NotificationDto[]; total: number; unread: number };

const ZERO_UUID = '00000000-0000-4000-8000-000000000000';

/**
 * The approval workflow end to end: routing of sales orders through the demo flow SO-STANDARD
 * (> 5,000 the branch manager, > 10,000 also hq.vp), the order's own approvals of a price below the
 * floor (PRICE-FLOOR) and of a credit override (CREDIT-OVERRIDE),
 * decisions (approve, reject, return, withdraw), concurrency, flow versions, edits / copies /
 * cancels of orders under approval, missing approvers, delegation, escalation, bad flow input,
 * the inbox, notifications, sign-in warnings and the audit trail. The file brings its own
 * category, product (100.00 a case, no level prices), warehouse and dealers (credit mode NONE),
 * so amounts are exact; apart from one look at the demo's waiting orders nothing depends on demo data.
 */
describe('approvals: routing, decisions, flows, inbox, notifications, warnings', () => {
  let t: TestApp;
  let admin: string;
  let mgr: string; // bj.manager 王建国
  let vp: string; // hq.vp 刘副总
  let rep: string; // bj.sales 张伟
  let fin: string; // bj.finance 李娜
  let shm: string; // sh.manager
  const uid: Record<string, string> = {};
  let catId: string;
  let whId: string;
  let P: string; // 100.0000, no floor
  let F: string; // 100.0000, floor 80.0000
  let so: ApprovalFlowDto; // the demo flow SO-STANDARD as seeded
  let seq = 0;

  const get = (path: string, token = admin) => t.http.get(path).set(bearer(token));
  const post = (path: string, body: object = {}, token = admin) => t.http.post(path).set(bearer(token)).send(body);
  const put = (path: string, body: object, token = admin) => t.http.put(path).set(bearer(token)).send(body);

  const setCreditNone = (dealerId: string) => put(`/api/credit/accounts/${dealerId}`, { limit: '0', mode: 'NONE', creditDays: 0 }).expect(200);
  const newOrg = async (code: string, name: string, type: 'BRANCH' | 'DEALER', parent: string) =>
    (await post('/api/orgs', { code, name, type, parentId: await t.orgId(parent), ...(type === 'DEALER' ? { priceLevel: 3 } : {}) }).expect(201)).body.id as string;
  /** a fresh Beijing (or other) dealer with credit mode NONE */
  const newDealer = async (parent = 'BJ') => {
    const n = ++seq;
    const id = await newOrg(`AP-D${n}`, `审批测试经销商${n}`, 'DEALER', parent);
    await setCreditNone(id);
    return id;
  };
  /** an order of `qty` cases of P (100.00 each), submitted at once */
  const submitted = async (dealerId: string, qty: string, token = admin, extra: object = {}) =>
    (await post('/api/sales-orders', { dealerId, warehouseId: whId, lines: [{ productId: P, qty }], submit: true, ...extra }, token).expect(201)).body as Order;
  const order = async (id: string) => (await get(`/api/sales-orders/${id}`).expect(200)).body as Order;
  const instances = async (orderId: string, token = admin) =>
    (await get(`/api/approvals/instances?docType=SALES_ORDER&docId=${orderId}`, token).expect(200)).body as ApprovalInstanceDto[];
  const latest = async (orderId: string) => (await instances(orderId))[0];
  /** every approval of the order, of whatever type */
  const everyApproval = async (orderId: string, token = admin) => (await get(`/api/approvals/instances?docId=${orderId}`, token).expect(200)).body as ApprovalInstanceDto[];
  const openTasks = async (orderId: string) => (await latest(orderId)).tasks.filter((x) => x.status === 'PENDING');
  /** the one open task of an order's approval */
  const theTask = async (orderId: string) => {
    const open = await openTasks(orderId);
    expect(open).toHaveLength(1);
    return open[0];
  };
  const act = (taskId: string, verb: 'approve' | 'reject' | 'return', token: string, body: object = {}) => post(`/api/approvals/tasks/${taskId}/${verb}`, body, token);
  const inbox = async (token: string, box: 'todo' | 'done' | 'submitted' = 'todo') => (await get(`/api/approvals/tasks?box=${box}&pageSize=200`, token).expect(200)).body as Inbox;
  const bell = async (token: string, unread = false) => (await get(`/api/notifications?pageSize=200${unread ? '&unread=true' : ''}`, token).expect(200)).body as Bell;
  const account = async (dealerId: string) => (await get(`/api/credit/accounts/${dealerId}`).expect(200)).body as { openOrders: string };
  const reserved = async (productId = P) => {
    const [row] = await t.sql<{ reserved: string }>('SELECT reserved FROM stock WHERE warehouse_id = $1 AND product_id = $2', [whId, productId]);
    return Number(row?.reserved ?? 0);
  };
  const actions = (i: ApprovalInstanceDto) => i.events.map((e) => e.action);
  const lastEvent = (o: Order) => o.events[o.events.length - 1];
  const flowInput = (f: ApprovalFlowDto) => ({ code: f.code, name: f.name, docType: f.docType, orgId: f.orgId, onMissingApprover: f.onMissingApprover, steps: f.steps });
  const amountOver = (n: string) => ({ op: 'all', items: [{ fact: 'amount', operator: 'gt', value: n }] });
  const serverUrl = async () => {
    if (!t.app.getHttpServer().listening) await t.app.listen(0, '127.0.0.1');
    return t.app.getUrl();
  };
  const flowRows = async () => (await t.sql<{ n: number; v: number }>('SELECT (SELECT count(*)::int FROM approval_flow) AS n, (SELECT count(*)::int FROM approval_flow_version) AS v'))[0];

  beforeAll(async () => {
    t = await bootTestApp();
    [admin, mgr, vp, rep, fin, shm] = await Promise.all(['admin', 'bj.manager', 'hq.vp', 'bj.sales', 'bj.finance', 'sh.manager'].map((u) => t.token(u)));
    for (const u of ['admin', 'bj.manager', 'hq.vp', 'bj.sales', 'bj.finance', 'sh.manager']) uid[u] = await t.userId(u);
    catId = (await post('/api/categories', { code: 'AP-CAT', name: '审批测试' }).expect(201)).body.id;
    P = (await post('/api/products', { code: 'AP-P', name: '审批测试商品', categoryId: catId, baseUnit: '箱', basePrice: '100.0000' }).expect(201)).body.id;
    F = (await post('/api/products', { code: 'AP-F', name: '审批底价商品', categoryId: catId, baseUnit: '箱', basePrice: '100.0000', floorPrice: '80.0000' }).expect(201)).body.id;
    whId = (await post('/api/warehouses', { code: 'AP-WH', name: '审批测试仓', orgId: await t.orgId('BJ') }).expect(201)).body.id;
    for (const p of [P, F]) await post('/api/stock-docs', { type: 'INBOUND', warehouseId: whId, lines: [{ productId: p, qty: '100000', unitCost: '5' }] }).expect(201);
    // bj.sales's dealers order through approval in some tests: credit never interferes
    await setCreditNone(await t.orgId('D-BJ002'));
    const flows = (await get('/api/approvals/flows?q=SO-STANDARD').expect(200)).body.items as ApprovalFlowDto[];
    so = flows.find((f) => f.code === 'SO-STANDARD')!;
    expect(so).toMatchObject({ status: 'ACTIVE', version: 1, docType: 'SALES_ORDER', orgId: await t.orgId('HQ'), onMissingApprover: 'ESCALATE_HQ_ADMIN' });
    expect(so.steps.map((s) => s.name)).toEqual(['分支机构经理审批', '总部副总审批']);
  });
  afterAll(() => t.close());

  describe('routing through SO-STANDARD', () => {
    it('the demo: bj.manager has the ~7,000 order of 北京京客隆超市 waiting; hq.vp the ~12,000 one bj.manager already approved', async () => {
      const m = (await inbox(mgr)).items.filter((x) => x.docSummary.includes('北京京客隆超市'));
      expect(m.length).toBeGreaterThanOrEqual(1);
      const mine = m[0];
      expect(mine).toMatchObject({ stepName: '分支机构经理审批', submittedByName: '张伟', status: 'PENDING' });
      expect((await order(mine.docId)).number).toBe(mine.docNumber);
      const v = (await inbox(vp)).items.filter((x) => x.docSummary.includes('北京京客隆超市'));
      expect(v.length).toBeGreaterThanOrEqual(1);
      const inst = (await get(`/api/approvals/instances/${v[0].instanceId}`).expect(200)).body as ApprovalInstanceDto;
      expect(inst).toMatchObject({ status: 'PENDING', currentStep: 1, flowVersion: 1 });
      expect(Number(inst.facts.amount)).toBeGreaterThan(10000);
      expect(inst.events.find((e) => e.action === 'APPROVE')).toMatchObject({ stepIndex: 0, actorName: '王建国' });
      expect((await order(v[0].docId)).status).toBe('PENDING_APPROVAL');
    });

    it('3,000 matches no step: APPROVED at once, the approval APPROVED with AUTO_APPROVE, stock reserved', async () => {
      const d = await newDealer();
      const r0 = await reserved();
      const o = await submitted(d, '30');
      expect(o).toMatchObject({ total: '3000.00', status: 'APPROVED' });
      expect(o.approvedAt).not.toBeNull();
      expect(await reserved()).toBe(r0 + 30);
      const all = await instances(o.id);
      expect(all).toHaveLength(1);
      const inst = all[0];
      expect(inst).toMatchObject({ docType: 'SALES_ORDER', docId: o.id, docNumber: o.number, flowId: so.id, flowVersion: 1, status: 'APPROVED', currentStep: null, submittedByName: '系统管理员', tasks: [] });
      expect(inst.facts).toMatchObject({ belowFloor: false, branchCode: 'BJ' });
      expect(Number(inst.facts.amount)).toBe(3000);
      expect(inst.routing.map((r) => [r.stepIndex, r.holds, r.matched])).toEqual([[0, false, []], [1, false, []]]);
      expect(actions(inst)).toEqual(['SUBMIT', 'STEP_SKIPPED', 'STEP_SKIPPED', 'APPROVED', 'AUTO_APPROVE']);
      expect(o.events.map((e) => [e.action, e.fromStatus, e.toStatus])).toEqual([
        ['CREATE', null, 'DRAFT'],
        ['SUBMIT', 'DRAFT', 'PENDING_APPROVAL'],
        ['APPROVE', 'PENDING_APPROVAL', 'APPROVED'],
      ]);
    });

    it('7,000 waits for bj.manager (one task); approving makes the order APPROVED and reserves the stock', async () => {
      const d = await newDealer();
      const r0 = await reserved();
      const o = await submitted(d, '70');
      expect(o).toMatchObject({ total: '7000.00', status: 'PENDING_APPROVAL', approvedAt: null });
      expect(await reserved()).toBe(r0);
      const inst = await latest(o.id);
      expect(inst).toMatchObject({ status: 'PENDING', currentStep: 0, flowId: so.id, flowVersion: 1, flowName: so.name });
      expect(inst.routing.map((r) => [r.stepIndex, r.stepName, r.holds, r.matched])).toEqual([
        [0, '分支机构经理审批', true, ['amount gt 5000']],
        [1, '总部副总审批', false, []],
      ]);
      expect(inst.tasks).toHaveLength(1);
      const task = inst.tasks[0];
      expect(task).toMatchObject({ status: 'PENDING', stepIndex: 0, stepName: '分支机构经理审批', approverId: uid['bj.manager'], approverName: '王建国', delegatedFromName: null, docNumber: o.number, docId: o.id });
      expect(task.docSummary).toContain('审批测试经销商');
      // 24 hours to decide
      const dueIn = new Date(task.dueAt!).getTime() - Date.now();
      expect(dueIn).toBeGreaterThan(23 * 3600e3);
      expect(dueIn).toBeLessThanOrEqual(24 * 3600e3);
      expect((await inbox(mgr)).items.map((x) => x.id)).toContain(task.id);

      const res = (await act(task.id, 'approve', mgr, { comment: '同意' }).expect(200)).body as ApprovalInstanceDto;
      expect(res).toMatchObject({ id: inst.id, status: 'APPROVED', currentStep: null });
      expect(res.tasks[0]).toMatchObject({ id: task.id, status: 'APPROVED', comment: '同意' });
      expect(res.tasks[0].actedAt).not.toBeNull();
      expect(actions(res)).toEqual(['SUBMIT', 'STEP_OPEN', 'APPROVE', 'STEP_SKIPPED', 'APPROVED']);
      expect(res.events.find((e) => e.action === 'STEP_OPEN')).toMatchObject({ stepIndex: 0, note: 'amount gt 5000' });
      expect(res.events.find((e) => e.action === 'APPROVE')).toMatchObject({ stepIndex: 0, actorName: '王建国', note: '同意' });
      const after = await order(o.id);
      expect(after.status).toBe('APPROVED');
      expect(after.approvedAt).not.toBeNull();
      expect(lastEvent(after)).toMatchObject({ action: 'APPROVE', fromStatus: 'PENDING_APPROVAL', toStatus: 'APPROVED', actorName: '王建国' });
      expect(await reserved()).toBe(r0 + 70);
      // the decision is audited
      const audit = (await get(`/api/audit-logs?entity=approval&entityId=${inst.id}`).expect(200)).body;
      expect(audit.items.map((a: { action: string }) => a.action)).toEqual(['approve']);
      expect(audit.items[0]).toMatchObject({ actorName: '王建国', orgId: d });
    });

    it('12,000 goes to bj.manager, then to hq.vp; only the VP\'s approval approves the order', async () => {
      const d = await newDealer();
      const r0 = await reserved();
      const o = await submitted(d, '120');
      expect(o).toMatchObject({ total: '12000.00', status: 'PENDING_APPROVAL' });
      const inst = await latest(o.id);
      expect(inst.routing.map((r) => [r.holds, r.matched])).toEqual([[true, ['amount gt 5000']], [true, ['amount gt 10000']]]);
      const t1 = await theTask(o.id);
      expect(t1).toMatchObject({ approverName: '王建国', stepIndex: 0 });
      // hq.vp is not asked yet
      expect((await inbox(vp)).items.map((x) => x.docId)).not.toContain(o.id);

      const mid = (await act(t1.id, 'approve', mgr).expect(200)).body as ApprovalInstanceDto;
      expect(mid).toMatchObject({ status: 'PENDING', currentStep: 1 });
      expect((await order(o.id)).status).toBe('PENDING_APPROVAL');
      expect(await reserved()).toBe(r0);
      const t2 = await theTask(o.id);
      expect(t2).toMatchObject({ stepIndex: 1, stepName: '总部副总审批', approverId: uid['hq.vp'], approverName: '刘副总' });
      expect((await inbox(vp)).items.map((x) => x.id)).toContain(t2.id);
      expect((await inbox(mgr)).items.map((x) => x.docId)).not.toContain(o.id);

      const done = (await act(t2.id, 'approve', vp).expect(200)).body as ApprovalInstanceDto;
      expect(done).toMatchObject({ status: 'APPROVED', currentStep: null });
      expect(actions(done)).toEqual(['SUBMIT', 'STEP_OPEN', 'APPROVE', 'STEP_OPEN', 'APPROVE', 'APPROVED']);
      expect(done.tasks.map((x) => [x.stepIndex, x.approverName, x.status])).toEqual([[0, '王建国', 'APPROVED'], [1, '刘副总', 'APPROVED']]);
      expect((await order(o.id)).status).toBe('APPROVED');
      expect(await reserved()).toBe(r0 + 120);
    });

    it('a manual price below the floor is approved on its own (PRICE-FLOOR, the branch manager) besides the order, even for a small amount', async () => {
      const d = await newDealer();
      const cheap = (await post('/api/sales-orders', { dealerId: d, warehouseId: whId, lines: [{ productId: F, qty: '10', unitPrice: '50.0000' }], submit: true }).expect(201)).body as Order;
      expect(cheap).toMatchObject({ total: '500.00', belowFloor: true, status: 'PENDING_APPROVAL' });
      const all = await everyApproval(cheap.id);
      expect(all.map((i) => [i.docType, i.status]).sort()).toEqual([['BELOW_FLOOR_PRICE', 'PENDING'], ['SALES_ORDER', 'APPROVED']]);
      const floor = all.find((i) => i.docType === 'BELOW_FLOOR_PRICE')!;
      // (80 - 50) x 10 below the floor
      expect(floor).toMatchObject({ flowName: '低于底价审批', flowVersion: 1, currentStep: 0, docNumber: cheap.number });
      expect(floor.facts).toMatchObject({ amount: '500.00', belowFloorGap: '300.00', branchCode: 'BJ' });
      expect(floor.routing.map((r) => [r.holds, r.matched])).toEqual([[true, []], [false, []]]);
      expect(all.find((i) => i.docType === 'SALES_ORDER')!.facts.belowFloor).toBe(true);
      const [task] = floor.tasks;
      expect(task).toMatchObject({ docType: 'BELOW_FLOOR_PRICE', stepIndex: 0, stepName: '分支机构经理审批', approverName: '王建国', status: 'PENDING' });
      expect(task.docSummary).toContain('低于底价 ¥300.00');
      // the values behind it, which the web words in the reader's language
      expect(task.summary).toEqual({ party: task.docSummary.split(' ')[0], amount: '300.00' });
      expect((await inbox(mgr)).items.map((x) => x.id)).toContain(task.id);
      const res = (await act(task.id, 'approve', mgr).expect(200)).body as ApprovalInstanceDto;
      expect(res.status).toBe('APPROVED');
      expect(actions(res)).toEqual(['SUBMIT', 'STEP_OPEN', 'APPROVE', 'STEP_SKIPPED', 'APPROVED']);
      expect((await order(cheap.id)).status).toBe('APPROVED');
      // the same product at or above its floor is approved at once, with only the order's own approval
      const fair = (await post('/api/sales-orders', { dealerId: d, warehouseId: whId, lines: [{ productId: F, qty: '10', unitPrice: '80.0000' }], submit: true }).expect(201)).body as Order;
      expect(fair).toMatchObject({ total: '800.00', belowFloor: false, status: 'APPROVED' });
      expect((await everyApproval(fair.id)).map((i) => i.docType)).toEqual(['SALES_ORDER']);
    });

    it('an order over 5,000 below the floor waits for both approvals: approved only when the last one is; rejecting one rejects the order and closes the other', async () => {
      const d = await newDealer();
      // 100 cases at 60 (floor 80): 6,000, 2,000 below the floor
      const o = (await post('/api/sales-orders', { dealerId: d, warehouseId: whId, lines: [{ productId: F, qty: '100', unitPrice: '60.0000' }], submit: true }).expect(201)).body as Order;
      expect(o).toMatchObject({ total: '6000.00', status: 'PENDING_APPROVAL' });
      const open = async () => (await everyApproval(o.id)).filter((i) => i.status === 'PENDING');
      expect((await open()).map((i) => i.docType).sort()).toEqual(['BELOW_FLOOR_PRICE', 'SALES_ORDER']);
      const floorTask = (await open()).find((i) => i.docType === 'BELOW_FLOOR_PRICE')!.tasks[0];
      await act(floorTask.id, 'approve', mgr).expect(200);
      // the order's own approval still waits
      expect((await order(o.id)).status).toBe('PENDING_APPROVAL');
      const soTask = (await open()).find((i) => i.docType === 'SALES_ORDER')!.tasks[0];
      await act(soTask.id, 'approve', mgr).expect(200);
      expect((await order(o.id)).status).toBe('APPROVED');

      // a second one: rejecting the price rejects the order and closes its own approval
      const o2 = (await post('/api/sales-orders', { dealerId: d, warehouseId: whId, lines: [{ productId: F, qty: '100', unitPrice: '60.0000' }], submit: true }).expect(201)).body as Order;
      const pending = (await everyApproval(o2.id)).filter((i) => i.status === 'PENDING');
      const floor2 = pending.find((i) => i.docType === 'BELOW_FLOOR_PRICE')!;
      await act(floor2.tasks[0].id, 'reject', mgr, { reason: '价格太低' }).expect(200);
      const after = await order(o2.id);
      expect(after.status).toBe('REJECTED');
      // only the first (approved) order still counts against credit
      expect((await account(d)).openOrders).toBe('6000.00');
      const settled = await everyApproval(o2.id);
      expect(settled.map((i) => [i.docType, i.status]).sort()).toEqual([['BELOW_FLOOR_PRICE', 'REJECTED'], ['SALES_ORDER', 'WITHDRAWN']]);
      // the closed approval's task left the manager's inbox
      expect((await inbox(mgr)).items.map((x) => x.docId)).not.toContain(o2.id);
    });

    it('a credit override is approved on its own (CREDIT-OVERRIDE): the order waits for the branch manager, and its facts carry the excess', async () => {
      const d = await newDealer();
      await put(`/api/credit/accounts/${d}`, { limit: '1000', mode: 'BLOCK', creditDays: 30 }).expect(200);
      // 3,000 against a limit of 1,000: refused without an override
      expect((await post('/api/sales-orders', { dealerId: d, warehouseId: whId, lines: [{ productId: P, qty: '30' }], submit: true }).expect(422)).body.code).toBe(ErrorCode.CREDIT_LIMIT_EXCEEDED);
      const o = (await post('/api/sales-orders', { dealerId: d, warehouseId: whId, lines: [{ productId: P, qty: '30' }] }).expect(201)).body as Order;
      const sub = (await post(`/api/sales-orders/${o.id}/submit`, { overrideCredit: true, overrideReason: '老客户，月底回款' }).expect(200)).body as Order;
      expect(sub.status).toBe('PENDING_APPROVAL');
      const all = await everyApproval(o.id);
      expect(all.map((i) => [i.docType, i.status]).sort()).toEqual([['CREDIT_OVERRIDE', 'PENDING'], ['SALES_ORDER', 'APPROVED']]);
      const cr = all.find((i) => i.docType === 'CREDIT_OVERRIDE')!;
      expect(cr).toMatchObject({ flowName: '信用超额放行审批', currentStep: 0 });
      expect(cr.facts).toMatchObject({ amount: '3000.00', excess: '2000.00', overdue: false });
      expect(cr.tasks[0]).toMatchObject({ approverName: '王建国', docType: 'CREDIT_OVERRIDE' });
      // the other branch's manager cannot see it
      await act(cr.tasks[0].id, 'approve', shm).expect(404);
      await act(cr.tasks[0].id, 'approve', mgr).expect(200);
      expect((await order(o.id)).status).toBe('APPROVED');
    });
  });

  describe('decisions', () => {
    it('a rejection needs a reason (nothing changes without one); rejected, the order releases its credit and can be edited and resubmitted', async () => {
      const d = await newDealer();
      const o = await submitted(d, '70');
      expect((await account(d)).openOrders).toBe('7000.00');
      const task = await theTask(o.id);
      for (const body of [{}, { reason: '' }, { reason: '   ' }]) {
        expect((await act(task.id, 'reject', mgr, body).expect(400)).body).toMatchObject({ code: ErrorCode.APPROVAL_REASON_REQUIRED });
        expect((await act(task.id, 'return', mgr, body).expect(400)).body.code).toBe(ErrorCode.APPROVAL_REASON_REQUIRED);
      }
      const still = await latest(o.id);
      expect(still.status).toBe('PENDING');
      expect(still.tasks.map((x) => x.status)).toEqual(['PENDING']);
      expect(actions(still)).not.toContain('REJECT');
      expect((await order(o.id)).status).toBe('PENDING_APPROVAL');
      expect((await account(d)).openOrders).toBe('7000.00');

      const res = (await act(task.id, 'reject', mgr, { reason: ' 价格不合理 ' }).expect(200)).body as ApprovalInstanceDto;
      expect(res).toMatchObject({ status: 'REJECTED', currentStep: null });
      expect(res.tasks[0]).toMatchObject({ status: 'REJECTED', comment: '价格不合理' });
      expect(res.events.at(-1)).toMatchObject({ action: 'REJECT', stepIndex: 0, actorName: '王建国', note: '价格不合理' });
      const rejected = await order(o.id);
      expect(rejected.status).toBe('REJECTED');
      expect(lastEvent(rejected)).toMatchObject({ action: 'REJECT', fromStatus: 'PENDING_APPROVAL', toStatus: 'REJECTED', note: '价格不合理' });
      expect((await account(d)).openOrders).toBe('0.00');
      // a decided task cannot be decided again
      expect((await act(task.id, 'approve', mgr).expect(409)).body.code).toBe(ErrorCode.APPROVAL_TASK_NOT_OPEN);
      expect((await act(task.id, 'reject', mgr, { reason: '再驳回' }).expect(409)).body.code).toBe(ErrorCode.APPROVAL_TASK_NOT_OPEN);
      const audit = (await get(`/api/audit-logs?entity=approval&entityId=${res.id}`).expect(200)).body;
      expect(audit.items.map((a: { action: string }) => a.action)).toEqual(['reject']);
      expect(audit.items[0]).toMatchObject({ actorName: '王建国', after: { reason: '价格不合理' } });

      // edited and resubmitted: a new approval
      const edited = (await put(`/api/sales-orders/${o.id}`, { version: rejected.version, lines: [{ productId: P, qty: '60' }] }).expect(200)).body as Order;
      expect(edited).toMatchObject({ status: 'REJECTED', total: '6000.00' });
      expect((await post(`/api/sales-orders/${o.id}/submit`).expect(200)).body.status).toBe('PENDING_APPROVAL');
      const both = await instances(o.id);
      expect(both.map((i) => i.status)).toEqual(['PENDING', 'REJECTED']);
      expect(Number(both[0].facts.amount)).toBe(6000);
      expect(both[0].tasks).toEqual([expect.objectContaining({ status: 'PENDING', approverName: '王建国' })]);
      expect((await account(d)).openOrders).toBe('6000.00');
    });

    it('return for changes: the order is a DRAFT again, holds no credit, the submitter is told, and it can be edited and submitted anew', async () => {
      const d = await t.orgId('D-BJ002');
      const open0 = Number((await account(d)).openOrders);
      const unread0 = (await bell(rep)).unread;
      const o = await submitted(d, '70', rep);
      expect(Number((await account(d)).openOrders)).toBe(open0 + 7000);
      const task = await theTask(o.id);
      const res = (await act(task.id, 'return', mgr, { reason: '请拆单' }).expect(200)).body as ApprovalInstanceDto;
      expect(res).toMatchObject({ status: 'RETURNED', currentStep: null });
      expect(res.tasks[0]).toMatchObject({ status: 'RETURNED', comment: '请拆单' });
      expect(res.events.at(-1)).toMatchObject({ action: 'RETURN', note: '请拆单' });
      const back = await order(o.id);
      expect(back.status).toBe('DRAFT');
      expect(lastEvent(back)).toMatchObject({ action: 'RETURN_FOR_CHANGES', fromStatus: 'PENDING_APPROVAL', toStatus: 'DRAFT', note: '请拆单' });
      expect(Number((await account(d)).openOrders)).toBe(open0);
      const told = await bell(rep);
      expect(told.unread).toBe(unread0 + 1);
      expect(told.items.find((n) => n.title.includes(o.number))).toMatchObject({ kind: 'RETURNED', body: '请拆单', link: `/sales/orders/${o.id}` });
      expect((await inbox(mgr)).items.map((x) => x.id)).not.toContain(task.id);
      const edited = (await put(`/api/sales-orders/${o.id}`, { version: back.version, lines: [{ productId: P, qty: '40' }] }).expect(200)).body as Order;
      expect(edited).toMatchObject({ status: 'DRAFT', total: '4000.00' });
      expect((await post(`/api/sales-orders/${o.id}/submit`).expect(200)).body.status).toBe('APPROVED');
      expect((await instances(o.id)).map((i) => i.status)).toEqual(['APPROVED', 'RETURNED']);
    });

    it('withdraw: only the submitter (403 for anyone else, even HQ admin); the order is a DRAFT and the tasks close', async () => {
      const d = await t.orgId('D-BJ002');
      const o = await submitted(d, '70', rep);
      expect(o.status).toBe('PENDING_APPROVAL');
      const inst = await latest(o.id);
      expect(inst).toMatchObject({ submittedById: uid['bj.sales'], submittedByName: '张伟' });
      const task = await theTask(o.id);
      for (const token of [admin, mgr]) {
        expect((await post(`/api/approvals/instances/${inst.id}/withdraw`, {}, token).expect(403)).body.code).toBe(ErrorCode.FORBIDDEN);
      }
      expect((await latest(o.id)).status).toBe('PENDING');
      expect((await order(o.id)).status).toBe('PENDING_APPROVAL');

      const res = (await post(`/api/approvals/instances/${inst.id}/withdraw`, {}, rep).expect(200)).body as ApprovalInstanceDto;
      expect(res).toMatchObject({ status: 'WITHDRAWN', currentStep: null });
      expect(res.tasks.map((x) => [x.id, x.status])).toEqual([[task.id, 'CLOSED']]);
      expect(res.events.at(-1)).toMatchObject({ action: 'WITHDRAW', actorName: '张伟' });
      const back = await order(o.id);
      expect(back.status).toBe('DRAFT');
      expect(lastEvent(back)).toMatchObject({ action: 'WITHDRAW', fromStatus: 'PENDING_APPROVAL', toStatus: 'DRAFT' });
      expect((await inbox(mgr)).items.map((x) => x.id)).not.toContain(task.id);
      expect((await act(task.id, 'approve', mgr).expect(409)).body.code).toBe(ErrorCode.APPROVAL_TASK_NOT_OPEN);
      expect((await post(`/api/approvals/instances/${inst.id}/withdraw`, {}, rep).expect(409)).body.code).toBe(ErrorCode.INVALID_STATE);
      // another branch does not even see it
      expect((await post(`/api/approvals/instances/${inst.id}/withdraw`, {}, shm).expect(404)).body.code).toBe(ErrorCode.NOT_FOUND);
    });

    it('who may act: another branch\'s manager gets 404, another approver 409 NOT_YOURS, a closed task 409 NOT_OPEN', async () => {
      const d = await newDealer();
      const o = await submitted(d, '70');
      const task = await theTask(o.id);
      for (const verb of ['approve', 'reject', 'return'] as const) {
        const body = verb === 'approve' ? {} : { reason: '不是我的' };
        expect((await act(task.id, verb, shm, body).expect(404)).body.code).toBe(ErrorCode.NOT_FOUND);
        expect((await act(task.id, verb, vp, body).expect(409)).body).toMatchObject({ code: ErrorCode.APPROVAL_TASK_NOT_YOURS, details: { taskId: task.id } });
        expect((await act(task.id, verb, fin, body).expect(409)).body.code).toBe(ErrorCode.APPROVAL_TASK_NOT_YOURS);
        // a sales rep whose dealers these are not does not see it
        expect((await act(task.id, verb, rep, body).expect(404)).body.code).toBe(ErrorCode.NOT_FOUND);
      }
      const inst = await latest(o.id);
      await get(`/api/approvals/instances/${inst.id}`, shm).expect(404);
      expect(await instances(o.id, shm)).toEqual([]);
      expect((await act(ZERO_UUID, 'approve', mgr).expect(404)).body.code).toBe(ErrorCode.NOT_FOUND);
      await act('not-a-uuid', 'approve', mgr).expect(400);
      // nothing happened
      expect((await latest(o.id)).tasks.map((x) => x.status)).toEqual(['PENDING']);
      expect(actions(await latest(o.id))).toEqual(['SUBMIT', 'STEP_OPEN']);

      await act(task.id, 'approve', mgr).expect(200);
      expect((await act(task.id, 'approve', mgr).expect(409)).body).toMatchObject({ code: ErrorCode.APPROVAL_TASK_NOT_OPEN, details: { taskId: task.id } });
      expect((await act(task.id, 'return', mgr, { reason: '晚了' }).expect(409)).body.code).toBe(ErrorCode.APPROVAL_TASK_NOT_OPEN);
      expect((await order(o.id)).status).toBe('APPROVED');
    });
    it('an approval never fails for stock: an order someone else\'s approval left short reserves what is there and backorders the rest', async () => {
      const q = (await post('/api/products', { code: 'AP-Q', name: '审批稀缺商品', categoryId: catId, baseUnit: '台', basePrice: '1000.0000' }).expect(201)).body.id as string;
      await post('/api/stock-docs', { type: 'INBOUND', warehouseId: whId, lines: [{ productId: q, qty: '10', unitCost: '5' }] }).expect(201);
      const d = await newDealer();
      const big = (await post('/api/sales-orders', { dealerId: d, warehouseId: whId, lines: [{ productId: q, qty: '7' }], submit: true }).expect(201)).body as Order;
      expect(big).toMatchObject({ total: '7000.00', status: 'PENDING_APPROVAL' });
      // 5,000 is not above 5,000: approved at once, taking 5 of the 10
      const small = (await post('/api/sales-orders', { dealerId: d, warehouseId: whId, lines: [{ productId: q, qty: '5' }], submit: true }).expect(201)).body as Order;
      expect(small.status).toBe('APPROVED');
      // the approver sees it coming: 5 available, 2 short
      const facts = (await get(`/api/sales-orders/${big.id}/stock-position`, mgr).expect(200)).body;
      expect(facts.lines).toMatchObject([{ ordered: '7.000', available: '5.000', reserved: '0.000', short: '2.000' }]);
      const task = await theTask(big.id);
      await act(task.id, 'approve', mgr, { comment: '同意' }).expect(200);
      const done = (await get(`/api/sales-orders/${big.id}`).expect(200)).body as Order & { lines: { reservedQty: string }[] };
      expect(done.status).toBe('APPROVED');
      expect(done.lines[0].reservedQty).toBe('5.000');
      expect(await reserved(q)).toBe(10);
      const waiting = (await get(`/api/backorders?productId=${q}`).expect(200)).body;
      expect(waiting.items.map((x: { orderId: string; waiting: string }) => [x.orderId, x.waiting])).toEqual([[big.id, '2.000']]);
    });

    // The contract: todo = "open tasks assigned to me". Today the inbox and the actions filter tasks by the
    // approver's data scope (ApprovalService.tasks / lockTask: applyOrgScope on i.scope_org_id), while the
    // flow accepts any user, the notification and the sign-in warning count the task: it is stuck.
    it('a named approver who cannot see the document does not count: the flow\'s policy decides (here: reject), nobody is told', async () => {
      const far = await newOrg('AP-FAR', '审批远端分公司', 'BRANCH', 'HQ');
      await post('/api/approvals/flows', {
        code: 'AP-FAR', name: '上海经理审批', docType: 'SALES_ORDER', orgId: far, onMissingApprover: 'REJECT',
        steps: [{ name: '上海经理审批', condition: null, approvers: [{ kind: 'USERS', userIds: [uid['sh.manager']] }], mode: 'ANY', timeLimitHours: null }],
      }).expect(201);
      const before = (await bell(shm)).items.length;
      const o = await submitted(await newDealer('AP-FAR'), '1');
      expect(o.status).toBe('REJECTED');
      expect(await openTasks(o.id)).toHaveLength(0);
      expect((await bell(shm)).items.length).toBe(before);
      const [inst] = (await get(`/api/approvals/instances?docType=SALES_ORDER&docId=${o.id}`).expect(200)).body as ApprovalInstanceDto[];
      expect(inst.status).toBe('REJECTED');
      expect(inst.events.map((e) => e.action)).toContain('NO_APPROVER');
    });
  });

  describe('concurrency (a flow of its own for a Beijing sub-branch: [bj.manager, hq.vp])', () => {
    let flow: ApprovalFlowDto;
    let sub: string;
    let url: string;

    beforeAll(async () => {
      sub = await newOrg('AP-SUB', '审批测试片区', 'BRANCH', 'BJ');
      flow = (await post('/api/approvals/flows', {
        code: 'AP-DUO', name: '双人审批', docType: 'SALES_ORDER', orgId: sub, onMissingApprover: 'REJECT',
        steps: [{ name: '双人审批', condition: null, approvers: [{ kind: 'USERS', userIds: [uid['bj.manager'], uid['hq.vp']] }], mode: 'ANY', timeLimitHours: null }],
      }).expect(201)).body;
      expect(flow).toMatchObject({ code: 'AP-DUO', status: 'ACTIVE', version: 1, orgId: sub, orgName: '审批测试片区' });
      url = await serverUrl();
    });

    it('the deepest organisation\'s flow applies: both approvers get a task, even for a small order', async () => {
      const d = await newDealer('AP-SUB');
      const o = await submitted(d, '1');
      expect(o.status).toBe('PENDING_APPROVAL');
      const inst = await latest(o.id);
      expect(inst).toMatchObject({ flowId: flow.id, flowVersion: 1, currentStep: 0 });
      expect(inst.tasks.map((x) => x.approverName).sort()).toEqual(['刘副总', '王建国'].sort());
      expect(inst.tasks.every((x) => x.dueAt === null)).toBe(true);
      // a dealer directly under Beijing still follows SO-STANDARD
      const sibling = await submitted(await newDealer(), '1');
      expect(sibling.status).toBe('APPROVED');
      expect((await latest(sibling.id)).flowId).toBe(so.id);
    });

    // The contract: submitted = "open tasks on documents I submitted"; counts.submitted counts approval
    // instances instead (ApprovalService.tasks: SELECT count(*) FROM approval_instance ...), so the tab badge
    // and the list disagree as soon as a step has more than one approver.
    it('the submitted box and its count agree: every open task on my documents (two approvers: two tasks)', async () => {
      const o = await submitted(await newDealer('AP-SUB'), '1');
      expect(await openTasks(o.id)).toHaveLength(2);
      const box = await inbox(admin, 'submitted');
      expect(box.items.filter((x) => x.docId === o.id)).toHaveLength(2);
      expect(box.counts.submitted).toBe(box.total);
    });

    // Cancel locks account -> order -> approval, approve locks approval -> task -> order: each round deadlocks
    // today and is resolved by the retry of DbService.tx after deadlock_timeout (~1 s); the outcome stays right.
    it('cancel and approve racing on a waiting order: no 5xx, the order ends CANCELLED holding nothing, the approval closed', async () => {
      for (let round = 0; round < 3; round++) {
        const d = await newDealer();
        const r0 = await reserved();
        const o = await submitted(d, '70');
        const task = await theTask(o.id);
        const [cancel, approve] = await Promise.all([
          request(url).post(`/api/sales-orders/${o.id}/cancel`).set(bearer(admin)).send({ reason: '并发取消' }),
          request(url).post(`/api/approvals/tasks/${task.id}/approve`).set(bearer(mgr)).send({}),
        ]);
        expect(cancel.status).toBe(200);
        expect([200, 409]).toContain(approve.status);
        if (approve.status === 409) expect(approve.body.code).toBe(ErrorCode.APPROVAL_TASK_NOT_OPEN);
        const after = await order(o.id);
        expect(after.status).toBe('CANCELLED');
        expect(await reserved()).toBe(r0);
        expect((await account(d)).openOrders).toBe('0.00');
        const inst = await latest(o.id);
        expect(inst.status).toBe(approve.status === 200 ? 'APPROVED' : 'WITHDRAWN');
        expect(inst.tasks.filter((x) => x.status === 'PENDING')).toEqual([]);
      }
    });

    it('ANY: two approvers approving at the same time: exactly one 200, the other 409 APPROVAL_TASK_NOT_OPEN; stock reserved once', async () => {
      for (let round = 0; round < 3; round++) {
        const d = await newDealer('AP-SUB');
        const o = await submitted(d, '5');
        const r0 = await reserved();
        const tasks = await openTasks(o.id);
        expect(tasks).toHaveLength(2);
        const token = (x: ApprovalTaskDto) => (x.approverId === uid['bj.manager'] ? mgr : vp);
        const results = await Promise.all(tasks.map((x) => request(url).post(`/api/approvals/tasks/${x.id}/approve`).set(bearer(token(x))).send({})));
        expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
        expect(results.find((r) => r.status === 409)!.body.code).toBe(ErrorCode.APPROVAL_TASK_NOT_OPEN);
        const inst = await latest(o.id);
        expect(inst.status).toBe('APPROVED');
        expect(inst.tasks.map((x) => x.status).sort()).toEqual(['APPROVED', 'CLOSED']);
        expect(actions(inst).filter((a) => a === 'APPROVE')).toHaveLength(1);
        expect(actions(inst).filter((a) => a === 'APPROVED')).toHaveLength(1);
        const after = await order(o.id);
        expect(after.status).toBe('APPROVED');
        expect(after.events.filter((e) => e.action === 'APPROVE')).toHaveLength(1);
        expect(await reserved()).toBe(r0 + 5);
      }
    });

    it('the same approver approving twice at once: one 200, one 409', async () => {
      const d = await newDealer('AP-SUB');
      const o = await submitted(d, '5');
      const mine = (await openTasks(o.id)).find((x) => x.approverId === uid['bj.manager'])!;
      const results = await Promise.all([0, 1].map(() => request(url).post(`/api/approvals/tasks/${mine.id}/approve`).set(bearer(mgr)).send({ comment: '并发' })));
      expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
      expect(results.find((r) => r.status === 409)!.body.code).toBe(ErrorCode.APPROVAL_TASK_NOT_OPEN);
      expect(actions(await latest(o.id)).filter((a) => a === 'APPROVE')).toHaveLength(1);
      expect((await order(o.id)).status).toBe('APPROVED');
    });

    it('ALL: one approval leaves the step open; both approving at once both count and the order is approved once', async () => {
      const saved = (await put(`/api/approvals/flows/${flow.id}`, { ...flowInput(flow), version: flow.version, steps: [{ ...flow.steps[0], mode: 'ALL' }] }).expect(200)).body as ApprovalFlowDto;
      expect(saved.version).toBe(2);
      flow = saved;
      const d = await newDealer('AP-SUB');
      const one = await submitted(d, '2');
      const [a, b] = await openTasks(one.id);
      await act(a.id, 'approve', a.approverId === uid['bj.manager'] ? mgr : vp).expect(200);
      expect((await latest(one.id)).status).toBe('PENDING');
      expect((await order(one.id)).status).toBe('PENDING_APPROVAL');
      await act(b.id, 'approve', b.approverId === uid['bj.manager'] ? mgr : vp).expect(200);
      expect((await order(one.id)).status).toBe('APPROVED');

      const r0 = await reserved();
      const two = await submitted(d, '3');
      const tasks = await openTasks(two.id);
      const results = await Promise.all(tasks.map((x) => request(url).post(`/api/approvals/tasks/${x.id}/approve`).set(bearer(x.approverId === uid['bj.manager'] ? mgr : vp)).send({})));
      expect(results.map((r) => r.status)).toEqual([200, 200]);
      const inst = await latest(two.id);
      expect(inst.status).toBe('APPROVED');
      expect(inst.tasks.map((x) => x.status)).toEqual(['APPROVED', 'APPROVED']);
      expect(actions(inst).filter((x) => x === 'APPROVED')).toHaveLength(1);
      expect((await order(two.id)).events.filter((e) => e.action === 'APPROVE')).toHaveLength(1);
      expect(await reserved()).toBe(r0 + 3);
    });

    afterAll(async () => {
      await post(`/api/approvals/flows/${flow.id}/disable`).expect(200);
    });
  });

  describe('flow versions', () => {
    it('an edit mid-approval does not touch the running approval (version 1 to the end); new submissions use version 2; a stale version is 409', async () => {
      const o1 = await submitted(await newDealer(), '120');
      expect((await latest(o1.id)).flowVersion).toBe(1);
      const v2Steps = [{ ...so.steps[0], condition: amountOver('8000') }, { ...so.steps[1], condition: amountOver('20000'), approvers: [{ kind: 'USERS', userIds: [uid.admin] }] }];
      const v2 = (await put(`/api/approvals/flows/${so.id}`, { ...flowInput(so), version: 1, steps: v2Steps }).expect(200)).body as ApprovalFlowDto;
      try {
        expect(v2).toMatchObject({ id: so.id, code: 'SO-STANDARD', version: 2, status: 'ACTIVE' });
        expect(v2.steps[0].condition).toEqual(amountOver('8000'));
        expect((await get(`/api/approvals/flows/${so.id}`).expect(200)).body.version).toBe(2);
        const versions = async () => (await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM approval_flow_version WHERE flow_id = $1', [so.id]))[0].n;
        expect(await versions()).toBe(2);
        // stale: 409 and nothing saved; the code cannot change
        const stale = await put(`/api/approvals/flows/${so.id}`, { ...flowInput(so), version: 1 }).expect(409);
        expect(stale.body.code).toBe(ErrorCode.STALE_VERSION);
        expect((await put(`/api/approvals/flows/${so.id}`, { ...flowInput(v2), code: 'SO-OTHER', version: 2 }).expect(400)).body.code).toBe(ErrorCode.VALIDATION_FAILED);
        expect(await versions()).toBe(2);
        expect((await get(`/api/approvals/flows/${so.id}`).expect(200)).body).toMatchObject({ version: 2, code: 'SO-STANDARD' });

        // the running approval keeps version 1: after the manager, the VP (not v2's admin) is asked
        await act((await theTask(o1.id)).id, 'approve', mgr).expect(200);
        const mid = await latest(o1.id);
        expect(mid).toMatchObject({ flowVersion: 1, status: 'PENDING', currentStep: 1 });
        expect((await theTask(o1.id))).toMatchObject({ approverName: '刘副总', stepIndex: 1 });
        await act((await theTask(o1.id)).id, 'approve', vp).expect(200);
        expect((await order(o1.id)).status).toBe('APPROVED');

        // new submissions: version 2 (manager above 8,000, the VP step only above 20,000)
        const o2 = await submitted(await newDealer(), '120');
        const i2 = await latest(o2.id);
        expect(i2.flowVersion).toBe(2);
        expect(i2.routing.map((r) => [r.holds, r.matched])).toEqual([[true, ['amount gt 8000']], [false, []]]);
        await act((await theTask(o2.id)).id, 'approve', mgr).expect(200);
        expect((await order(o2.id)).status).toBe('APPROVED');
        const o3 = await submitted(await newDealer(), '70');
        expect(o3.status).toBe('APPROVED');
        expect((await latest(o3.id)).flowVersion).toBe(2);
      } finally {
        // back to the seeded definition for the rest of the file
        const cur = (await get(`/api/approvals/flows/${so.id}`).expect(200)).body as ApprovalFlowDto;
        await put(`/api/approvals/flows/${so.id}`, { ...flowInput(so), version: cur.version }).expect(200);
      }
      expect((await submitted(await newDealer(), '70')).status).toBe('PENDING_APPROVAL');
    });
  });

  describe('orders under approval: edit, copy, cancel', () => {
    it('editing an approved order sends it through approval again (a new approval, the reservation released until approved)', async () => {
      const d = await newDealer();
      const r0 = await reserved();
      const o = await submitted(d, '70');
      await act((await theTask(o.id)).id, 'approve', mgr).expect(200);
      const approved = await order(o.id);
      expect(approved.status).toBe('APPROVED');
      expect(await reserved()).toBe(r0 + 70);

      const edited = (await put(`/api/sales-orders/${o.id}`, { version: approved.version, lines: [{ productId: P, qty: '80' }] }).expect(200)).body as Order;
      expect(edited).toMatchObject({ status: 'PENDING_APPROVAL', total: '8000.00', approvedAt: null });
      expect(await reserved()).toBe(r0);
      const all = await instances(o.id);
      expect(all.map((i) => i.status)).toEqual(['PENDING', 'APPROVED']);
      expect(Number(all[0].facts.amount)).toBe(8000);
      const task = await theTask(o.id);
      expect(task.approverName).toBe('王建国');
      await act(task.id, 'approve', mgr).expect(200);
      expect((await order(o.id)).status).toBe('APPROVED');
      expect(await reserved()).toBe(r0 + 80);

      // a copy is a DRAFT with no approval of its own
      const copy = (await post(`/api/sales-orders/${o.id}/copy`).expect(201)).body as Order;
      expect(copy).toMatchObject({ status: 'DRAFT', total: '8000.00' });
      expect(await instances(copy.id)).toEqual([]);
      expect((await inbox(mgr)).items.map((x) => x.docId)).not.toContain(copy.id);
    });

    it('editing an order that is waiting replaces its approval: the old tasks close, a new approval routes on the new amount', async () => {
      const d = await newDealer();
      const o = await submitted(d, '70');
      const old = await theTask(o.id);
      const edited = (await put(`/api/sales-orders/${o.id}`, { version: (await order(o.id)).version, lines: [{ productId: P, qty: '20' }] }).expect(200)).body as Order;
      expect(edited).toMatchObject({ status: 'APPROVED', total: '2000.00' });
      const all = await instances(o.id);
      expect(all.map((i) => i.status)).toEqual(['APPROVED', 'WITHDRAWN']);
      expect(all[1].tasks.map((x) => [x.id, x.status])).toEqual([[old.id, 'CLOSED']]);
      expect((await act(old.id, 'approve', mgr).expect(409)).body.code).toBe(ErrorCode.APPROVAL_TASK_NOT_OPEN);
    });

    it('cancelling a PENDING_APPROVAL order closes its approval', async () => {
      const d = await newDealer();
      const o = await submitted(d, '70');
      const task = await theTask(o.id);
      const cancelled = (await post(`/api/sales-orders/${o.id}/cancel`, { reason: '客户取消' }).expect(200)).body as Order;
      expect(cancelled.status).toBe('CANCELLED');
      const inst = await latest(o.id);
      expect(inst).toMatchObject({ status: 'WITHDRAWN', currentStep: null });
      expect(inst.tasks.map((x) => x.status)).toEqual(['CLOSED']);
      expect(inst.events.at(-1)!.action).toBe('WITHDRAW');
      expect(inst.events.at(-1)!.note).toContain('客户取消');
      expect((await inbox(mgr)).items.map((x) => x.id)).not.toContain(task.id);
      expect((await act(task.id, 'approve', mgr).expect(409)).body.code).toBe(ErrorCode.APPROVAL_TASK_NOT_OPEN);
      expect((await order(o.id)).status).toBe('CANCELLED');
      expect((await account(d)).openOrders).toBe('0.00');
    });
  });

  describe('missing approvers (role WAREHOUSE at a branch without a warehouse keeper)', () => {
    const nobodyFlow = (code: string, orgId: string, onMissingApprover: 'ESCALATE_HQ_ADMIN' | 'REJECT') => ({
      code, name: `无人审批 ${code}`, docType: 'SALES_ORDER', orgId, onMissingApprover,
      steps: [{ name: '仓管审批', condition: amountOver('0'), approvers: [{ kind: 'ROLE', role: 'WAREHOUSE', relativeTo: 'DOC_BRANCH' }], mode: 'ANY', timeLimitHours: 12 }],
    });

    it('ESCALATE_HQ_ADMIN: the task goes to the HQ administrator', async () => {
      const branch = await newOrg('AP-ESC', '审批升级分公司', 'BRANCH', 'HQ');
      await post('/api/approvals/flows', nobodyFlow('AP-NOBODY-ESC', branch, 'ESCALATE_HQ_ADMIN')).expect(201);
      const o = await submitted(await newDealer('AP-ESC'), '10');
      expect(o.status).toBe('PENDING_APPROVAL');
      const inst = await latest(o.id);
      expect(inst.events.find((e) => e.action === 'NO_APPROVER')).toMatchObject({ stepIndex: 0 });
      const task = await theTask(o.id);
      expect(task).toMatchObject({ approverId: uid.admin, approverName: '系统管理员', stepName: '仓管审批' });
      await act(task.id, 'approve', admin).expect(200);
      expect((await order(o.id)).status).toBe('APPROVED');
    });

    it('REJECT: the order is rejected at once and holds nothing', async () => {
      const branch = await newOrg('AP-REJ', '审批驳回分公司', 'BRANCH', 'HQ');
      await post('/api/approvals/flows', nobodyFlow('AP-NOBODY-REJ', branch, 'REJECT')).expect(201);
      const d = await newDealer('AP-REJ');
      const r0 = await reserved();
      const o = await submitted(d, '10');
      expect(o.status).toBe('REJECTED');
      expect(lastEvent(o)).toMatchObject({ action: 'REJECT', toStatus: 'REJECTED' });
      const inst = await latest(o.id);
      expect(inst).toMatchObject({ status: 'REJECTED', tasks: [] });
      expect(actions(inst)).toContain('NO_APPROVER');
      expect((await account(d)).openOrders).toBe('0.00');
      expect(await reserved()).toBe(r0);
    });
  });

  describe('other facts', () => {
    it('overCredit: a WARN dealer over its limit is routed by an overCredit flow, one within its limit is approved at once', async () => {
      const branch = await newOrg('AP-CRED', '审批信用分公司', 'BRANCH', 'HQ');
      await post('/api/approvals/flows', {
        code: 'AP-CRED', name: '超信用审批', docType: 'SALES_ORDER', orgId: branch, onMissingApprover: 'ESCALATE_HQ_ADMIN',
        steps: [{ name: '超信用审批', condition: { op: 'all', items: [{ fact: 'overCredit', operator: 'eq', value: true }] }, approvers: [{ kind: 'USERS', userIds: [uid['hq.vp']] }], mode: 'ANY', timeLimitHours: null }],
      }).expect(201);
      const over = await newDealer('AP-CRED');
      await put(`/api/credit/accounts/${over}`, { limit: '1000', mode: 'WARN', creditDays: 30 }).expect(200);
      const o1 = await submitted(over, '30');
      expect(o1.status).toBe('PENDING_APPROVAL');
      const i1 = await latest(o1.id);
      expect(i1.facts.overCredit).toBe(true);
      expect(i1.routing[0]).toMatchObject({ holds: true, matched: ['overCredit eq true'] });
      expect(await theTask(o1.id)).toMatchObject({ approverName: '刘副总' });

      const within = await newDealer('AP-CRED');
      await put(`/api/credit/accounts/${within}`, { limit: '100000', mode: 'WARN', creditDays: 30 }).expect(200);
      const o2 = await submitted(within, '30');
      expect(o2.status).toBe('APPROVED');
      expect((await latest(o2.id)).facts.overCredit).toBe(false);
    });
  });

  describe('delegation and escalation', () => {
    it('bj.manager delegates to bj.finance for a period: new tasks go to bj.finance (delegatedFromName), until the delegation ends', async () => {
      const now = Date.now();
      const startsAt = new Date(now - 60e3).toISOString();
      const endsAt = new Date(now + 3600e3).toISOString();
      expect((await post('/api/approvals/delegations', { delegateId: uid['bj.manager'], startsAt, endsAt }, mgr).expect(400)).body.code).toBe(ErrorCode.VALIDATION_FAILED);
      expect((await post('/api/approvals/delegations', { delegateId: uid['bj.finance'], startsAt: endsAt, endsAt: startsAt }, mgr).expect(400)).body.code).toBe(ErrorCode.VALIDATION_FAILED);
      const del = (await post('/api/approvals/delegations', { delegateId: uid['bj.finance'], startsAt, endsAt }, mgr).expect(201)).body as { id: string };
      try {
        const mine = (await get('/api/approvals/delegations', mgr).expect(200)).body as { id: string; delegateId: string; delegateName: string; startsAt: string; endsAt: string }[];
        expect(mine).toEqual([expect.objectContaining({ id: del.id, delegateId: uid['bj.finance'], delegateName: '李娜' })]);
        expect(new Date(mine[0].endsAt).getTime()).toBe(new Date(endsAt).getTime());
        // nobody else sees it
        expect((await get('/api/approvals/delegations', fin).expect(200)).body).toEqual([]);

        const o = await submitted(await newDealer(), '70');
        const task = await theTask(o.id);
        expect(task).toMatchObject({ approverId: uid['bj.finance'], approverName: '李娜', delegatedFromName: '王建国' });
        expect((await inbox(fin)).items.map((x) => x.id)).toContain(task.id);
        expect((await inbox(mgr)).items.map((x) => x.id)).not.toContain(task.id);
        expect((await act(task.id, 'approve', mgr).expect(409)).body.code).toBe(ErrorCode.APPROVAL_TASK_NOT_YOURS);
        await act(task.id, 'approve', fin).expect(200);
        expect((await order(o.id)).status).toBe('APPROVED');
      } finally {
        await t.http.delete(`/api/approvals/delegations/${del.id}`).set(bearer(mgr)).expect(204);
      }
      expect((await get('/api/approvals/delegations', mgr).expect(200)).body).toEqual([]);
      const later = await submitted(await newDealer(), '70');
      expect(await theTask(later.id)).toMatchObject({ approverName: '王建国', delegatedFromName: null });
    });

    // DELETE /api/approvals/delegations/:id sets ends_at = now(): for a delegation starting later that breaks
    // ck_approval_delegation (ends_at > starts_at) and answers 400 VALIDATION_FAILED (ApprovalService.endDelegation).
    it('a delegation that has not started yet changes nothing; nobody else can end it; its owner can delete it', async () => {
      const future = (await post('/api/approvals/delegations', { delegateId: uid['bj.finance'], startsAt: new Date(Date.now() + 86400e3).toISOString(), endsAt: new Date(Date.now() + 2 * 86400e3).toISOString() }, mgr).expect(201)).body as { id: string };
      const listed = async () => ((await get('/api/approvals/delegations', mgr).expect(200)).body as { id: string }[]).map((x) => x.id);
      try {
        expect(await listed()).toEqual([future.id]);
        const o = await submitted(await newDealer(), '70');
        expect(await theTask(o.id)).toMatchObject({ approverName: '王建国', delegatedFromName: null });
        await t.http.delete(`/api/approvals/delegations/${future.id}`).set(bearer(fin));
        expect(await listed()).toEqual([future.id]);
        // the owner withdraws the scheduled delegation
        await t.http.delete(`/api/approvals/delegations/${future.id}`).set(bearer(mgr)).expect(204);
        expect(await listed()).toEqual([]);
      } finally {
        await t.sql('DELETE FROM approval_delegation WHERE id = $1', [future.id]);
      }
    });

    // Same root cause as the named user above: the delegate's data scope hides the delegated task.
    it('a delegate who cannot see the document does not get the task: it stays with the approver', async () => {
      const now = Date.now();
      // naming a delegate outside one's scope is refused now (404, issue #11: scope-deviations.e2e); a delegation
      // whose delegate cannot see the document (named before, or moved since) is still held back when routing
      expect((await post('/api/approvals/delegations', { delegateId: uid['sh.manager'], startsAt: new Date(now - 60e3).toISOString(), endsAt: new Date(now + 3600e3).toISOString() }, mgr).expect(404)).body.code).toBe(ErrorCode.NOT_FOUND);
      const [row] = await t.sql<{ id: string }>(
        `INSERT INTO approval_delegation (user_id, delegate_id, starts_at, ends_at) VALUES ($1, $2, now() - interval '1 minute', now() + interval '1 hour') RETURNING id`,
        [uid['bj.manager'], uid['sh.manager']],
      );
      const res = { body: row };
      let o: Order;
      try {
        o = await submitted(await newDealer(), '70');
      } finally {
        await t.http.delete(`/api/approvals/delegations/${res.body.id}`).set(bearer(mgr)).expect(204);
      }
      const task = await theTask(o.id);
      expect(task).toMatchObject({ approverName: '王建国', delegatedFromName: null });
      expect((await inbox(shm)).items.map((x) => x.id)).not.toContain(task.id);
      await act(task.id, 'approve', mgr).expect(200);
      expect((await order(o.id)).status).toBe('APPROVED');
    });

    it('a task past its time limit escalates: the old task CLOSED, a new one for the next level (HQ admin), an ESCALATE event', async () => {
      const o = await submitted(await newDealer(), '70');
      const task = await theTask(o.id);
      expect(task.dueAt).not.toBeNull();
      const svc = t.app.get(ApprovalService);
      // not due yet: nothing happens to it
      await svc.escalateOverdue(RequestContext.system());
      expect((await theTask(o.id)).id).toBe(task.id);

      await t.sql(`UPDATE approval_task SET due_at = now() - interval '1 hour' WHERE id = $1`, [task.id]);
      const n = await svc.escalateOverdue(RequestContext.system());
      expect(n).toBeGreaterThanOrEqual(1);
      const inst = await latest(o.id);
      expect(inst.status).toBe('PENDING');
      expect(inst.tasks.find((x) => x.id === task.id)!.status).toBe('CLOSED');
      const next = await theTask(o.id);
      expect(next).toMatchObject({ approverId: uid.admin, stepIndex: 0, stepName: task.stepName });
      expect(next.id).not.toBe(task.id);
      expect(new Date(next.dueAt!).getTime()).toBeGreaterThan(Date.now());
      expect(inst.events.at(-1)).toMatchObject({ action: 'ESCALATE', stepIndex: 0 });
      expect((await inbox(mgr)).items.map((x) => x.docId)).not.toContain(o.id);
      expect((await inbox(admin)).items.map((x) => x.id)).toContain(next.id);
      expect((await bell(admin)).items.map((x) => x.title)).toContain(`待审批：${o.number}`);
      expect((await act(task.id, 'approve', mgr).expect(409)).body.code).toBe(ErrorCode.APPROVAL_TASK_NOT_OPEN);
      // running again changes nothing
      await svc.escalateOverdue(RequestContext.system());
      expect((await latest(o.id)).tasks).toHaveLength(2);
      await act(next.id, 'approve', admin).expect(200);
      expect((await order(o.id)).status).toBe('APPROVED');
    });
  });

  describe('flow configuration: bad input writes nothing', () => {
    const base = () => ({
      code: 'AP-BAD', name: '错误的流程', docType: 'SALES_ORDER', orgId: '', onMissingApprover: 'REJECT',
      steps: [{ name: '一', condition: amountOver('100'), approvers: [{ kind: 'ROLE', role: 'BRANCH_MANAGER', relativeTo: 'DOC_BRANCH' }], mode: 'ANY', timeLimitHours: null }],
    });

    it('unknown facts, operators that do not fit, no approvers, a second active flow, a non-HQ user: stable 4xx codes', async () => {
      const gz = await t.orgId('GZ');
      const ok = { ...base(), orgId: gz };
      const before = await flowRows();

      const badCond = await post('/api/approvals/flows', {
        ...ok,
        steps: [
          { ...ok.steps[0], condition: { op: 'all', items: [{ fact: 'colour', operator: 'eq', value: 'red' }] } },
          { ...ok.steps[0], name: '二', condition: { op: 'any', items: [{ fact: 'amount', operator: 'gt', value: '1' }, { fact: 'belowFloor', operator: 'gt', value: true }] } },
        ],
      }).expect(400);
      expect(badCond.body.code).toBe(ErrorCode.APPROVAL_CONDITION_INVALID);
      expect(badCond.body.details.problems).toEqual([
        expect.objectContaining({ path: 'steps.0.condition.items.0', code: 'UNKNOWN_FACT' }),
        expect.objectContaining({ path: 'steps.1.condition.items.1', code: 'BAD_OPERATOR' }),
      ]);
      const badValue = await post('/api/approvals/flows', { ...ok, steps: [{ ...ok.steps[0], condition: { op: 'all', items: [{ fact: 'amount', operator: 'gt', value: 'lots' }] } }] }).expect(400);
      expect(badValue.body).toMatchObject({ code: ErrorCode.APPROVAL_CONDITION_INVALID, details: { problems: [expect.objectContaining({ code: 'BAD_VALUE' })] } });

      expect((await post('/api/approvals/flows', { ...ok, steps: [{ ...ok.steps[0], approvers: [] }] }).expect(400)).body.code).toBe(ErrorCode.APPROVAL_STEP_NO_APPROVERS);
      expect((await post('/api/approvals/flows', { ...ok, steps: [{ ...ok.steps[0], approvers: [{ kind: 'USERS', userIds: [] }] }] }).expect(400)).body.code).toBe(ErrorCode.APPROVAL_STEP_NO_APPROVERS);
      expect((await post('/api/approvals/flows', { ...ok, steps: [] }).expect(400)).body.code).toBe(ErrorCode.VALIDATION_FAILED);

      // a second active flow for sales orders at HQ
      const dup = await post('/api/approvals/flows', { ...ok, orgId: await t.orgId('HQ') }).expect(409);
      expect(dup.body.code).toBe(ErrorCode.DUPLICATE);
      expect((await post('/api/approvals/flows', { ...ok, code: 'SO-STANDARD' }).expect(409)).body.code).toBe(ErrorCode.DUPLICATE);
      // a flow is for HQ or a branch subtree, not a dealer
      expect((await post('/api/approvals/flows', { ...ok, orgId: await t.orgId('D-BJ001') }).expect(400)).body.code).toBe(ErrorCode.VALIDATION_FAILED);

      // non-HQ users cannot manage flows
      for (const token of [mgr, vp, rep]) {
        expect((await post('/api/approvals/flows', ok, token).expect(403)).body.code).toBe(ErrorCode.FORBIDDEN);
        await get('/api/approvals/flows', token).expect(403);
        await get(`/api/approvals/flows/${so.id}`, token).expect(403);
        await put(`/api/approvals/flows/${so.id}`, { ...flowInput(so), version: 1 }, token).expect(403);
        await post(`/api/approvals/flows/${so.id}/disable`, {}, token).expect(403);
      }
      expect(await flowRows()).toEqual(before);
      expect((await get(`/api/approvals/flows/${so.id}`).expect(200)).body.status).toBe('ACTIVE');
    });

    it('only one active flow per document type and organisation: enabling a second one is 409 DUPLICATE until the first is disabled', async () => {
      const hq = await t.orgId('HQ');
      await post(`/api/approvals/flows/${so.id}/disable`).expect(200);
      let other: ApprovalFlowDto | undefined;
      try {
        other = (await post('/api/approvals/flows', { ...base(), code: 'AP-HQ2', orgId: hq }).expect(201)).body as ApprovalFlowDto;
        expect((await post(`/api/approvals/flows/${so.id}/enable`).expect(409)).body.code).toBe(ErrorCode.DUPLICATE);
        expect((await get(`/api/approvals/flows/${so.id}`).expect(200)).body.status).toBe('DISABLED');
      } finally {
        if (other) await post(`/api/approvals/flows/${other.id}/disable`).expect(200);
        expect((await post(`/api/approvals/flows/${so.id}/enable`).expect(200)).body.status).toBe('ACTIVE');
      }
      const listed = (await get('/api/approvals/flows?docType=SALES_ORDER&pageSize=200').expect(200)).body.items as ApprovalFlowDto[];
      expect(listed.filter((f) => f.status === 'ACTIVE' && f.orgId === hq).map((f) => f.code)).toEqual(['SO-STANDARD']);
    });
  });

  describe('inbox, notifications and sign-in warnings', () => {
    it('SMS / e-mail channels get a notice once its action has committed, naming the order by its final number; a decision that rolls back sends nothing', async () => {
      const sent: { userIds: string[]; kind: string; title: string }[] = [];
      // a provider adapter at the system's edge, recording what it would send
      const recorder: NotificationChannel = { name: 'recorder', deliver: async (userIds, n) => void sent.push({ userIds, kind: n.kind, title: n.title }) };
      const notifications = t.app.get(NotificationService);
      notifications.addChannel(recorder);
      try {
        const q = (await post('/api/products', { code: 'AP-Q2', name: '审批稀缺商品二', categoryId: catId, baseUnit: '台', basePrice: '1000.0000' }).expect(201)).body.id as string;
        await post('/api/stock-docs', { type: 'INBOUND', warehouseId: whId, lines: [{ productId: q, qty: '10', unitCost: '5' }] }).expect(201);
        const d = await newDealer();
        const big = (await post('/api/sales-orders', { dealerId: d, warehouseId: whId, lines: [{ productId: q, qty: '7' }], submit: true }).expect(201)).body as Order;
        // the order got its number at the end of its transaction: the channels only ever saw that one
        expect(sent).toContainEqual({ userIds: [uid['bj.manager']], kind: 'TASK', title: `待审批：${big.number}` });
        expect(sent.filter((x) => x.title.includes('~'))).toEqual([]);
        const task = await theTask(big.id);
        const before = sent.length;
        // approving would tell the submitter, but the approval's transaction fails (a trigger this test adds): rolled back, nothing sent
        await t.sql(`CREATE FUNCTION ap_test_refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused by the test'; END $$`);
        await t.sql(`CREATE TRIGGER ap_test_refuse BEFORE UPDATE ON sales_order FOR EACH ROW WHEN (NEW.status = 'APPROVED' AND NEW.id = '${big.id}') EXECUTE FUNCTION ap_test_refuse()`);
        try {
          const failed = await act(task.id, 'approve', mgr);
          expect(failed.status).toBeGreaterThanOrEqual(400);
        } finally {
          await t.sql('DROP TRIGGER ap_test_refuse ON sales_order; DROP FUNCTION ap_test_refuse()');
        }
        expect(sent.slice(before)).toEqual([]);
        expect((await theTask(big.id)).id).toBe(task.id);
        await act(task.id, 'reject', mgr, { reason: '缺货' }).expect(200);
        expect(sent.slice(before)).toContainEqual({ userIds: [uid.admin], kind: 'REJECTED', title: `${big.number} 被驳回` });
      } finally {
        notifications.removeChannel(recorder);
      }
    });

    it('inbox boxes and counts follow a submission and its decision', async () => {
      const d = await t.orgId('D-BJ002');
      const m0 = await inbox(mgr);
      const s0 = await inbox(rep, 'submitted');
      const o = await submitted(d, '70', rep);
      const task = await theTask(o.id);

      const m1 = await inbox(mgr);
      expect(m1.counts).toEqual({ ...m0.counts, todo: m0.counts.todo + 1 });
      expect(m1.total).toBe(m1.counts.todo);
      const row = m1.items.find((x) => x.id === task.id)!;
      expect(row).toMatchObject({ docNumber: o.number, submittedByName: '张伟', status: 'PENDING', stepName: '分支机构经理审批' });
      expect(row.docSummary).toContain('北京京客隆超市');
      const s1 = await inbox(rep, 'submitted');
      expect(s1.counts.submitted).toBe(s0.counts.submitted + 1);
      expect(s1.items.map((x) => x.id)).toContain(task.id);

      await act(task.id, 'approve', mgr, { comment: 'OK' }).expect(200);
      const m2 = await inbox(mgr, 'done');
      expect(m2.counts).toEqual({ todo: m0.counts.todo, done: m0.counts.done + 1, submitted: m0.counts.submitted });
      expect(m2.items[0]).toMatchObject({ id: task.id, status: 'APPROVED', comment: 'OK' });
      expect(m2.total).toBe(m2.counts.done);
      const s2 = await inbox(rep, 'submitted');
      expect(s2.counts.submitted).toBe(s0.counts.submitted);
      expect(s2.items.map((x) => x.id)).not.toContain(task.id);
      await get('/api/approvals/tasks?box=mine', mgr).expect(400);
    });

    it('notifications: TASK for the approver, APPROVED / REJECTED for the submitter; read and read-all; nobody sees another\'s', async () => {
      const d = await t.orgId('D-BJ002');
      const mBefore = await bell(mgr);
      const sBefore = await bell(rep);

      const o1 = await submitted(d, '70', rep);
      const o2 = await submitted(d, '71', rep);
      const mAfter = await bell(mgr);
      expect(mAfter.unread).toBe(mBefore.unread + 2);
      const taskNote = mAfter.items.find((n) => n.title === `待审批：${o1.number}`)!;
      // the message key and values carry the order's final number (the web words it in the reader's language)
      expect(taskNote).toMatchObject({
        kind: 'TASK', readAt: null,
        message: { key: 'task', params: { number: o1.number, step: '分支机构经理审批' }, summary: { docType: 'SALES_ORDER', values: { party: '北京京客隆超市', amount: o1.total } } },
      });
      expect(taskNote.body).toContain('分支机构经理审批');
      expect(mAfter.items.find((n) => n.title === `待审批：${o2.number}`)).toBeDefined();

      await act((await theTask(o1.id)).id, 'approve', mgr).expect(200);
      await act((await theTask(o2.id)).id, 'reject', mgr, { reason: '库存紧张' }).expect(200);
      const s = await bell(rep);
      expect(s.unread).toBe(sBefore.unread + 2);
      expect(s.items.find((n) => n.title.includes(o1.number))).toMatchObject({ kind: 'APPROVED', link: `/sales/orders/${o1.id}`, readAt: null, message: { key: 'approved', params: { number: o1.number } } });
      expect(s.items.find((n) => n.title.includes(o2.number))).toMatchObject({ kind: 'REJECTED', body: '库存紧张', link: `/sales/orders/${o2.id}`, message: { key: 'rejected', params: { number: o2.number } } });
      // deciding clears the approver's 待审批 notices; nobody is told about their own decisions
      const mDecided = await bell(mgr);
      expect(mDecided.unread).toBe(mBefore.unread);
      expect(mDecided.items.find((n) => n.id === taskNote.id)!.readAt).not.toBeNull();
      const o3 = await submitted(d, '72', rep);
      const note3 = (await bell(mgr)).items.find((n) => n.title === `待审批：${o3.number}`)!;
      expect(note3).toMatchObject({ kind: 'TASK', readAt: null });
      const pending = mBefore.unread + 1;

      // nobody sees or marks another's notifications
      const mIds = new Set((await bell(mgr)).items.map((n) => n.id));
      expect(s.items.some((n) => mIds.has(n.id))).toBe(false);
      expect((await bell(admin)).items.some((n) => n.id === note3.id)).toBe(false);
      // someone else's notice is not found, as an unknown id (issue #11; was 200 with the caller's own count)
      const foreign = (await post(`/api/notifications/${note3.id}/read`, {}, rep).expect(404)).body;
      expect(foreign).toMatchObject({ code: ErrorCode.NOT_FOUND, details: { entity: 'notification' } });
      expect((await bell(mgr)).items.find((n) => n.id === note3.id)!.readAt).toBeNull();

      const one = (await post(`/api/notifications/${note3.id}/read`, {}, mgr).expect(200)).body;
      expect(one).toEqual({ unread: pending - 1 });
      const afterOne = await bell(mgr);
      expect(afterOne.unread).toBe(pending - 1);
      expect(afterOne.items.find((n) => n.id === note3.id)!.readAt).not.toBeNull();
      const unreadOnly = await bell(mgr, true);
      expect(unreadOnly.items.every((n) => n.readAt === null)).toBe(true);
      expect(unreadOnly.items.map((n) => n.id)).not.toContain(note3.id);
      expect(unreadOnly.total).toBe(afterOne.unread);

      expect((await post('/api/notifications/read-all', {}, mgr).expect(200)).body).toEqual({ unread: 0 });
      expect((await bell(mgr, true)).total).toBe(0);
      expect((await bell(mgr)).unread).toBe(0);
      // bj.sales's are untouched
      expect((await bell(rep)).unread).toBe(s.unread);
    });

    it('GET /api/me/warnings: pending approvals = open tasks; overdue receivables and low stock for those who may see them, zero for a dealer', async () => {
      // something overdue and something low in Beijing
      const d = await newDealer();
      const o = await submitted(d, '10');
      const ship = (await post('/api/shipments', { orderId: o.id }).expect(201)).body;
      await t.sql(`UPDATE receivable SET due_date = due_date - 40 WHERE shipment_id = $1`, [ship.id]);
      const low = (await post('/api/products', { code: 'AP-LOW', name: '低库存商品', categoryId: catId, baseUnit: '箱', basePrice: '10.0000', lowStockThreshold: '5' }).expect(201)).body.id;
      await post('/api/stock-docs', { type: 'INBOUND', warehouseId: whId, lines: [{ productId: low, qty: '3', unitCost: '5' }] }).expect(201);
      const pendingFor7000 = await submitted(await newDealer(), '70');
      expect(pendingFor7000.status).toBe('PENDING_APPROVAL');

      const today = businessDate(new Date(), 'Asia/Shanghai');
      const overdueIn = async (orgCode: string) =>
        (await t.sql<{ n: number; amount: string }>(
          `SELECT count(*)::int AS n, COALESCE(sum(r.open_amount), 0)::numeric(18,2)::text AS amount FROM receivable r JOIN organization o ON o.id = r.dealer_id
            WHERE r.open_amount > 0 AND r.due_date < $2::date AND o.path LIKE (SELECT path FROM organization WHERE code = $1) || '%'`,
          [orgCode, today],
        ))[0];
      const lowIn = async (orgCode: string) =>
        (await t.sql<{ n: number }>(
          `SELECT count(*)::int AS n FROM stock s JOIN warehouse w ON w.id = s.warehouse_id JOIN product p ON p.id = s.product_id JOIN organization o ON o.id = w.org_id
            WHERE COALESCE(s.low_threshold, p.low_stock_threshold) > 0 AND s.on_hand - s.reserved <= COALESCE(s.low_threshold, p.low_stock_threshold)
              AND o.path LIKE (SELECT path FROM organization WHERE code = $1) || '%'`,
          [orgCode],
        ))[0].n;

      const w = (await get('/api/me/warnings', mgr).expect(200)).body as LoginWarningsDto;
      const mgrTodo = (await inbox(mgr)).counts.todo;
      expect(w.pendingApprovals).toBe(mgrTodo);
      const [{ n: openTasksOfMgr }] = await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM approval_task WHERE approver_id = $1 AND status = 'PENDING'`, [uid['bj.manager']]);
      expect(w.pendingApprovals).toBe(openTasksOfMgr);
      expect(w.pendingApprovals).toBeGreaterThanOrEqual(1);
      const bjOverdue = await overdueIn('BJ');
      expect(bjOverdue.n).toBeGreaterThanOrEqual(1);
      expect(w.overdueReceivables.count).toBe(bjOverdue.n);
      expect(Number(w.overdueReceivables.amount)).toBe(Number(bjOverdue.amount));
      expect(w.overdueReceivables.amount).toMatch(/^\d+\.\d{2}$/);
      expect(w.lowStock).toBe(await lowIn('BJ'));
      expect(w.lowStock).toBeGreaterThanOrEqual(1);

      // finance sees overdue receivables but has no stock:view
      const wf = (await get('/api/me/warnings', fin).expect(200)).body as LoginWarningsDto;
      expect(wf).toMatchObject({ pendingApprovals: 0, lowStock: 0, overdueReceivables: { count: bjOverdue.n } });
      // customer service sees stock but not finance
      const ws = (await get('/api/me/warnings', await t.token('bj.service')).expect(200)).body as LoginWarningsDto;
      expect(ws.overdueReceivables).toEqual({ count: 0, amount: '0.00' });
      expect(ws.lowStock).toBe(w.lowStock);
      // a dealer: no approvals, no stock
      const wd = (await get('/api/me/warnings', await t.token('bj.dealer1')).expect(200)).body as LoginWarningsDto;
      expect(wd.pendingApprovals).toBe(0);
      expect(wd.lowStock).toBe(0);
      expect(wd.overdueReceivables.count).toBe((await overdueIn('D-BJ001')).n);
      expect(wd.overdueReceivables.count).toBeLessThan(bjOverdue.n);
      // Shanghai does not count Beijing's
      const wsh = (await get('/api/me/warnings', shm).expect(200)).body as LoginWarningsDto;
      expect(wsh.overdueReceivables.count).toBe((await overdueIn('SH')).n);
      expect(wsh.lowStock).toBe(await lowIn('SH'));
      await t.http.get('/api/me/warnings').expect(401);
    });
  });
});
