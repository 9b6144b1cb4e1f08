import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  COMMITTING_STATUSES, CreditCheckDto, Dec, ErrorCode, fmt, isBelowFloor, LinePriceSource, NotificationMessage, ORDER_ACTION_FROM, OrderAction, OrderEventDto, OrderLineDto, OrderListTotals, OrderPreviewDto,
  OrderSource, OrderStatus, orderLineMoney, OrgStatus, OrgType, Paged, quantityProblem, SALES_DOC_PREFIX, SalesOrderDto,
  allocateFifo, BackorderDto, OrderApprovalFactsDto, shortLines, splitReservation, StockControl, stockShortages,
} from '@drp/shared';
import { Selectable, sql, SqlBool } from 'kysely';
import { APP_CONFIG, AppConfig } from '../../config/config';
import { RequestContext } from '../../common/context/request-context';
import { DomainError, notFound, staleVersion } from '../../common/errors/domain-error';
import { escapeLike, pageIdsOf, resolvePage } from '../../common/http/pagination';
import { orgScope } from '../../common/scope/data-scope';
import { businessDate } from '../../database/business-date';
import { AFTER_NUMBER_STAGE, DB, DbService, TIMELINE_STAGE } from '../../database/db.service';
import { DocumentKernel, TimelineWriter } from '../../kernel/document-kernel.service';
import { DocumentMachine } from '../../kernel/document-machine';
import { EventBus } from '../../kernel/events';
import { AuditService } from '../audit/audit.service';
import { ProductService } from '../catalog/product.service';
import { CreditService, LockedAccount } from '../finance/credit.service';
import { StockService } from '../inventory/stock.service';
import { WarehouseService } from '../inventory/warehouse.service';
import { OrgService } from '../org/org.service';
import { PriceResolverService } from '../pricing/price-resolver.service';
import { OrderApprovalGateway, PreparedApproval } from './order-approval';
import { NotificationService } from '../notifications/notification.service';
import { SettingsService } from '../settings/settings.service';
import { BackorderQueryDto, CreateOrderDto, OrderLineInput, OrderQueryDto, PreviewOrderDto, ReasonDto, ReviewOrderDto, SubmitOrderDto, UpdateOrderDto } from './sales.dto';
import { SALES_ORDER } from './sales.events';
import { dealerMatch, searchTerm } from './sales-search';

/** A priced line, ready to be written: the wire line before it has an id or shipments, plus its discount amount. */
export type PricedLine = Omit<OrderLineDto, 'id' | 'lineNo' | 'shippedQty' | 'shippedAmount' | 'returnedQty' | 'reservedQty'> & { discount: string };

/**
 * A new order as the service takes it: the HTTP body (CreateOrderDto, which has no `source`) plus
 * what only in-process callers set. The path decides the source: the console is CONSOLE, the
 * mall's checkout passes MALL (and the delivery address), the demo seed what it builds.
 */
export interface NewOrder extends CreateOrderDto {
  source?: OrderSource;
}

/** A line written in this transaction (nothing of it shipped or reserved yet). */
type NewLine = { id: string; product_id: string; qty: string };
/** a submit's move into PENDING_APPROVAL, held back to be written with the approval that follows it at once */
type SubmitMove = { from: OrderStatus; to: OrderStatus.PENDING_APPROVAL; action: OrderAction; note: string | null; set: Record<string, unknown> };

/** The order row as the commands read it (locked). */
export interface OrderRow {
  id: string;
  /** null only inside the transaction that created the order (it is numbered at its end) */
  number: string | null;
  status: OrderStatus;
  source: OrderSource;
  dealer_id: string;
  branch_id: string;
  warehouse_id: string;
  sales_rep_id: string | null;
  created_by: string | null;
  total: string;
  shipped_total: string;
  committed: string;
  below_floor: boolean;
  version: number;
}

const ORDER_ROW = ['id', 'number', 'status', 'source', 'dealer_id', 'branch_id', 'warehouse_id', 'sales_rep_id', 'created_by', 'total', 'shipped_total', 'committed', 'below_floor', 'version'] as const;

const S = OrderStatus;

/** A new order approved at once reserves its stock after its timeline rows, before its number (stage 0). */
const RESERVE_STAGE = -1;

/**
 * The sales order's state machine (issue #10), from the commands below: create (DRAFT); submit
 * from DRAFT / REJECTED (a mall order to PENDING_REVIEW, others to PENDING_APPROVAL); review
 * accept / reject; the approval's approve / reject / return / withdraw; an edit of a submitted
 * order goes through approval again (PENDING_APPROVAL or APPROVED -> PENDING_APPROVAL);
 * shipments; complete; cancel; reopen.
 */
export const SALES_ORDER_MACHINE: DocumentMachine<OrderStatus> = {
  type: SALES_ORDER,
  table: 'sales_order',
  states: Object.values(OrderStatus),
  initial: [S.DRAFT],
  transitions: {
    [S.DRAFT]: [S.PENDING_REVIEW, S.PENDING_APPROVAL, S.CANCELLED],
    [S.REJECTED]: [S.PENDING_REVIEW, S.PENDING_APPROVAL, S.DRAFT, S.CANCELLED],
    [S.PENDING_REVIEW]: [S.PENDING_APPROVAL, S.REJECTED, S.CANCELLED],
    [S.PENDING_APPROVAL]: [S.APPROVED, S.REJECTED, S.PENDING_APPROVAL, S.DRAFT, S.CANCELLED],
    [S.APPROVED]: [S.PARTIALLY_SHIPPED, S.SHIPPED, S.PENDING_APPROVAL, S.CANCELLED],
    [S.PARTIALLY_SHIPPED]: [S.PARTIALLY_SHIPPED, S.SHIPPED, S.COMPLETED],
    [S.SHIPPED]: [S.COMPLETED],
    [S.CANCELLED]: [S.DRAFT],
  },
  versioned: true,
};

const STATUS_ZH: Record<OrderStatus, string> = {
  DRAFT: '草稿', PENDING_REVIEW: '待审核', PENDING_APPROVAL: '待审批', APPROVED: '已审核', PARTIALLY_SHIPPED: '部分发货',
  SHIPPED: '已发货', COMPLETED: '已完成', REJECTED: '已驳回', CANCELLED: '已取消',
};

/** Notes the system writes on the timeline (the web shows them in the reader's language); a notice carries them in words. */
const MACHINE_NOTE: Record<string, { key: NonNullable<NotificationMessage['note']>; zh: string }> = {
  auto: { key: 'autoApproved', zh: '无需审批，自动通过' },
  'no approver could be found': { key: 'noApprover', zh: '找不到审批人，按审批流程设置驳回' },
};

const BACKORDER_SORT: Record<string, string> = { approvedAt: 'o.approved_at', orderNumber: 'o.number', product: 'p.code', dealer: 'd.code', waiting: '(l.qty - l.shipped_qty - l.reserved_qty)' };

// number: a nullable column, but every committed order has one (the deferred trigger sales_order_numbered refuses
// a commit without it), and lists read committed orders only: sorted as NOT NULL, so -number reads its unique index
const SORT = { createdAt: { notNull: 'o.created_at' }, number: { notNull: 'o.number' }, total: { notNull: 'o.total' }, businessDate: { notNull: 'o.business_date' }, status: { notNull: 'o.status' } };

/**
 * 销售订单: pricing through the resolution service (each line keeps its price, source and the
 * record behind it, frozen from then on), the status machine (SALES_ORDER_MACHINE, every status
 * written by DocumentKernel.transition), credit at every step that raises what an order commits
 * (submit, edit after submission, a review that changes quantities; copies and reopened orders
 * start as drafts and meet the same check on submit), stock at order time by the company setting
 * (可用量控制: BLOCK refuses a short order at submit, WARN and NONE let it through), stock reserved
 * at approval as far as there is any — the rest of a line waits as a backorder (缺货/待补) that
 * stock arriving in the warehouse reserves, oldest approval first — and released on cancel. An
 * approval never fails for stock. An order is numbered on its business day as the last step of the transaction that
 * creates it. Lock order, everywhere: the dealer's credit account, then the order, then stock
 * rows (ARCHITECTURE §6).
 */
@Injectable()
export class SalesOrderService {
  constructor(
    private readonly db: DbService,
    private readonly audit: AuditService,
    private readonly kernel: DocumentKernel,
    private readonly events: EventBus,
    private readonly orgs: OrgService,
    private readonly products: ProductService,
    private readonly prices: PriceResolverService,
    private readonly warehouses: WarehouseService,
    private readonly stock: StockService,
    private readonly credit: CreditService,
    private readonly approval: OrderApprovalGateway,
    private readonly notifications: NotificationService,
    private readonly settings: SettingsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    kernel.register(SALES_ORDER_MACHINE, this.timeline);
  }

