import { Inject, Injectable } from '@nestjs/common';
import {
  ErrorCode, fmt, MallOrderDto, MallOrderSummaryDto, MallReorderResult, MallShipmentInfo, MallTimelineStep, OrderAction, OrderEventDto, OrderSource, OrderStatus, Paged,
} from '@drp/shared';
import { APP_CONFIG, AppConfig } from '../../config/config';
import { RequestContext } from '../../common/context/request-context';
import { DomainError, notFound } from '../../common/errors/domain-error';
import { resolvePage } from '../../common/http/pagination';
import { businessDate } from '../../database/business-date';
import { ExpressionBuilder, InferResult, sql } from 'kysely';
import { DbService } from '../../database/db.service';
import type { DB } from '../../database/schema';
import { AuditService } from '../audit/audit.service';
import { StorageService } from '../storage/storage.service';
import { SalesOrderService } from '../sales/sales-order.service';
import { CartService } from './cart.service';
import { MallAddressService } from './mall-address.service';
import { MallDealer, MallDealerService } from './mall-dealer';
import { CheckoutDto, MallOrderQueryDto } from './mall.dto';

/** The order list's page: one query with the line count and the first line's product and image. */
function summaryQuery(db: DbService) {
  return db.k
    .selectFrom('sales_order as o')
    .select([
      'o.id', 'o.number', 'o.status', 'o.total', 'o.created_at',
      sql<number>`(SELECT count(*)::int FROM sales_order_line l WHERE l.order_id = o.id)`.as('line_count'),
      sql<string | null>`(SELECT p.name FROM sales_order_line l JOIN product p ON p.id = l.product_id WHERE l.order_id = o.id ORDER BY l.line_no LIMIT 1)`.as('first_name'),
      sql<string | null>`(SELECT (SELECT i.storage_key FROM product_image i WHERE i.product_id = l.product_id ORDER BY i.sort_order, i.created_at LIMIT 1)
                            FROM sales_order_line l WHERE l.order_id = o.id ORDER BY l.line_no LIMIT 1)`.as('first_image'),
    ]);
}
type SummaryRow = InferResult<ReturnType<typeof summaryQuery>>[number];

/**
 * Mall orders: checkout turns the cart into a sales order through SalesOrderService.create (so
 * pricing, numbering, PENDING_REVIEW and the audit stay in one place), with source MALL and the
 * delivery address snapshot, and empties the cart in the same transaction. Dealers read only
 * their own orders (another dealer's: 404), with a status timeline, shipments and events.
 */
