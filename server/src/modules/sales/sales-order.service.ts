import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  COMMITTING_STATUSES, CreditCheckDto, Dec, ErrorCode, fmt, isBelowFloor, LinePriceSource, NotificationMessage, ORDER_ACTION_FROM, OrderAction, OrderEventDto, OrderLineDto, OrderListTotals, OrderPreviewDto,
  OrderSource, OrderStatus, orderLineMoney, OrgStatus, OrgType, Paged, quantityProblem, SALES_DOC_PREFIX, SalesOrderDto,
} from '@drp/shared';
import { APP_CONFIG, AppConfig } from '../../config/config';
import { RequestContext } from '../../common/context/request-context';
import { DomainError, notFound, staleVersion } from '../../common/errors/domain-error';
import { escapeLike, pageIds } from '../../common/http/pagination';
import { applyOrgScope } from '../../common/scope/data-scope';
import { businessDate } from '../../database/business-date';
import { DbService } from '../../database/db.service';
import { DocNumberService } from '../../database/doc-number.service';
import { AuditService } from '../audit/audit.service';
import { ProductService } from '../catalog/product.service';
import { CreditService, LockedAccount } from '../finance/credit.service';
import { StockService } from '../inventory/stock.service';
import { WarehouseService } from '../inventory/warehouse.service';
import { OrgService } from '../org/org.service';
import { PriceResolverService } from '../pricing/price-resolver.service';
import { OrderApprovalGateway } from './order-approval';
import { NotificationService } from '../notifications/notification.service';
import { CreateOrderDto, OrderLineInput, OrderQueryDto, PreviewOrderDto, ReasonDto, ReviewOrderDto, SubmitOrderDto, UpdateOrderDto } from './sales.dto';

/** A priced line, ready to be written: the wire line before it has an id or shipments, plus its discount amount. */
export type PricedLine = Omit<OrderLineDto, 'id' | 'lineNo' | 'shippedQty' | 'shippedAmount' | 'returnedQty'> & { discount: string };

/** The order row as the commands read it (locked). */
interface OrderRow {
  id: string;
  number: string;
  status: OrderStatus;
  source: OrderSource;
  dealer_id: string;
  branch_id: string;
  warehouse_id: string;
  total: string;
  shipped_total: string;
  committed: string;
  below_floor: boolean;
  version: number;
}

const STATUS_ZH: Record<OrderStatus, string> = {
  DRAFT: '草稿', PENDING_REVIEW: '待审核', PENDING_APPROVAL: '待审批', APPROVED: '已审核', PARTIALLY_SHIPPED: '部分发货',
  SHIPPED: '已发货', COMPLETED: '已完成', REJECTED: '已驳回', CANCELLED: '已取消',
};

/** Notes the system writes on the timeline (the web shows them in the reader's language); a notice carries them in words. */
const MACHINE_NOTE: Record<string, { key: NonNullable<NotificationMessage['note']>; zh: string }> = {
  auto: { key: 'autoApproved', zh: '无需审批，自动通过' },
  'no approver could be found': { key: 'noApprover', zh: '找不到审批人，按审批流程设置驳回' },
};

const SORT: Record<string, string> = { createdAt: 'o.created_at', number: 'o.number', total: 'o.total', businessDate: 'o.business_date', status: 'o.status' };

/**
 * 销售订单: pricing through the resolution service (each line keeps its price, source and the
 * record behind it, frozen from then on), the status machine, credit at every step that raises
 * what an order commits (submit, edit after submission, a review that changes quantities; copies
 * and reopened orders start as drafts and meet the same check on submit), stock reserved at
 * approval and released on cancel. Lock order, everywhere: the dealer's credit account, then the
 * order, then stock rows (ARCHITECTURE §6).
 */