  /** The order's timeline row of a move (the kernel's timeline writer for SALES_ORDER). */
  private readonly timeline: TimelineWriter = async (tx, m) => {
    // read only after the commit: one INSERT for all of a transaction's moves (create, submit, approve), before its number
    await this.db.insertAtEnd(
      tx,
      'sales_order_event',
      { order_id: m.id, action: m.action ?? '', from_status: m.from, to_status: m.to, note: m.note, actor_id: tx.user?.id ?? null },
      { stage: TIMELINE_STAGE, ordered: true },
    );
  };

  /** Runs `fn` with the order's number, at once or when its transaction numbers it (DocumentKernel.whenNumbered). */
  whenNumbered(tx: RequestContext, o: { id: string; number: string | null }, fn: (number: string) => Promise<void>): Promise<void> {
    return this.kernel.whenNumbered(tx, o, fn);
  }

  // ---- reads ----

  private scoped(ctx: RequestContext) {
    return this.db.k.selectFrom('sales_order as o').innerJoin('organization as d', 'd.id', 'o.dealer_id').where(orgScope(ctx, 'o.dealer_id'));
  }

  async list(ctx: RequestContext, q: OrderQueryDto): Promise<Paged<SalesOrderDto> & { totals: OrderListTotals }> {
    let qb = this.scoped(ctx);
    if (q.status) qb = qb.where('o.status', 'in', q.status.split(','));
    if (q.dealerId) qb = qb.where('o.dealer_id', '=', q.dealerId);
    if (q.branchId) qb = qb.where(sql<SqlBool>`o.branch_id IN (SELECT id FROM organization WHERE path LIKE (SELECT path FROM organization WHERE id = ${q.branchId}) || '%')`);
    if (q.source) qb = qb.where('o.source', '=', q.source);
    if (q.from) qb = qb.where(sql<SqlBool>`o.business_date >= ${q.from}::date`);
    if (q.to) qb = qb.where(sql<SqlBool>`o.business_date <= ${q.to}::date`);
    if (q.q) {
      const term = searchTerm(q.q);
      // the dealer match as a set of ids (same rows): each side can then use its trigram index instead of scanning every order
      qb = qb.where((eb) => eb.or([eb('o.number', 'ilike', term.pattern), dealerMatch(term, 'o.dealer_id', 'd')]));
    }
    // the sums read every matching order, and count them in the same statement: count and total stay exact
    const { ids, sums, ...page } = await pageIdsOf(this.db, ctx, qb, q, SORT, '-createdAt', 'o.id', { total: sql<string>`COALESCE(sum(o.total), 0)`, shipped: sql<string>`COALESCE(sum(o.shipped_total), 0)` });
    return { items: await this.load(ctx, ids, false), ...page, totals: { count: page.total, total: fmt(sums.total), shippedTotal: fmt(sums.shipped) } };
  }

  /** One order in the caller's scope (404 otherwise), with its lines and timeline. */
  async get(ctx: RequestContext, id: string): Promise<SalesOrderDto> {
    const [order] = await this.load(ctx, [id], true);
    if (!order) throw notFound('sales order', id);
    return order;
  }

  /** Live prices, totals and the credit the order would meet, for the order form. Writes nothing. */
  async preview(ctx: RequestContext, dto: PreviewOrderDto): Promise<OrderPreviewDto> {
    const dealer = await this.dealerFor(ctx, dto.dealerId);
    const lines = dto.lines.length ? await this.priceLines(ctx, dealer, dto.lines) : [];
    const totals = sumLines(lines);
    let already = '0';
    if (dto.excludeOrderId) {
      const o = await this.db.first(ctx, this.db.k.selectFrom('sales_order').select('committed').where('id', '=', dto.excludeOrderId).where('dealer_id', '=', dealer.id));
      already = o?.committed ?? '0';
    }
    const available = dto.warehouseId && lines.length ? await this.stock.available(ctx, dto.warehouseId, lines.map((l) => l.productId)) : new Map<string, string>();
    return {
      lines: lines.map((l, i) => ({ ...toLineDto(l, i + 1), available: dto.warehouseId ? (available.get(l.productId) ?? '0.000') : null })),
      ...totals,
      credit: await this.credit.preview(ctx, dealer.id, totals.total, already),
    };
  }

  /**
   * The order's stock position per line (ordered, shipped, reserved for it, available in its
   * warehouse now, short) and its dealer's credit figures: what an approver decides on. Before
   * approval `short` is what the warehouse lacks (lines of one product take from what is available
   * in line order); after it, the backorder waiting for stock.
   */
  async stockPosition(ctx: RequestContext, id: string): Promise<OrderApprovalFactsDto> {
    const o = await this.db.first(
      ctx,
      this.scoped(ctx).innerJoin('warehouse as w', 'w.id', 'o.warehouse_id').select(['o.id', 'o.status', 'o.dealer_id', 'o.warehouse_id', 'w.name as warehouse_name']).where('o.id', '=', id),
    );
    if (!o) throw notFound('sales order', id);
    const lines = await this.db.rows(
      ctx,
      this.db.k
        .selectFrom('sales_order_line as l')
        .innerJoin('product as p', 'p.id', 'l.product_id')
        .select(['l.id', 'l.product_id', 'p.code', 'p.name', 'p.base_unit', 'l.qty', 'l.shipped_qty', 'l.reserved_qty'])
        .where('l.order_id', '=', id)
        .orderBy('l.line_no'),
    );
    const [available, settings, credit] = await Promise.all([
      this.stock.available(ctx, o.warehouse_id, [...new Set(lines.map((l) => l.product_id))]),
      this.settings.get(ctx),
      this.credit.get(ctx, o.dealer_id),
    ]);
    const approved = [OrderStatus.APPROVED, OrderStatus.PARTIALLY_SHIPPED].includes(o.status as OrderStatus);
    const closed = [OrderStatus.SHIPPED, OrderStatus.COMPLETED, OrderStatus.CANCELLED].includes(o.status as OrderStatus);
    const left = new Map([...available.entries()].map(([p, a]) => [p, new Dec(a)]));
    return {
      orderId: o.id,
      stockControl: settings.stockControl,
      warehouseId: o.warehouse_id,
      warehouseName: o.warehouse_name,
      lines: lines.map((l) => {
        const open = new Dec(l.qty).minus(l.shipped_qty).minus(l.reserved_qty);
        let short = new Dec(0);
        if (approved) short = open;
        else if (!closed) {
          const split = splitReservation(fmt(open, 'qty'), fmt(left.get(l.product_id) ?? 0, 'qty'));
          left.set(l.product_id, (left.get(l.product_id) ?? new Dec(0)).minus(split.reserve));
          short = new Dec(split.backorder);
        }
        return {
          lineId: l.id,
          productId: l.product_id,
          productCode: l.code,
          productName: l.name,
          baseUnit: l.base_unit,
          ordered: fmt(l.qty, 'qty'),
          shipped: fmt(l.shipped_qty, 'qty'),
          reserved: fmt(l.reserved_qty, 'qty'),
          available: available.get(l.product_id) ?? '0.000',
          short: fmt(short, 'qty'),
        };
      }),
      credit: { mode: credit.mode, limit: credit.limit, exposure: credit.exposure, available: credit.available, overdueAmount: credit.overdueAmount },
    };
  }

