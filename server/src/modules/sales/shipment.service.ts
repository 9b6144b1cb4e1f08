import { Inject, Injectable } from '@nestjs/common';
import { canSeeCost, costAmount, Dec, ErrorCode, fmt, fmtCost, OrderAction, OrderSource, OrderStatus, Paged, portionAmount, SALES_DOC_PREFIX, SalesReturnDto, ShipmentDto, taxInAmount, weightedCost } from '@drp/shared';
import { sql, SqlBool } from 'kysely';
import { APP_CONFIG, AppConfig } from '../../config/config';
import { RequestContext } from '../../common/context/request-context';
import { DomainError, notFound } from '../../common/errors/domain-error';
import { pageIdsOf, Sortable } from '../../common/http/pagination';
import { orgScope } from '../../common/scope/data-scope';
import { addDays, businessDate } from '../../database/business-date';
import { DbService } from '../../database/db.service';
import { DocNumberService } from '../../database/doc-number.service';
import { EventBus } from '../../kernel/events';
import { AuditService } from '../audit/audit.service';
import { CreditService } from '../finance/credit.service';
import { StockService } from '../inventory/stock.service';
import { CreateReturnDto, CreateShipmentDto, LogisticsDto, ReturnQueryDto, ShipmentQueryDto } from './sales.dto';
import './sales.events';
import { SalesOrderService } from './sales-order.service';
import { dealerMatch, orderMatch, searchTerm, shipmentMatch } from './sales-search';

/** shipments and returns alike (x: shipment or sales_return; every column NOT NULL in both) */
const SORT: Sortable = { createdAt: { notNull: 'x.created_at' }, businessDate: { notNull: 'x.business_date' }, number: { notNull: 'x.number' }, amount: { notNull: 'x.amount' } };

/** Per-line changes as a table for one UPDATE ... FROM (ids with quantities and amounts). */
function changes(ids: string[], qty: string[], amount: string[]) {
  return sql<{ id: string; q: string; a: string }>`unnest(${ids}::uuid[], ${qty}::numeric[], ${amount}::numeric[])`.as<'t'>(sql`t(id, q, a)`);
}

/**
 * 发货单 and 退货单, posted when they are created (they have no status of their own). A shipment
 * takes stock out (and out of the order's reservation), moves the order towards SHIPPED and
 * publishes ShipmentPosted (finance raises the receivable due after the dealer's credit days); a
 * return brings stock back and publishes ReturnPosted (finance credits the receivable). Both lock
 * the dealer's credit account first, then the order, then stock rows: the same order as every
 * other credit-relevant command. Both are numbered on their own business date.
 */
@Injectable()
export class ShipmentService {
  constructor(
    private readonly db: DbService,
    private readonly audit: AuditService,
    private readonly numbers: DocNumberService,
    private readonly events: EventBus,
    private readonly stock: StockService,
    private readonly credit: CreditService,
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
    let qb = this.db.k
      .selectFrom('shipment as x')
      .innerJoin('organization as d', 'd.id', 'x.dealer_id')
      .innerJoin('sales_order as so', 'so.id', 'x.order_id')
      .where(orgScope(ctx, 'x.dealer_id'));
    if (q.orderId) qb = qb.where('x.order_id', '=', q.orderId);
    if (q.dealerId) qb = qb.where('x.dealer_id', '=', q.dealerId);
    if (q.from) qb = qb.where(sql<SqlBool>`x.business_date >= ${q.from}::date`);
    if (q.to) qb = qb.where(sql<SqlBool>`x.business_date <= ${q.to}::date`);
    if (q.q) {
      const term = searchTerm(q.q);
      // every branch can be read from an index (sales-search.ts, migration ShipmentSearchIndexes)
      qb = qb.where((eb) => eb.or([eb('x.number', 'ilike', term.pattern), eb('x.tracking_no', 'ilike', term.pattern), orderMatch(term, 'x.order_id', 'so'), dealerMatch(term, 'x.dealer_id', 'd')]));
    }
    const { ids, ...page } = await pageIdsOf(this.db, ctx, qb, q, SORT, '-createdAt', 'x.id');
    return { items: await this.loadShipments(ctx, ids), ...page };
  }

