import { Inject, Injectable } from '@nestjs/common';
import { Dec, ErrorCode, fmt, MovementDocType, Paged, StockMovementDto, StockRowDto } from '@drp/shared';
import { APP_CONFIG, AppConfig } from '../../config/config';
import { RequestContext } from '../../common/context/request-context';
import { DomainError } from '../../common/errors/domain-error';
import { paginate, resolvePage, escapeLike } from '../../common/http/pagination';
import { applyOrgScope, applyProductScope } from '../../common/scope/data-scope';
import { DbService } from '../../database/db.service';
import { AuditService } from '../audit/audit.service';
import { ProductService } from '../catalog/product.service';
import { StockMovement } from './inventory.entities';
import { MovementQueryDto, SetThresholdDto, StockQueryDto } from './inventory.dto';
import { StockChange, StockLevel, stockKey } from './stock-doc.rules';
import { WarehouseService } from './warehouse.service';

export interface StockTotals {
  onHand: string;
  reserved: string;
  available: string;
}

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
}

/** The threshold a row is judged by: its own, else the product's. */
const THRESHOLD = 'COALESCE(s.low_threshold, p.low_stock_threshold)';

const STOCK_SORT: Record<string, string> = {
  warehouse: 'w.code',
  product: 'p.code',
  onHand: 's.on_hand',
  reserved: 's.reserved',
  available: '(s.on_hand - s.reserved)',
  updatedAt: 's.updated_at',
};

/**
 * Stock per (warehouse, product): the list with totals and low-stock flags, per-warehouse
 * thresholds, the movement ledger, and the row locking every stock change goes through.
 */
