import { Inject, Injectable } from '@nestjs/common';
import {
  ErrorCode, fmt, MallOrderDto, MallOrderSummaryDto, MallReorderResult, MallShipmentInfo, MallTimelineStep, OrderAction, OrderEventDto, OrderSource, OrderStatus, Paged,
} from '@drp/shared';
import { APP_CONFIG, AppConfig } from '../../config/config';
import { RequestContext } from '../../common/context/request-context';
import { DomainError, notFound } from '../../common/errors/domain-error';
import { resolvePage } from '../../common/http/pagination';
import { businessDate } from '../../database/business-date';
import { DbService } from '../../database/db.service';
import { AuditService } from '../audit/audit.service';
import { StorageService } from '../storage/storage.service';
import { SalesOrderService } from '../sales/sales-order.service';
import { CartService } from './cart.service';
import { MallAddressService } from './mall-address.service';
import { MallDealer, MallDealerService } from './mall-dealer';
import { CheckoutDto, MallOrderQueryDto } from './mall.dto';

interface OrderRow {
  id: string;
  number: string;
  status: OrderStatus;
  total: string;
  line_count: number;
  first_name: string | null;
  first_image: string | null;
  created_at: Date;
  rdate: string | null;
  remark: string | null;
  ship_to_contact: string | null;
  ship_to_phone: string | null;
  ship_to_region: string | null;
  ship_to_address: string | null;
  approved_at: Date | null;
  submitted_at: Date | null;
}

const SUMMARY_SQL = `
  SELECT o.id, o.number, o.status, o.total, o.created_at, o.remark, to_char(o.requested_date, 'YYYY-MM-DD') AS rdate,
         o.ship_to_contact, o.ship_to_phone, o.ship_to_region, o.ship_to_address, o.approved_at, o.submitted_at,
         (SELECT count(*)::int FROM sales_order_line l WHERE l.order_id = o.id) AS line_count,
         fl.name AS first_name, fl.image AS first_image
    FROM sales_order o
    LEFT JOIN LATERAL (SELECT p.name, (SELECT i.storage_key FROM product_image i WHERE i.product_id = p.id ORDER BY i.sort_order, i.created_at LIMIT 1) AS image
                         FROM sales_order_line l JOIN product p ON p.id = l.product_id WHERE l.order_id = o.id ORDER BY l.line_no LIMIT 1) fl ON true`;

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
      await this.db.query(tx, 'DELETE FROM mall_cart_item WHERE dealer_id = $1', [dealer.id]);
      await this.audit.record(tx, {
        action: 'checkout', entity: 'mall_cart', entityId: dealer.id, orgId: dealer.id,
        summary: `mall order ${order.number}: ${cart.lineCount} line(s), ${order.total}`,
        after: { orderId: order.id, number: order.number, total: order.total, addressId: address.id },
      });
      return order.id;
    });
    return this.get(ctx, id);
  }

  async list(ctx: RequestContext, q: MallOrderQueryDto): Promise<Paged<MallOrderSummaryDto>> {
    const dealer = await this.dealers.requireDealer(ctx);
    const { page, pageSize, offset } = resolvePage(q, { createdAt: 'o.created_at' }, '-createdAt');
    const params: unknown[] = [dealer.id];
    let where = 'o.dealer_id = $1';
    if (q.status) {
      params.push(q.status.split(','));
      where += ' AND o.status = ANY($2)';
    }
    const [{ n }] = await this.db.query<{ n: number }>(ctx, `SELECT count(*)::int AS n FROM sales_order o WHERE ${where}`, params);
    const rows = await this.db.query<OrderRow>(ctx, `${SUMMARY_SQL} WHERE ${where} ORDER BY o.created_at DESC, o.id LIMIT ${pageSize} OFFSET ${offset}`, params);
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
        summary: `reorder of ${order.number}: ${r.added} added, ${r.skipped.length} skipped`, after: { orderId: id, added: r.added, skipped: r.skipped.map((s) => s.productId) },
      });
      return r;
    });
    return { ...result, cart: await this.cart.build(ctx, dealer) };
  }

  /** The supplying warehouse of a mall order: the first active one (by code) of the dealer's branch, else HQ's. */
  private async warehouseFor(tx: RequestContext, dealer: MallDealer): Promise<{ id: string; org_id: string }> {
    const [w] = await this.db.query<{ id: string; org_id: string }>(tx, 'SELECT id, org_id FROM warehouse WHERE id = ANY($1::uuid[]) ORDER BY code LIMIT 1', [dealer.warehouseIds]);
    if (!w) throw new DomainError(ErrorCode.INVALID_STATE, 'No warehouse supplies this dealer; ask headquarters', { dealerId: dealer.id });
    return w;
  }

  private summary(r: OrderRow): MallOrderSummaryDto {
    return {
      id: r.id,
      number: r.number,
      status: r.status,
      total: fmt(r.total),
      lineCount: r.line_count,
      firstProductName: r.first_name,
      firstImageUrl: r.first_image ? this.storage.url(r.first_image) : null,
      createdAt: new Date(r.created_at).toISOString(),
    };
  }

  private async load(ctx: RequestContext, dealer: MallDealer, id: string): Promise<MallOrderDto> {
    const [r] = await this.db.query<OrderRow>(ctx, `${SUMMARY_SQL} WHERE o.id = $1 AND o.dealer_id = $2`, [id, dealer.id]);
    if (!r) throw notFound('order', id);
    const lines = await this.db.query<{ product_id: string; code: string; name: string; spec: string | null; base_unit: string; qty: string; shipped_qty: string; unit_price: string; amount: string; image: string | null }>(
      ctx,
      `SELECT l.product_id, p.code, p.name, p.spec, p.base_unit, l.qty, l.shipped_qty, l.unit_price, l.amount,
              (SELECT i.storage_key FROM product_image i WHERE i.product_id = p.id ORDER BY i.sort_order, i.created_at LIMIT 1) AS image
         FROM sales_order_line l JOIN product p ON p.id = l.product_id WHERE l.order_id = $1 ORDER BY l.line_no`,
      [id],
    );
    const events = await this.db.query<{ id: string; action: OrderAction; from_status: OrderStatus | null; to_status: OrderStatus; note: string | null; actor_id: string | null; display_name: string | null; created_at: Date }>(
      ctx,
      'SELECT e.*, u.display_name FROM sales_order_event e LEFT JOIN app_user u ON u.id = e.actor_id WHERE e.order_id = $1 ORDER BY e.created_at, e.id',
      [id],
    );
    const shipments = await this.db.query<{ id: string; number: string; created_at: Date; logistics_company: string | null; tracking_no: string | null }>(
      ctx,
      'SELECT id, number, created_at, logistics_company, tracking_no FROM shipment WHERE order_id = $1 ORDER BY created_at, number',
      [id],
    );
    const eventDtos: OrderEventDto[] = events.map((e) => ({
      id: e.id, action: e.action, fromStatus: e.from_status, toStatus: e.to_status, note: e.note, actorId: e.actor_id, actorName: e.display_name, at: new Date(e.created_at).toISOString(),
    }));
    return {
      ...this.summary(r),
      requestedDate: r.rdate,
      remark: r.remark,
      deliveryAddress: r.ship_to_address ? { contact: r.ship_to_contact ?? '', phone: r.ship_to_phone ?? '', region: r.ship_to_region, address: r.ship_to_address } : null,
      lines: lines.map((l) => ({
        productId: l.product_id, productCode: l.code, productName: l.name, spec: l.spec, baseUnit: l.base_unit,
        qty: fmt(l.qty, 'qty'), shippedQty: fmt(l.shipped_qty, 'qty'), unitPrice: fmt(l.unit_price, 'unitPrice'), amount: fmt(l.amount),
        imageUrl: l.image ? this.storage.url(l.image) : null,
      })),
      timeline: timeline(r.status, eventDtos),
      shipments: shipments.map((s): MallShipmentInfo => ({ id: s.id, number: s.number, shippedAt: new Date(s.created_at).toISOString(), logisticsCompany: s.logistics_company, trackingNo: s.tracking_no })),
      events: eventDtos,
    };
  }
}

