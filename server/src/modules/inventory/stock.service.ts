import { Inject, Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import { applyCost, canSeeCost, CostMove, CostRow, Dec, ErrorCode, fmt, fmtCost, MovementDocType, Paged, StockMovementDto, StockRowDto, StockValueDto, StockValueGroupBy } from '@drp/shared';
import { APP_CONFIG, AppConfig } from '../../config/config';
import { RequestContext } from '../../common/context/request-context';
import { DomainError } from '../../common/errors/domain-error';
import { escapeLike, pageIdsOf, resolvePage } from '../../common/http/pagination';
import { orgScope } from '../../common/scope/data-scope';
import { DbService } from '../../database/db.service';
import { EventBus } from '../../kernel/events';
import { AuditService } from '../audit/audit.service';
import { ProductService } from '../catalog/product.service';
import { inCategoryTree, productInScope } from '../catalog/product-scope.service';
import { MovementQueryDto, SetThresholdDto, StockQueryDto, StockValueQueryDto } from './inventory.dto';
import { StockChange, StockLevel, stockKey } from './stock-doc.rules';
import { WarehouseService } from './warehouse.service';

declare module '../../kernel/events' {
  interface DomainEvents {
    /**
     * Stock became available in a warehouse (a posted document raised on hand: an inbound
     * document, a transfer's arrival, a return's restock, a count's gain; or an order gave its
     * reservation back): the sales module reserves it for the waiting backorders, oldest first.
     */
    StockArrived: { warehouseId: string; productIds: string[] };
  }
}

export interface StockTotals {
  onHand: string;
  reserved: string;
  available: string;
  /** Σ round(on hand × average cost, 2) over the filtered rows; null for users who do not see costs */
  value: string | null;
}

/** A row's stock value, in cents: the one formula the list, its totals and the value page share. */
const VALUE = sql<string>`round(s.on_hand * s.avg_cost, 2)`;

/** What the stock value page groups by: key, code and name of each group. */
const VALUE_GROUPS: Record<StockValueGroupBy, { key: string; code: string; name: string }> = {
  warehouse: { key: 'w.id', code: 'w.code', name: 'w.name' },
  category: { key: 'c.id', code: 'c.code', name: 'c.name' },
  // a warehouse belongs to HQ or to a branch (or an office): its organisation is the group
  branch: { key: 'o.id', code: 'o.code', name: 'o.name' },
};

/** The threshold a row is judged by: its own, else the product's. */
const THRESHOLD = sql<string>`COALESCE(s.low_threshold, p.low_stock_threshold)`;

const STOCK_SORT: Record<string, string> = {
  warehouse: 'w.code',
  product: 'p.code',
  onHand: 's.on_hand',
  reserved: 's.reserved',
  available: '(s.on_hand - s.reserved)',
  updatedAt: 's.updated_at',
  avgCost: 's.avg_cost',
  value: 'round(s.on_hand * s.avg_cost, 2)',
};

/**
 * Stock per (warehouse, product): the list with totals and low-stock flags, per-warehouse
 * thresholds, the movement ledger, and the row locking every stock change goes through.
 */
/**
 * StockService.reserveAvailable's statement ($1 warehouse, $2 products, $3 quantities asked); exported for the
 * bench's raw-SQL order (e2e/bench/order-same-work.ts), which reserves as the server does.
 */
export const RESERVE_AVAILABLE_SQL = `WITH k AS (SELECT * FROM unnest($2::uuid[], $3::numeric[]) AS k(p, q)),
            locked AS (
              SELECT s.warehouse_id, s.product_id, LEAST(k.q, GREATEST(s.on_hand - s.reserved, 0)) AS take
                FROM stock s JOIN k ON s.warehouse_id = $1 AND s.product_id = k.p
               ORDER BY s.product_id
                 FOR UPDATE OF s)
       UPDATE stock s SET reserved = s.reserved + l.take, version = s.version + 1, updated_at = now()
         FROM locked l
        WHERE s.warehouse_id = l.warehouse_id AND s.product_id = l.product_id AND l.take > 0
       RETURNING s.product_id, l.take`;

@Injectable()
export class StockService {
  constructor(
    private readonly db: DbService,
    private readonly audit: AuditService,
    private readonly warehouses: WarehouseService,
    private readonly products: ProductService,
    private readonly events: EventBus,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Rows in scope twice over: the warehouse's organisation and the caller's product range. */
  private scoped(ctx: RequestContext) {
    return this.db.k
      .selectFrom('stock as s')
      .innerJoin('warehouse as w', 'w.id', 's.warehouse_id')
      .innerJoin('product as p', 'p.id', 's.product_id')
      .where(orgScope(ctx, 'w.org_id'))
      .where(productInScope(ctx, 'p'));
  }

  private withColumns(q: ReturnType<StockService['scoped']>) {
    return q.select([
      's.warehouse_id', 'w.name as warehouse_name', 's.product_id', 'p.code as product_code', 'p.name as product_name', 'p.base_unit', 's.on_hand', 's.reserved',
      THRESHOLD.as('low_threshold'), sql<boolean>`(s.on_hand - s.reserved <= ${THRESHOLD})`.as('low'), 's.avg_cost', VALUE.as('value'),
    ]);
  }

  async list(ctx: RequestContext, q: StockQueryDto): Promise<Paged<StockRowDto> & { totals: StockTotals }> {
    let query = this.scoped(ctx);
    if (q.warehouseId) query = query.where('s.warehouse_id', '=', q.warehouseId);
    if (q.productId) query = query.where('s.product_id', '=', q.productId);
    if (q.categoryId) query = query.where(inCategoryTree(q.categoryId, 'p.category_id'));
    if (q.lowOnly === 'true') query = query.where(sql<boolean>`s.on_hand - s.reserved <= ${THRESHOLD}`);
    if (q.q) {
      const like = `%${escapeLike(q.q)}%`;
      query = query.where((eb) => eb.or([eb('p.code', 'ilike', like), eb('p.name', 'ilike', like), eb('p.barcode', 'ilike', like), eb('w.code', 'ilike', like), eb('w.name', 'ilike', like)]));
    }
    const costs = canSeeCost((p) => ctx.can(p));
    // sorting by cost would reveal it: without the right, those sorts are refused like any unknown one
    const sortable = costs ? STOCK_SORT : Object.fromEntries(Object.entries(STOCK_SORT).filter(([k]) => k !== 'avgCost' && k !== 'value'));
    const { page, pageSize, column, direction, offset } = resolvePage(q, sortable, 'warehouse');
    // totals over the whole filtered set, not the page; SQL numeric does the sums
    const [agg, rows] = await Promise.all([
      this.db.one(
        ctx,
        query.select([
          sql<number>`count(*)::int`.as('n'),
          sql<string>`COALESCE(sum(s.on_hand), 0)`.as('on_hand'),
          sql<string>`COALESCE(sum(s.reserved), 0)`.as('reserved'),
          sql<string>`COALESCE(sum(s.on_hand - s.reserved), 0)`.as('available'),
          sql<string>`COALESCE(sum(${VALUE}), 0)`.as('value'),
        ]),
      ),
      this.db.rows(ctx, this.withColumns(query).orderBy(sql`${sql.raw(column)} ${sql.raw(direction)}`).orderBy('w.code').orderBy('p.code').offset(offset).limit(pageSize)),
    ]);
    return {
      items: rows.map((r) => toRow(r, costs)),
      total: agg.n,
      page,
      pageSize,
      totals: { onHand: fmt(agg.on_hand, 'qty'), reserved: fmt(agg.reserved, 'qty'), available: fmt(agg.available, 'qty'), value: costs ? fmt(agg.value) : null },
    };
  }

  /**
   * 库存预警: the low-stock threshold of one product in one warehouse (null: use the product's).
   * Creates the stock row with zero stock when there is none yet.
   */
  async setThreshold(ctx: RequestContext, dto: SetThresholdDto): Promise<StockRowDto> {
    await this.db.tx(ctx, async (tx) => {
      const w = await this.warehouses.visibleWithPath(tx, dto.warehouseId);
      await this.products.assertUsable(tx, [dto.productId], { orgPath: w.orgPath, onSale: false });
      const before = await this.db.first(tx, this.db.k.selectFrom('stock').select('low_threshold').where('warehouse_id', '=', w.id).where('product_id', '=', dto.productId).forUpdate());
      await this.db.rows(
        tx,
        this.db.k
          .insertInto('stock')
          .values({ warehouse_id: w.id, product_id: dto.productId, low_threshold: dto.lowThreshold })
          .onConflict((oc) => oc.columns(['warehouse_id', 'product_id']).doUpdateSet({ low_threshold: (eb) => eb.ref('excluded.low_threshold'), version: sql`stock.version + 1`, updated_at: sql`now()` })),
      );
      await this.audit.record(tx, {
        action: 'set_threshold',
        entity: 'stock',
        entityId: dto.productId,
        orgId: w.orgId,
        summary: `low-stock threshold in ${w.code}: ${dto.lowThreshold ?? 'product default'}`,
        before: { warehouseId: w.id, productId: dto.productId, lowThreshold: before?.low_threshold ?? null },
        after: { warehouseId: w.id, productId: dto.productId, lowThreshold: dto.lowThreshold === null ? null : fmt(dto.lowThreshold, 'qty') },
      });
    });
    const row = await this.db.one(ctx, this.withColumns(this.scoped(ctx)).where('s.warehouse_id', '=', dto.warehouseId).where('s.product_id', '=', dto.productId));
    return toRow(row, canSeeCost((p) => ctx.can(p)));
  }

  /**
   * 存货价值: stock on hand and its value (Σ round(on hand × average cost, 2)) grouped by
   * warehouse, category or branch, over the rows the stock list shows (same scope and filters);
   * the totals are the sums of the groups. Only for users who see costs (403 FORBIDDEN otherwise).
   */
  async stockValue(ctx: RequestContext, q: StockValueQueryDto): Promise<StockValueDto> {
    if (!canSeeCost((p) => ctx.can(p))) throw new DomainError(ErrorCode.FORBIDDEN, 'Stock value needs the right to see costs (stock:manage or reports:view)', { permission: 'reports:view' });
    const groupBy = q.groupBy ?? 'warehouse';
    const g = VALUE_GROUPS[groupBy];
    let query = this.scoped(ctx)
      .innerJoin('category as c', 'c.id', 'p.category_id')
      .innerJoin('organization as o', 'o.id', 'w.org_id')
      .where('s.on_hand', '<>', '0');
    if (q.warehouseId) query = query.where('s.warehouse_id', '=', q.warehouseId);
    if (q.categoryId) query = query.where(inCategoryTree(q.categoryId, 'p.category_id'));
    const rows = await this.db.rows(
      ctx,
      query
        .select([
          sql<string>`${sql.ref(g.key)}`.as('key'), sql<string>`${sql.ref(g.code)}`.as('code'), sql<string>`${sql.ref(g.name)}`.as('name'),
          sql<number>`count(*)::int`.as('n'), sql<string>`sum(s.on_hand)`.as('on_hand'), sql<string>`sum(${VALUE})`.as('value'),
        ])
        .groupBy([sql.ref(g.key), sql.ref(g.code), sql.ref(g.name)])
        .orderBy(sql`sum(${VALUE})`, 'desc')
        .orderBy(sql.ref(g.code)),
    );
    const items = rows.map((r) => ({ key: r.key, code: r.code, name: r.name, rows: r.n, onHand: fmt(r.on_hand, 'qty'), value: fmt(r.value) }));
    return {
      groupBy,
      items,
      totals: {
        rows: items.reduce((n, i) => n + i.rows, 0),
        onHand: fmt(items.reduce((a, i) => a.plus(i.onHand), new Dec(0)), 'qty'),
        value: fmt(items.reduce((a, i) => a.plus(i.value), new Dec(0))),
      },
    };
  }

  /** The ledger, newest first, for the warehouses in scope. */
  async movements(ctx: RequestContext, q: MovementQueryDto): Promise<Paged<StockMovementDto>> {
    let query = this.db.k
      .selectFrom('stock_movement as m')
      .innerJoin('warehouse as w', 'w.id', 'm.warehouse_id')
      .innerJoin('product as p', 'p.id', 'm.product_id')
      .where(orgScope(ctx, 'w.org_id'));
    if (q.productId) query = query.where('m.product_id', '=', q.productId);
    if (q.warehouseId) query = query.where('m.warehouse_id', '=', q.warehouseId);
    if (q.docType) query = query.where('m.doc_type', '=', q.docType);
    // days are business days in the company time zone, not the database session's
    if (q.from) query = query.where('m.created_at', '>=', sql<Date>`(${q.from}::date)::timestamp AT TIME ZONE ${this.config.companyTz}`);
    if (q.to) query = query.where('m.created_at', '<', sql<Date>`(${q.to}::date + 1)::timestamp AT TIME ZONE ${this.config.companyTz}`);
    if (q.q) query = query.where('m.doc_number', 'ilike', `%${escapeLike(q.q)}%`);
    const { ids, ...page } = await pageIdsOf(this.db, ctx, query, q, { createdAt: { notNull: 'm.created_at' } }, '-createdAt', 'm.id');
    const rows = ids.length
      ? await this.db.rows(
          ctx,
          query
            .select(['m.id', 'm.doc_id', 'm.doc_type', 'm.doc_number', 'm.warehouse_id', 'w.name as warehouse_name', 'm.product_id', 'p.code as product_code', 'p.name as product_name', 'p.base_unit', 'm.delta', 'm.on_hand_after', 'm.unit_cost', 'm.cost_delta', 'm.created_at'])
            .where('m.id', 'in', ids),
        )
      : [];
    const byId = new Map(rows.map((m) => [m.id, m]));
    const costs = canSeeCost((p) => ctx.can(p));
    return {
      ...page,
      items: ids.map((id) => byId.get(id)!).map((m) => ({
        id: m.id,
        docId: m.doc_id,
        docType: m.doc_type as MovementDocType,
        docNumber: m.doc_number,
        warehouseId: m.warehouse_id,
        warehouseName: m.warehouse_name,
        productId: m.product_id,
        productCode: m.product_code,
        productName: m.product_name,
        baseUnit: m.base_unit,
        delta: fmt(m.delta, 'qty'),
        onHandAfter: fmt(m.on_hand_after, 'qty'),
        unitCost: costs && m.unit_cost !== null ? fmtCost(m.unit_cost) : null,
        costDelta: costs && m.cost_delta !== null ? fmt(m.cost_delta) : null,
        createdAt: m.created_at.toISOString(),
      })),
    };
  }

  /**
   * Locks the stock rows of (warehouse, product) pairs in one fixed order (ARCHITECTURE §6), so
   * two documents touching the same rows queue instead of deadlocking or losing an update.
   * Missing rows (a product's first document in a warehouse) are then inserted (zero stock), in
   * that same order, and the whole set locked again; a deadlock in that rare case is re-run by
   * `DbService.tx` like any other.
   */
  async lockRows(tx: RequestContext, keys: { warehouseId: string; productId: string }[]): Promise<Map<string, StockLevel>> {
    const ws = keys.map((k) => k.warehouseId);
    const ps = keys.map((k) => k.productId);
    const keyTable = () => sql<{ w: string; p: string }>`unnest(${ws}::uuid[], ${ps}::uuid[])`.as<'k'>(sql`k(w, p)`);
    // FOR UPDATE locks after the sort: rows are taken in (warehouse_id, product_id) order
    const lock = () =>
      this.db.rows(
        tx,
        this.db.k
          .selectFrom('stock as s')
          .innerJoin(keyTable(), (j) => j.onRef('s.warehouse_id', '=', 'k.w').onRef('s.product_id', '=', 'k.p'))
          .select(['s.warehouse_id', 's.product_id', 's.on_hand', 's.reserved'])
          .orderBy('s.warehouse_id')
          .orderBy('s.product_id')
          .forUpdate('s'),
      );
    let rows = await lock();
    if (rows.length < new Set(keys.map((k) => stockKey(k.warehouseId, k.productId))).size) {
      await this.db.rows(
        tx,
        this.db.k
          .insertInto('stock')
          .columns(['warehouse_id', 'product_id'])
          .expression(this.db.k.selectFrom(keyTable()).select(['k.w', 'k.p']).orderBy('k.w').orderBy('k.p'))
          .onConflict((oc) => oc.columns(['warehouse_id', 'product_id']).doNothing()),
      );
      rows = await lock();
    }
    return new Map(rows.map((r) => [stockKey(r.warehouse_id, r.product_id), { onHand: r.on_hand, reserved: r.reserved }]));
  }

  /**
   * Applies changes to rows locked by `lockRows` and returns on hand after each. The WHERE keeps
   * available stock from going below zero even if a caller skipped the check; the CHECK
   * constraints are the last line behind it. `reservedDelta` moves the reservation in the same
   * statement (a shipment takes stock out of on hand and out of the order's reservation).
   * `avgAfter` (by stockKey) sets the rows' moving average cost in that same statement.
   */
  async applyChanges(tx: RequestContext, changes: StockChange[], avgAfter?: Map<string, string>): Promise<Map<string, string>> {
    const avg = changes.map((x) => avgAfter?.get(stockKey(x.warehouseId, x.productId)) ?? null);
    const c = sql<{ w: string; p: string; d: string; r: string; a: string | null }>`unnest(${changes.map((x) => x.warehouseId)}::uuid[], ${changes.map((x) => x.productId)}::uuid[], ${changes.map((x) => x.delta)}::numeric[], ${changes.map((x) => x.reservedDelta ?? '0')}::numeric[], ${avg}::numeric[])`;
    const rows = await this.db.rows(
      tx,
      this.db.k
        .updateTable('stock as s')
        .from(c.as<'c'>(sql`c(w, p, d, r, a)`))
        .set({ on_hand: sql`s.on_hand + c.d`, reserved: sql`s.reserved + c.r`, avg_cost: sql`COALESCE(c.a, s.avg_cost)`, version: sql`s.version + 1`, updated_at: sql`now()` })
        .whereRef('s.warehouse_id', '=', 'c.w')
        .whereRef('s.product_id', '=', 'c.p')
        .where(sql<boolean>`s.on_hand + c.d >= s.reserved + c.r AND s.reserved + c.r >= 0`)
        .returning(['s.warehouse_id', 's.product_id', 's.on_hand']),
    );
    const after = new Map(rows.map((r) => [stockKey(r.warehouse_id, r.product_id), r.on_hand]));
    const refused = changes.find((c) => !after.has(stockKey(c.warehouseId, c.productId)));
    if (refused) {
      throw new DomainError(ErrorCode.INSUFFICIENT_STOCK, 'Insufficient stock', { warehouseId: refused.warehouseId, productId: refused.productId, requested: fmt(new Dec(refused.delta).negated(), 'qty') });
    }
    return after;
  }

  /**
   * Values a document's changes at moving average cost (shared costing.ts) on the rows as they are
   * now. The rows are read FOR UPDATE: callers hold them locked already (lockRows), so this takes
   * no new lock and nobody can move on hand or the average between this read and the UPDATE that
   * writes both. Changes are valued in order, so a row changed twice sees its first change.
   */
  private async costChanges(tx: RequestContext, changes: StockChange[]): Promise<CostMove[]> {
    const keys = [...new Map(changes.map((c) => [stockKey(c.warehouseId, c.productId), c])).values()].sort((a, b) => (a.warehouseId === b.warehouseId ? (a.productId < b.productId ? -1 : 1) : a.warehouseId < b.warehouseId ? -1 : 1));
    const rows = await this.db.rows(
      tx,
      this.db.k
        .selectFrom('stock as s')
        .innerJoin(sql<{ w: string; p: string }>`unnest(${keys.map((k) => k.warehouseId)}::uuid[], ${keys.map((k) => k.productId)}::uuid[])`.as<'k'>(sql`k(w, p)`), (j) => j.onRef('s.warehouse_id', '=', 'k.w').onRef('s.product_id', '=', 'k.p'))
        .select(['s.warehouse_id', 's.product_id', 's.on_hand', 's.avg_cost'])
        .orderBy('s.warehouse_id')
        .orderBy('s.product_id')
        .forUpdate('s'),
    );
    const state = new Map<string, CostRow>(rows.map((r) => [stockKey(r.warehouse_id, r.product_id), { onHand: r.on_hand, avgCost: r.avg_cost }]));
    // a count gain on a row that was never costed comes in at the product's last known average
    // elsewhere (the most recently changed row of the product with a cost), else at 0
    const uncosted = changes.filter((c) => new Dec(c.delta).greaterThan(0) && c.unitCost === undefined && !c.costFromWarehouseId && new Dec(state.get(stockKey(c.warehouseId, c.productId))?.avgCost ?? 0).isZero());
    const lastKnown = new Map<string, string>();
    if (uncosted.length) {
      const known = await this.db.rows(
        tx,
        this.db.k
          .selectFrom('stock')
          .select(['product_id', 'avg_cost'])
          .distinctOn('product_id')
          .where('product_id', 'in', [...new Set(uncosted.map((c) => c.productId))])
          .where('avg_cost', '>', '0')
          .orderBy('product_id')
          .orderBy('updated_at', 'desc'),
      );
      for (const k of known) lastKnown.set(k.product_id, k.avg_cost);
    }
    return changes.map((c) => {
      const key = stockKey(c.warehouseId, c.productId);
      const row = state.get(key) ?? { onHand: '0', avgCost: '0' };
      let unitCost = c.unitCost;
      if (unitCost === undefined && c.costFromWarehouseId) {
        const from = state.get(stockKey(c.costFromWarehouseId, c.productId));
        if (!from) throw new Error(`costFromWarehouseId ${c.costFromWarehouseId} must be among the document's changes`);
        unitCost = from.avgCost;
      }
      if (unitCost === undefined && new Dec(row.avgCost).isZero()) unitCost = lastKnown.get(c.productId);
      const move = applyCost(row, c.delta, unitCost);
      state.set(key, { onHand: move.onHandAfter, avgCost: move.avgAfter });
      return move;
    });
  }

  /**
   * Posts a document's stock changes: values them at moving average cost, applies them (on hand
   * and average in one statement per document) and writes one ledger line per change of on hand,
   * with the unit cost it moved at and the signed value. For documents of other modules
   * (shipments, sales returns) as well as stock documents. Answers each change's cost, in the
   * order of `changes` (zero changes answer the row's average, moving nothing).
   */
  async post(tx: RequestContext, doc: { id: string; type: MovementDocType; number: string }, changes: StockChange[]): Promise<CostMove[]> {
    const moves = await this.costChanges(tx, changes);
    const avgAfter = new Map(changes.map((c, i) => [stockKey(c.warehouseId, c.productId), moves[i].avgAfter]));
    const after = await this.applyChanges(tx, changes, avgAfter);
    const movedAt = changes.map((c, i) => ({ c, m: moves[i] })).filter(({ c }) => !new Dec(c.delta).isZero());
    if (!movedAt.length) return moves;
    const moved = movedAt.map(({ c }) => c);
    // stock that came in goes to the waiting backorders (the sales module, at the end of this transaction)
    const arrived = new Map<string, string[]>();
    for (const c of moved) if (new Dec(c.delta).greaterThan(0)) arrived.set(c.warehouseId, [...(arrived.get(c.warehouseId) ?? []), c.productId]);
    for (const [warehouseId, productIds] of arrived) this.arrived(tx, warehouseId, productIds);
    // clock_timestamp, not now(): the ledger's order then follows the order the row locks were granted
    const c = sql<{ w: string; p: string; d: string; a: string; u: string; v: string; i: number }>`unnest(${moved.map((x) => x.warehouseId)}::uuid[], ${moved.map((x) => x.productId)}::uuid[], ${moved.map((x) => x.delta)}::numeric[], ${moved.map((x) => after.get(stockKey(x.warehouseId, x.productId)))}::numeric[], ${movedAt.map(({ m }) => m.unitCost)}::numeric[], ${movedAt.map(({ m }) => m.costDelta)}::numeric[]) WITH ORDINALITY`;
    await this.db.rows(
      tx,
      this.db.k
        .insertInto('stock_movement')
        .columns(['doc_id', 'doc_type', 'doc_number', 'warehouse_id', 'product_id', 'delta', 'on_hand_after', 'unit_cost', 'cost_delta', 'created_at'])
        .expression(
          this.db.k
            .selectFrom(c.as<'c'>(sql`c(w, p, d, a, u, v, i)`))
            .select([sql<string>`${doc.id}::uuid`.as('doc_id'), sql<string>`${doc.type}::text`.as('doc_type'), sql<string>`${doc.number}::text`.as('doc_number'), 'c.w', 'c.p', 'c.d', 'c.a', 'c.u', 'c.v', sql<Date>`clock_timestamp()`.as('created_at')])
            .orderBy('c.i'),
        ),
    );
    return moves;
  }

  /**
   * Reserves (qty > 0) or releases (qty < 0) stock for orders. The caller holds the rows' locks
   * (`lockRows` / `lockAvailable`, taken in key order) and reserves within what it found available
   * there, so this neither locks again nor re-reads them (two statements fewer per order).
   */
  async reserve(tx: RequestContext, items: { warehouseId: string; productId: string; qty: string }[]): Promise<void> {
    if (!items.length) return;
    await this.applyChanges(tx, items.map((it) => ({ warehouseId: it.warehouseId, productId: it.productId, delta: '0', reservedDelta: it.qty })));
  }

  /**
   * Reserves for each product what is asked of it as far as the warehouse has it available, in one
   * statement: the rows locked in product order (as `lockRows`), then `reserved` raised by
   * min(asked, max(on hand − reserved, 0)) — `splitReservation`'s rule, here in SQL so the stock rows
   * are held one statement less. One entry per product. A product without a stock row has nothing
   * available. Answers what was reserved of each product (zero ones left out).
   */
  async reserveAvailable(tx: RequestContext, warehouseId: string, asks: { productId: string; qty: string }[]): Promise<Map<string, string>> {
    if (!asks.length) return new Map();
    const rows = await this.db.query<{ product_id: string; take: string }>(tx, RESERVE_AVAILABLE_SQL, [warehouseId, asks.map((a) => a.productId), asks.map((a) => a.qty)]);
    return new Map(rows.map((r) => [r.product_id, fmt(r.take, 'qty')]));
  }

  /** Locks the rows of products in one warehouse (lockRows) and answers what is available of each (on hand − reserved). */
  async lockAvailable(tx: RequestContext, warehouseId: string, productIds: string[]): Promise<Map<string, string>> {
    const products = [...new Set(productIds)].sort();
    const levels = await this.lockRows(tx, products.map((productId) => ({ warehouseId, productId })));
    return new Map(products.map((p) => {
      const lv = levels.get(stockKey(warehouseId, p))!;
      return [p, fmt(new Dec(lv.onHand).minus(lv.reserved), 'qty')];
    }));
  }

  /** Announces stock that became available (StockArrived, handled at the end of the transaction). */
  arrived(tx: RequestContext, warehouseId: string, productIds: string[]): void {
    if (productIds.length) this.events.publish(tx, 'StockArrived', { warehouseId, productIds: [...new Set(productIds)].sort() });
  }

  /** Available stock (on hand - reserved) of products in one warehouse, for order forms. */
  async available(ctx: RequestContext, warehouseId: string, productIds: string[]): Promise<Map<string, string>> {
    if (!productIds.length) return new Map();
    const rows = await this.db.rows(ctx, this.db.k.selectFrom('stock').select(['product_id', sql<string>`on_hand - reserved`.as('available')]).where('warehouse_id', '=', warehouseId).where('product_id', 'in', productIds));
    return new Map(rows.map((r) => [r.product_id, fmt(r.available, 'qty')]));
  }
}

/** A stock row as listed: the row, its warehouse and product names, its threshold and whether it is low. */
interface StockRaw {
  warehouse_id: string;
  warehouse_name: string;
  product_id: string;
  product_code: string;
  product_name: string;
  base_unit: string;
  on_hand: string;
  reserved: string;
  low_threshold: string;
  low: boolean;
  avg_cost: string;
  value: string;
}

/** `costs`: whether the caller sees costs (canSeeCost); else avgCost and value are null. */
function toRow(r: StockRaw, costs: boolean): StockRowDto {
  return {
    warehouseId: r.warehouse_id,
    warehouseName: r.warehouse_name,
    productId: r.product_id,
    productCode: r.product_code,
    productName: r.product_name,
    baseUnit: r.base_unit,
    onHand: fmt(r.on_hand, 'qty'),
    reserved: fmt(r.reserved, 'qty'),
    available: fmt(new Dec(r.on_hand).minus(r.reserved), 'qty'),
    lowThreshold: fmt(r.low_threshold, 'qty'),
    low: r.low,
    avgCost: costs ? fmtCost(r.avg_cost) : null,
    value: costs ? fmt(r.value) : null,
  };
}
