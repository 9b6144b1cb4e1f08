import { Inject, Injectable } from '@nestjs/common';
import { Dec, ErrorCode, fmt, OrderAction, OrderSource, OrderStatus, Paged, portionAmount, SALES_DOC_PREFIX, SalesReturnDto, ShipmentDto } from '@drp/shared';
import { APP_CONFIG, AppConfig } from '../../config/config';
import { RequestContext } from '../../common/context/request-context';
import { DomainError } from '../../common/errors/domain-error';
import { escapeLike, pageIds } from '../../common/http/pagination';
import { applyOrgScope, assertInScope } from '../../common/scope/data-scope';
import { businessDate } from '../../database/business-date';
import { DbService } from '../../database/db.service';
import { DocNumberService } from '../../database/doc-number.service';
import { AuditService } from '../audit/audit.service';
import { CreditService } from '../finance/credit.service';
import { ReceivableService } from '../finance/receivable.service';
import { StockService } from '../inventory/stock.service';
import { CreateReturnDto, CreateShipmentDto, LogisticsDto, ReturnQueryDto, ShipmentQueryDto } from './sales.dto';
import { SalesOrderService } from './sales-order.service';

const SORT: Record<string, string> = { createdAt: 'x.created_at', businessDate: 'x.business_date', number: 'x.number', amount: 'x.amount' };