  /** 缺货/待补: lines of approved orders in scope waiting for stock, oldest approval first (the order they are filled in). */
  async backorders(ctx: RequestContext, q: BackorderQueryDto): Promise<Paged<BackorderDto> & { totals: { waiting: string } }> {
    let qb = this.db.k
      .selectFrom('sales_order_line as l')
      .innerJoin('sales_order as o', 'o.id', 'l.order_id')
      .innerJoin('organization as d', 'd.id', 'o.dealer_id')
      .innerJoin('warehouse as w', 'w.id', 'o.warehouse_id')
      .innerJoin('product as p', 'p.id', 'l.product_id')
      .where(orgScope(ctx, 'o.dealer_id'))
      .where('o.status', 'in', [OrderStatus.APPROVED, OrderStatus.PARTIALLY_SHIPPED])
      .where(sql<SqlBool>`l.qty > l.shipped_qty + l.reserved_qty`);
    if (q.warehouseId) qb = qb.where('o.warehouse_id', '=', q.warehouseId);
    if (q.productId) qb = qb.where('l.product_id', '=', q.productId);
    if (q.dealerId) qb = qb.where('o.dealer_id', '=', q.dealerId);
    if (q.q) {
      const term = `%${escapeLike(q.q)}%`;
      qb = qb.where((eb) => eb.or([eb('o.number', 'ilike', term), eb('p.code', 'ilike', term), eb('p.name', 'ilike', term), eb('d.code', 'ilike', term), eb('d.name', 'ilike', term)]));
    }
    const { page, pageSize, column, direction, offset } = resolvePage(q, BACKORDER_SORT, 'approvedAt');
    const [agg, rows] = await Promise.all([
      this.db.one(ctx, qb.select([sql<number>`count(*)::int`.as('n'), sql<string>`COALESCE(sum(l.qty - l.shipped_qty - l.reserved_qty), 0)`.as('waiting')])),
      this.db.rows(
        ctx,
        qb
          .select([
            'o.id as order_id', 'o.number', 'l.id as line_id', 'o.dealer_id', 'd.code as dealer_code', 'd.name as dealer_name', 'o.warehouse_id', 'w.name as warehouse_name',
            'l.product_id', 'p.code as product_code', 'p.name as product_name', 'p.base_unit', 'l.qty', 'l.shipped_qty', 'l.reserved_qty', 'o.approved_at',
          ])
          .orderBy(sql`${sql.raw(column)} ${sql.raw(direction)}`)
          .orderBy('o.id')
          .orderBy('l.line_no')
          .offset(offset)
          .limit(pageSize),
      ),
    ]);
    return {
      items: rows.map((r) => ({
        orderId: r.order_id,
        orderNumber: r.number as string,
        lineId: r.line_id,
        dealerId: r.dealer_id,
        dealerCode: r.dealer_code,
        dealerName: r.dealer_name,
        warehouseId: r.warehouse_id,
        warehouseName: r.warehouse_name,
        productId: r.product_id,
        productCode: r.product_code,
        productName: r.product_name,
        baseUnit: r.base_unit,
        ordered: fmt(r.qty, 'qty'),
        shipped: fmt(r.shipped_qty, 'qty'),
        reserved: fmt(r.reserved_qty, 'qty'),
        waiting: fmt(new Dec(r.qty).minus(r.shipped_qty).minus(r.reserved_qty), 'qty'),
        approvedAt: r.approved_at ? new Date(r.approved_at).toISOString() : '',
      })),
      total: agg.n,
      page,
      pageSize,
      totals: { waiting: fmt(agg.waiting, 'qty') },
    };
  }

  // ---- commands ----

  /** A DRAFT order (submitted at once with `submit`), numbered on today's business day when its transaction ends. */
  async create(ctx: RequestContext, dto: NewOrder): Promise<SalesOrderDto> {
    // in a transaction of its own (not inside a caller's, who may go on to ship it) its stock can be reserved as a final step
    const own = !this.db.inTransaction(ctx);
    const id = await this.db.tx(ctx, (tx) => this.insert(tx, dto, undefined, own));
    return this.get(ctx, id);
  }

  private async insert(tx: RequestContext, dto: NewOrder, copyOf?: { id: string; number: string }, ownTransaction = false): Promise<string> {
    // checks that need nothing of each other go to the database together (DbService.query), answered in this order
    const [dealer, warehouse] = await Promise.all([
      this.dealerFor(tx, dto.dealerId),
      this.warehouses.lockForDocument(tx, dto.warehouseId),
      dto.salesRepId ? this.assertUser(tx, dto.salesRepId) : undefined,
    ]);
    const lines = await this.priceLines(tx, dealer, dto.lines, { requireLines: true });
    const totals = sumLines(lines);
    const day = businessDate(new Date(), this.config.companyTz);
    // the id made here, so the lines and the idempotency key's own row go with the order's row
    const id = randomUUID();
    const inserted = this.db.one(
      tx,
      this.db.k
        .insertInto('sales_order')
        .values({
          id,
          // numbered as the transaction's last step (kernel.assignNumber below); a deferred trigger refuses a commit without it
          number: null,
          status: OrderStatus.DRAFT,
          source: dto.source ?? OrderSource.CONSOLE,
          dealer_id: dealer.id,
          branch_id: dealer.branchId,
          warehouse_id: warehouse.id,
          sales_rep_id: dto.salesRepId ?? null,
          requested_date: dto.requestedDate ?? null,
          business_date: day,
          remark: dto.remark?.trim() || null,
          total: totals.total,
          tax_total: totals.taxTotal,
          discount_total: totals.discountTotal,
          below_floor: lines.some((l) => l.belowFloor),
          created_by: tx.user?.id ?? null,
          copied_from_id: copyOf?.id ?? null,
          ...(dto.shipTo && { ship_to_contact: dto.shipTo.contact, ship_to_phone: dto.shipTo.phone, ship_to_region: dto.shipTo.region, ship_to_address: dto.shipTo.address }),
        })
        .returning(ORDER_ROW),
    );
    const [row, written] = await Promise.all([
      inserted,
      this.writeLines(tx, id, lines),
      // the idempotency key's own row now, not as a statement while this order holds its dealer's and products' rows
      this.db.confirmClaimNow(tx, id),
    ]);
    await this.kernel.transition(tx, SALES_ORDER, { id: row.id, from: null, to: OrderStatus.DRAFT, action: OrderAction.CREATE });
    if (copyOf) await this.timeline(tx, { id: row.id, from: null, to: OrderStatus.DRAFT, action: OrderAction.COPY, note: copyOf.number });
    // Numbers are gap-free, so the day's counter row stays locked until this transaction commits:
    // taking it as the last step keeps concurrent orders from queueing behind each other's
    // pricing, credit check and stock reservation (bench: order-submit).
    this.kernel.assignNumber(tx, SALES_ORDER, 'sales_order', row.id, SALES_DOC_PREFIX.order, day);
    if (dto.submit) await this.submitLocked(tx, row.id, {}, { dealerId: dealer.id, row: { ...(row as OrderRow), status: OrderStatus.DRAFT }, lines: written, reserveAtEnd: ownTransaction });
    await this.whenNumbered(tx, { id: row.id, number: null }, (number) =>
      this.audit.record(tx, {
        action: 'create', entity: 'sales_order', entityId: row.id, orgId: dealer.id,
        summary: `order ${number} for ${dealer.code}: ${lines.length} line(s), ${totals.total}`,
        after: { number, dealerId: dealer.id, warehouseId: warehouse.id, total: totals.total, lines: lines.map(auditLine), submitted: !!dto.submit },
      }),
    );
    return row.id;
  }

