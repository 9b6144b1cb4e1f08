import { Inject, Injectable } from '@nestjs/common';
import { ErrorCode, fmt, Paged, STOCK_DOC_PREFIX, StockDocDto, StockDocLineDto, StockDocType } from '@drp/shared';
import { APP_CONFIG, AppConfig } from '../../config/config';
import { RequestContext } from '../../common/context/request-context';
import { DomainError, notFound } from '../../common/errors/domain-error';
import { paginate, escapeLike } from '../../common/http/pagination';
import { DbService } from '../../database/db.service';
import { businessDate } from '../../database/business-date';
import { DocNumberService } from '../../database/doc-number.service';
import { AuditService } from '../audit/audit.service';
import { ProductService } from '../catalog/product.service';
import { StockDoc } from './inventory.entities';
import { CreateStockDocDto, StockDocQueryDto } from './inventory.dto';
import { checkDocInput, findShortages, planChanges } from './stock-doc.rules';
import { StockService } from './stock.service';
import { DocWarehouse, WarehouseService } from './warehouse.service';

/**
 * Stock documents: 入库 (INBOUND), 调拨 (TRANSFER) and 盘点 (ADJUSTMENT). A document, its
 * number, its lines, the stock changes, one movement per change and the audit entry are one
 * transaction: a refused document leaves nothing behind, not even a consumed number.
 */
