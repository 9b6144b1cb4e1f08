import { CreditMode, Dec, fmt, OrderSource, ReceiptMethod } from '@drp/shared';
import { sql } from 'kysely';
import { RequestContext } from '../../common/context/request-context';
import { DbService } from '../../database/db.service';
import { CreditService } from '../finance/credit.service';
import { ReceiptService } from '../finance/receipt.service';
import { previousMonth, StatementService } from '../finance/statement.service';
import { SalesOrderService } from '../sales/sales-order.service';
import { addDays } from '../../database/business-date';
import { ShipmentService } from '../sales/shipment.service';

export interface SalesDemoServices {
  db: DbService;
  credit: CreditService;
  orders: SalesOrderService;
  shipments: ShipmentService;
  receipts: ReceiptService;
  statements: StatementService;
}

/**
 * Demo orders in every status, receivables of every age, receipts (one reversed, one prepayment),
 * a return and last month's statements (one confirmed, one disputed). Everything goes through the
 * real services, so stock, reservations and credit totals are exactly what the documents say;
 * only dates are moved into the past. Orders waiting for approval come with the approval demo.
 */
export async function seedSalesDemo(s: SalesDemoServices, tx: RequestContext, orgIds: Map<string, string>, today: string): Promise<void> {
  const org = (code: string) => orgIds.get(code)!;
  const warehouses = await s.db.rows(tx, s.db.k.selectFrom('warehouse').select(['id', 'code']).where('code', 'in', ['WH-BJ', 'WH-SH', 'WH-HQ']));
  const whId = (code: string) => warehouses.find((w) => w.code === code)!.id;
  const wh = { bj: whId('WH-BJ'), sh: whId('WH-SH'), hq: whId('WH-HQ') };
  // products with plenty of stock in a warehouse, with a quantity that meets their minimum and multiple
  const stocked = async (warehouseId: string) =>
    s.db.rows(
      tx,
      s.db.k
        .selectFrom('stock as st')
        .innerJoin('product as p', 'p.id', 'st.product_id')
        .select(['p.id', sql<string>`(ceil(p.min_order_qty / p.order_multiple) * p.order_multiple)::text`.as('qty')])
        .where('st.warehouse_id', '=', warehouseId)
        .where('p.status', '=', 'ON_SALE')
        .where(sql<boolean>`st.on_hand - st.reserved >= 80 * ceil(p.min_order_qty / p.order_multiple) * p.order_multiple`)
        .orderBy('p.code'),
    );
  const pools = { bj: await stocked(wh.bj), sh: await stocked(wh.sh), hq: await stocked(wh.hq) };
  let cursor = 0;
  const pick = (pool: { id: string; qty: string }[], n: number, times = 1) =>
    Array.from({ length: n }, () => {
      const p = pool[cursor++ % pool.length];
      return { productId: p.id, qty: fmt(new Dec(p.qty).times(times), 'qty') };
    });

  const policies: [string, string, CreditMode, number, boolean][] = [
    ['D-BJ001', '50000', CreditMode.BLOCK, 30, false],
    ['D-BJ002', '20000', CreditMode.WARN, 15, false],
    ['D-BJ004', '10000', CreditMode.BLOCK, 30, true],
    ['D-SH001', '40000', CreditMode.BLOCK, 45, false],
    ['D-SH002', '20000', CreditMode.WARN, 30, false],
    ['D-HQ001', '80000', CreditMode.BLOCK, 60, false],
  ];
  for (const [code, limit, mode, creditDays, blockOnOverdue] of policies) await s.credit.update(tx, org(code), { limit, mode, creditDays, blockOnOverdue });

  const order = async (dealer: string, warehouseId: string, pool: { id: string; qty: string }[], n: number, opts: { submit?: boolean; source?: OrderSource; remark?: string; times?: number } = {}) =>
    s.orders.create(tx, { dealerId: org(dealer), warehouseId, lines: pick(pool, n, opts.times ?? 36), submit: opts.submit ?? true, source: opts.source, remark: opts.remark ?? null });
  /** An order shipped in full `daysAgo` days ago (its receivable ages from there), then closed. */
  const shippedAgo = async (dealer: string, warehouseId: string, pool: { id: string; qty: string }[], daysAgo: number, complete = true) => {
    const o = await order(dealer, warehouseId, pool, 3);
    const day = addDays(today, -daysAgo);
    await s.db.rows(tx, s.db.k.updateTable('sales_order').set({ business_date: addDays(day, -2) }).where('id', '=', o.id));
    const sh = await s.shipments.ship(tx, { orderId: o.id, businessDate: day, logisticsCompany: '顺丰速运', trackingNo: `SF${1000000 + cursor * 7919}` });
    if (complete) await s.orders.complete(tx, o.id);
    return { order: o, shipment: sh };
  };

  // receivables of every age (credit days in brackets): 90+, 61-90, 31-60, 0-30 days past due, and not yet due
  const bj1 = [await shippedAgo('D-BJ001', wh.bj, pools.bj, 125), await shippedAgo('D-BJ001', wh.bj, pools.bj, 110), await shippedAgo('D-BJ001', wh.bj, pools.bj, 80), await shippedAgo('D-BJ001', wh.bj, pools.bj, 50), await shippedAgo('D-BJ001', wh.bj, pools.bj, 12)];
  await shippedAgo('D-BJ002', wh.bj, pools.bj, 70);
  await shippedAgo('D-BJ002', wh.bj, pools.bj, 25);
  await shippedAgo('D-BJ004', wh.bj, pools.bj, 40);
  const sh1 = [await shippedAgo('D-SH001', wh.sh, pools.sh, 150), await shippedAgo('D-SH001', wh.sh, pools.sh, 95), await shippedAgo('D-SH001', wh.sh, pools.sh, 35)];
  await shippedAgo('D-SH002', wh.sh, pools.sh, 20);
  await shippedAgo('D-HQ001', wh.hq, pools.hq, 200);
  await shippedAgo('D-HQ001', wh.hq, pools.hq, 8, false);

  // receipts: the oldest Beijing invoice paid, part of Shanghai's, a prepayment, and one reversed
  await s.receipts.create(tx, { dealerId: org('D-BJ001'), amount: bj1[0].shipment.amount, method: ReceiptMethod.BANK_TRANSFER, bankRef: 'ICBC-20260801-001', businessDate: addDays(today, -90) });
  await s.receipts.create(tx, { dealerId: org('D-SH001'), amount: fmt(new Dec(sh1[0].shipment.amount).div(2)), method: ReceiptMethod.BANK_TRANSFER, bankRef: 'BOC-88231', businessDate: addDays(today, -60) });
  await s.receipts.create(tx, { dealerId: org('D-BJ003'), amount: '5000.00', method: ReceiptMethod.WECHAT, remark: '预付货款', businessDate: addDays(today, -10) });
  const bounced = await s.receipts.create(tx, { dealerId: org('D-BJ002'), amount: '3000.00', method: ReceiptMethod.BANK_ACCEPTANCE, bankRef: 'BA-2026-0091', businessDate: addDays(today, -20) });
  await s.receipts.reverse(tx, bounced.id, { reason: '承兑汇票退票' });

  // a return against the most recent Beijing shipment
  const lastBj = bj1[4].shipment;
  await s.shipments.createReturn(tx, { shipmentId: lastBj.id, reason: '包装破损', lines: [{ shipmentLineId: lastBj.lines[0].id, qty: lastBj.lines[0].qty }], businessDate: addDays(today, -5) });

  // orders in every other status
  const partial = await order('D-BJ001', wh.bj, pools.bj, 3);
  await s.shipments.ship(tx, { orderId: partial.id, lines: [{ orderLineId: partial.lines[0].id, qty: partial.lines[0].qty }], logisticsCompany: '德邦物流', trackingNo: 'DB20261120001', businessDate: addDays(today, -1) });
  await s.shipments.ship(tx, { orderId: (await order('D-SH001', wh.sh, pools.sh, 2)).id, logisticsCompany: '中通快运', trackingNo: 'ZT77881234' });
  await order('D-SH002', wh.sh, pools.sh, 4, { remark: '请周五前送达' });
  await order('D-BJ002', wh.bj, pools.bj, 2, { submit: false, remark: '草稿：待确认数量' });
  await order('D-BJ001', wh.bj, pools.bj, 3, { source: OrderSource.MALL, remark: '商城订单' });
  const rejected = await order('D-BJ002', wh.bj, pools.bj, 2, { source: OrderSource.MALL });
  await s.orders.review(tx, rejected.id, { accept: false, reason: '重复下单' });
  const cancelled = await order('D-BJ003', wh.bj, pools.bj, 2);
  await s.orders.cancel(tx, cancelled.id, { reason: '客户取消' });
  // last month's statements for every dealer; one confirmed, one disputed by the dealers themselves
  await s.statements.monthEnd(tx, previousMonth(today));
  const users = await s.db.rows(tx, s.db.k.selectFrom('app_user').select(['username', 'id']).where('username', 'in', ['bj.dealer1', 'sh.dealer1']));
  const uid = (u: string) => users.find((x) => x.username === u)!.id;
  const respond = (dealer: string, status: string, comment: string, user: string) =>
    s.db.rows(tx, s.db.k.updateTable('statement').set({ status, response_comment: comment, responded_by: uid(user), responded_at: sql<Date>`now()` }).where('dealer_id', '=', org(dealer)));
  await respond('D-BJ001', 'CONFIRMED', '核对无误', 'bj.dealer1');
  await respond('D-SH001', 'DISPUTED', '10月25日的发货单数量与实收不符', 'sh.dealer1');
}