  /**
   * Edits lines and header fields. A submitted order (pending approval or approved, nothing
   * shipped) is re-priced, re-checked for credit against its new total and sent through approval
   * again; its reservation is released and taken anew.
   */
  async update(ctx: RequestContext, id: string, dto: UpdateOrderDto): Promise<SalesOrderDto> {
    await this.assertVisible(ctx, id);
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
      const [before] = await this.load(tx, [id], true);
      if (o.status === OrderStatus.APPROVED) await this.releaseReservation(tx, id, o.warehouse_id);
      await this.db.rows(
        tx,
        this.db.k
          .updateTable('sales_order')
          .set({
            warehouse_id: warehouseId,
            sales_rep_id: dto.salesRepId === undefined ? before.salesRepId : dto.salesRepId,
            requested_date: dto.requestedDate === undefined ? before.requestedDate : dto.requestedDate,
            remark: dto.remark === undefined ? before.remark : dto.remark?.trim() || null,
            total: totals.total,
            tax_total: totals.taxTotal,
            discount_total: totals.discountTotal,
            below_floor: lines.some((l) => l.belowFloor),
            version: sql`version + 1`,
            updated_at: sql`now()`,
          })
          .where('id', '=', id),
      );
      await this.db.rows(tx, this.db.k.deleteFrom('sales_order_line').where('order_id', '=', id));
      await this.writeLines(tx, id, lines);
      // an edit is on the timeline; the status stays (a submitted order then goes through approval again below)
      await this.timeline(tx, { id, from: o.status, to: o.status, action: OrderAction.EDIT, note: null });
      await this.audit.record(tx, {
        action: 'update', entity: 'sales_order', entityId: id, orgId: o.dealer_id, summary: `edited ${o.number}: ${totals.total}`,
        before: { total: before.total, lines: before.lines.map((l) => ({ productId: l.productId, qty: l.qty, unitPrice: l.unitPrice })) },
        after: { total: totals.total, lines: lines.map(auditLine) },
      });
      if (COMMITTING_STATUSES.includes(o.status)) {
        // what it commits changed: credit again, approval again (an approval never covers an edit)
        await this.enterApproval(tx, { ...o, total: totals.total, warehouse_id: warehouseId, below_floor: lines.some((l) => l.belowFloor), version: o.version + 1 }, account, {}, OrderAction.EDIT);
      }
    });
    return this.get(ctx, id);
  }

  async submit(ctx: RequestContext, id: string, dto: SubmitOrderDto): Promise<SalesOrderDto> {
    await this.assertVisible(ctx, id);
    await this.db.tx(ctx, (tx) => this.submitLocked(tx, id, dto));
    return this.get(ctx, id);
  }

  /** 客服审核 of a mall order: accept (optionally changing quantities) into credit and approval, or reject with a reason. */
  async review(ctx: RequestContext, id: string, dto: ReviewOrderDto): Promise<SalesOrderDto> {
    await this.assertVisible(ctx, id);
    await this.db.tx(ctx, async (tx) => {
      const account = await this.lockAccountOf(tx, id);
      const o = await this.lockOrder(tx, id, dto.version);
      this.assertStatus(o, 'review');
      if (!dto.accept) {
        const reason = dto.reason?.trim();
        if (!reason) throw new DomainError(ErrorCode.VALIDATION_FAILED, 'A rejection needs a reason', { field: 'reason' });
        await this.move(tx, o, OrderStatus.REJECTED, OrderAction.REVIEW_REJECT, reason);
        return;
      }
      let total = o.total;
      if (dto.lines?.length) total = await this.changeQuantities(tx, o, dto.lines);
      await this.enterApproval(tx, { ...o, total }, account, {}, OrderAction.REVIEW_ACCEPT, dto.reason?.trim() || null);
    });
    return this.get(ctx, id);
  }

  async cancel(ctx: RequestContext, id: string, dto: ReasonDto): Promise<SalesOrderDto> {
    await this.assertVisible(ctx, id);
    await this.db.tx(ctx, async (tx) => {
      await this.lockAccountOf(tx, id);
      const o = await this.lockOrder(tx, id, dto.version);
      this.assertStatus(o, 'cancel');
      if (o.status === OrderStatus.PENDING_APPROVAL) await this.approval.close(tx, id, `order cancelled: ${dto.reason.trim()}`);
      const set = await this.releaseCommitment(tx, o);
      await this.move(tx, o, OrderStatus.CANCELLED, OrderAction.CANCEL, dto.reason.trim(), set);
    });
    return this.get(ctx, id);
  }

  /** A cancelled or rejected order back to DRAFT; submitting it again meets credit and approval like a new one. */
  async reopen(ctx: RequestContext, id: string, version?: number): Promise<SalesOrderDto> {
    await this.assertVisible(ctx, id);
    await this.db.tx(ctx, async (tx) => {
      const o = await this.lockOrder(tx, id, version);
      this.assertStatus(o, 'reopen');
      await this.move(tx, o, OrderStatus.DRAFT, OrderAction.REOPEN, null, { credit_check: null, submitted_at: null, approved_at: null });
    });
    return this.get(ctx, id);
  }

  /** A new DRAFT with the same lines, priced today, in one transaction. It inherits no approval and no credit check. */
  async copy(ctx: RequestContext, id: string): Promise<SalesOrderDto> {
    const src = await this.get(ctx, id);
    const copyId = await this.db.tx(ctx, (tx) =>
      this.insert(
        tx,
        {
          dealerId: src.dealerId,
          warehouseId: src.warehouseId,
          salesRepId: src.salesRepId,
          requestedDate: null,
          remark: src.remark,
          // a copy is made here, in the console, whatever its original came through
          source: src.source === OrderSource.MALL ? OrderSource.CONSOLE : src.source,
          lines: src.lines.map((l) => ({
            productId: l.productId,
            qty: l.qty,
            discountRate: l.discountRate,
            remark: l.remark ?? undefined,
            ...(l.priceSource === 'MANUAL' && ctx.can('orders:manual-price') ? { unitPrice: l.unitPrice } : {}),
          })),
        },
        { id: src.id, number: src.number },
      ),
    );
    return this.get(ctx, copyId);
  }

  /** Closes a shipped order, or short-closes a partially shipped one (the rest is released). */
  async complete(ctx: RequestContext, id: string, version?: number): Promise<SalesOrderDto> {
    await this.assertVisible(ctx, id);
    await this.db.tx(ctx, async (tx) => {
      await this.lockAccountOf(tx, id);
      const o = await this.lockOrder(tx, id, version);
      this.assertStatus(o, 'complete');
      const set = await this.releaseCommitment(tx, o);
      await this.move(tx, o, OrderStatus.COMPLETED, OrderAction.COMPLETE, null, set);
    });
    return this.get(ctx, id);
  }

  /**
   * The approval workflow's verdicts (issue #5 calls these from its last step). Approving
   * reserves the stock; rejecting releases the credit and lets the order be edited and resubmitted.
   * `locked`: the caller's row, read under this transaction's lock (saves reading it again).
   */
  async approve(tx: RequestContext, id: string, note: string | null = null, locked?: OrderRow, created?: { lines: NewLine[]; atEnd: boolean }, submitted?: SubmitMove): Promise<void> {
    const o = locked ?? (await this.lockOrder(tx, id));
    if (o.status !== OrderStatus.PENDING_APPROVAL) throw new DomainError(ErrorCode.INVALID_STATE, `The order is ${o.status}`, { status: o.status });
    await this.move(tx, o, OrderStatus.APPROVED, OrderAction.APPROVE, note, { approved_at: sql`now()` }, submitted);
    // the stock rows last (then only the number and the commit): every statement after their lock keeps the next
    // order of the same products waiting
    // an order created in a transaction of its own reserves as a final step, after its timeline rows and just before its number
    if (created?.atEnd) this.db.beforeCommit(tx, () => this.reserveWhatIsThere(tx, o, created.lines, true), RESERVE_STAGE, { overlap: true });
    else await this.reserveWhatIsThere(tx, o, created?.lines);
    this.events.publish(tx, 'OrderApproved', { orderId: o.id, dealerId: o.dealer_id });
  }

  async reject(tx: RequestContext, id: string, reason: string, locked?: OrderRow): Promise<void> {
    const o = locked ?? (await this.lockOrder(tx, id));
    if (o.status !== OrderStatus.PENDING_APPROVAL) throw new DomainError(ErrorCode.INVALID_STATE, `The order is ${o.status}`, { status: o.status });
    const set = await this.releaseCommitment(tx, o);
    await this.move(tx, o, OrderStatus.REJECTED, OrderAction.REJECT, reason, set);
  }

  /** The locks an approval decision takes first: the dealer's credit account, then the order (the lock order of every order command). */
  async lockForApproval(tx: RequestContext, id: string): Promise<void> {
    await this.lockAccountOf(tx, id);
    await this.lockOrder(tx, id);
  }

  /** Returned for changes or withdrawn from approval: the order is a DRAFT again and holds nothing. */
  async backToDraft(tx: RequestContext, id: string, action: 'RETURN' | 'WITHDRAW', note: string | null): Promise<void> {
    const o = await this.lockOrder(tx, id);
    if (o.status !== OrderStatus.PENDING_APPROVAL) throw new DomainError(ErrorCode.INVALID_STATE, `The order is ${o.status}`, { status: o.status });
    const set = await this.releaseCommitment(tx, o);
    await this.move(tx, o, OrderStatus.DRAFT, action === 'RETURN' ? OrderAction.RETURN_FOR_CHANGES : OrderAction.WITHDRAW, note, { ...set, credit_check: null, submitted_at: null });
  }

  // ---- for shipments and returns (same module) ----

  /** The order locked for a shipment or a return, after its dealer's credit account (the caller locks that first). */
  lockRow(tx: RequestContext, id: string): Promise<OrderRow> {
    return this.lockOrder(tx, id);
  }

  /** The dealer of an order, to lock its credit account first (404 when there is no such order). */
  async dealerOf(tx: RequestContext, orderId: string): Promise<string> {
    const o = await this.db.first(tx, this.db.k.selectFrom('sales_order').select('dealer_id').where('id', '=', orderId));
    if (!o) throw notFound('sales order', orderId);
    return o.dealer_id;
  }

  /**
   * A shipment of `amount` of the locked order `o`: the shipped total rises, the value leaves what
   * the order commits and the dealer's open orders (CreditService moves those), the status becomes
   * `to` (SHIPPED or PARTIALLY_SHIPPED). With enterApproval and releaseCommitment, the only
   * writers of sales_order.committed.
   */
  async recordShipped(tx: RequestContext, o: OrderRow, amount: string, to: OrderStatus, note: string): Promise<void> {
    await this.kernel.transition(tx, SALES_ORDER, {
      id: o.id, from: o.status, to, action: OrderAction.SHIP, note,
      set: { shipped_total: sql`shipped_total + ${amount}::numeric`, committed: sql`committed - ${amount}::numeric` },
    });
    await this.credit.adjust(tx, o.dealer_id, { openOrders: fmt(new Dec(amount).negated()) });
    // a mall order's dealer hears of its shipments (with the logistics in the note)
    if (o.source === OrderSource.MALL) await this.notifyCreator(tx, o, to, note);
  }

  /** A line on the locked order's timeline that leaves its status as it is (a return against one of its shipments). */
  async note(tx: RequestContext, o: Pick<OrderRow, 'id' | 'status'>, action: OrderAction, note: string): Promise<void> {
    await this.timeline(tx, { id: o.id, from: o.status, to: o.status, action, note });
  }

  // ---- the steps ----

  /**
   * `created`: the order was created in this transaction (its dealer, lines and products were
   * checked a moment ago; its row, as inserted, is this transaction's and needs no lock).
   */
  private async submitLocked(tx: RequestContext, id: string, dto: SubmitOrderDto, created?: { dealerId: string; row: OrderRow; lines: NewLine[]; reserveAtEnd: boolean }): Promise<void> {
    if (created) return this.submitNew(tx, created);
    const account = await this.lockAccountOf(tx, id);
    const o = await this.lockOrder(tx, id, dto.version);
    this.assertStatus(o, 'submit');
    const dealer = await this.dealerFor(tx, o.dealer_id);
    // the products must still be sellable to this dealer when it is submitted
    const lines = await this.db.rows(tx, this.db.k.selectFrom('sales_order_line').select('product_id').where('order_id', '=', id));
    if (!lines.length) throw new DomainError(ErrorCode.ORDER_HAS_NO_LINES, 'The order has no lines', { field: 'lines' });
    await this.products.assertUsable(tx, lines.map((l) => l.product_id), { orgPath: dealer.path, onSale: true });
    if (o.source === OrderSource.MALL) {
      await this.move(tx, o, OrderStatus.PENDING_REVIEW, OrderAction.SUBMIT, null, { submitted_at: sql`now()` });
      return;
    }
    const override = dto.overrideCredit ? { reason: dto.overrideReason?.trim() || '' } : undefined;
    if (override && !override.reason) throw new DomainError(ErrorCode.VALIDATION_FAILED, 'A credit override needs a reason', { field: 'overrideReason' });
    await this.enterApproval(tx, o, account, { override, set: { submitted_at: sql`now()` } }, OrderAction.SUBMIT);
  }

  /**
   * The submit of an order created in this transaction (its dealer, lines and products were checked
   * a moment ago; its row, as inserted, is this transaction's and needs no lock). The same checks
   * in the same order as `enterApproval`, arranged so that the rows other orders wait for — the
   * dealer's credit account, then the products' stock rows, then the day's counter — are taken as
   * late as the rules allow and held for as few statements as possible: the settings, the approval
   * facts and flows are read before them, and timeline and audit rows go in one INSERT each at the end.
   */
  private async submitNew(tx: RequestContext, created: { dealerId: string; row: OrderRow; lines: NewLine[]; reserveAtEnd: boolean }): Promise<void> {
    const { dealerId, row: o, lines, reserveAtEnd } = created;
    this.assertStatus(o, 'submit');
    if (o.source === OrderSource.MALL) {
      // customer service reviews it first: nothing of the credit account is read or written yet
      await this.move(tx, o, OrderStatus.PENDING_REVIEW, OrderAction.SUBMIT, null, { submitted_at: sql`now()` });
      return;
    }
    const [{ stockControl }, prepared] = await Promise.all([
      this.settings.get(tx),
      this.approval.prepare(tx, { id: o.id, branchId: o.branch_id, belowFloor: o.below_floor, mayOverride: false }),
    ]);
    // the account locked by the UPDATE that commits the order's credit; a refusal waits for the stock check, which reports first
    const { check, refusal } = await this.credit.commitNewOrder(tx, dealerId, { id: o.id, total: o.total });
    await this.checkStock(tx, o, stockControl);
    if (refusal) throw refusal;
    await this.routeToApproval(tx, o, check, { set: { submitted_at: sql`now()` }, created: true, prepared, lines, reserveAtEnd }, OrderAction.SUBMIT);
  }

  /**
   * Credit (on the locked account) for the order's new total, PENDING_APPROVAL, then the approval
   * seam; an order approved at once reserves its stock in this same transaction.
   */
  private async enterApproval(
    tx: RequestContext,
    o: OrderRow,
    account: LockedAccount,
    opts: { override?: { reason: string }; set?: Record<string, unknown> },
    action: OrderAction,
    note: string | null = null,
  ): Promise<void> {
    // 可用量控制: a short order is refused here under BLOCK, before anything is committed (never at approval)
    await this.checkStock(tx, o);
    const check: CreditCheckDto = await this.credit.commitOrder(tx, account, { id: o.id, oldCommitted: o.committed, newCommitted: o.total, override: opts.override });
    await this.routeToApproval(tx, o, check, { set: opts.set }, action, note);
  }

  /** PENDING_APPROVAL with the credit check just made, then the approval seam (an order approved at once reserves its stock now). */
  private async routeToApproval(
    tx: RequestContext,
    o: OrderRow,
    check: CreditCheckDto,
    opts: { set?: Record<string, unknown>; created?: boolean; prepared?: PreparedApproval; lines?: NewLine[]; reserveAtEnd?: boolean },
    action: OrderAction,
    note: string | null = null,
  ): Promise<void> {
    const submitted: SubmitMove = {
      from: o.status,
      to: OrderStatus.PENDING_APPROVAL, action, note: [note, check.warning].filter(Boolean).join('; ') || null,
      set: { ...opts.set, committed: sql`total`, credit_check: JSON.stringify(check), approved_at: null },
    };
    const pending: OrderRow = { ...o, status: OrderStatus.PENDING_APPROVAL, committed: o.total, version: o.version + 1 };
    // the approval is started first (it reads nothing of the order's row that this move changes): an order
    // approved at once goes through PENDING_APPROVAL to APPROVED in one UPDATE
    const decision = await this.approval.start(
      tx,
      { id: o.id, dealerId: o.dealer_id, branchId: o.branch_id, total: o.total, belowFloor: o.below_floor, creditOverridden: check.overridden, source: o.source, created: opts.created, creditCheck: check },
      opts.prepared,
    );
    if (decision !== 'APPROVED') await this.kernel.transition(tx, SALES_ORDER, { ...submitted, id: o.id });
    if (o.source === OrderSource.MALL && action === OrderAction.REVIEW_ACCEPT) await this.notifyCreator(tx, pending, OrderStatus.PENDING_APPROVAL, note);
    if (decision === 'APPROVED') await this.approve(tx, o.id, 'auto', pending, opts.lines && { lines: opts.lines, atEnd: !!opts.reserveAtEnd }, submitted);
    if (decision === 'REJECTED') await this.reject(tx, o.id, 'no approver could be found', pending);
  }

  /**
   * The company's stock control at submit (and at every re-entry into approval): under BLOCK an
   * order asking for more than the warehouse has available is refused with every short product
   * named (code, name, ordered, available). WARN and NONE let it through: approvers see the
   * shortage (stockPosition) and the approval reserves what is there, backordering the rest.
   */
  private async checkStock(tx: RequestContext, o: Pick<OrderRow, 'id' | 'warehouse_id'>, control?: StockControl): Promise<void> {
    const stockControl = control ?? (await this.settings.get(tx)).stockControl;
    if (stockControl !== StockControl.BLOCK) return;
    const lines = await this.db.rows(
      tx,
      this.db.k
        .selectFrom('sales_order_line as l')
        .innerJoin('product as p', 'p.id', 'l.product_id')
        .select(['l.product_id as productId', 'p.code', 'p.name', sql<string>`l.qty - l.shipped_qty - l.reserved_qty`.as('qty')])
        .where('l.order_id', '=', o.id)
        .orderBy('l.line_no'),
    );
    // the stock rows locked (after the account and the order: the lock order), so racing submits see each other's reservations
    const available = await this.stock.lockAvailable(tx, o.warehouse_id, lines.map((l) => l.productId));
    const short = shortLines(stockShortages(lines, available));
    if (!short.length) return;
    const named = short.map((x) => {
      const p = lines.find((l) => l.productId === x.productId)!;
      return { warehouseId: o.warehouse_id, productId: x.productId, productCode: p.code, productName: p.name, requested: x.ordered, available: x.available };
    });
    const first = named[0];
    throw new DomainError(
      ErrorCode.INSUFFICIENT_STOCK,
      `Insufficient stock: ${named.map((n) => `${n.productCode} ${n.productName} ordered ${n.requested}, available ${n.available}`).join('; ')}`,
      { ...first, shortages: named },
    );
  }

  /**
   * Gives back what an order holds: its open credit and the reservation of what is unshipped.
   * Answers the columns the caller's move sets with the status (committed back to 0).
   */
  private async releaseCommitment(tx: RequestContext, o: OrderRow): Promise<Record<string, unknown>> {
    let set = {};
    if (new Dec(o.committed).greaterThan(0)) {
      await this.credit.adjust(tx, o.dealer_id, { openOrders: fmt(new Dec(o.committed).negated()) });
      set = { committed: '0' };
    }
    if ([OrderStatus.APPROVED, OrderStatus.PARTIALLY_SHIPPED].includes(o.status)) await this.releaseReservation(tx, o.id, o.warehouse_id);
    return set;
  }

  /**
   * Gives back what is reserved for the order's lines (their reserved_qty). The stock rows are
   * locked before the lines are read, so a backorder fill that holds them (and may raise
   * reserved_qty) finishes first. What is given back goes to the waiting backorders at the end of
   * the transaction (StockArrived: an edit re-approves its own order before that).
   */
  private async releaseReservation(tx: RequestContext, orderId: string, warehouseId: string): Promise<void> {
    const products = await this.db.rows(tx, this.db.k.selectFrom('sales_order_line').select('product_id').distinct().where('order_id', '=', orderId).orderBy('product_id'));
    if (!products.length) return;
    await this.stock.lockRows(tx, products.map((p) => ({ warehouseId, productId: p.product_id })));
    const held = await this.db.rows(
      tx,
      this.db.k.selectFrom('sales_order_line').select(['id', 'product_id', sql<string>`reserved_qty`.as('qty')]).where('order_id', '=', orderId).where('reserved_qty', '>', '0').orderBy('id').forUpdate(),
    );
    if (!held.length) return;
    await this.stock.reserve(tx, mergeByProduct(held).map((l) => ({ warehouseId, productId: l.product_id, qty: fmt(new Dec(l.qty).negated(), 'qty') })));
    await this.db.rows(tx, this.db.k.updateTable('sales_order_line').set({ reserved_qty: '0', updated_at: sql`now()` }).where('order_id', '=', orderId).where('reserved_qty', '>', '0'));
    this.stock.arrived(tx, warehouseId, held.map((l) => l.product_id));
  }

  /**
   * At approval: each line's open quantity reserved as far as the warehouse has it available
   * (lines of one product in line order), the rest waiting as a backorder. Never refuses.
   */
  private async reserveWhatIsThere(tx: RequestContext, o: Pick<OrderRow, 'id' | 'warehouse_id'>, newLines?: NewLine[], atEnd = false): Promise<void> {
    if (newLines) {
      // lines written in this transaction are open in full and name each product once: the stock rows are
      // locked and reserved in one statement, then the lines record what they got
      const taken = await this.stock.reserveAvailable(tx, o.warehouse_id, newLines.map((l) => ({ productId: l.product_id, qty: l.qty })));
      await this.recordReserved(tx, newLines.filter((l) => taken.has(l.product_id)).map((l) => ({ id: l.id, qty: taken.get(l.product_id)! })), atEnd);
      return;
    }
    const lines = await this.db.rows(
      tx,
      this.db.k.selectFrom('sales_order_line').select(['id', 'product_id', sql<string>`qty - shipped_qty - reserved_qty`.as('open')]).where('order_id', '=', o.id).orderBy('line_no'),
    );
    const products = [...new Set(lines.map((l) => l.product_id))].sort();
    if (!products.length) return;
    const available = await this.stock.lockAvailable(tx, o.warehouse_id, products);
    const left = new Map(products.map((p) => [p, new Dec(available.get(p)!)]));
    const take: { id: string; product_id: string; qty: string }[] = [];
    for (const l of lines) {
      const { reserve } = splitReservation(l.open, fmt(left.get(l.product_id)!, 'qty'));
      if (new Dec(reserve).isZero()) continue;
      take.push({ id: l.id, product_id: l.product_id, qty: reserve });
      left.set(l.product_id, left.get(l.product_id)!.minus(reserve));
    }
    await this.addReserved(tx, o.warehouse_id, take);
  }

  /** Reserves `qty` more for each order line (stock rows locked by the caller, the quantities within what is available). */
  private async addReserved(tx: RequestContext, warehouseId: string, take: { id: string; product_id: string; qty: string }[]): Promise<void> {
    if (!take.length) return;
    await this.stock.reserve(tx, mergeByProduct(take).map((l) => ({ warehouseId, productId: l.product_id, qty: l.qty })));
    await this.recordReserved(tx, take);
  }

  /**
   * Raises the lines' reserved quantities by what was just reserved for them. `atEnd` (an order created and reserved as its transaction's
   * final step, which reads its lines no more): in the one statement after the number, so the stock
   * rows just locked wait for that statement and the commit, not for this one as well.
   */
  private async recordReserved(tx: RequestContext, take: { id: string; qty: string }[], atEnd = false): Promise<void> {
    if (!take.length) return;
    const t = sql<{ id: string; q: string }>`unnest(${take.map((x) => x.id)}::uuid[], ${take.map((x) => x.qty)}::numeric[])`.as<'t'>(sql`t(id, q)`);
    const write = this.db.k.updateTable('sales_order_line as l').from(t).set({ reserved_qty: sql`l.reserved_qty + t.q`, updated_at: sql`now()` }).whereRef('l.id', '=', 't.id');
    if (atEnd) await this.db.writeAtEnd(tx, write, { stage: AFTER_NUMBER_STAGE });
    else await this.db.rows(tx, write);
  }

  /**
   * Stock arrived in a warehouse (StockArrived, at the end of the transaction that brought it):
   * the backorders of those products there, oldest approval first, are reserved as far as it goes.
   * The stock rows are locked first, then the waiting lines (never an order row: a shipment or a
   * cancel of one of those orders waits for the stock rows this holds).
   */
  async fillBackorders(tx: RequestContext, warehouseId: string, productIds: string[]): Promise<void> {
    const products = [...new Set(productIds)].sort();
    if (!products.length) return;
    const available = await this.stock.lockAvailable(tx, warehouseId, products);
    const waiting = await this.db.rows(
      tx,
      this.db.k
        .selectFrom('sales_order_line as l')
        .innerJoin('sales_order as o', 'o.id', 'l.order_id')
        .innerJoin('product as p', 'p.id', 'l.product_id')
        .select(['l.id', 'l.product_id', 'p.code', 'o.id as order_id', 'o.number', 'o.dealer_id', sql<string>`l.qty - l.shipped_qty - l.reserved_qty`.as('waiting')])
        .where('o.warehouse_id', '=', warehouseId)
        .where('o.status', 'in', [OrderStatus.APPROVED, OrderStatus.PARTIALLY_SHIPPED])
        .where('l.product_id', 'in', products)
        .where(sql<SqlBool>`l.qty > l.shipped_qty + l.reserved_qty`)
        .orderBy('o.approved_at')
        .orderBy('o.id')
        .orderBy('l.line_no')
        .forUpdate('l'),
    );
    if (!waiting.length) return;
    const take: { id: string; product_id: string; qty: string; order_id: string; number: string | null; dealer_id: string; code: string }[] = [];
    for (const p of products) {
      for (const a of allocateFifo(available.get(p)!, waiting.filter((w) => w.product_id === p))) take.push({ ...a.item, qty: a.qty });
    }
    await this.addReserved(tx, warehouseId, take);
    const byOrder = new Map<string, typeof take>();
    for (const x of take) byOrder.set(x.order_id, [...(byOrder.get(x.order_id) ?? []), x]);
    for (const [orderId, got] of byOrder) {
      await this.audit.record(tx, {
        action: 'reserve_backorder', entity: 'sales_order', entityId: orderId, orgId: got[0].dealer_id,
        summary: `backorder of ${got[0].number}: reserved ${got.map((g) => `${g.code} ${g.qty}`).join(', ')}`,
        after: { warehouseId, lines: got.map((g) => ({ orderLineId: g.id, productId: g.product_id, reserved: g.qty })) },
      });
    }
  }

  private async changeQuantities(tx: RequestContext, o: OrderRow, changes: { lineId: string; qty: string }[]): Promise<string> {
    const lines = await this.db.rows(
      tx,
      this.db.k
        .selectFrom('sales_order_line as l')
        .innerJoin('product as p', 'p.id', 'l.product_id')
        .select(['l.id', 'l.product_id', 'p.code', 'l.qty', 'l.unit_price', 'l.discount_rate', 'l.tax_rate', 'p.min_order_qty', 'p.order_multiple'])
        .where('l.order_id', '=', o.id),
    );
    for (const [i, c] of changes.entries()) {
      const line = lines.find((l) => l.id === c.lineId);
      if (!line) throw new DomainError(ErrorCode.NOT_FOUND, 'order line not found', { entity: 'sales_order_line', id: c.lineId, field: `lines.${i}.lineId` });
      if (!new Dec(c.qty).greaterThan(0)) throw new DomainError(ErrorCode.INVALID_QUANTITY, `Line ${i + 1}: the quantity must be above 0`, { field: `lines.${i}.qty` });
      const problem = quantityProblem(c.qty, line.min_order_qty, line.order_multiple);
      if (problem) throw new DomainError(ErrorCode[problem], `${line.code}: ${c.qty} must be at least ${fmt(line.min_order_qty, 'qty')} and a multiple of ${fmt(line.order_multiple, 'qty')}`, { field: `lines.${i}.qty`, productId: line.product_id });
      const m = orderLineMoney(c.qty, line.unit_price, line.discount_rate, line.tax_rate);
      await this.db.rows(tx, this.db.k.updateTable('sales_order_line').set({ qty: c.qty, amount: m.amount, tax_amount: m.tax, updated_at: sql`now()` }).where('id', '=', line.id));
    }
    // the header's totals from its lines; the version moves with the status just after (enterApproval)
    const t = await this.db.one(
      tx,
      this.db.k
        .updateTable('sales_order as o')
        .from(
          this.db.k
            .selectFrom('sales_order_line')
            .select([sql<string>`sum(amount)`.as('total'), sql<string>`sum(tax_amount)`.as('tax'), sql<string>`sum(round(qty * unit_price, 2))`.as('gross')])
            .where('order_id', '=', o.id)
            .as('x'),
        )
        .set({ total: sql`x.total`, tax_total: sql`x.tax`, discount_total: sql`x.gross - x.total` })
        .where('o.id', '=', o.id)
        .returning('o.total'),
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
    // the products' check and their prices go to the database together; the prices are judged by the checked rows
    const usable = this.products.assertUsable(ctx, input.map((l) => l.productId), { orgPath: dealer.path, onSale: true });
    const resolved = await this.prices.resolveLines(ctx, dealer.id, input.map((l) => ({ productId: l.productId, qty: l.qty })), new Date(), usable);
    const products = await usable;
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

  /** Writes an order's lines; answers them in line order, as `NewLine`s. */
  private async writeLines(tx: RequestContext, orderId: string, lines: PricedLine[]): Promise<NewLine[]> {
    const rows = await this.db.rows(
      tx,
      this.db.k.insertInto('sales_order_line').values(
        lines.map((l, i) => ({
          order_id: orderId,
          line_no: i + 1,
          product_id: l.productId,
          qty: l.qty,
          unit_price: l.unitPrice,
          list_price: l.listPrice,
          price_source: l.priceSource,
          price_ref_id: l.priceRefId,
          price_ref_name: l.priceRefName,
          floor_price: l.floorPrice,
          below_floor: l.belowFloor,
          discount_rate: l.discountRate,
          tax_rate: l.taxRate,
          amount: l.amount,
          tax_amount: l.taxAmount,
          remark: l.remark,
        })),
      )
        .returning(['id', 'product_id', 'qty', 'line_no']),
    );
    return rows.sort((a, b) => a.line_no - b.line_no);
  }

  async dealerFor(ctx: RequestContext, dealerId: string): Promise<{ id: string; code: string; path: string; branchId: string }> {
    // the selling branch (the nearest branch above the dealer, else HQ: a direct account) comes with the dealer's row
    const { org: dealer, branchId } = await this.orgs.assertVisibleWithBranch(ctx, dealerId);
    if (dealer.type !== OrgType.DEALER) throw new DomainError(ErrorCode.VALIDATION_FAILED, 'Orders are for dealers', { field: 'dealerId' });
    if (dealer.status !== OrgStatus.ACTIVE) throw new DomainError(ErrorCode.DEALER_DISABLED, `${dealer.code} ${dealer.name} is disabled`, { dealerId });
    return { id: dealer.id, code: dealer.code, path: dealer.path, branchId };
  }

  private async assertUser(ctx: RequestContext, userId: string): Promise<void> {
    const u = await this.db.first(ctx, this.db.k.selectFrom('app_user').select('id').where('id', '=', userId).where('status', '=', 'ACTIVE'));
    if (!u) throw new DomainError(ErrorCode.NOT_FOUND, 'sales rep not found', { entity: 'user', id: userId, field: 'salesRepId' });
  }

  /** 404 unless the order exists in the caller's scope. */
  async assertVisible(ctx: RequestContext, id: string): Promise<void> {
    if (!(await this.db.first(ctx, this.scoped(ctx).select('o.id').where('o.id', '=', id)))) throw notFound('sales order', id);
  }

  /** The credit account of the order's dealer, locked first (lock order: account, order, stock). */
  private async lockAccountOf(tx: RequestContext, orderId: string): Promise<LockedAccount> {
    return this.credit.lock(tx, await this.dealerOf(tx, orderId));
  }

  private async lockOrder(tx: RequestContext, id: string, version?: number): Promise<OrderRow> {
    const o = (await this.db.first(tx, this.db.k.selectFrom('sales_order').select(ORDER_ROW).where('id', '=', id).forUpdate())) as OrderRow | undefined;
    if (!o) throw notFound('sales order', id);
    if (version !== undefined && version !== o.version) throw staleVersion('sales order', version, o.version);
    return o;
  }

  private assertStatus(o: OrderRow, action: keyof typeof ORDER_ACTION_FROM): void {
    if (!ORDER_ACTION_FROM[action].includes(o.status)) {
      throw new DomainError(ErrorCode.INVALID_STATE, `${o.number} is ${o.status}: it cannot ${action} now`, { status: o.status, action, allowedFrom: ORDER_ACTION_FROM[action] });
    }
  }

  /** A user's (or the workflow's) move of the locked order `o`, through the kernel: status, timeline, audit; then the creator's notice. */
  /** `submitted`: the submit that put `o` in PENDING_APPROVAL in this transaction and is not written yet (one UPDATE for both moves) */
  private async move(tx: RequestContext, o: OrderRow, to: OrderStatus, action: OrderAction, note: string | null, set?: Record<string, unknown>, submitted?: SubmitMove): Promise<void> {
    const audit = { action: action.toLowerCase(), orgId: o.dealer_id, summary: `${o.status} -> ${to}${note ? ` (${note})` : ''}`, before: { status: o.status }, after: { status: to, note } };
    if (submitted) {
      const { from, ...first } = submitted;
      await this.kernel.transitions(tx, SALES_ORDER, o.id, from, [first, { to, action, note, set, audit }]);
    } else {
      await this.kernel.transition(tx, SALES_ORDER, { id: o.id, from: o.status, to, action, note, set, audit });
    }
    // approvals notify their own verdicts; the order tells its creator the rest
    // a mall order's creator is the dealer, who hears of every step (the mall shows its status timeline)
    if ([OrderStatus.CANCELLED, OrderStatus.COMPLETED].includes(to) || action === OrderAction.REVIEW_REJECT || o.source === OrderSource.MALL) {
      await this.notifyCreator(tx, o, to, note);
    }
  }

  /** The creator's notice of a move; it names the order's number, so a new order's waits until it is numbered. */
  private notifyCreator(tx: RequestContext, o: OrderRow, to: OrderStatus, note: string | null): Promise<void> {
    const machine = note ? MACHINE_NOTE[note] : undefined;
    return this.whenNumbered(tx, o, (number) =>
      this.tellCreator(tx, o, `订单 ${number}：${STATUS_ZH[to]}`, machine?.zh ?? note, {
        key: 'orderStatus',
        params: { number, status: to },
        ...(machine && { note: machine.key }),
      }),
    );
  }

  /** A notice to whoever placed the order (a mall order's dealer user), linking to where they see it. */
  async tellCreator(tx: RequestContext, o: Pick<OrderRow, 'id' | 'created_by' | 'source'>, title: string, body: string | null, message: NotificationMessage): Promise<void> {
    const link = o.source === OrderSource.MALL ? `/mall/orders/${o.id}` : `/sales/orders/${o.id}`;
    await this.notifications.notify(tx, [o.created_by], { kind: 'ORDER_STATUS', title, body, link, message });
  }

  /** Who placed the order and through which path (for notices about it). */
  async creatorOf(ctx: RequestContext, orderId: string): Promise<Pick<OrderRow, 'id' | 'created_by' | 'source'>> {
    const o = await this.db.one(ctx, this.db.k.selectFrom('sales_order').select(['id', 'created_by', 'source']).where('id', '=', orderId));
    return { ...o, source: o.source as OrderSource };
  }

  /** Orders by id, in the caller's scope (an id out of scope is left out), in the order of `ids`. */
  private async load(ctx: RequestContext, ids: string[], detail: boolean): Promise<SalesOrderDto[]> {
    if (!ids.length) return [];
    const rows = await this.db.rows(
      ctx,
      this.db.k
        .selectFrom('sales_order as o')
        .innerJoin('organization as d', 'd.id', 'o.dealer_id')
        .innerJoin('organization as b', 'b.id', 'o.branch_id')
        .innerJoin('warehouse as w', 'w.id', 'o.warehouse_id')
        .leftJoin('app_user as sr', 'sr.id', 'o.sales_rep_id')
        .leftJoin('app_user as cu', 'cu.id', 'o.created_by')
        .selectAll('o')
        .select((eb) => [
          sql<string>`to_char(o.business_date, 'YYYY-MM-DD')`.as('bdate'),
          sql<string | null>`to_char(o.requested_date, 'YYYY-MM-DD')`.as('rdate'),
          'd.code as dealer_code',
          'd.name as dealer_name',
          'b.name as branch_name',
          'w.name as warehouse_name',
          'sr.display_name as sales_rep_name',
          'cu.display_name as created_by_name',
          eb.selectFrom('sales_order_line as lc').select(sql<number>`count(*)::int`.as('n')).whereRef('lc.order_id', '=', 'o.id').as('line_count'),
        ])
        // the detail's lines and timeline in the same statement (every number as text: money stays decimal)
        .$if(detail, (qb) => qb.select([LINES_JSON.as('lines_json'), EVENTS_JSON.as('events_json')]))
        .where('o.id', 'in', ids)
        .where(orgScope(ctx, 'o.dealer_id')),
    );
    if (!rows.length) return [];
    const byId = new Map(rows.map((r) => [r.id, r]));
    const iso = (v: Date | string | null) => (v ? new Date(v).toISOString() : null);
    return ids.flatMap((id): SalesOrderDto[] => {
      const o = byId.get(id);
      if (!o) return [];
      return [{
        id,
        number: o.number as string,
        status: o.status as OrderStatus,
        source: o.source as OrderSource,
        dealerId: o.dealer_id,
        dealerCode: o.dealer_code,
        dealerName: o.dealer_name,
        branchId: o.branch_id,
        branchName: o.branch_name,
        warehouseId: o.warehouse_id,
        warehouseName: o.warehouse_name,
        salesRepId: o.sales_rep_id,
        salesRepName: o.sales_rep_name ?? null,
        requestedDate: o.rdate ?? null,
        businessDate: o.bdate,
        remark: o.remark,
        shipTo: o.ship_to_address ? { contact: o.ship_to_contact!, phone: o.ship_to_phone!, region: o.ship_to_region, address: o.ship_to_address } : null,
        total: fmt(o.total),
        taxTotal: fmt(o.tax_total),
        discountTotal: fmt(o.discount_total),
        shippedTotal: fmt(o.shipped_total),
        belowFloor: o.below_floor,
        credit: (o.credit_check as unknown as CreditCheckDto | null) ?? null,
        copiedFromId: o.copied_from_id,
        createdBy: o.created_by,
        createdByName: o.created_by_name ?? null,
        submittedAt: iso(o.submitted_at),
        approvedAt: iso(o.approved_at),
        createdAt: iso(o.created_at)!,
        updatedAt: iso(o.updated_at)!,
        version: o.version,
        lineCount: o.line_count ?? 0,
        lines: detail ? (o as unknown as { lines_json: LineJson[] }).lines_json.map(toLineDtoFromRow) : [],
        events: (detail ? (o as unknown as { events_json: EventJson[] }).events_json : []).map((e): OrderEventDto => ({
          id: e.id,
          action: e.action as OrderAction,
          fromStatus: (e.from_status as OrderStatus | null) ?? null,
          toStatus: e.to_status as OrderStatus,
          note: e.note,
          actorId: e.actor_id,
          actorName: e.display_name ?? null,
          at: iso(e.created_at)!,
        })),
      }];
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
  return { ...line, id: '', lineNo, shippedQty: '0.000', shippedAmount: '0.00', returnedQty: '0.000', reservedQty: '0.000' };
}

/** A line of the order's detail as LINES_JSON writes it. */
type LineJson = Omit<Selectable<DB['sales_order_line']>, 'order_id' | 'created_at' | 'updated_at'> & { code: string; name: string; spec: string | null; base_unit: string };
/** A timeline row as EVENTS_JSON writes it (`created_at` as JSON text). */
type EventJson = { id: string; action: string; from_status: string | null; to_status: string; note: string | null; actor_id: string | null; display_name: string | null; created_at: string };

/**
 * The order's lines, in line order, with their products' names: numbers as text, never JSON numbers (floats).
 * Exported as text with EVENTS_JSON_SQL for the bench's raw-SQL order (e2e/bench/order-same-work.ts), which reads
 * an order back as the server does.
 */
export const LINES_JSON_SQL = `(SELECT COALESCE(json_agg(json_build_object(
    'id', l.id, 'line_no', l.line_no, 'product_id', l.product_id, 'code', p.code, 'name', p.name, 'spec', p.spec, 'base_unit', p.base_unit,
    'qty', l.qty::text, 'unit_price', l.unit_price::text, 'list_price', l.list_price::text, 'price_source', l.price_source,
    'price_ref_id', l.price_ref_id, 'price_ref_name', l.price_ref_name, 'floor_price', l.floor_price::text, 'below_floor', l.below_floor,
    'discount_rate', l.discount_rate::text, 'tax_rate', l.tax_rate::text, 'amount', l.amount::text, 'tax_amount', l.tax_amount::text,
    'shipped_qty', l.shipped_qty::text, 'shipped_amount', l.shipped_amount::text, 'returned_qty', l.returned_qty::text,
    'reserved_qty', l.reserved_qty::text, 'remark', l.remark) ORDER BY l.line_no), '[]')
  FROM sales_order_line l JOIN product p ON p.id = l.product_id WHERE l.order_id = o.id)`;
const LINES_JSON = sql.raw<LineJson[]>(LINES_JSON_SQL);

/** The order's timeline, oldest first, with each actor's name. */
export const EVENTS_JSON_SQL = `(SELECT COALESCE(json_agg(json_build_object(
    'id', e.id, 'action', e.action, 'from_status', e.from_status, 'to_status', e.to_status, 'note', e.note,
    'actor_id', e.actor_id, 'display_name', u.display_name, 'created_at', e.created_at) ORDER BY e.created_at, e.id), '[]')
  FROM sales_order_event e LEFT JOIN app_user u ON u.id = e.actor_id WHERE e.order_id = o.id)`;
const EVENTS_JSON = sql.raw<EventJson[]>(EVENTS_JSON_SQL);

function toLineDtoFromRow(l: LineJson): OrderLineDto {
  return {
    id: l.id,
    lineNo: l.line_no,
    productId: l.product_id,
    productCode: l.code,
    productName: l.name,
    spec: l.spec,
    baseUnit: l.base_unit,
    qty: fmt(l.qty, 'qty'),
    unitPrice: fmt(l.unit_price, 'unitPrice'),
    listPrice: fmt(l.list_price, 'unitPrice'),
    priceSource: l.price_source as LinePriceSource,
    priceRefId: l.price_ref_id,
    priceRefName: l.price_ref_name,
    floorPrice: l.floor_price === null ? null : fmt(l.floor_price, 'unitPrice'),
    belowFloor: l.below_floor,
    discountRate: fmt(l.discount_rate, 'unitPrice'),
    taxRate: fmt(l.tax_rate, 'unitPrice'),
    amount: fmt(l.amount),
    taxAmount: fmt(l.tax_amount),
    shippedQty: fmt(l.shipped_qty, 'qty'),
    shippedAmount: fmt(l.shipped_amount),
    returnedQty: fmt(l.returned_qty, 'qty'),
    reservedQty: fmt(l.reserved_qty, 'qty'),
    remark: l.remark,
  };
}