@Injectable()
export class StockDocService {
  constructor(
    private readonly db: DbService,
    private readonly audit: AuditService,
    private readonly numbers: DocNumberService,
    private readonly warehouses: WarehouseService,
    private readonly stock: StockService,
    private readonly products: ProductService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** A document is visible when either of its warehouses is (a transfer concerns both ends). */
  private scoped(ctx: RequestContext) {
    const visible = this.warehouses.visibleIdsSql(ctx);
    return this.db
      .repo(ctx, StockDoc)
      .createQueryBuilder('d')
      .innerJoin('warehouse', 'w', 'w.id = d.warehouse_id')
      .leftJoin('warehouse', 'tw', 'tw.id = d.to_warehouse_id')
      .addSelect('w.name', 'warehouse_name')
      .addSelect('tw.name', 'to_warehouse_name')
      .andWhere(`(d.warehouse_id IN ${visible.sql} OR d.to_warehouse_id IN ${visible.sql})`, visible.params);
  }

  async list(ctx: RequestContext, q: StockDocQueryDto): Promise<Paged<StockDocDto>> {
    const qb = this.scoped(ctx);
    if (q.type) qb.andWhere('d.type = :type', { type: q.type });
    if (q.warehouseId) qb.andWhere('(d.warehouse_id = :wh OR d.to_warehouse_id = :wh)', { wh: q.warehouseId });
    if (q.from) qb.andWhere('d.business_date >= :from::date', { from: q.from });
    if (q.to) qb.andWhere('d.business_date <= :to::date', { to: q.to });
    if (q.q) qb.andWhere('d.number ILIKE :q', { q: `%${escapeLike(q.q)}%` });
    const page = await paginate(qb, q, { createdAt: 'd.created_at', number: 'd.number', businessDate: 'd.business_date' }, '-createdAt', (d, raw) => ({ d, raw }));
    return { ...page, items: await this.toDtos(ctx, page.items) };
  }

  async get(ctx: RequestContext, id: string): Promise<StockDocDto> {
    const { entities, raw } = await this.scoped(ctx).andWhere('d.id = :id', { id }).getRawAndEntities();
    if (!entities[0]) throw notFound('stock document', id);
    return (await this.toDtos(ctx, [{ d: entities[0], raw: raw[0] }]))[0];
  }

  async create(ctx: RequestContext, dto: CreateStockDocDto): Promise<StockDocDto> {
    checkDocInput(dto);
    const id = await this.db.tx(ctx, async (tx) => {
      const from = await this.warehouses.lockForDocument(tx, dto.warehouseId);
      const to = dto.type === StockDocType.TRANSFER ? await this.warehouses.lockForDocument(tx, dto.toWarehouseId!) : null;
      const productIds = dto.lines.map((l) => l.productId);
      // the warehouse's branch must carry the products (经营商品范围), at both ends of a transfer
      const products = await this.products.assertUsable(tx, productIds, { orgPath: from.orgPath, onSale: false });
      if (to) await this.products.assertUsable(tx, productIds, { orgPath: to.orgPath, onSale: false });

      const keys = productIds.map((productId) => ({ warehouseId: from.id, productId }));
      if (to) keys.push(...productIds.map((productId) => ({ warehouseId: to.id, productId })));
      const levels = await this.stock.lockRows(tx, keys);
      const { lines, changes } = planChanges(dto, levels);
      if (!lines.length) throw new DomainError(ErrorCode.INVALID_QUANTITY, 'Every counted quantity matches the stock on hand: there is nothing to adjust', { field: 'lines' });
      const shortages = findShortages(changes, levels);
      if (shortages.length) {
        const s = shortages[0];
        const p = products.get(s.productId)!;
        const w = [from, to].find((x) => x?.id === s.warehouseId)!;
        throw new DomainError(
          ErrorCode.INSUFFICIENT_STOCK,
          `Insufficient stock of ${p.code} ${p.name} in ${w.code} ${w.name}: available ${s.available}, requested ${s.requested}`,
          { ...s, productCode: p.code, warehouseCode: w.code, shortages },
        );
      }

      // numbered only once the document is sure to be written (same transaction: a rollback frees the number)
      const at = new Date();
      const number = await this.numbers.next(tx, STOCK_DOC_PREFIX[dto.type], at);
      const [doc] = await this.db.query<{ id: string }>(
        tx,
        `INSERT INTO stock_doc (number, type, warehouse_id, to_warehouse_id, reason, remark, business_date, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
        [number, dto.type, from.id, to?.id ?? null, dto.reason?.trim() || null, dto.remark?.trim() || null, businessDate(at, this.config.companyTz), tx.user?.id ?? null],
      );
      await this.db.query(
        tx,
        'INSERT INTO stock_doc_line (doc_id, line_no, product_id, qty) SELECT $1, unnest($2::int[]), unnest($3::uuid[]), unnest($4::numeric[])',
        [doc.id, lines.map((l) => l.lineNo), lines.map((l) => l.productId), lines.map((l) => l.qty)],
      );
      await this.stock.post(tx, { id: doc.id, type: dto.type, number }, changes);
      await this.audit.record(tx, {
        action: 'create',
        entity: 'stock_doc',
        entityId: doc.id,
        orgId: from.orgId,
        summary: `${dto.type} ${number} ${describe(from, to)}: ${lines.length} line(s)`,
        after: { number, type: dto.type, warehouseId: from.id, toWarehouseId: to?.id ?? null, reason: dto.reason ?? null, lines },
      });
      return doc.id;
    });
    return this.get(ctx, id);
  }

  /** Lines with product codes and names for a page of documents in one query. */
  private async toDtos(ctx: RequestContext, docs: { d: StockDoc; raw: Record<string, unknown> }[]): Promise<StockDocDto[]> {
    if (!docs.length) return [];
    const [lines, users] = await Promise.all([
      this.db.query<{ doc_id: string; line_no: number; product_id: string; code: string; name: string; base_unit: string; qty: string }>(
        ctx,
        `SELECT l.doc_id, l.line_no, l.product_id, p.code, p.name, p.base_unit, l.qty
           FROM stock_doc_line l JOIN product p ON p.id = l.product_id WHERE l.doc_id = ANY($1) ORDER BY l.doc_id, l.line_no`,
        [docs.map(({ d }) => d.id)],
      ),
      this.db.query<{ id: string; display_name: string }>(ctx, 'SELECT id, display_name FROM app_user WHERE id = ANY($1)', [docs.map(({ d }) => d.createdBy).filter(Boolean)]),
    ]);
    return docs.map(({ d, raw }) => ({
      id: d.id,
      number: d.number,
      type: d.type,
      warehouseId: d.warehouseId,
      warehouseName: raw.warehouse_name as string,
      toWarehouseId: d.toWarehouseId,
      toWarehouseName: (raw.to_warehouse_name as string | null) ?? null,
      reason: d.reason,
      remark: d.remark,
      businessDate: d.businessDate,
      createdBy: d.createdBy,
      createdByName: users.find((u) => u.id === d.createdBy)?.display_name ?? null,
      createdAt: d.createdAt.toISOString(),
      lines: lines
        .filter((l) => l.doc_id === d.id)
        .map((l): StockDocLineDto => ({ lineNo: l.line_no, productId: l.product_id, productCode: l.code, productName: l.name, baseUnit: l.base_unit, qty: fmt(l.qty, 'qty') })),
    }));
  }
}

function describe(from: DocWarehouse, to: DocWarehouse | null): string {
  return to ? `${from.code} -> ${to.code}` : from.code;
}