@Injectable()
export class StockService {
  constructor(
    private readonly db: DbService,
    private readonly audit: AuditService,
    private readonly warehouses: WarehouseService,
    private readonly products: ProductService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Rows in scope twice over: the warehouse's organisation and the caller's product range. */
  private scoped(ctx: RequestContext) {
    const qb = this.db
      .manager(ctx)
      .createQueryBuilder()
      .from('stock', 's')
      .innerJoin('warehouse', 'w', 'w.id = s.warehouse_id')
      .innerJoin('product', 'p', 'p.id = s.product_id');
    applyOrgScope(qb, ctx, 'w.org_id');
    return applyProductScope(qb, ctx, 'p');
  }

  async list(ctx: RequestContext, q: StockQueryDto): Promise<Paged<StockRowDto> & { totals: StockTotals }> {
    const qb = this.scoped(ctx);
    if (q.warehouseId) qb.andWhere('s.warehouse_id = :warehouseId', { warehouseId: q.warehouseId });
    if (q.productId) qb.andWhere('s.product_id = :productId', { productId: q.productId });
    if (q.categoryId) qb.andWhere(`p.category_id IN (SELECT c.id FROM category c WHERE c.path LIKE (SELECT path FROM category WHERE id = :cat) || '%')`, { cat: q.categoryId });
    if (q.lowOnly === 'true') qb.andWhere(`s.on_hand - s.reserved <= ${THRESHOLD}`);
    if (q.q) qb.andWhere('(p.code ILIKE :q OR p.name ILIKE :q OR p.barcode ILIKE :q OR w.code ILIKE :q OR w.name ILIKE :q)', { q: `%${escapeLike(q.q)}%` });
    const { page, pageSize, column, direction, offset } = resolvePage(q, STOCK_SORT, 'warehouse');
    // totals over the whole filtered set, not the page; SQL numeric does the sums
    const agg = await qb
      .clone()
      .select('count(*)::int', 'n')
      .addSelect('COALESCE(sum(s.on_hand), 0)', 'on_hand')
      .addSelect('COALESCE(sum(s.reserved), 0)', 'reserved')
      .addSelect('COALESCE(sum(s.on_hand - s.reserved), 0)', 'available')
      .getRawOne<{ n: number; on_hand: string; reserved: string; available: string }>();
    const rows = await qb
      .select(STOCK_COLUMNS)
      .orderBy(column, direction)
      .addOrderBy('w.code')
      .addOrderBy('p.code')
      .offset(offset)
      .limit(pageSize)
      .getRawMany<StockRaw>();
    return {
      items: rows.map(toRow),
      total: agg!.n,
      page,
      pageSize,
      totals: { onHand: fmt(agg!.on_hand, 'qty'), reserved: fmt(agg!.reserved, 'qty'), available: fmt(agg!.available, 'qty') },
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
      const [before] = await this.db.query<{ low_threshold: string | null }>(tx, 'SELECT low_threshold FROM stock WHERE warehouse_id = $1 AND product_id = $2 FOR UPDATE', [w.id, dto.productId]);
      await this.db.query(
        tx,
        `INSERT INTO stock (warehouse_id, product_id, low_threshold) VALUES ($1, $2, $3)
         ON CONFLICT (warehouse_id, product_id) DO UPDATE SET low_threshold = EXCLUDED.low_threshold, version = stock.version + 1, updated_at = now()`,
        [w.id, dto.productId, dto.lowThreshold],
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
    const row = await this.scoped(ctx).select(STOCK_COLUMNS).andWhere('s.warehouse_id = :w AND s.product_id = :p', { w: dto.warehouseId, p: dto.productId }).getRawOne<StockRaw>();
    return toRow(row!);
  }

  /** The ledger, newest first, for the warehouses in scope. */
  async movements(ctx: RequestContext, q: MovementQueryDto): Promise<Paged<StockMovementDto>> {
    const qb = this.db
      .repo(ctx, StockMovement)
      .createQueryBuilder('m')
      .innerJoin('warehouse', 'w', 'w.id = m.warehouse_id')
      .innerJoin('product', 'p', 'p.id = m.product_id')
      .addSelect('w.name', 'warehouse_name')
      .addSelect(['p.code AS product_code', 'p.name AS product_name', 'p.base_unit AS base_unit']);
    applyOrgScope(qb, ctx, 'w.org_id');
    if (q.productId) qb.andWhere('m.product_id = :productId', { productId: q.productId });
    if (q.warehouseId) qb.andWhere('m.warehouse_id = :warehouseId', { warehouseId: q.warehouseId });
    if (q.docType) qb.andWhere('m.doc_type = :docType', { docType: q.docType });
    // days are business days in the company time zone, not the database session's
    if (q.from) qb.andWhere('m.created_at >= (:from::date)::timestamp AT TIME ZONE :tz', { from: q.from, tz: this.config.companyTz });
    if (q.to) qb.andWhere(`m.created_at < (:to::date + 1)::timestamp AT TIME ZONE :tz`, { to: q.to, tz: this.config.companyTz });
    if (q.q) qb.andWhere('m.doc_number ILIKE :q', { q: `%${escapeLike(q.q)}%` });
    return paginate(qb, q, { createdAt: 'm.created_at' }, '-createdAt', (m, raw) => ({
      id: m.id,
      docId: m.docId,
      docType: m.docType as MovementDocType,
      docNumber: m.docNumber,
      warehouseId: m.warehouseId,
      warehouseName: raw.warehouse_name as string,
      productId: m.productId,
      productCode: raw.product_code as string,
      productName: raw.product_name as string,
      baseUnit: raw.base_unit as string,
      delta: fmt(m.delta, 'qty'),
      onHandAfter: fmt(m.onHandAfter, 'qty'),
      createdAt: m.createdAt.toISOString(),
    }));
  }

  /**
   * Locks the stock rows of (warehouse, product) pairs in one fixed order (ARCHITECTURE §6), so
   * two documents touching the same rows queue instead of deadlocking or losing an update.
   * Missing rows are inserted first (zero stock), in that same order.
   */
  async lockRows(tx: RequestContext, keys: { warehouseId: string; productId: string }[]): Promise<Map<string, StockLevel>> {
    const ws = keys.map((k) => k.warehouseId);
    const ps = keys.map((k) => k.productId);
    await this.db.query(
      tx,
      `INSERT INTO stock (warehouse_id, product_id)
       SELECT k.w, k.p FROM unnest($1::uuid[], $2::uuid[]) AS k(w, p) ORDER BY k.w, k.p
       ON CONFLICT (warehouse_id, product_id) DO NOTHING`,
      [ws, ps],
    );
    // FOR UPDATE locks after the sort: rows are taken in (warehouse_id, product_id) order
    const rows = await this.db.query<{ warehouse_id: string; product_id: string; on_hand: string; reserved: string }>(
      tx,
      `SELECT s.warehouse_id, s.product_id, s.on_hand, s.reserved
         FROM stock s JOIN unnest($1::uuid[], $2::uuid[]) AS k(w, p) ON s.warehouse_id = k.w AND s.product_id = k.p
        ORDER BY s.warehouse_id, s.product_id
        FOR UPDATE OF s`,
      [ws, ps],
    );
    return new Map(rows.map((r) => [stockKey(r.warehouse_id, r.product_id), { onHand: r.on_hand, reserved: r.reserved }]));
  }

  /**
   * Applies changes to rows locked by `lockRows` and returns on hand after each. The WHERE keeps
   * available stock from going below zero even if a caller skipped the check; the CHECK
   * constraints are the last line behind it. `reservedDelta` moves the reservation in the same
   * statement (a shipment takes stock out of on hand and out of the order's reservation).
   */
  async applyChanges(tx: RequestContext, changes: StockChange[]): Promise<Map<string, string>> {
    const rows = await this.db.query<{ warehouse_id: string; product_id: string; on_hand: string }>(
      tx,
      `UPDATE stock s SET on_hand = s.on_hand + c.d, reserved = s.reserved + c.r, version = s.version + 1, updated_at = now()
         FROM unnest($1::uuid[], $2::uuid[], $3::numeric[], $4::numeric[]) AS c(w, p, d, r)
        WHERE s.warehouse_id = c.w AND s.product_id = c.p AND s.on_hand + c.d >= s.reserved + c.r AND s.reserved + c.r >= 0
        RETURNING s.warehouse_id, s.product_id, s.on_hand`,
      [changes.map((c) => c.warehouseId), changes.map((c) => c.productId), changes.map((c) => c.delta), changes.map((c) => c.reservedDelta ?? '0')],
    );
    const after = new Map(rows.map((r) => [stockKey(r.warehouse_id, r.product_id), r.on_hand]));
    const refused = changes.find((c) => !after.has(stockKey(c.warehouseId, c.productId)));
    if (refused) {
      throw new DomainError(ErrorCode.INSUFFICIENT_STOCK, 'Insufficient stock', { warehouseId: refused.warehouseId, productId: refused.productId, requested: fmt(new Dec(refused.delta).negated(), 'qty') });
    }
    return after;
  }

  /**
   * Posts a document's stock changes: applies them and writes one ledger line per change of on
   * hand. For documents of other modules (shipments, sales returns) as well as stock documents.
   */
  async post(tx: RequestContext, doc: { id: string; type: MovementDocType; number: string }, changes: StockChange[]): Promise<void> {
    const after = await this.applyChanges(tx, changes);
    const moved = changes.filter((c) => !new Dec(c.delta).isZero());
    if (!moved.length) return;
    // clock_timestamp, not now(): the ledger's order then follows the order the row locks were granted
    await this.db.query(
      tx,
      `INSERT INTO stock_movement (doc_id, doc_type, doc_number, warehouse_id, product_id, delta, on_hand_after, created_at)
       SELECT $1, $2, $3, c.w, c.p, c.d, c.a, clock_timestamp() FROM unnest($4::uuid[], $5::uuid[], $6::numeric[], $7::numeric[]) WITH ORDINALITY AS c(w, p, d, a, i) ORDER BY c.i`,
      [
        doc.id,
        doc.type,
        doc.number,
        moved.map((c) => c.warehouseId),
        moved.map((c) => c.productId),
        moved.map((c) => c.delta),
        moved.map((c) => after.get(stockKey(c.warehouseId, c.productId))),
      ],
    );
  }

  /**
   * Reserves (qty > 0) or releases (qty < 0) stock for orders, on rows locked by `lockRows`.
   * A reservation beyond what is available is refused with the figures of the first short line.
   */
  async reserve(tx: RequestContext, items: { warehouseId: string; productId: string; qty: string }[]): Promise<void> {
    if (!items.length) return;
    const levels = await this.lockRows(tx, items);
    for (const it of items) {
      const level = levels.get(stockKey(it.warehouseId, it.productId))!;
      const available = new Dec(level.onHand).minus(level.reserved);
      if (new Dec(it.qty).greaterThan(available)) {
        const [p] = await this.db.query<{ code: string; name: string }>(tx, 'SELECT code, name FROM product WHERE id = $1', [it.productId]);
        throw new DomainError(ErrorCode.INSUFFICIENT_STOCK, `Insufficient stock of ${p.code} ${p.name}: available ${fmt(available, 'qty')}, requested ${fmt(it.qty, 'qty')}`, {
          warehouseId: it.warehouseId, productId: it.productId, productCode: p.code, available: fmt(available, 'qty'), requested: fmt(it.qty, 'qty'),
        });
      }
    }
    await this.applyChanges(tx, items.map((it) => ({ warehouseId: it.warehouseId, productId: it.productId, delta: '0', reservedDelta: it.qty })));
  }

  /** Available stock (on hand - reserved) of products in one warehouse, for order forms. */
  async available(ctx: RequestContext, warehouseId: string, productIds: string[]): Promise<Map<string, string>> {
    const rows = await this.db.query<{ product_id: string; available: string }>(ctx, 'SELECT product_id, on_hand - reserved AS available FROM stock WHERE warehouse_id = $1 AND product_id = ANY($2)', [warehouseId, productIds]);
    return new Map(rows.map((r) => [r.product_id, fmt(r.available, 'qty')]));
  }
}

const STOCK_COLUMNS = [
  's.warehouse_id AS warehouse_id',
  'w.name AS warehouse_name',
  's.product_id AS product_id',
  'p.code AS product_code',
  'p.name AS product_name',
  'p.base_unit AS base_unit',
  's.on_hand AS on_hand',
  's.reserved AS reserved',
  `${THRESHOLD} AS low_threshold`,
  `(s.on_hand - s.reserved <= ${THRESHOLD}) AS low`,
];

function toRow(r: StockRaw): StockRowDto {
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
  };
}