@Injectable()
export class MallOrderService {
  constructor(
    private readonly db: DbService,
    private readonly audit: AuditService,
    private readonly dealers: MallDealerService,
    private readonly cart: CartService,
    private readonly addresses: MallAddressService,
    private readonly orders: SalesOrderService,
    private readonly storage: StorageService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async checkout(ctx: RequestContext, dto: CheckoutDto): Promise<MallOrderDto> {
    const dealer = await this.dealers.requireDealer(ctx);
    if (dto.requestedDate && dto.requestedDate < businessDate(new Date(), this.config.companyTz)) {
      throw new DomainError(ErrorCode.VALIDATION_FAILED, 'The requested date must be today or later', { field: 'requestedDate' });
    }
    const id = await this.db.tx(ctx, async (tx) => {
      // the cart rows stay locked until the order exists and they are gone: a second checkout waits, then finds the cart empty
      const cart = await this.cart.build(tx, dealer, { lock: true });
      if (!cart.lines.length) throw new DomainError(ErrorCode.CART_EMPTY, 'The cart is empty');
      const problems = cart.lines.filter((l) => l.problem);
      if (problems.length) {
        throw new DomainError(ErrorCode.CART_HAS_PROBLEMS, 'Some cart lines cannot be ordered; fix them first', {
          lines: problems.map((l) => ({ productId: l.productId, code: l.problem!.code, message: l.problem!.message })),
        });
      }
      const address = await this.addresses.own(tx, dealer, dto.addressId);
      const warehouse = await this.warehouseFor(tx, dealer);
      const order = await this.orders.create(this.dealers.orderContext(tx, warehouse.org_id), {
        dealerId: dealer.id,
        warehouseId: warehouse.id,
        source: OrderSource.MALL,
        submit: true,
        requestedDate: dto.requestedDate ?? null,
        remark: dto.remark?.trim() || null,
        lines: cart.lines.map((l) => ({ productId: l.productId, qty: l.qty })),
        shipTo: { contact: address.contact, phone: address.phone, region: address.region, address: address.address },
      });
      await this.db.rows(tx, this.db.k.deleteFrom('mall_cart_item').where('dealer_id', '=', dealer.id));
      // the order takes its number at the end of this transaction: the audit names it then
      await this.orders.whenNumbered(tx, order, (number) =>
        this.audit.record(tx, {
          action: 'checkout', entity: 'mall_cart', entityId: dealer.id, orgId: dealer.id,
          summary: `mall order ${number}: ${cart.lineCount} line(s), ${order.total}`,
          after: { orderId: order.id, number, total: order.total, addressId: address.id },
        }),
      );
      return order.id;
    });
    return this.get(ctx, id);
  }

  async list(ctx: RequestContext, q: MallOrderQueryDto): Promise<Paged<MallOrderSummaryDto>> {
    const dealer = await this.dealers.requireDealer(ctx);
    const { page, pageSize, offset } = resolvePage(q, { createdAt: 'o.created_at' }, '-createdAt');
    const statuses = q.status ? q.status.split(',') : null;
    let count = this.db.k.selectFrom('sales_order as o').select(sql<number>`count(*)::int`.as('n')).where('o.dealer_id', '=', dealer.id).where(dealerSeesSql);
    let rowsQ = summaryQuery(this.db).where('o.dealer_id', '=', dealer.id).where(dealerSeesSql);
    if (statuses) {
      count = count.where('o.status', 'in', statuses);
      rowsQ = rowsQ.where('o.status', 'in', statuses);
    }
    const { n } = await this.db.one(ctx, count);
    const rows = await this.db.rows(ctx, rowsQ.orderBy('o.created_at', 'desc').orderBy('o.id').limit(pageSize).offset(offset));
    return { items: rows.map((r) => this.summary(r)), total: n, page, pageSize };
  }

  async get(ctx: RequestContext, id: string): Promise<MallOrderDto> {
    const dealer = await this.dealers.requireDealer(ctx);
    return this.load(ctx, dealer, id);
  }

  /** Adds a past order's lines to the cart, raised to each product's minimum and multiple; lines that cannot be ordered now are skipped with the reason. */
  async reorder(ctx: RequestContext, id: string): Promise<MallReorderResult> {
    const dealer = await this.dealers.requireDealer(ctx);
    const order = await this.load(ctx, dealer, id);
    const result = await this.db.tx(ctx, async (tx) => {
      const r = await this.cart.addRounded(tx, dealer, order.lines.map((l) => ({ productId: l.productId, productName: l.productName, qty: l.qty })));
      await this.audit.record(tx, {
        action: 'reorder', entity: 'mall_cart', entityId: dealer.id, orgId: dealer.id,
        summary: `reorder of ${order.number}: ${r.added} added, ${r.skipped.length} skipped`,
        message: { key: 'generic', values: { action: 'reorder', entity: 'mall_cart', label: order.number } },
        after: { orderId: id, added: r.added, skipped: r.skipped.map((s) => ({ productId: s.productId, code: s.code })), adjusted: r.adjusted.map((a) => ({ productId: a.productId, from: a.from, to: a.to })) },
      });
      return r;
    });
    return { ...result, cart: await this.cart.build(ctx, dealer) };
  }

  /** The supplying warehouse of a mall order: the first active one (by code) of the dealer's branch, else HQ's. */
  private async warehouseFor(tx: RequestContext, dealer: MallDealer): Promise<{ id: string; org_id: string }> {
    const w = dealer.warehouseIds.length
      ? await this.db.first(tx, this.db.k.selectFrom('warehouse').select(['id', 'org_id']).where('id', 'in', dealer.warehouseIds).orderBy('code').limit(1))
      : undefined;
    if (!w) throw new DomainError(ErrorCode.INVALID_STATE, 'No warehouse supplies this dealer; ask headquarters', { dealerId: dealer.id });
    return w;
  }

  private summary(r: SummaryRow): MallOrderSummaryDto {
    return {
      id: r.id,
      // numbered at the end of the creating transaction: never null once committed
      number: r.number ?? '',
      status: r.status as OrderStatus,
      total: fmt(r.total),
      lineCount: r.line_count,
      firstProductName: r.first_name,
      firstImageUrl: r.first_image ? this.storage.url(r.first_image) : null,
      createdAt: new Date(r.created_at).toISOString(),
    };
  }

  /**
   * The dealer's own order (another's: 404) through SalesOrderService.get (header, lines, events:
   * the sales module's read), with the products' first images and the order's shipments.
   */
  private async load(ctx: RequestContext, dealer: MallDealer, id: string): Promise<MallOrderDto> {
    const o = await this.orders.get(ctx, id).catch((e: unknown) => {
      if (e instanceof DomainError && e.code === ErrorCode.NOT_FOUND) throw notFound('order', id);
      throw e;
    });
    if (o.dealerId !== dealer.id || !dealerSees(o)) throw notFound('order', id);
    const productIds = [...new Set(o.lines.map((l) => l.productId))];
    const [images, shipments] = await Promise.all([
      productIds.length
        ? this.db.rows(
            ctx,
            this.db.k
              .selectFrom('product_image as i')
              .distinctOn('i.product_id')
              .select(['i.product_id', 'i.storage_key'])
              .where('i.product_id', 'in', productIds)
              .orderBy('i.product_id')
              .orderBy('i.sort_order')
              .orderBy('i.created_at'),
          )
        : [],
      this.db.rows(
        ctx,
        this.db.k.selectFrom('shipment').select(['id', 'number', 'created_at', 'logistics_company', 'tracking_no']).where('order_id', '=', id).orderBy('created_at').orderBy('number'),
      ),
    ]);
    const imageOf = new Map(images.map((i) => [i.product_id, i.storage_key]));
    const url = (productId: string | undefined) => {
      const key = productId ? imageOf.get(productId) : undefined;
      return key ? this.storage.url(key) : null;
    };
    const lines = [...o.lines].sort((a, b) => a.lineNo - b.lineNo);
    return {
      id: o.id,
      number: o.number,
      status: o.status,
      total: fmt(o.total),
      lineCount: lines.length,
      firstProductName: lines[0]?.productName ?? null,
      firstImageUrl: url(lines[0]?.productId),
      createdAt: o.createdAt,
      requestedDate: o.requestedDate,
      remark: o.remark,
      deliveryAddress: o.shipTo ? { contact: o.shipTo.contact ?? '', phone: o.shipTo.phone ?? '', region: o.shipTo.region, address: o.shipTo.address } : null,
      lines: lines.map((l) => ({
        productId: l.productId, productCode: l.productCode, productName: l.productName, spec: l.spec, baseUnit: l.baseUnit,
        qty: fmt(l.qty, 'qty'), shippedQty: fmt(l.shippedQty, 'qty'), unitPrice: fmt(l.unitPrice, 'unitPrice'), amount: fmt(l.amount),
        imageUrl: url(l.productId),
      })),
      timeline: timeline(o.status, o.events, o.source === OrderSource.MALL),
      shipments: shipments.map((s): MallShipmentInfo => ({ id: s.id, number: s.number, shippedAt: new Date(s.created_at).toISOString(), logisticsCompany: s.logistics_company, trackingNo: s.tracking_no })),
      events: o.events.map((e) => {
        const reason = noteReason(e.note);
        return reason ? { ...e, note: null, reason } : { ...e, reason: null };
      }),
    };
  }
}

/**
 * Which of its orders a dealer sees (我的订单, the order page, reorder; else 404): an order it
 * placed in the mall, always, from the moment it was submitted (it starts there, PENDING_REVIEW);
 * any other order (entered in the console, from a visit or replenishment) once it was released to
 * the dealer, i.e. approved (`approved_at` set) and not back in DRAFT. HQ's drafts, orders waiting
 * for HQ's own review or approval, and orders rejected or cancelled before they were ever approved
 * are HQ's internal work and stay out of the mall. `dealerSeesSql` is the same rule in SQL.
 */
export function dealerSees(o: { source: string; status: string; approvedAt: string | null }): boolean {
  if (o.source === OrderSource.MALL) return true;
  return o.approvedAt !== null && o.status !== OrderStatus.DRAFT;
}

const dealerSeesSql = (eb: ExpressionBuilder<DB & { o: DB['sales_order'] }, 'o'>) =>
  eb.or([eb('o.source', '=', OrderSource.MALL), eb.and([eb('o.approved_at', 'is not', null), eb('o.status', '<>', OrderStatus.DRAFT)])]);

/** The credit notes an order's events carry (the credit check's text) as a code and values the client words; null for a person's note. */
export function noteReason(note: string | null): { code: string; values: Record<string, string> } | null {
  if (!note) return null;
  if (/^The dealer has overdue receivables/.test(note)) return { code: 'CREDIT_OVERDUE', values: {} };
  const m = /^Credit limit (\S+) exceeded: exposure (\S+) \+ this order (\S+) is (\S+) over/.exec(note);
  if (m) return { code: 'CREDIT_LIMIT', values: { limit: m[1], exposure: m[2], orderTotal: m[3], excess: m[4] } };
  return null;
}

/**
 * The dealer's view of an order's progress: submitted, reviewed (mall orders: customer service
 * checks them; console orders have no such step), approved, shipped, completed (each with when it
 * happened), ending early with REJECTED or CANCELLED when it did. The steps are consistent: a step
 * is done when any later one is (an order shipped was approved, whatever its events say), with no
 * time when it left no event. A credit note is given as a reason code, never the server's text.
 */
export function timeline(status: OrderStatus, events: OrderEventDto[], withReview = true): MallTimelineStep[] {
  const last = (pred: (e: OrderEventDto) => boolean) => [...events].reverse().find(pred) ?? null;
  const first = (pred: (e: OrderEventDto) => boolean) => events.find(pred) ?? null;
  const submitted = first((e) => e.action === OrderAction.SUBMIT);
  const reviewed = last((e) => e.action === OrderAction.REVIEW_ACCEPT);
  const approved = last((e) => e.toStatus === OrderStatus.APPROVED);
  const shipped = first((e) => e.action === OrderAction.SHIP);
  const completed = last((e) => e.action === OrderAction.COMPLETE);
  const step = (key: MallTimelineStep['key'], e: OrderEventDto | null): MallTimelineStep => {
    const reason = noteReason(e?.note ?? null);
    return { key, at: e?.at ?? null, done: !!e, note: reason ? null : (e?.note ?? null), reason };
  };
  const steps = [
    step('SUBMITTED', submitted),
    ...(withReview ? [step('REVIEWED', reviewed)] : []),
    step('APPROVED', approved),
    step('SHIPPED', shipped),
    step('COMPLETED', completed),
  ];
  const reached = ({ [OrderStatus.APPROVED]: 'APPROVED', [OrderStatus.PARTIALLY_SHIPPED]: 'SHIPPED', [OrderStatus.SHIPPED]: 'SHIPPED', [OrderStatus.COMPLETED]: 'COMPLETED' } as Partial<Record<OrderStatus, MallTimelineStep['key']>>)[status];
  // a step is done when a later one is, or the status is at or past it
  let later = false;
  for (let i = steps.length - 1; i >= 0; i--) {
    if (steps[i].key === reached) later = true;
    if (later) steps[i].done = true;
    if (steps[i].done) later = true;
  }
  if (status === OrderStatus.REJECTED || status === OrderStatus.CANCELLED) {
    const end = last((e) => e.toStatus === status);
    return [...steps.filter((s) => s.done), step(status, end)];
  }
  return steps;
}