/**
 * The dealer's view of an order's progress: submitted, reviewed, approved, shipped, completed
 * (each with when it happened), ending early with REJECTED or CANCELLED when it did.
 */
export function timeline(status: OrderStatus, events: OrderEventDto[]): MallTimelineStep[] {
  const last = (pred: (e: OrderEventDto) => boolean) => [...events].reverse().find(pred) ?? null;
  const first = (pred: (e: OrderEventDto) => boolean) => events.find(pred) ?? null;
  const submitted = first((e) => e.action === OrderAction.SUBMIT);
  const reviewed = last((e) => e.action === OrderAction.REVIEW_ACCEPT);
  const approved = last((e) => e.toStatus === OrderStatus.APPROVED);
  const shipped = first((e) => e.action === OrderAction.SHIP);
  const completed = last((e) => e.action === OrderAction.COMPLETE);
  const step = (key: MallTimelineStep['key'], e: OrderEventDto | null, note: string | null = e?.note ?? null): MallTimelineStep => ({ key, at: e?.at ?? null, done: !!e, note });
  const steps = [step('SUBMITTED', submitted), step('REVIEWED', reviewed), step('APPROVED', approved), step('SHIPPED', shipped), step('COMPLETED', completed)];
  if (status === OrderStatus.REJECTED || status === OrderStatus.CANCELLED) {
    const end = last((e) => e.toStatus === status);
    return [...steps.filter((s) => s.done), step(status, end)];
  }
  return steps;
}