@Injectable()
export class SalesOrderService {
  constructor(
    private readonly db: DbService,
    private readonly audit: AuditService,
    private readonly numbers: DocNumberService,
    private readonly orgs: OrgService,
    private readonly products: ProductService,
    private readonly prices: PriceResolverService,
    private readonly warehouses: WarehouseService,
    private readonly stock: StockService,
    private readonly credit: CreditService,
    private readonly approval: OrderApprovalGateway,
    private readonly notifications: NotificationService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  // ---- reads ----

  private scoped(ctx: RequestContext) {
    const qb = this.db
      .manager(ctx)
      .createQueryBuilder()
      .from('sales_order', 'o')
      .innerJoin('organization', 'd', 'd.id = o.dealer_id');
    return applyOrgScope(qb, ctx, 'o.dealer_id');
  }

  async list(ctx: RequestContext, q: OrderQueryDto): Promise<Paged<SalesOrderDto> & { totals: OrderListTotals }> {
    const qb = this.scoped(ctx);
    if (q.status) qb.andWhere('o.status = ANY(:statuses)', { statuses: q.status.split(',') });
    if (q.dealerId) qb.andWhere('o.dealer_id = :dealerId', { dealerId: q.dealerId });
    if (q.branchId) qb.andWhere(`o.branch_id IN (SELECT id FROM organization WHERE path LIKE (SELECT path FROM organization WHERE id = :branchId) || '%')`, { branchId: q.branchId });
    if (q.source) qb.andWhere('o.source = :source', { source: q.source });
    if (q.from) qb.andWhere('o.business_date >= :from::date', { from: q.from });
    if (q.to) qb.andWhere('o.business_date <= :to::date', { to: q.to });
    if (q.q) qb.andWhere('(o.number ILIKE :q OR d.code ILIKE :q OR d.name ILIKE :q)', { q: `%${escapeLike(q.q)}%` });
    const agg = (await qb
      .clone()
      .select('COALESCE(sum(o.total), 0)', 'total')
      .addSelect('COALESCE(sum(o.shipped_total), 0)', 'shipped')
      .getRawOne<{ total: string; shipped: string }>())!;
    const { ids, ...page } = await pageIds(qb, q, SORT, '-createdAt', 'o.id');
    return { items: await this.load(ctx, ids, false), ...page, totals: { count: page.total, total: fmt(agg.total), shippedTotal: fmt(agg.shipped) } };
  }

  async get(ctx: RequestContext, id: string): Promise<SalesOrderDto> {
    const found = await this.scoped(ctx).select('o.id', 'id').andWhere('o.id = :id', { id }).getRawOne();
    if (!found) throw notFound('sales order', id);
    return (await this.load(ctx, [id], true))[0];
  }

  /** Live prices, totals and the credit the order would meet, for the order form. Writes nothing. */
  async preview(ctx: RequestContext, dto: PreviewOrderDto): Promise<OrderPreviewDto> {
    const dealer = await this.dealerFor(ctx, dto.dealerId);
    const lines = dto.lines.length ? await this.priceLines(ctx, dealer, dto.lines) : [];
    const totals = sumLines(lines);
    let already = '0';
    if (dto.excludeOrderId) {
      const [o] = await this.db.query<{ committed: string }>(ctx, 'SELECT committed FROM sales_order WHERE id = $1 AND dealer_id = $2', [dto.excludeOrderId, dealer.id]);
      already = o?.committed ?? '0';
    }
    const available = dto.warehouseId && lines.length ? await this.stock.available(ctx, dto.warehouseId, lines.map((l) => l.productId)) : new Map<string, string>();
    return {
      lines: lines.map((l, i) => ({ ...toLineDto(l, i + 1), available: dto.warehouseId ? (available.get(l.productId) ?? '0.000') : null })),
      ...totals,
      credit: await this.credit.preview(ctx, dealer.id, totals.total, already),
    };
  }

  // ---- commands ----

  async create(ctx: RequestContext, dto: CreateOrderDto): Promise<SalesOrderDto> {
    const id = await this.db.tx(ctx, async (tx) => {
      const dealer = await this.dealerFor(tx, dto.dealerId);
      const warehouse = await this.warehouses.lockForDocument(tx, dto.warehouseId);
      if (dto.salesRepId) await this.assertUser(tx, dto.salesRepId);
      const lines = await this.priceLines(tx, dealer, dto.lines, { requireLines: true });
      const totals = sumLines(lines);
      const now = new Date();
      // The number is taken last (see below); until then the row carries a unique placeholder.
      const provisional = `~${randomUUID().replace(/-/g, '').slice(0, 30)}`;
      const [row] = await this.db.query<{ id: string }>(
        tx,
        `INSERT INTO sales_order (number, status, source, dealer_id, branch_id, warehouse_id, sales_rep_id, requested_date, business_date, remark,
                                  total, tax_total, discount_total, below_floor, created_by)
         VALUES ($1, 'DRAFT', $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id`,
        [
          provisional, dto.source ?? OrderSource.CONSOLE, dealer.id, dealer.branchId, warehouse.id, dto.salesRepId ?? null, dto.requestedDate ?? null,
          businessDate(now, this.config.companyTz), dto.remark?.trim() || null, totals.total, totals.taxTotal, totals.discountTotal, lines.some((l) => l.belowFloor), tx.user?.id ?? null,
        ],
      );
      await this.writeLines(tx, row.id, lines);
      if (dto.shipTo) {
        await this.db.query(tx, 'UPDATE sales_order SET ship_to_contact = $2, ship_to_phone = $3, ship_to_region = $4, ship_to_address = $5 WHERE id = $1', [
          row.id, dto.shipTo.contact, dto.shipTo.phone, dto.shipTo.region, dto.shipTo.address,
        ]);
      }
      await this.event(tx, row.id, OrderAction.CREATE, null, OrderStatus.DRAFT, null);
      if (dto.submit) await this.submitLocked(tx, row.id, {});
      // Numbers are gap-free, so the day's counter row stays locked until this transaction commits:
      // taking it as the last step keeps concurrent orders from queueing behind each other's
      // pricing, credit check and stock reservation (bench: order-submit).
      const number = await this.numbers.next(tx, SALES_DOC_PREFIX.order, businessDate(now, this.config.companyTz));
      await this.db.query(tx, 'UPDATE sales_order SET number = $2 WHERE id = $1', [row.id, number]);
      if (dto.submit) await this.approval.renumber(tx, row.id, provisional, number);
      await this.audit.record(tx, {
        action: 'create', entity: 'sales_order', entityId: row.id, orgId: dealer.id,
        summary: `order ${number} for ${dealer.code}: ${lines.length} line(s), ${totals.total}`,
        after: { number, dealerId: dealer.id, warehouseId: warehouse.id, total: totals.total, lines: lines.map(auditLine), submitted: !!dto.submit },
      });
      return row.id;
    });
    return this.get(ctx, id);
  }

  /**
   * Edits lines and header fields. A submitted order (pending approval or approved, nothing
   * shipped) is re-priced, re-checked for credit against its new total and sent through approval
   * again; its reservation is released and taken anew.
   */
  async update(ctx: RequestContext, id: string, dto: UpdateOrderDto): Promise<SalesOrderDto> {
    await this.get(ctx, id);
    await this.db.tx(ctx, async (tx) => {
      const account = await this.lockAccountOf(tx, id);
      const o = await this.lockOrder(tx, id, dto.version);
      this.assertStatus(o, 'edit');
      if (new Dec(o.shipped_total).greaterThan(0)) throw new DomainError(ErrorCode.INVALID_STATE, 'Part of the order has shipped: it can no longer be edited', { status: o.status });
      const dealer = await this.dealerFor(tx, o.dealer_id);
      const warehouseId = dto.warehouseId ?? o.warehouse_id;
      if (dto.warehouseId) await this.warehouses.lockForDocument(tx, dto.warehouseId);
      if (dto.salesRepId) await this.assertUser(tx, dto.salesRepId);
      const lines = await this.priceLines(tx, dealer, dto.lines, { requireLines: true });
      const totals = sumLines(lines);
      const before = await this.load(tx, [id], true);
      if (o.status === OrderStatus.APPROVED) await this.releaseReservation(tx, id, o.warehouse_id);
      await this.db.query(
        tx,
        `UPDATE sales_order SET warehouse_id = $2, sales_rep_id = $3, requested_date = $4, remark = $5, total = $6, tax_total = $7, discount_total = $8,
                below_floor = $9, version = version + 1 WHERE id = $1`,
        [id, warehouseId, dto.salesRepId === undefined ? before[0].salesRepId : dto.salesRepId, dto.requestedDate === undefined ? before[0].requestedDate : dto.requestedDate,
          dto.remark === undefined ? before[0].remark : dto.remark?.trim() || null, totals.total, totals.taxTotal, totals.discountTotal, lines.some((l) => l.belowFloor)],
      );
      await this.db.query(tx, 'DELETE FROM sales_order_line WHERE order_id = $1', [id]);
      await this.writeLines(tx, id, lines);
      await this.event(tx, id, OrderAction.EDIT, o.status, o.status, null);
      await this.audit.record(tx, {
        action: 'update', entity: 'sales_order', entityId: id, orgId: o.dealer_id, summary: `edited ${o.number}: ${totals.total}`,
        before: { total: before[0].total, lines: before[0].lines.map((l) => ({ productId: l.productId, qty: l.qty, unitPrice: l.unitPrice })) },
        after: { total: totals.total, lines: lines.map(auditLine) },
      });
      if (COMMITTING_STATUSES.includes(o.status)) {
        // what it commits changed: credit again, approval again (an approval never covers an edit)
        await this.enterApproval(tx, { ...o, total: totals.total, warehouse_id: warehouseId, below_floor: lines.some((l) => l.belowFloor) }, account, {}, OrderAction.EDIT);
      }
    });
    return this.get(ctx, id);
  }

  async submit(ctx: RequestContext, id: string, dto: SubmitOrderDto): Promise<SalesOrderDto> {
    await this.get(ctx, id);
    await this.db.tx(ctx, (tx) => this.submitLocked(tx, id, dto));
    return this.get(ctx, id);
  }

  /** 客服审核 of a mall order: accept (optionally changing quantities) into credit and approval, or reject with a reason. */
  async review(ctx: RequestContext, id: string, dto: ReviewOrderDto): Promise<SalesOrderDto> {
    await this.get(ctx, id);
    await this.db.tx(ctx, async (tx) => {
      const account = await this.lockAccountOf(tx, id);
      const o = await this.lockOrder(tx, id, dto.version);
      this.assertStatus(o, 'review');
      if (!dto.accept) {
        const reason = dto.reason?.trim();
        if (!reason) throw new DomainError(ErrorCode.VALIDATION_FAILED, 'A rejection needs a reason', { field: 'reason' });
        await this.setStatus(tx, o, OrderStatus.REJECTED, OrderAction.REVIEW_REJECT, reason);
        return;
      }
      let total = o.total;
      if (dto.lines?.length) total = await this.changeQuantities(tx, o, dto.lines);
      await this.enterApproval(tx, { ...o, total }, account, {}, OrderAction.REVIEW_ACCEPT, dto.reason?.trim() || null);
    });
    return this.get(ctx, id);
  }

  async cancel(ctx: RequestContext, id: string, dto: ReasonDto): Promise<SalesOrderDto> {
    await this.get(ctx, id);
    await this.db.tx(ctx, async (tx) => {
      await this.lockAccountOf(tx, id);
      const o = await this.lockOrder(tx, id, dto.version);
      this.assertStatus(o, 'cancel');
      if (o.status === OrderStatus.PENDING_APPROVAL) await this.approval.close(tx, id, `order cancelled: ${dto.reason.trim()}`);
      await this.releaseCommitment(tx, o);
      await this.setStatus(tx, o, OrderStatus.CANCELLED, OrderAction.CANCEL, dto.reason.trim());
    });
    return this.get(ctx, id);
  }

  /** A cancelled or rejected order back to DRAFT; submitting it again meets credit and approval like a new one. */
  async reopen(ctx: RequestContext, id: string, version?: number): Promise<SalesOrderDto> {
    await this.get(ctx, id);
    await this.db.tx(ctx, async (tx) => {
      const o = await this.lockOrder(tx, id, version);
      this.assertStatus(o, 'reopen');
      await this.db.query(tx, 'UPDATE sales_order SET credit_check = NULL, submitted_at = NULL, approved_at = NULL WHERE id = $1', [id]);
      await this.setStatus(tx, o, OrderStatus.DRAFT, OrderAction.REOPEN, null);
    });
    return this.get(ctx, id);
  }

  /** A new DRAFT with the same lines, priced today. It inherits no approval and no credit check. */
  async copy(ctx: RequestContext, id: string): Promise<SalesOrderDto> {
    const src = await this.get(ctx, id);
    const copy = await this.create(ctx, {
      dealerId: src.dealerId,
      warehouseId: src.warehouseId,
      salesRepId: src.salesRepId,
      requestedDate: null,
      remark: src.remark,
      source: src.source === OrderSource.MALL ? OrderSource.CONSOLE : src.source,
      lines: src.lines.map((l) => ({
        productId: l.productId,
        qty: l.qty,
        discountRate: l.discountRate,
        remark: l.remark ?? undefined,
        ...(l.priceSource === 'MANUAL' && ctx.can('orders:manual-price') ? { unitPrice: l.unitPrice } : {}),
      })),
    });
    await this.db.tx(ctx, async (tx) => {
      await this.db.query(tx, 'UPDATE sales_order SET copied_from_id = $2 WHERE id = $1', [copy.id, id]);
      await this.event(tx, copy.id, OrderAction.COPY, null, OrderStatus.DRAFT, src.number);
    });
    return this.get(ctx, copy.id);
  }

  /** Closes a shipped order, or short-closes a partially shipped one (the rest is released). */
  async complete(ctx: RequestContext, id: string, version?: number): Promise<SalesOrderDto> {
    await this.get(ctx, id);
    await this.db.tx(ctx, async (tx) => {
      await this.lockAccountOf(tx, id);
      const o = await this.lockOrder(tx, id, version);
      this.assertStatus(o, 'complete');
      await this.releaseCommitment(tx, o);
      await this.setStatus(tx, o, OrderStatus.COMPLETED, OrderAction.COMPLETE, null);
    });
    return this.get(ctx, id);
  }

  /**
   * The approval workflow's verdicts (issue #5 calls these from its last step). Approving
   * reserves the stock; rejecting releases the credit and lets the order be edited and resubmitted.
   */
  async approve(tx: RequestContext, id: string, note: string | null = null): Promise<void> {
    const [o] = await this.db.query<OrderRow>(tx, 'SELECT * FROM sales_order WHERE id = $1 FOR UPDATE', [id]);
    if (o.status !== OrderStatus.PENDING_APPROVAL) throw new DomainError(ErrorCode.INVALID_STATE, `The order is ${o.status}`, { status: o.status });
    const lines = await this.db.query<{ product_id: string; qty: string }>(tx, 'SELECT product_id, qty FROM sales_order_line WHERE order_id = $1 ORDER BY product_id', [id]);
    await this.stock.reserve(tx, mergeByProduct(lines).map((l) => ({ warehouseId: o.warehouse_id, productId: l.product_id, qty: l.qty })));
    await this.db.query(tx, 'UPDATE sales_order SET approved_at = now() WHERE id = $1', [id]);
    await this.setStatus(tx, o, OrderStatus.APPROVED, OrderAction.APPROVE, note);
  }

  async reject(tx: RequestContext, id: string, reason: string): Promise<void> {
    const [o] = await this.db.query<OrderRow>(tx, 'SELECT * FROM sales_order WHERE id = $1 FOR UPDATE', [id]);
    if (o.status !== OrderStatus.PENDING_APPROVAL) throw new DomainError(ErrorCode.INVALID_STATE, `The order is ${o.status}`, { status: o.status });
    await this.releaseCommitment(tx, o);
    await this.setStatus(tx, o, OrderStatus.REJECTED, OrderAction.REJECT, reason);
  }

  /** The locks an approval decision takes first: the dealer's credit account, then the order (the lock order of every order command). */
  async lockForApproval(tx: RequestContext, id: string): Promise<void> {
    await this.lockAccountOf(tx, id);
    await this.db.query(tx, 'SELECT id FROM sales_order WHERE id = $1 FOR UPDATE', [id]);
  }

  /** Returned for changes or withdrawn from approval: the order is a DRAFT again and holds nothing. */
  async backToDraft(tx: RequestContext, id: string, action: 'RETURN' | 'WITHDRAW', note: string | null): Promise<void> {
    const [o] = await this.db.query<OrderRow>(tx, 'SELECT * FROM sales_order WHERE id = $1 FOR UPDATE', [id]);
    if (o.status !== OrderStatus.PENDING_APPROVAL) throw new DomainError(ErrorCode.INVALID_STATE, `The order is ${o.status}`, { status: o.status });
    await this.releaseCommitment(tx, o);
    await this.db.query(tx, 'UPDATE sales_order SET credit_check = NULL, submitted_at = NULL WHERE id = $1', [id]);
    await this.setStatus(tx, o, OrderStatus.DRAFT, action === 'RETURN' ? OrderAction.RETURN_FOR_CHANGES : OrderAction.WITHDRAW, note);
  }

  // ---- the steps ----

  private async submitLocked(tx: RequestContext, id: string, dto: SubmitOrderDto): Promise<void> {
    const account = await this.lockAccountOf(tx, id);
    const o = await this.lockOrder(tx, id, dto.version);
    this.assertStatus(o, 'submit');
    const dealer = await this.dealerFor(tx, o.dealer_id);
    // the products must still be sellable to this dealer when it is submitted
    const lines = await this.db.query<{ product_id: string }>(tx, 'SELECT product_id FROM sales_order_line WHERE order_id = $1', [id]);
    if (!lines.length) throw new DomainError(ErrorCode.ORDER_HAS_NO_LINES, 'The order has no lines', { field: 'lines' });
    await this.products.assertUsable(tx, lines.map((l) => l.product_id), { orgPath: dealer.path, onSale: true });
    await this.db.query(tx, 'UPDATE sales_order SET submitted_at = now() WHERE id = $1', [id]);
    if (o.source === OrderSource.MALL) {
      await this.setStatus(tx, o, OrderStatus.PENDING_REVIEW, OrderAction.SUBMIT, null);
      return;
    }
    const override = dto.overrideCredit ? { reason: dto.overrideReason?.trim() || '' } : undefined;
    if (override && !override.reason) throw new DomainError(ErrorCode.VALIDATION_FAILED, 'A credit override needs a reason', { field: 'overrideReason' });
    await this.enterApproval(tx, o, account, { override }, OrderAction.SUBMIT);
  }

  /**
   * Credit (on the locked account) for the order's new total, PENDING_APPROVAL, then the approval
   * seam; an order approved at once reserves its stock in this same transaction.
   */
  private async enterApproval(tx: RequestContext, o: OrderRow, account: LockedAccount, opts: { override?: { reason: string } }, action: OrderAction, note: string | null = null): Promise<void> {
    const check: CreditCheckDto = await this.credit.commitOrder(tx, account, { id: o.id, oldCommitted: o.committed, newCommitted: o.total, override: opts.override });
    await this.db.query(tx, `UPDATE sales_order SET committed = total, credit_check = $2::jsonb, approved_at = NULL, status = 'PENDING_APPROVAL' WHERE id = $1`, [o.id, JSON.stringify(check)]);
    await this.event(tx, o.id, action, o.status, OrderStatus.PENDING_APPROVAL, [note, check.warning].filter(Boolean).join('; ') || null);
    if (o.source === OrderSource.MALL && action === OrderAction.REVIEW_ACCEPT) await this.notifyCreator(tx, o, OrderStatus.PENDING_APPROVAL, note);
    const decision = await this.approval.start(tx, {
      id: o.id, dealerId: o.dealer_id, branchId: o.branch_id, total: o.total, belowFloor: o.below_floor, creditOverridden: check.overridden, source: o.source,
    });
    if (decision === 'APPROVED') await this.approve(tx, o.id, 'auto');
    if (decision === 'REJECTED') await this.reject(tx, o.id, 'no approver could be found');
  }

  /**
   * A shipment of `amount` of the order: the shipped total rises, the value leaves what the order
   * commits and the dealer's open orders (CreditService moves those), the status becomes `to`.
   * With enterApproval and releaseCommitment, the only writers of sales_order.committed.
   */
  async recordShipped(tx: RequestContext, order: { id: string; dealerId: string }, amount: string, to: OrderStatus): Promise<void> {
    await this.db.query(tx, 'UPDATE sales_order SET shipped_total = shipped_total + $2, committed = committed - $2, status = $3, version = version + 1 WHERE id = $1', [order.id, amount, to]);
    await this.credit.adjust(tx, order.dealerId, { openOrders: fmt(new Dec(amount).negated()) });
  }

  /** Gives back what an order holds: its open credit and the reservation of what is unshipped. */
  private async releaseCommitment(tx: RequestContext, o: OrderRow): Promise<void> {
    if (new Dec(o.committed).greaterThan(0)) {
      await this.credit.adjust(tx, o.dealer_id, { openOrders: fmt(new Dec(o.committed).negated()) });
      await this.db.query(tx, 'UPDATE sales_order SET committed = 0 WHERE id = $1', [o.id]);
    }
    if ([OrderStatus.APPROVED, OrderStatus.PARTIALLY_SHIPPED].includes(o.status)) await this.releaseReservation(tx, o.id, o.warehouse_id);
  }

  private async releaseReservation(tx: RequestContext, orderId: string, warehouseId: string): Promise<void> {
    const open = await this.db.query<{ product_id: string; qty: string }>(
      tx,
      'SELECT product_id, qty - shipped_qty AS qty FROM sales_order_line WHERE order_id = $1 AND qty > shipped_qty ORDER BY product_id',
      [orderId],
    );
    await this.stock.reserve(tx, mergeByProduct(open).map((l) => ({ warehouseId, productId: l.product_id, qty: fmt(new Dec(l.qty).negated(), 'qty') })));
  }

  private async changeQuantities(tx: RequestContext, o: OrderRow, changes: { lineId: string; qty: string }[]): Promise<string> {
    const lines = await this.db.query<{ id: string; product_id: string; code: string; qty: string; unit_price: string; discount_rate: string; tax_rate: string; min_order_qty: string; order_multiple: string }>(
      tx,
      `SELECT l.id, l.product_id, p.code, l.qty, l.unit_price, l.discount_rate, l.tax_rate, p.min_order_qty, p.order_multiple
         FROM sales_order_line l JOIN product p ON p.id = l.product_id WHERE l.order_id = $1`,
      [o.id],
    );
    for (const [i, c] of changes.entries()) {
      const line = lines.find((l) => l.id === c.lineId);
      if (!line) throw new DomainError(ErrorCode.NOT_FOUND, 'order line not found', { entity: 'sales_order_line', id: c.lineId, field: `lines.${i}.lineId` });
      if (!new Dec(c.qty).greaterThan(0)) throw new DomainError(ErrorCode.INVALID_QUANTITY, `Line ${i + 1}: the quantity must be above 0`, { field: `lines.${i}.qty` });
      const problem = quantityProblem(c.qty, line.min_order_qty, line.order_multiple);
      if (problem) throw new DomainError(ErrorCode[problem], `${line.code}: ${c.qty} must be at least ${fmt(line.min_order_qty, 'qty')} and a multiple of ${fmt(line.order_multiple, 'qty')}`, { field: `lines.${i}.qty`, productId: line.product_id });
      const m = orderLineMoney(c.qty, line.unit_price, line.discount_rate, line.tax_rate);
      await this.db.query(tx, 'UPDATE sales_order_line SET qty = $2, amount = $3, tax_amount = $4 WHERE id = $1', [line.id, c.qty, m.amount, m.tax]);
    }
    const [t] = await this.db.query<{ total: string; tax: string; gross: string }>(
      tx,
      'UPDATE sales_order o SET total = x.total, tax_total = x.tax, discount_total = x.gross - x.total, version = o.version + 1 FROM (SELECT sum(amount) AS total, sum(tax_amount) AS tax, sum(round(qty * unit_price, 2)) AS gross FROM sales_order_line WHERE order_id = $1) x WHERE o.id = $1 RETURNING o.total, o.tax_total AS tax, o.discount_total',
      [o.id],
    );
    return fmt(t.total);
  }

  /**
   * Prices lines for a dealer: products usable by the dealer (scope, on sale), quantities above 0
   * and on the minimum and multiple, the resolved price or a manual one (permission, floor flag).
   */
  async priceLines(ctx: RequestContext, dealer: { id: string; path: string }, input: OrderLineInput[], opts: { requireLines?: boolean } = {}): Promise<PricedLine[]> {
    if (opts.requireLines && !input.length) throw new DomainError(ErrorCode.ORDER_HAS_NO_LINES, 'An order needs at least one line', { field: 'lines' });
    const seen = new Set<string>();
    input.forEach((l, i) => {
      if (!new Dec(l.qty).greaterThan(0)) throw new DomainError(ErrorCode.INVALID_QUANTITY, `Line ${i + 1}: the quantity must be above 0`, { line: i + 1, field: `lines.${i}.qty`, productId: l.productId });
      if (l.discountRate !== undefined && !new Dec(l.discountRate).lessThan(1)) throw new DomainError(ErrorCode.VALIDATION_FAILED, `Line ${i + 1}: the discount rate must be below 1 (100 %)`, { field: `lines.${i}.discountRate` });
      if (l.unitPrice !== undefined && !ctx.can('orders:manual-price')) throw new DomainError(ErrorCode.MANUAL_PRICE_NOT_ALLOWED, 'Changing a price by hand needs the orders:manual-price permission', { field: `lines.${i}.unitPrice` });
      if (seen.has(l.productId)) throw new DomainError(ErrorCode.VALIDATION_FAILED, `Line ${i + 1}: a product may appear on one line only`, { field: `lines.${i}.productId`, productId: l.productId });
      seen.add(l.productId);
    });
    const products = await this.products.assertUsable(ctx, input.map((l) => l.productId), { orgPath: dealer.path, onSale: true });
    const resolved = await this.prices.resolveLines(ctx, dealer.id, input.map((l) => ({ productId: l.productId, qty: l.qty })), new Date(), true);
    return input.map((l, i): PricedLine => {
      const p = products.get(l.productId)!;
      const r = resolved[i];
      const manual = l.unitPrice !== undefined;
      const unitPrice = fmt(manual ? l.unitPrice! : r.unitPrice, 'unitPrice');
      const discountRate = fmt(l.discountRate ?? '0', 'unitPrice');
      const money = orderLineMoney(l.qty, unitPrice, discountRate, p.taxRate);
      // the floor judges what the dealer really pays per unit, after the line discount
      const netUnit = new Dec(unitPrice).times(new Dec(1).minus(discountRate));
      return {
        productId: p.id,
        productCode: p.code,
        productName: p.name,
        spec: p.spec,
        baseUnit: p.baseUnit,
        qty: fmt(l.qty, 'qty'),
        unitPrice,
        listPrice: fmt(r.unitPrice, 'unitPrice'),
        priceSource: manual ? 'MANUAL' : r.source,
        priceRefId: manual ? null : r.sourceId,
        priceRefName: manual ? null : r.sourceName,
        floorPrice: r.floorPrice === null ? null : fmt(r.floorPrice, 'unitPrice'),
        belowFloor: isBelowFloor(fmt(netUnit, 'unitPrice'), r.floorPrice),
        discountRate,
        taxRate: fmt(p.taxRate, 'unitPrice'),
        amount: money.amount,
        taxAmount: money.tax,
        discount: money.discount,
        remark: l.remark?.trim() || null,
      };
    });
  }

  private async writeLines(tx: RequestContext, orderId: string, lines: PricedLine[]): Promise<void> {
    const col = <K extends keyof PricedLine>(k: K) => lines.map((l) => l[k]);
    await this.db.query(
      tx,
      `INSERT INTO sales_order_line (order_id, line_no, product_id, qty, unit_price, list_price, price_source, price_ref_id, price_ref_name, floor_price, below_floor,
                                     discount_rate, tax_rate, amount, tax_amount, remark)
       SELECT $1, t.i, t.p, t.q, t.u, t.lp, t.s, t.ri, t.rn, t.f, t.b, t.d, t.tr, t.a, t.ta, t.rm
         FROM unnest($2::uuid[], $3::numeric[], $4::numeric[], $5::numeric[], $6::text[], $7::text[], $8::text[], $9::numeric[], $10::boolean[], $11::numeric[], $12::numeric[], $13::numeric[], $14::numeric[], $15::text[])
              WITH ORDINALITY AS t(p, q, u, lp, s, ri, rn, f, b, d, tr, a, ta, rm, i)`,
      [orderId, col('productId'), col('qty'), col('unitPrice'), col('listPrice'), col('priceSource'), col('priceRefId'), col('priceRefName'), col('floorPrice'), col('belowFloor'),
        col('discountRate'), col('taxRate'), col('amount'), col('taxAmount'), col('remark')],
    );
  }

  async dealerFor(ctx: RequestContext, dealerId: string): Promise<{ id: string; code: string; path: string; branchId: string }> {
    const dealer = await this.orgs.assertVisible(ctx, dealerId);
    if (dealer.type !== OrgType.DEALER) throw new DomainError(ErrorCode.VALIDATION_FAILED, 'Orders are for dealers', { field: 'dealerId' });
    if (dealer.status !== OrgStatus.ACTIVE) throw new DomainError(ErrorCode.DEALER_DISABLED, `${dealer.code} ${dealer.name} is disabled`, { dealerId });
    // the selling branch: the nearest branch above the dealer, else HQ (a direct account)
    const b = await this.orgs.sellingBranchOf(ctx, dealer.path);
    return { id: dealer.id, code: dealer.code, path: dealer.path, branchId: b.id };
  }

  private async assertUser(ctx: RequestContext, userId: string): Promise<void> {
    const [u] = await this.db.query(ctx, `SELECT 1 FROM app_user WHERE id = $1 AND status = 'ACTIVE'`, [userId]);
    if (!u) throw new DomainError(ErrorCode.NOT_FOUND, 'sales rep not found', { entity: 'user', id: userId, field: 'salesRepId' });
  }

  /** The credit account of the order's dealer, locked first (lock order: account, order, stock). */
  private async lockAccountOf(tx: RequestContext, orderId: string): Promise<LockedAccount> {
    const [o] = await this.db.query<{ dealer_id: string }>(tx, 'SELECT dealer_id FROM sales_order WHERE id = $1', [orderId]);
    if (!o) throw notFound('sales order', orderId);
    return this.credit.lock(tx, o.dealer_id);
  }

  private async lockOrder(tx: RequestContext, id: string, version?: number): Promise<OrderRow> {
    const [o] = await this.db.query<OrderRow>(tx, 'SELECT * FROM sales_order WHERE id = $1 FOR UPDATE', [id]);
    if (!o) throw notFound('sales order', id);
    if (version !== undefined && version !== o.version) throw staleVersion('sales order', version, o.version);
    return o;
  }

  private assertStatus(o: OrderRow, action: keyof typeof ORDER_ACTION_FROM): void {
    if (!ORDER_ACTION_FROM[action].includes(o.status)) {
      throw new DomainError(ErrorCode.INVALID_STATE, `${o.number} is ${o.status}: it cannot ${action} now`, { status: o.status, action, allowedFrom: ORDER_ACTION_FROM[action] });
    }
  }

  private async setStatus(tx: RequestContext, o: OrderRow, to: OrderStatus, action: OrderAction, note: string | null): Promise<void> {
    const [cur] = await this.db.query<{ status: OrderStatus }>(tx, 'SELECT status FROM sales_order WHERE id = $1', [o.id]);
    await this.db.query(tx, 'UPDATE sales_order SET status = $2, version = version + 1 WHERE id = $1', [o.id, to]);
    await this.event(tx, o.id, action, cur.status, to, note);
    // approvals notify their own verdicts; the order tells its creator the rest
    // a mall order's creator is the dealer, who hears of every step (the mall shows its status timeline)
    if ([OrderStatus.CANCELLED, OrderStatus.COMPLETED].includes(to) || action === OrderAction.REVIEW_REJECT || o.source === OrderSource.MALL) {
      await this.notifyCreator(tx, o, to, note);
    }
    await this.audit.record(tx, {
      action: action.toLowerCase(), entity: 'sales_order', entityId: o.id, orgId: o.dealer_id,
      summary: `${cur.status} -> ${to}${note ? ` (${note})` : ''}`,
      before: { status: cur.status }, after: { status: to, note },
    });
  }

  private notifyCreator(tx: RequestContext, o: OrderRow, to: OrderStatus, note: string | null): Promise<void> {
    const machine = note ? MACHINE_NOTE[note] : undefined;
    return this.tellCreator(tx, o.id, `订单 ${o.number}：${STATUS_ZH[to]}`, machine?.zh ?? note, {
      key: 'orderStatus',
      params: { number: o.number, status: to },
      ...(machine && { note: machine.key }),
    });
  }

  /** A notice to whoever placed the order (a mall order's dealer user), linking to where they see it. */
  async tellCreator(tx: RequestContext, orderId: string, title: string, body: string | null, message: NotificationMessage): Promise<void> {
    const [o] = await this.db.query<{ created_by: string | null; source: OrderSource }>(tx, 'SELECT created_by, source FROM sales_order WHERE id = $1', [orderId]);
    const link = o.source === OrderSource.MALL ? `/mall/orders/${orderId}` : `/sales/orders/${orderId}`;
    await this.notifications.notify(tx, [o.created_by], { kind: 'ORDER_STATUS', title, body, link, message });
  }

  async event(tx: RequestContext, orderId: string, action: OrderAction, from: OrderStatus | null, to: OrderStatus, note: string | null): Promise<void> {
    await this.db.query(tx, 'INSERT INTO sales_order_event (order_id, action, from_status, to_status, note, actor_id) VALUES ($1, $2, $3, $4, $5, $6)', [orderId, action, from, to, note, tx.user?.id ?? null]);
    if (action === OrderAction.SHIP) {
      // shipments move the status themselves: a mall order's dealer hears of it here (with the logistics in the note)
      const [o] = await this.db.query<OrderRow>(tx, 'SELECT * FROM sales_order WHERE id = $1', [orderId]);
      if (o.source === OrderSource.MALL) await this.notifyCreator(tx, o, to, note);
    }
  }

  private async load(ctx: RequestContext, ids: string[], detail: boolean): Promise<SalesOrderDto[]> {
    if (!ids.length) return [];
    const rows = await this.db.query<Record<string, unknown>>(
      ctx,
      `SELECT o.*, to_char(o.business_date, 'YYYY-MM-DD') AS bdate, to_char(o.requested_date, 'YYYY-MM-DD') AS rdate,
              d.code AS dealer_code, d.name AS dealer_name, b.name AS branch_name, w.name AS warehouse_name, sr.display_name AS sales_rep_name, cu.display_name AS created_by_name,
              (SELECT count(*)::int FROM sales_order_line l WHERE l.order_id = o.id) AS line_count
         FROM sales_order o JOIN organization d ON d.id = o.dealer_id JOIN organization b ON b.id = o.branch_id JOIN warehouse w ON w.id = o.warehouse_id
         LEFT JOIN app_user sr ON sr.id = o.sales_rep_id LEFT JOIN app_user cu ON cu.id = o.created_by
        WHERE o.id = ANY($1)`,
      [ids],
    );
    const lines = detail
      ? await this.db.query<Record<string, unknown>>(
          ctx,
          `SELECT l.*, p.code, p.name, p.spec, p.base_unit FROM sales_order_line l JOIN product p ON p.id = l.product_id WHERE l.order_id = ANY($1) ORDER BY l.line_no`,
          [ids],
        )
      : [];
    const events = detail
      ? await this.db.query<Record<string, unknown>>(
          ctx,
          `SELECT e.*, u.display_name FROM sales_order_event e LEFT JOIN app_user u ON u.id = e.actor_id WHERE e.order_id = ANY($1) ORDER BY e.created_at, e.id`,
          [ids],
        )
      : [];
    const byId = new Map(rows.map((r) => [r.id as string, r]));
    return ids.map((id) => {
      const o = byId.get(id)!;
      const iso = (v: unknown) => (v ? new Date(v as Date).toISOString() : null);
      return {
        id,
        number: o.number as string,
        status: o.status as OrderStatus,
        source: o.source as OrderSource,
        dealerId: o.dealer_id as string,
        dealerCode: o.dealer_code as string,
        dealerName: o.dealer_name as string,
        branchId: o.branch_id as string,
        branchName: o.branch_name as string,
        warehouseId: o.warehouse_id as string,
        warehouseName: o.warehouse_name as string,
        salesRepId: (o.sales_rep_id as string | null) ?? null,
        salesRepName: (o.sales_rep_name as string | null) ?? null,
        requestedDate: (o.rdate as string | null) ?? null,
        businessDate: o.bdate as string,
        remark: (o.remark as string | null) ?? null,
        shipTo: o.ship_to_address ? { contact: o.ship_to_contact as string, phone: o.ship_to_phone as string, region: (o.ship_to_region as string | null) ?? null, address: o.ship_to_address as string } : null,
        total: fmt(o.total as string),
        taxTotal: fmt(o.tax_total as string),
        discountTotal: fmt(o.discount_total as string),
        shippedTotal: fmt(o.shipped_total as string),
        belowFloor: o.below_floor as boolean,
        credit: (o.credit_check as CreditCheckDto | null) ?? null,
        copiedFromId: (o.copied_from_id as string | null) ?? null,
        createdBy: (o.created_by as string | null) ?? null,
        createdByName: (o.created_by_name as string | null) ?? null,
        submittedAt: iso(o.submitted_at),
        approvedAt: iso(o.approved_at),
        createdAt: iso(o.created_at)!,
        updatedAt: iso(o.updated_at)!,
        version: o.version as number,
        lineCount: o.line_count as number,
        lines: lines.filter((l) => l.order_id === id).map(toLineDtoFromRow),
        events: events.filter((e) => e.order_id === id).map((e): OrderEventDto => ({
          id: e.id as string,
          action: e.action as OrderAction,
          fromStatus: (e.from_status as OrderStatus | null) ?? null,
          toStatus: e.to_status as OrderStatus,
          note: (e.note as string | null) ?? null,
          actorId: (e.actor_id as string | null) ?? null,
          actorName: (e.display_name as string | null) ?? null,
          at: iso(e.created_at)!,
        })),
      };
    });
  }
}

function sumLines(lines: PricedLine[]): { total: string; taxTotal: string; discountTotal: string } {
  const add = (k: 'amount' | 'taxAmount' | 'discount') => fmt(lines.reduce((s, l) => s.plus(l[k]), new Dec(0)));
  return { total: add('amount'), taxTotal: add('taxAmount'), discountTotal: add('discount') };
}

function mergeByProduct(lines: { product_id: string; qty: string }[]): { product_id: string; qty: string }[] {
  const m = new Map<string, Dec>();
  for (const l of lines) m.set(l.product_id, (m.get(l.product_id) ?? new Dec(0)).plus(l.qty));
  return [...m.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([product_id, qty]) => ({ product_id, qty: fmt(qty, 'qty') }));
}

function auditLine(l: PricedLine) {
  return { productId: l.productId, qty: l.qty, unitPrice: l.unitPrice, source: l.priceSource, discountRate: l.discountRate, amount: l.amount };
}

function toLineDto(l: PricedLine, lineNo: number): OrderLineDto {
  const { discount: _discount, ...line } = l;
  return { ...line, id: '', lineNo, shippedQty: '0.000', shippedAmount: '0.00', returnedQty: '0.000' };
}

function toLineDtoFromRow(l: Record<string, unknown>): OrderLineDto {
  const s = (k: string) => l[k] as string;
  return {
    id: s('id'),
    lineNo: l.line_no as number,
    productId: s('product_id'),
    productCode: s('code'),
    productName: s('name'),
    spec: (l.spec as string | null) ?? null,
    baseUnit: s('base_unit'),
    qty: fmt(s('qty'), 'qty'),
    unitPrice: fmt(s('unit_price'), 'unitPrice'),
    listPrice: fmt(s('list_price'), 'unitPrice'),
    priceSource: s('price_source') as LinePriceSource,
    priceRefId: (l.price_ref_id as string | null) ?? null,
    priceRefName: (l.price_ref_name as string | null) ?? null,
    floorPrice: l.floor_price === null ? null : fmt(s('floor_price'), 'unitPrice'),
    belowFloor: l.below_floor as boolean,
    discountRate: fmt(s('discount_rate'), 'unitPrice'),
    taxRate: fmt(s('tax_rate'), 'unitPrice'),
    amount: fmt(s('amount')),
    taxAmount: fmt(s('tax_amount')),
    shippedQty: fmt(s('shipped_qty'), 'qty'),
    shippedAmount: fmt(s('shipped_amount')),
    returnedQty: fmt(s('returned_qty'), 'qty'),
    remark: (l.remark as string | null) ?? null,
  };
}