  async getShipment(ctx: RequestContext, id: string): Promise<ShipmentDto> {
    const [shipment] = await this.loadShipments(ctx, [id]);
    if (!shipment) throw notFound('shipment', id);
    return shipment;
  }

  async ship(ctx: RequestContext, dto: CreateShipmentDto): Promise<ShipmentDto> {
    await this.orders.assertVisible(ctx, dto.orderId);
    const day = this.day(dto.businessDate, 'businessDate');
    const id = await this.db.tx(ctx, async (tx) => {
      const account = await this.credit.lock(tx, await this.orders.dealerOf(tx, dto.orderId));
      const o = await this.orders.lockRow(tx, dto.orderId);
      if (![OrderStatus.APPROVED, OrderStatus.PARTIALLY_SHIPPED].includes(o.status)) {
        throw new DomainError(ErrorCode.INVALID_STATE, `${o.number} is ${o.status}: only approved orders ship`, { status: o.status });
      }
      const lines = await this.db.rows(
        tx,
        this.db.k
          .selectFrom('sales_order_line as l')
          .innerJoin('product as p', 'p.id', 'l.product_id')
          .select(['l.id', 'l.line_no', 'l.product_id', 'p.code', 'p.name', 'l.qty', 'l.shipped_qty', 'l.unit_price', 'l.amount', 'l.shipped_amount', 'l.tax_rate'])
          .where('l.order_id', '=', o.id)
          .orderBy('l.line_no'),
      );
      if (!lines.some((l) => new Dec(l.qty).greaterThan(l.shipped_qty))) throw new DomainError(ErrorCode.INVALID_STATE, 'Nothing is left to ship', { status: o.status });
      // what is reserved for each line, read once the stock rows are locked (a backorder fill holding them may raise it)
      const available = await this.stock.lockAvailable(tx, o.warehouse_id, lines.map((l) => l.product_id));
      const reservedRows = await this.db.rows(tx, this.db.k.selectFrom('sales_order_line').select(['id', 'reserved_qty']).where('order_id', '=', o.id).orderBy('id').forUpdate());
      const reservedOf = new Map(reservedRows.map((r) => [r.id, new Dec(r.reserved_qty)]));
      // by default a shipment ships what is reserved: a backorder waits for stock
      const wanted = dto.lines ?? lines.filter((l) => reservedOf.get(l.id)!.greaterThan(0)).map((l) => ({ orderLineId: l.id, qty: fmt(reservedOf.get(l.id)!, 'qty') }));
      if (!wanted.length) {
        // everything left waits for stock: name what is short
        const shortages = lines
          .filter((l) => new Dec(l.qty).greaterThan(l.shipped_qty))
          .map((l) => ({ warehouseId: o.warehouse_id, productId: l.product_id, productCode: l.code, productName: l.name, requested: fmt(new Dec(l.qty).minus(l.shipped_qty), 'qty'), available: available.get(l.product_id) ?? '0.000' }));
        throw new DomainError(ErrorCode.INSUFFICIENT_STOCK, `Nothing is reserved to ship: ${shortages.map((x) => `${x.productCode} ${x.productName} waits ${x.requested}`).join('; ')}`, { ...shortages[0], shortages });
      }
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
        // what is reserved for the line ships first; more than that takes from what is available (else it is short)
        const fromReserved = Dec.min(reservedOf.get(l.id)!, w.qty);
        return { line: l, qty: fmt(w.qty, 'qty'), amount, fromReserved: fmt(fromReserved, 'qty'), extra: new Dec(w.qty).minus(fromReserved) };
      });
      const extra = new Map<string, Dec>();
      for (const p of planned) extra.set(p.line.product_id, (extra.get(p.line.product_id) ?? new Dec(0)).plus(p.extra));
      const shortages = [...extra.entries()]
        .filter(([productId, x]) => x.greaterThan(available.get(productId) ?? 0))
        .map(([productId, x]) => {
          const l = planned.find((p) => p.line.product_id === productId)!.line;
          return { warehouseId: o.warehouse_id, productId, productCode: l.code, productName: l.name, requested: fmt(x, 'qty'), available: available.get(productId) ?? '0.000' };
        });
      if (shortages.length) {
        throw new DomainError(ErrorCode.INSUFFICIENT_STOCK, `Insufficient stock: ${shortages.map((x) => `${x.productCode} ${x.productName} needs ${x.requested} more than reserved, available ${x.available}`).join('; ')}`, { ...shortages[0], shortages });
      }
      const amount = fmt(planned.reduce((s, p) => s.plus(p.amount), new Dec(0)));
      // numbered on its business date at insert: the number goes into the stock movements and the receivable
      const number = await this.numbers.next(tx, SALES_DOC_PREFIX.shipment, day);
      const dueDate = addDays(day, account.creditDays);
      const s = await this.db.one(
        tx,
        this.db.k
          .insertInto('shipment')
          .values({
            number, order_id: o.id, dealer_id: o.dealer_id, warehouse_id: o.warehouse_id, business_date: day, due_date: dueDate,
            logistics_company: dto.logisticsCompany?.trim() || null, tracking_no: dto.trackingNo?.trim() || null, amount, remark: dto.remark?.trim() || null, created_by: tx.user?.id ?? null,
          })
          .returning('id'),
      );
      // stock leaves on hand and the order's reservation together, rows locked in product order
      const byProduct = new Map<string, { qty: Dec; reserved: Dec }>();
      for (const p of planned) {
        const b = byProduct.get(p.line.product_id) ?? { qty: new Dec(0), reserved: new Dec(0) };
        byProduct.set(p.line.product_id, { qty: b.qty.plus(p.qty), reserved: b.reserved.plus(p.fromReserved) });
      }
      const keys = [...byProduct.keys()].sort().map((productId) => ({ warehouseId: o.warehouse_id, productId }));
      const moves = await this.stock.post(
        tx,
        { id: s.id, type: 'SHIPMENT', number },
        keys.map((k) => ({ ...k, delta: fmt(byProduct.get(k.productId)!.qty.negated(), 'qty'), reservedDelta: fmt(byProduct.get(k.productId)!.reserved.negated(), 'qty') })),
      );
      // each line records its cost of goods now, at the moving average it left at; later inbounds never change it
      const costOf = new Map(keys.map((k, i) => [k.productId, moves[i].unitCost]));
      await this.db.rows(
        tx,
        this.db.k.insertInto('shipment_line').values(
          planned.map((p) => {
            const unitCost = costOf.get(p.line.product_id)!;
            return {
              shipment_id: s.id, order_line_id: p.line.id, product_id: p.line.product_id, qty: p.qty, unit_price: p.line.unit_price, amount: p.amount,
              tax_amount: taxInAmount(p.amount, p.line.tax_rate), unit_cost: unitCost, cost_amount: costAmount(p.qty, unitCost),
            };
          }),
        ),
      );
      await this.db.rows(
        tx,
        this.db.k
          .updateTable('sales_order_line as l')
          .from(changes(planned.map((p) => p.line.id), planned.map((p) => p.qty), planned.map((p) => p.amount)))
          .set({ shipped_qty: sql`l.shipped_qty + t.q`, shipped_amount: sql`l.shipped_amount + t.a`, reserved_qty: sql`GREATEST(l.reserved_qty - t.q, 0)`, updated_at: sql`now()` })
          .whereRef('l.id', '=', 't.id'),
      );
      // every line of the order shipped in full (the lines read under the order's lock, plus this shipment)
      const shippedNow = new Map(planned.map((p) => [p.line.id, p.qty]));
      const done = lines.every((l) => new Dec(l.shipped_qty).plus(shippedNow.get(l.id) ?? 0).equals(l.qty));
      const to = done ? OrderStatus.SHIPPED : OrderStatus.PARTIALLY_SHIPPED;
      // the shipped value leaves open orders (the order's running totals move in their owner) and becomes a receivable (finance, on ShipmentPosted)
      await this.orders.recordShipped(tx, o, amount, to, `${number}${dto.trackingNo ? ` ${dto.logisticsCompany ?? ''} ${dto.trackingNo}` : ''}`.trim());
      this.events.publish(tx, 'ShipmentPosted', { shipmentId: s.id, orderId: o.id, dealerId: o.dealer_id, branchId: o.branch_id, salesRepId: o.sales_rep_id, number, businessDate: day, dueDate, amount });
      // (an order created in this same transaction, as the demo seed does, has its number only at the end)
      await this.orders.whenNumbered(tx, o, (orderNumber) =>
        this.audit.record(tx, {
          action: 'create', entity: 'shipment', entityId: s.id, orgId: o.dealer_id,
          summary: `shipment ${number} of ${orderNumber}: ${planned.length} line(s), ${amount}`,
          after: { number, orderId: o.id, amount, dueDate, lines: planned.map((p) => ({ orderLineId: p.line.id, qty: p.qty, amount: p.amount })) },
        }),
      );
      return s.id;
    });
    return this.getShipment(ctx, id);
  }

  async updateLogistics(ctx: RequestContext, id: string, dto: LogisticsDto): Promise<ShipmentDto> {
    const before = await this.getShipment(ctx, id);
    await this.db.tx(ctx, async (tx) => {
      await this.db.rows(
        tx,
        this.db.k.updateTable('shipment').set({ logistics_company: dto.logisticsCompany.trim() || null, tracking_no: dto.trackingNo.trim() || null, updated_at: sql`now()` }).where('id', '=', id),
      );
      await this.audit.record(tx, {
        action: 'update', entity: 'shipment', entityId: id, orgId: before.dealerId, summary: `logistics of ${before.number}: ${dto.logisticsCompany} ${dto.trackingNo}`,
        before: { logisticsCompany: before.logisticsCompany, trackingNo: before.trackingNo }, after: { logisticsCompany: dto.logisticsCompany, trackingNo: dto.trackingNo },
      });
      // a mall dealer follows its delivery by these: tell it when they change
      const order = await this.orders.creatorOf(tx, before.orderId);
      if (order.source === OrderSource.MALL) {
        await this.orders.tellCreator(tx, order, `发货单 ${before.number}：物流信息已更新`, `${dto.logisticsCompany.trim()} ${dto.trackingNo.trim()}`.trim() || null, {
          key: 'logistics',
          params: { number: before.number },
        });
      }
    });
    return this.getShipment(ctx, id);
  }

  // ---- returns ----

  async listReturns(ctx: RequestContext, q: ReturnQueryDto): Promise<Paged<SalesReturnDto>> {
    let qb = this.db.k
      .selectFrom('sales_return as x')
      .innerJoin('organization as d', 'd.id', 'x.dealer_id')
      .innerJoin('shipment as sh', 'sh.id', 'x.shipment_id')
      .innerJoin('sales_order as so', 'so.id', 'x.order_id')
      .where(orgScope(ctx, 'x.dealer_id'));
    if (q.shipmentId) qb = qb.where('x.shipment_id', '=', q.shipmentId);
    if (q.orderId) qb = qb.where('x.order_id', '=', q.orderId);
    if (q.dealerId) qb = qb.where('x.dealer_id', '=', q.dealerId);
    if (q.from) qb = qb.where(sql<SqlBool>`x.business_date >= ${q.from}::date`);
    if (q.to) qb = qb.where(sql<SqlBool>`x.business_date <= ${q.to}::date`);
    if (q.q) {
      const term = searchTerm(q.q);
      // as for shipments: every branch can be read from an index
      qb = qb.where((eb) => eb.or([eb('x.number', 'ilike', term.pattern), shipmentMatch(term, 'x.shipment_id', 'sh'), orderMatch(term, 'x.order_id', 'so'), dealerMatch(term, 'x.dealer_id', 'd')]));
    }
    const { ids, ...page } = await pageIdsOf(this.db, ctx, qb, q, SORT, '-createdAt', 'x.id');
    return { items: await this.loadReturns(ctx, ids), ...page };
  }

  async getReturn(ctx: RequestContext, id: string): Promise<SalesReturnDto> {
    const [ret] = await this.loadReturns(ctx, [id]);
    if (!ret) throw notFound('sales return', id);
    return ret;
  }

  async createReturn(ctx: RequestContext, dto: CreateReturnDto): Promise<SalesReturnDto> {
    const shipment = await this.getShipment(ctx, dto.shipmentId);
    const day = this.day(dto.businessDate, 'businessDate');
    const reason = dto.reason.trim();
    if (!reason) throw new DomainError(ErrorCode.VALIDATION_FAILED, 'A return needs a reason', { field: 'reason' });
    const id = await this.db.tx(ctx, async (tx) => {
      await this.credit.lock(tx, shipment.dealerId);
      const order = await this.orders.lockRow(tx, shipment.orderId);
      const lines = await this.db.rows(
        tx,
        this.db.k
          .selectFrom('shipment_line as l')
          .innerJoin('product as p', 'p.id', 'l.product_id')
          .innerJoin('sales_order_line as ol', 'ol.id', 'l.order_line_id')
          .select(['l.id', 'l.order_line_id', 'l.product_id', 'p.code', 'l.qty', 'l.returned_qty', 'l.amount', 'l.returned_amount', 'l.unit_price', 'ol.tax_rate', 'l.unit_cost'])
          .where('l.shipment_id', '=', shipment.id)
          .orderBy('l.id')
          .forUpdate('l'),
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
      // numbered on its business date at insert: the number goes into the stock movements and the receivable's credit
      const number = await this.numbers.next(tx, SALES_DOC_PREFIX.return, day);
      const r = await this.db.one(
        tx,
        this.db.k
          .insertInto('sales_return')
          .values({
            number, shipment_id: shipment.id, order_id: shipment.orderId, dealer_id: shipment.dealerId, warehouse_id: shipment.warehouseId, business_date: day, reason, amount,
            created_by: tx.user?.id ?? null,
          })
          .returning('id'),
      );
      await this.db.rows(
        tx,
        // a return comes back at the cost its shipment line left with
        this.db.k.insertInto('sales_return_line').values(
          planned.map((p) => ({
            return_id: r.id, shipment_line_id: p.line.id, product_id: p.line.product_id, qty: p.qty, unit_price: p.line.unit_price, amount: p.amount,
            tax_amount: taxInAmount(p.amount, p.line.tax_rate), unit_cost: p.line.unit_cost, cost_amount: costAmount(p.qty, p.line.unit_cost),
          })),
        ),
      );
      await this.db.rows(
        tx,
        this.db.k
          .updateTable('shipment_line as l')
          .from(changes(planned.map((p) => p.line.id), planned.map((p) => p.qty), planned.map((p) => p.amount)))
          .set({ returned_qty: sql`l.returned_qty + t.q`, returned_amount: sql`l.returned_amount + t.a`, updated_at: sql`now()` })
          .whereRef('l.id', '=', 't.id'),
      );
      await this.db.rows(
        tx,
        this.db.k
          .updateTable('sales_order_line as l')
          .from(changes(planned.map((p) => p.line.order_line_id), planned.map((p) => p.qty), planned.map((p) => p.amount)))
          .set({ returned_qty: sql`l.returned_qty + t.q`, updated_at: sql`now()` })
          .whereRef('l.id', '=', 't.id'),
      );
      const byProduct = new Map<string, Dec>();
      for (const p of planned) byProduct.set(p.line.product_id, (byProduct.get(p.line.product_id) ?? new Dec(0)).plus(p.qty));
      const keys = [...byProduct.keys()].sort().map((productId) => ({ warehouseId: shipment.warehouseId, productId }));
      await this.stock.lockRows(tx, keys);
      // the stock row averages the returned quantity in at the frozen cost (one product's lines of one shipment share it; weighed all the same)
      const costIn = (productId: string) => weightedCost(planned.filter((p) => p.line.product_id === productId).map((p) => ({ qty: p.qty, unitCost: p.line.unit_cost })));
      await this.stock.post(tx, { id: r.id, type: 'SALES_RETURN', number }, keys.map((k) => ({ ...k, delta: fmt(byProduct.get(k.productId)!, 'qty'), unitCost: costIn(k.productId) })));
      this.events.publish(tx, 'ReturnPosted', { returnId: r.id, dealerId: shipment.dealerId, shipmentId: shipment.id, amount, number, businessDate: day });
      await this.orders.note(tx, order, OrderAction.RETURN, `${number}: ${reason}`);
      await this.audit.record(tx, {
        action: 'create', entity: 'sales_return', entityId: r.id, orgId: shipment.dealerId,
        summary: `return ${number} against ${shipment.number}: ${amount} (${reason})`,
        after: { number, shipmentId: shipment.id, amount, reason, lines: planned.map((p) => ({ shipmentLineId: p.line.id, qty: p.qty, amount: p.amount })) },
      });
      return r.id;
    });
    return this.getReturn(ctx, id);
  }

  /** Shipments by id in the caller's scope (one out of scope is left out), in the order of `ids`. */
  private async loadShipments(ctx: RequestContext, ids: string[]): Promise<ShipmentDto[]> {
    if (!ids.length) return [];
    const [rows, lines] = await Promise.all([
      this.db.rows(
        ctx,
        this.db.k
          .selectFrom('shipment as x')
          .innerJoin('sales_order as so', 'so.id', 'x.order_id')
          .innerJoin('organization as d', 'd.id', 'x.dealer_id')
          .innerJoin('warehouse as w', 'w.id', 'x.warehouse_id')
          .leftJoin('app_user as u', 'u.id', 'x.created_by')
          .selectAll('x')
          .select([
            sql<string>`to_char(x.business_date, 'YYYY-MM-DD')`.as('bdate'),
            sql<string>`to_char(x.due_date, 'YYYY-MM-DD')`.as('ddate'),
            'so.number as order_number',
            'd.name as dealer_name',
            'w.name as warehouse_name',
            'u.display_name as created_by_name',
          ])
          .where('x.id', 'in', ids)
          .where(orgScope(ctx, 'x.dealer_id')),
      ),
      this.db.rows(
        ctx,
        this.db.k
          .selectFrom('shipment_line as l')
          .innerJoin('product as p', 'p.id', 'l.product_id')
          .innerJoin('sales_order_line as ol', 'ol.id', 'l.order_line_id')
          .selectAll('l')
          .select(['p.code', 'p.name', 'p.base_unit'])
          .where('l.shipment_id', 'in', ids)
          .orderBy('ol.line_no'),
      ),
    ]);
    const byId = new Map(rows.map((r) => [r.id, r]));
    const costs = canSeeCost((p) => ctx.can(p));
    return ids.flatMap((id): ShipmentDto[] => {
      const x = byId.get(id);
      if (!x) return [];
      return [{
        id,
        number: x.number,
        orderId: x.order_id,
        orderNumber: x.order_number as string,
        dealerId: x.dealer_id,
        dealerName: x.dealer_name,
        warehouseId: x.warehouse_id,
        warehouseName: x.warehouse_name,
        businessDate: x.bdate,
        dueDate: x.ddate,
        logisticsCompany: x.logistics_company,
        trackingNo: x.tracking_no,
        amount: fmt(x.amount),
        remark: x.remark,
        createdByName: x.created_by_name ?? null,
        createdAt: new Date(x.created_at).toISOString(),
        lines: lines
          .filter((l) => l.shipment_id === id)
          .map((l) => ({
            id: l.id,
            orderLineId: l.order_line_id,
            productId: l.product_id,
            productCode: l.code,
            productName: l.name,
            baseUnit: l.base_unit,
            qty: fmt(l.qty, 'qty'),
            unitPrice: fmt(l.unit_price, 'unitPrice'),
            amount: fmt(l.amount),
            returnedQty: fmt(l.returned_qty, 'qty'),
            taxAmount: fmt(l.tax_amount),
            unitCost: costs ? fmtCost(l.unit_cost) : null,
            costAmount: costs ? fmt(l.cost_amount) : null,
          })),
      }];
    });
  }

  /** Returns by id in the caller's scope (one out of scope is left out), in the order of `ids`. */
  private async loadReturns(ctx: RequestContext, ids: string[]): Promise<SalesReturnDto[]> {
    if (!ids.length) return [];
    const [rows, lines] = await Promise.all([
      this.db.rows(
        ctx,
        this.db.k
          .selectFrom('sales_return as x')
          .innerJoin('shipment as sh', 'sh.id', 'x.shipment_id')
          .innerJoin('sales_order as so', 'so.id', 'x.order_id')
          .innerJoin('organization as d', 'd.id', 'x.dealer_id')
          .innerJoin('warehouse as w', 'w.id', 'x.warehouse_id')
          .leftJoin('app_user as u', 'u.id', 'x.created_by')
          .selectAll('x')
          .select([
            sql<string>`to_char(x.business_date, 'YYYY-MM-DD')`.as('bdate'),
            'sh.number as shipment_number',
            'so.number as order_number',
            'd.name as dealer_name',
            'w.name as warehouse_name',
            'u.display_name as created_by_name',
          ])
          .where('x.id', 'in', ids)
          .where(orgScope(ctx, 'x.dealer_id')),
      ),
      this.db.rows(
        ctx,
        this.db.k
          .selectFrom('sales_return_line as l')
          .innerJoin('product as p', 'p.id', 'l.product_id')
          .selectAll('l')
          .select(['p.code', 'p.name', 'p.base_unit'])
          .where('l.return_id', 'in', ids)
          .orderBy('p.code'),
      ),
    ]);
    const byId = new Map(rows.map((r) => [r.id, r]));
    const costs = canSeeCost((p) => ctx.can(p));
    return ids.flatMap((id): SalesReturnDto[] => {
      const x = byId.get(id);
      if (!x) return [];
      return [{
        id,
        number: x.number,
        shipmentId: x.shipment_id,
        shipmentNumber: x.shipment_number,
        orderId: x.order_id,
        orderNumber: x.order_number as string,
        dealerId: x.dealer_id,
        dealerName: x.dealer_name,
        warehouseId: x.warehouse_id,
        warehouseName: x.warehouse_name,
        businessDate: x.bdate,
        reason: x.reason,
        amount: fmt(x.amount),
        createdByName: x.created_by_name ?? null,
        createdAt: new Date(x.created_at).toISOString(),
        lines: lines
          .filter((l) => l.return_id === id)
          .map((l) => ({
            id: l.id,
            shipmentLineId: l.shipment_line_id,
            productId: l.product_id,
            productCode: l.code,
            productName: l.name,
            baseUnit: l.base_unit,
            qty: fmt(l.qty, 'qty'),
            unitPrice: fmt(l.unit_price, 'unitPrice'),
            amount: fmt(l.amount),
            taxAmount: fmt(l.tax_amount),
            unitCost: costs ? fmtCost(l.unit_cost) : null,
            costAmount: costs ? fmt(l.cost_amount) : null,
          })),
      }];
    });
  }
}
