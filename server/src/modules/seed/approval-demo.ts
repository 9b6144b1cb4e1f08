import { ApprovalDocType, BuiltinRole, Dec, fmt } from '@drp/shared';
import { sql } from 'kysely';
import { loadPrincipal } from '../../common/auth/principal';
import { RequestContext } from '../../common/context/request-context';
import { DbService } from '../../database/db.service';
import { ApprovalFlowService } from '../approval/approval-flow.service';
import { ApprovalService } from '../approval/approval.service';
import { SalesOrderService } from '../sales/sales-order.service';

export interface ApprovalDemoServices {
  db: DbService;
  flows: ApprovalFlowService;
  approvals: ApprovalService;
  orders: SalesOrderService;
}

/**
 * The sales-order flow of the T+ plan (> 5,000: the branch's manager; > 10,000: also the HQ vice
 * president hq.vp), flows for manual prices below the floor (the branch's manager; a gap over
 * 2,000 also hq.vp) and for credit overrides (the branch's manager; over 20,000 past the limit
 * also hq.vp), and orders waiting in the inboxes of bj.manager and hq.vp. Seeded after the other
 * demo orders, which predate the flows.
 */
export async function seedApprovalDemo(s: ApprovalDemoServices, tx: RequestContext, orgIds: Map<string, string>): Promise<void> {
  const org = (code: string) => orgIds.get(code)!;
  const vp = await s.db.one(tx, s.db.k.selectFrom('app_user').select('id').where('username', '=', 'hq.vp'));
    const over = (fact: string, n: string) => ({ op: 'all' as const, items: [{ fact, operator: 'gt' as const, value: n }] });
  await s.flows.create(tx, {
    code: 'SO-STANDARD',
    name: '销售订单审批',
    docType: ApprovalDocType.SALES_ORDER,
    orgId: org('HQ'),
    onMissingApprover: 'ESCALATE_HQ_ADMIN',
    steps: [
      { name: '分支机构经理审批', condition: over('amount', '5000'), approvers: [{ kind: 'ROLE', role: BuiltinRole.BRANCH_MANAGER, relativeTo: 'DOC_BRANCH' }], mode: 'ANY', timeLimitHours: 24 },
      { name: '总部副总审批', condition: over('amount', '10000'), approvers: [{ kind: 'USERS', userIds: [vp.id] }], mode: 'ANY', timeLimitHours: 48 },
    ],
  });
  const manager = { kind: 'ROLE' as const, role: BuiltinRole.BRANCH_MANAGER, relativeTo: 'DOC_BRANCH' as const };
  await s.flows.create(tx, {
    code: 'PRICE-FLOOR',
    name: '低于底价审批',
    docType: ApprovalDocType.BELOW_FLOOR_PRICE,
    orgId: org('HQ'),
    onMissingApprover: 'ESCALATE_HQ_ADMIN',
    steps: [
      { name: '分支机构经理审批', condition: null, approvers: [manager], mode: 'ANY', timeLimitHours: 24 },
      { name: '总部副总审批', condition: over('belowFloorGap', '2000'), approvers: [{ kind: 'USERS', userIds: [vp.id] }], mode: 'ANY', timeLimitHours: 48 },
    ],
  });
  await s.flows.create(tx, {
    code: 'CREDIT-OVERRIDE',
    name: '信用超额放行审批',
    docType: ApprovalDocType.CREDIT_OVERRIDE,
    orgId: org('HQ'),
    onMissingApprover: 'ESCALATE_HQ_ADMIN',
    steps: [
      { name: '分支机构经理审批', condition: null, approvers: [manager], mode: 'ANY', timeLimitHours: 24 },
      { name: '总部副总审批', condition: over('excess', '20000'), approvers: [{ kind: 'USERS', userIds: [vp.id] }], mode: 'ANY', timeLimitHours: 48 },
    ],
  });

  const wh = await s.db.one(tx, s.db.k.selectFrom('warehouse').select('id').where('code', '=', 'WH-BJ'));
  const dealer = org('D-BJ002');
  // one product with plenty of stock and a meaningful price, bought in whole cases to reach an amount
  const p = await s.db.one(
    tx,
    s.db.k
      .selectFrom('stock as s')
      .innerJoin('product as p', 'p.id', 's.product_id')
      .select(['p.id', sql<string>`(ceil(p.min_order_qty / p.order_multiple) * p.order_multiple)::text`.as('unit'), sql<string>`(s.on_hand - s.reserved)::text`.as('available')])
      .where('s.warehouse_id', '=', wh.id)
      .where('p.status', '=', 'ON_SALE')
      .where('p.base_price', '>=', '50')
      .orderBy(sql`s.on_hand - s.reserved`, 'desc')
      .orderBy('p.code')
      .limit(1),
  );
  const preview = await s.orders.preview(tx, { dealerId: dealer, warehouseId: wh.id, lines: [{ productId: p.id, qty: p.unit }] });
  const perUnit = new Dec(preview.total);
  const qtyFor = (target: number) => fmt(new Dec(target).div(perUnit).ceil().times(p.unit), 'qty');

  const asUser = async (username: string) => {
    const u = await s.db.one(tx, s.db.k.selectFrom('app_user').select('id').where('username', '=', username));
    return new RequestContext('seed', undefined, (await loadPrincipal(s.db, tx, u.id, null))!, tx.manager);
  };
  const sales = await asUser('bj.sales');
  // waits for bj.manager (> 5,000)
  await s.orders.create(sales, { dealerId: dealer, warehouseId: wh.id, lines: [{ productId: p.id, qty: qtyFor(7000) }], submit: true, remark: '春节备货' });
  // > 10,000: bj.manager has approved, it waits for hq.vp
  const big = await s.orders.create(sales, { dealerId: dealer, warehouseId: wh.id, lines: [{ productId: p.id, qty: qtyFor(12000) }], submit: true, remark: '大客户年度订单' });
  if (new Dec(p.available).greaterThan(0)) {
    const task = await s.db.one(
      tx,
      s.db.k.selectFrom('approval_task as t').innerJoin('approval_instance as i', 'i.id', 't.instance_id').select('t.id').where('i.doc_id', '=', big.id).where('t.status', '=', 'PENDING'),
    );
    await s.approvals.approve(await asUser('bj.manager'), task.id, '同意，请总部审批');
  }
}