/** Adds days to a YYYY-MM-DD date. */
export function addDays(day: string, days: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/**
 * 发货单 and 退货单. A shipment takes stock out (and out of the order's reservation), moves the
 * order towards SHIPPED, and posts a receivable due after the dealer's credit days; a return
 * brings stock back and credits the receivable. Both lock the dealer's credit account first, then
 * the order, then stock rows: the same order as every other credit-relevant command.
 */
@Injectable()
export class ShipmentService {
  constructor(
    private readonly db: DbService,
    private readonly audit: AuditService,
    private readonly numbers: DocNumberService,
    private readonly stock: StockService,
    private readonly credit: CreditService,
    private readonly receivables: ReceivableService,
    private readonly orders: SalesOrderService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private today(): string {
    return businessDate(new Date(), this.config.companyTz);
  }

  private day(given: string | undefined, field: string): string {
    const day = given ?? this.today();
    if (day > this.today()) throw new DomainError(ErrorCode.VALIDATION_FAILED, 'The date cannot be in the future', { field });
    return day;
  }

  // ---- shipments ----

  async listShipments(ctx: RequestContext, q: ShipmentQueryDto): Promise<Paged<ShipmentDto>> {
    const qb = this.db.manager(ctx).createQueryBuilder().from('shipment', 'x').innerJoin('organization', 'd', 'd.id = x.dealer_id').innerJoin('sales_order', 'so', 'so.id = x.order_id');
    applyOrgScope(qb, ctx, 'x.dealer_id');
    if (q.orderId) qb.andWhere('x.order_id = :orderId', { orderId: q.orderId });
    if (q.dealerId) qb.andWhere('x.dealer_id = :dealerId', { dealerId: q.dealerId });
    if (q.from) qb.andWhere('x.business_date >= :from::date', { from: q.from });
    if (q.to) qb.andWhere('x.business_date <= :to::date', { to: q.to });
    if (q.q) qb.andWhere('(x.number ILIKE :q OR so.number ILIKE :q OR x.tracking_no ILIKE :q OR d.code ILIKE :q OR d.name ILIKE :q)', { q: `%${escapeLike(q.q)}%` });
    const { ids, ...page } = await pageIds(qb, q, SORT, '-createdAt', 'x.id');
    return { items: await this.loadShipments(ctx, ids), ...page };
  }

  async getShipment(ctx: RequestContext, id: string): Promise<ShipmentDto> {
    await assertInScope(this.db.manager(ctx), ctx, 'shipment', 'dealer_id', id, 'shipment');
    return (await this.loadShipments(ctx, [id]))[0];
  }

  async ship(ctx: RequestContext, dto: CreateShipmentDto): Promise<ShipmentDto> {
    await this.orders.get(ctx, dto.orderId);
    const day = this.day(dto.businessDate, 'businessDate');
    const id = await this.db.tx(ctx, async (tx) => {
      const [o0] = await this.db.query<{ dealer_id: string }>(tx, 'SELECT dealer_id FROM sales_order WHERE id = $1', [dto.orderId]);
      const account = await this.credit.lock(tx, o0.dealer_id);
      const [o] = await this.db.query<{ id: string; number: string; status: OrderStatus; dealer_id: string; branch_id: string; sales_rep_id: string | null; warehouse_id: string }>(
        tx,
        'SELECT * FROM sales_order WHERE id = $1 FOR UPDATE',
        [dto.orderId],
      );
      if (![OrderStatus.APPROVED, OrderStatus.PARTIALLY_SHIPPED].includes(o.status)) {
        throw new DomainError(ErrorCode.INVALID_STATE, `${o.number} is ${o.status}: only approved orders ship`, { status: o.status });
      }
      const lines = await this.db.query<{ id: string; line_no: number; product_id: string; code: string; qty: string; shipped_qty: string; unit_price: string; amount: string; shipped_amount: string }>(
        tx,
        'SELECT l.*, p.code FROM sales_order_line l JOIN product p ON p.id = l.product_id WHERE l.order_id = $1 ORDER BY l.line_no',
        [o.id],
      );
      const wanted = dto.lines ?? lines.filter((l) => new Dec(l.qty).greaterThan(l.shipped_qty)).map((l) => ({ orderLineId: l.id, qty: fmt(new Dec(l.qty).minus(l.shipped_qty), 'qty') }));
      if (!wanted.length) throw new DomainError(ErrorCode.INVALID_STATE, 'Nothing is left to ship', { status: o.status });
      const ids = wanted.map((w) => w.orderLineId);
      if (new Set(ids).size !== ids.length) throw new DomainError(ErrorCode.VALIDATION_FAILED, 'An order line may appear once in a shipment', { field: 'lines' });
      const planned = wanted.map((w, i) => {
        const l = lines.find((x) => x.id === w.orderLineId);
        if (!l) throw new DomainError(ErrorCode.NOT_FOUND, 'order line not found on this order', { entity: 'sales_order_line', id: w.orderLineId, field: `lines.${i}.orderLineId` });
        if (!new Dec(w.qty).greaterThan(0)) throw new DomainError(ErrorCode.INVALID_QUANTITY, `Line ${i + 1}: the quantity must be above 0`, { field: `lines.${i}.qty` });
        const left = new Dec(l.qty).minus(l.shipped_qty);
        if (new Dec(w.qty).greaterThan(left)) {
          throw new DomainError(ErrorCode.SHIP_QTY_EXCEEDS_ORDER, `${l.code}: ${fmt(w.qty, 'qty')} is more than the ${fmt(left, 'qty')} left to ship`, { orderLineId: l.id, productId: l.product_id, left: fmt(left, 'qty'), requested: fmt(w.qty, 'qty'), field: `lines.${i}.qty` });
        }
        const amount = portionAmount({ qty: l.qty, amount: l.amount }, { qty: l.shipped_qty, amount: l.shipped_amount }, w.qty);
        return { line: l, qty: fmt(w.qty, 'qty'), amount };
      });
      const amount = fmt(planned.reduce((s, p) => s.plus(p.amount), new Dec(0)));
      const number = await this.numbers.next(tx, SALES_DOC_PREFIX.shipment, day);
      const dueDate = addDays(day, account.creditDays);
      const [s] = await this.db.query<{ id: string }>(
        tx,
        `INSERT INTO shipment (number, order_id, dealer_id, warehouse_id, business_date, due_date, logistics_company, tracking_no, amount, remark, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
        [number, o.id, o.dealer_id, o.warehouse_id, day, dueDate, dto.logisticsCompany?.trim() || null, dto.trackingNo?.trim() || null, amount, dto.remark?.trim() || null, tx.user?.id ?? null],
      );
      await this.db.query(
        tx,
        `INSERT INTO shipment_line (shipment_id, order_line_id, product_id, qty, unit_price, amount)
         SELECT $1, t.l, t.p, t.q, t.u, t.a FROM unnest($2::uuid[], $3::uuid[], $4::numeric[], $5::numeric[], $6::numeric[]) AS t(l, p, q, u, a)`,
        [s.id, planned.map((p) => p.line.id), planned.map((p) => p.line.product_id), planned.map((p) => p.qty), planned.map((p) => p.line.unit_price), planned.map((p) => p.amount)],
      );
      // stock leaves on hand and the order's reservation together, rows locked in product order
      const byProduct = new Map<string, Dec>();
      for (const p of planned) byProduct.set(p.line.product_id, (byProduct.get(p.line.product_id) ?? new Dec(0)).plus(p.qty));
      const keys = [...byProduct.keys()].sort().map((productId) => ({ warehouseId: o.warehouse_id, productId }));
      await this.stock.lockRows(tx, keys);
      await this.stock.post(
        tx,
        { id: s.id, type: 'SHIPMENT', number },
        keys.map((k) => ({ ...k, delta: fmt(byProduct.get(k.productId)!.negated(), 'qty'), reservedDelta: fmt(byProduct.get(k.productId)!.negated(), 'qty') })),
      );
      await this.db.query(
        tx,
        `UPDATE sales_order_line l SET shipped_qty = l.shipped_qty + t.q, shipped_amount = l.shipped_amount + t.a, updated_at = now()
           FROM unnest($1::uuid[], $2::numeric[], $3::numeric[]) AS t(id, q, a) WHERE l.id = t.id`,
        [planned.map((p) => p.line.id), planned.map((p) => p.qty), planned.map((p) => p.amount)],
      );
      const [{ done }] = await this.db.query<{ done: boolean }>(tx, 'SELECT bool_and(shipped_qty = qty) AS done FROM sales_order_line WHERE order_id = $1', [o.id]);
      const to = done ? OrderStatus.SHIPPED : OrderStatus.PARTIALLY_SHIPPED;
      // the shipped value leaves open orders (the order's running totals move in their owner) and becomes a receivable
      await this.orders.recordShipped(tx, { id: o.id, dealerId: o.dealer_id }, amount, to);
      await this.orders.event(tx, o.id, OrderAction.SHIP, o.status, to, `${number}${dto.trackingNo ? ` ${dto.logisticsCompany ?? ''} ${dto.trackingNo}` : ''}`.trim());
      await this.receivables.post(tx, { shipmentId: s.id, orderId: o.id, dealerId: o.dealer_id, branchId: o.branch_id, salesRepId: o.sales_rep_id, number, businessDate: day, dueDate, amount });
      await this.audit.record(tx, {
        action: 'create', entity: 'shipment', entityId: s.id, orgId: o.dealer_id,
        summary: `shipment ${number} of ${o.number}: ${planned.length} line(s), ${amount}`,
        after: { number, orderId: o.id, amount, dueDate, lines: planned.map((p) => ({ orderLineId: p.line.id, qty: p.qty, amount: p.amount })) },
      });
      return s.id;
    });
    return this.getShipment(ctx, id);
  }

  async updateLogistics(ctx: RequestContext, id: string, dto: LogisticsDto): Promise<ShipmentDto> {
    const before = await this.getShipment(ctx, id);
    await this.db.tx(ctx, async (tx) => {
      await this.db.query(tx, 'UPDATE shipment SET logistics_company = $2, tracking_no = $3, updated_at = now() WHERE id = $1', [id, dto.logisticsCompany.trim() || null, dto.trackingNo.trim() || null]);
      await this.audit.record(tx, {
        action: 'update', entity: 'shipment', entityId: id, orgId: before.dealerId, summary: `logistics of ${before.number}: ${dto.logisticsCompany} ${dto.trackingNo}`,
        before: { logisticsCompany: before.logisticsCompany, trackingNo: before.trackingNo }, after: { logisticsCompany: dto.logisticsCompany, trackingNo: dto.trackingNo },
      });
      // a mall dealer follows its delivery by these: tell it when they change
      const [{ source }] = await this.db.query<{ source: OrderSource }>(tx, 'SELECT source FROM sales_order WHERE id = $1', [before.orderId]);
      if (source === OrderSource.MALL) {
        await this.orders.tellCreator(tx, before.orderId, `发货单 ${before.number}：物流信息已更新`, `${dto.logisticsCompany.trim()} ${dto.trackingNo.trim()}`.trim() || null, {
          key: 'logistics',
          params: { number: before.number },
        });
      }
    });
    return this.getShipment(ctx, id);
  }

  // ---- returns ----

  async listReturns(ctx: RequestContext, q: ReturnQueryDto): Promise<Paged<SalesReturnDto>> {
    const qb = this.db
      .manager(ctx)
      .createQueryBuilder()
      .from('sales_return', 'x')
      .innerJoin('organization', 'd', 'd.id = x.dealer_id')
      .innerJoin('shipment', 'sh', 'sh.id = x.shipment_id')
      .innerJoin('sales_order', 'so', 'so.id = x.order_id');
    applyOrgScope(qb, ctx, 'x.dealer_id');
    if (q.shipmentId) qb.andWhere('x.shipment_id = :shipmentId', { shipmentId: q.shipmentId });
    if (q.orderId) qb.andWhere('x.order_id = :orderId', { orderId: q.orderId });
    if (q.dealerId) qb.andWhere('x.dealer_id = :dealerId', { dealerId: q.dealerId });
    if (q.from) qb.andWhere('x.business_date >= :from::date', { from: q.from });
    if (q.to) qb.andWhere('x.business_date <= :to::date', { to: q.to });
    if (q.q) qb.andWhere('(x.number ILIKE :q OR sh.number ILIKE :q OR so.number ILIKE :q OR d.code ILIKE :q OR d.name ILIKE :q)', { q: `%${escapeLike(q.q)}%` });
    const { ids, ...page } = await pageIds(qb, q, SORT, '-createdAt', 'x.id');
    return { items: await this.loadReturns(ctx, ids), ...page };
  }

  async getReturn(ctx: RequestContext, id: string): Promise<SalesReturnDto> {
    await assertInScope(this.db.manager(ctx), ctx, 'sales_return', 'dealer_id', id, 'sales return');
    return (await this.loadReturns(ctx, [id]))[0];
  }

  async createReturn(ctx: RequestContext, dto: CreateReturnDto): Promise<SalesReturnDto> {
    const shipment = await this.getShipment(ctx, dto.shipmentId);
    const day = this.day(dto.businessDate, 'businessDate');
    const reason = dto.reason.trim();
    if (!reason) throw new DomainError(ErrorCode.VALIDATION_FAILED, 'A return needs a reason', { field: 'reason' });
    const id = await this.db.tx(ctx, async (tx) => {
      await this.credit.lock(tx, shipment.dealerId);
      await this.db.query(tx, 'SELECT id FROM sales_order WHERE id = $1 FOR UPDATE', [shipment.orderId]);
      const lines = await this.db.query<{ id: string; order_line_id: string; product_id: string; code: string; qty: string; returned_qty: string; amount: string; returned_amount: string; unit_price: string }>(
        tx,
        'SELECT l.*, p.code FROM shipment_line l JOIN product p ON p.id = l.product_id WHERE l.shipment_id = $1 ORDER BY l.id FOR UPDATE OF l',
        [shipment.id],
      );
      const ids = dto.lines.map((l) => l.shipmentLineId);
      if (new Set(ids).size !== ids.length) throw new DomainError(ErrorCode.VALIDATION_FAILED, 'A shipment line may appear once in a return', { field: 'lines' });
      const planned = dto.lines.map((w, i) => {
        const l = lines.find((x) => x.id === w.shipmentLineId);
        if (!l) throw new DomainError(ErrorCode.NOT_FOUND, 'shipment line not found on this shipment', { entity: 'shipment_line', id: w.shipmentLineId, field: `lines.${i}.shipmentLineId` });
        if (!new Dec(w.qty).greaterThan(0)) throw new DomainError(ErrorCode.INVALID_QUANTITY, `Line ${i + 1}: the quantity must be above 0`, { field: `lines.${i}.qty` });
        const left = new Dec(l.qty).minus(l.returned_qty);
        if (new Dec(w.qty).greaterThan(left)) {
          throw new DomainError(ErrorCode.RETURN_QTY_EXCEEDS_SHIPPED, `${l.code}: ${fmt(w.qty, 'qty')} is more than the ${fmt(left, 'qty')} that can be returned`, { shipmentLineId: l.id, left: fmt(left, 'qty'), requested: fmt(w.qty, 'qty'), field: `lines.${i}.qty` });
        }
        return { line: l, qty: fmt(w.qty, 'qty'), amount: portionAmount({ qty: l.qty, amount: l.amount }, { qty: l.returned_qty, amount: l.returned_amount }, w.qty) };
      });
      const amount = fmt(planned.reduce((s, p) => s.plus(p.amount), new Dec(0)));
      const number = await this.numbers.next(tx, SALES_DOC_PREFIX.return, day);
      const [r] = await this.db.query<{ id: string }>(
        tx,
        `INSERT INTO sales_return (number, shipment_id, order_id, dealer_id, warehouse_id, business_date, reason, amount, unallocated, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9) RETURNING id`,
        [number, shipment.id, shipment.orderId, shipment.dealerId, shipment.warehouseId, day, reason, amount, tx.user?.id ?? null],
      );
      await this.db.query(
        tx,
        `INSERT INTO sales_return_line (return_id, shipment_line_id, product_id, qty, unit_price, amount)
         SELECT $1, t.l, t.p, t.q, t.u, t.a FROM unnest($2::uuid[], $3::uuid[], $4::numeric[], $5::numeric[], $6::numeric[]) AS t(l, p, q, u, a)`,
        [r.id, planned.map((p) => p.line.id), planned.map((p) => p.line.product_id), planned.map((p) => p.qty), planned.map((p) => p.line.unit_price), planned.map((p) => p.amount)],
      );
      await this.db.query(
        tx,
        `UPDATE shipment_line l SET returned_qty = l.returned_qty + t.q, returned_amount = l.returned_amount + t.a, updated_at = now()
           FROM unnest($1::uuid[], $2::numeric[], $3::numeric[]) AS t(id, q, a) WHERE l.id = t.id`,
        [planned.map((p) => p.line.id), planned.map((p) => p.qty), planned.map((p) => p.amount)],
      );
      await this.db.query(
        tx,
        `UPDATE sales_order_line l SET returned_qty = l.returned_qty + t.q, updated_at = now() FROM unnest($1::uuid[], $2::numeric[]) AS t(id, q) WHERE l.id = t.id`,
        [planned.map((p) => p.line.order_line_id), planned.map((p) => p.qty)],
      );
      const byProduct = new Map<string, Dec>();
      for (const p of planned) byProduct.set(p.line.product_id, (byProduct.get(p.line.product_id) ?? new Dec(0)).plus(p.qty));
      const keys = [...byProduct.keys()].sort().map((productId) => ({ warehouseId: shipment.warehouseId, productId }));
      await this.stock.lockRows(tx, keys);
      await this.stock.post(tx, { id: r.id, type: 'SALES_RETURN', number }, keys.map((k) => ({ ...k, delta: fmt(byProduct.get(k.productId)!, 'qty') })));
      await this.receivables.creditReturn(tx, { id: r.id, dealerId: shipment.dealerId, shipmentId: shipment.id, amount });
      const [{ status }] = await this.db.query<{ status: OrderStatus }>(tx, 'SELECT status FROM sales_order WHERE id = $1', [shipment.orderId]);
      await this.orders.event(tx, shipment.orderId, OrderAction.RETURN, status, status, `${number}: ${reason}`);
      await this.audit.record(tx, {
        action: 'create', entity: 'sales_return', entityId: r.id, orgId: shipment.dealerId,
        summary: `return ${number} against ${shipment.number}: ${amount} (${reason})`,
        after: { number, shipmentId: shipment.id, amount, reason, lines: planned.map((p) => ({ shipmentLineId: p.line.id, qty: p.qty, amount: p.amount })) },
      });
      return r.id;
    });
    return this.getReturn(ctx, id);
  }

  private async loadShipments(ctx: RequestContext, ids: string[]): Promise<ShipmentDto[]> {
    if (!ids.length) return [];
    const [rows, lines] = await Promise.all([
      this.db.query<Record<string, unknown>>(
        ctx,
        `SELECT x.*, to_char(x.business_date, 'YYYY-MM-DD') AS bdate, to_char(x.due_date, 'YYYY-MM-DD') AS ddate, so.number AS order_number, d.name AS dealer_name, w.name AS warehouse_name, u.display_name AS created_by_name
           FROM shipment x JOIN sales_order so ON so.id = x.order_id JOIN organization d ON d.id = x.dealer_id JOIN warehouse w ON w.id = x.warehouse_id LEFT JOIN app_user u ON u.id = x.created_by
          WHERE x.id = ANY($1)`,
        [ids],
      ),
      this.db.query<Record<string, unknown>>(
        ctx,
        `SELECT l.*, p.code, p.name, p.base_unit FROM shipment_line l JOIN product p ON p.id = l.product_id JOIN sales_order_line ol ON ol.id = l.order_line_id
          WHERE l.shipment_id = ANY($1) ORDER BY ol.line_no`,
        [ids],
      ),
    ]);
    const byId = new Map(rows.map((r) => [r.id as string, r]));
    return ids.map((id) => {
      const x = byId.get(id)!;
      return {
        id,
        number: x.number as string,
        orderId: x.order_id as string,
        orderNumber: x.order_number as string,
        dealerId: x.dealer_id as string,
        dealerName: x.dealer_name as string,
        warehouseId: x.warehouse_id as string,
        warehouseName: x.warehouse_name as string,
        businessDate: x.bdate as string,
        dueDate: x.ddate as string,
        logisticsCompany: (x.logistics_company as string | null) ?? null,
        trackingNo: (x.tracking_no as string | null) ?? null,
        amount: fmt(x.amount as string),
        remark: (x.remark as string | null) ?? null,
        createdByName: (x.created_by_name as string | null) ?? null,
        createdAt: new Date(x.created_at as Date).toISOString(),
        lines: lines
          .filter((l) => l.shipment_id === id)
          .map((l) => ({
            id: l.id as string,
            orderLineId: l.order_line_id as string,
            productId: l.product_id as string,
            productCode: l.code as string,
            productName: l.name as string,
            baseUnit: l.base_unit as string,
            qty: fmt(l.qty as string, 'qty'),
            unitPrice: fmt(l.unit_price as string, 'unitPrice'),
            amount: fmt(l.amount as string),
            returnedQty: fmt(l.returned_qty as string, 'qty'),
          })),
      };
    });
  }

  private async loadReturns(ctx: RequestContext, ids: string[]): Promise<SalesReturnDto[]> {
    if (!ids.length) return [];
    const [rows, lines] = await Promise.all([
      this.db.query<Record<string, unknown>>(
        ctx,
        `SELECT x.*, to_char(x.business_date, 'YYYY-MM-DD') AS bdate, sh.number AS shipment_number, so.number AS order_number, d.name AS dealer_name, w.name AS warehouse_name, u.display_name AS created_by_name
           FROM sales_return x JOIN shipment sh ON sh.id = x.shipment_id JOIN sales_order so ON so.id = x.order_id JOIN organization d ON d.id = x.dealer_id
           JOIN warehouse w ON w.id = x.warehouse_id LEFT JOIN app_user u ON u.id = x.created_by
          WHERE x.id = ANY($1)`,
        [ids],
      ),
      this.db.query<Record<string, unknown>>(ctx, 'SELECT l.*, p.code, p.name, p.base_unit FROM sales_return_line l JOIN product p ON p.id = l.product_id WHERE l.return_id = ANY($1) ORDER BY p.code', [ids]),
    ]);
    const byId = new Map(rows.map((r) => [r.id as string, r]));
    return ids.map((id) => {
      const x = byId.get(id)!;
      return {
        id,
        number: x.number as string,
        shipmentId: x.shipment_id as string,
        shipmentNumber: x.shipment_number as string,
        orderId: x.order_id as string,
        orderNumber: x.order_number as string,
        dealerId: x.dealer_id as string,
        dealerName: x.dealer_name as string,
        warehouseId: x.warehouse_id as string,
        warehouseName: x.warehouse_name as string,
        businessDate: x.bdate as string,
        reason: x.reason as string,
        amount: fmt(x.amount as string),
        createdByName: (x.created_by_name as string | null) ?? null,
        createdAt: new Date(x.created_at as Date).toISOString(),
        lines: lines
          .filter((l) => l.return_id === id)
          .map((l) => ({
            id: l.id as string,
            shipmentLineId: l.shipment_line_id as string,
            productId: l.product_id as string,
            productCode: l.code as string,
            productName: l.name as string,
            baseUnit: l.base_unit as string,
            qty: fmt(l.qty as string, 'qty'),
            unitPrice: fmt(l.unit_price as string, 'unitPrice'),
            amount: fmt(l.amount as string),
          })),
      };
    });
  }
}
