import { Inject, Injectable } from '@nestjs/common';
import { ApprovalDocType, ApprovalStatus, Dec, ErrorCode, fmt, Paged, STOCK_DOC_PREFIX, StockDocDto, StockDocLineDto, StockDocType } from '@drp/shared';
import { APP_CONFIG, AppConfig } from '../../config/config';
import { RequestContext } from '../../common/context/request-context';
import { DomainError, notFound } from '../../common/errors/domain-error';
import { paginate, escapeLike } from '../../common/http/pagination';
import { DbService } from '../../database/db.service';
import { businessDate } from '../../database/business-date';
import { DocNumberService } from '../../database/doc-number.service';
import { ApprovalService } from '../approval/approval.service';
import { AuditService } from '../audit/audit.service';
import { ProductService } from '../catalog/product.service';
import { StockDoc } from './inventory.entities';
import { CreateStockDocDto, StockDocQueryDto } from './inventory.dto';
import { checkDocInput, findShortages, planChanges, StockChange } from './stock-doc.rules';
import { StockService } from './stock.service';
import { DocWarehouse, WarehouseService } from './warehouse.service';

/**
 * Stock documents: 入库 (INBOUND), 调拨 (TRANSFER) and 盘点 (ADJUSTMENT). A document, its
 * number, its lines, the stock changes, one movement per change and the audit entry are one
 * transaction: a refused document leaves nothing behind, not even a consumed number.
 *
 * An adjustment goes through approval (STOCK_ADJUSTMENT): when no step of the flow applies it is
 * posted at once; otherwise it is written as PENDING_APPROVAL with no stock movement, and its
 * stock moves only when the approval ends (`postApproved`, in the approval's transaction). A
 * rejected, returned or withdrawn adjustment ends REJECTED: it is never edited, a new one is made.
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
    private readonly approvals: ApprovalService,
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
    if (q.status) qb.andWhere('d.status = :status', { status: q.status });
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
      // an adjustment is written waiting; approved at once (no step applies) it is posted below
      const adjustment = dto.type === StockDocType.ADJUSTMENT;
      const [doc] = await this.db.query<{ id: string }>(
        tx,
        `INSERT INTO stock_doc (number, type, warehouse_id, to_warehouse_id, reason, remark, business_date, created_by, status, posted_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, CASE WHEN $10::boolean THEN now() END) RETURNING id`,
        [number, dto.type, from.id, to?.id ?? null, dto.reason?.trim() || null, dto.remark?.trim() || null, businessDate(at, this.config.companyTz), tx.user?.id ?? null, adjustment ? 'PENDING_APPROVAL' : 'POSTED', !adjustment],
      );
      await this.db.query(
        tx,
        'INSERT INTO stock_doc_line (doc_id, line_no, product_id, qty) SELECT $1, unnest($2::int[]), unnest($3::uuid[]), unnest($4::numeric[])',
        [doc.id, lines.map((l) => l.lineNo), lines.map((l) => l.productId), lines.map((l) => l.qty)],
      );
      const outcome = adjustment ? await this.startApproval(tx, doc.id, number, from, lines) : ApprovalStatus.APPROVED;
      if (outcome === ApprovalStatus.APPROVED) {
        await this.stock.post(tx, { id: doc.id, type: dto.type, number }, changes);
        if (adjustment) await this.db.query(tx, `UPDATE stock_doc SET status = 'POSTED', posted_at = now() WHERE id = $1`, [doc.id]);
      } else if (outcome === ApprovalStatus.REJECTED) {
        await this.db.query(tx, `UPDATE stock_doc SET status = 'REJECTED', rejected_reason = $2 WHERE id = $1`, [doc.id, 'no approver could be found']);
      }
      await this.audit.record(tx, {
        action: 'create',
        entity: 'stock_doc',
        entityId: doc.id,
        orgId: from.orgId,
        summary: `${dto.type} ${number} ${describe(from, to)}: ${lines.length} line(s)${outcome === ApprovalStatus.APPROVED ? '' : outcome === ApprovalStatus.PENDING ? ', waiting for approval' : ', rejected: no approver'}`,
        after: { number, type: dto.type, warehouseId: from.id, toWarehouseId: to?.id ?? null, reason: dto.reason ?? null, lines, status: outcome === ApprovalStatus.APPROVED ? 'POSTED' : outcome === ApprovalStatus.PENDING ? 'PENDING_APPROVAL' : 'REJECTED' },
      });
      return doc.id;
    });
    return this.get(ctx, id);
  }

  /**
   * Routes a new adjustment through its approval flow. Facts: the value of the change (sum of
   * |qty| x base price), of the decreases alone (盘亏), the warehouse's organisation code (HQ or
   * its branch) and the warehouse code. Scope and approvers: the warehouse's organisation.
   */
  private async startApproval(tx: RequestContext, docId: string, number: string, wh: DocWarehouse, lines: { productId: string; qty: string }[]): Promise<ApprovalStatus> {
    const prices = await this.db.query<{ id: string; base_price: string }>(tx, 'SELECT id, base_price FROM product WHERE id = ANY($1)', [lines.map((l) => l.productId)]);
    const priceOf = (id: string) => prices.find((p) => p.id === id)?.base_price ?? '0';
    const value = (l: { productId: string; qty: string }) => new Dec(l.qty).abs().times(priceOf(l.productId));
    const amount = lines.reduce((a, l) => a.plus(value(l)), new Dec(0));
    const loss = lines.filter((l) => new Dec(l.qty).isNegative()).reduce((a, l) => a.plus(value(l)), new Dec(0));
    const [org] = await this.db.query<{ code: string }>(tx, 'SELECT code FROM organization WHERE id = $1', [wh.orgId]);
    return this.approvals.start(tx, {
      docType: ApprovalDocType.STOCK_ADJUSTMENT,
      docId,
      docNumber: number,
      summary: { party: wh.name, amount: fmt(amount), lines: lines.length },
      scopeOrgId: wh.orgId,
      branchId: wh.orgId,
      link: stockDocLink(docId),
      facts: { amount: fmt(amount), lossAmount: fmt(loss), branchCode: org.code, warehouseCode: wh.code },
    });
  }

  /** The approval's locks on an adjustment: the document first (then, when it posts, its stock rows). */
  async lockForApproval(tx: RequestContext, id: string): Promise<void> {
    await this.db.query(tx, 'SELECT id FROM stock_doc WHERE id = $1 FOR UPDATE', [id]);
  }

  /**
   * The approval of an adjustment ended APPROVED: its stock moves now, from the stock on hand now.
   * A decrease the stock can no longer cover refuses with INSUFFICIENT_STOCK, so the approval
   * does not commit either (the task stays open: reject it, or approve once stock is back).
   */
  async postApproved(tx: RequestContext, id: string): Promise<void> {
    const doc = await this.pendingDoc(tx, id);
    const lines = await this.db.query<{ product_id: string; qty: string; code: string; name: string }>(
      tx,
      'SELECT l.product_id, l.qty, p.code, p.name FROM stock_doc_line l JOIN product p ON p.id = l.product_id WHERE l.doc_id = $1 ORDER BY l.line_no',
      [id],
    );
    const changes: StockChange[] = lines.map((l) => ({ warehouseId: doc.warehouse_id, productId: l.product_id, delta: fmt(l.qty, 'qty') }));
    const levels = await this.stock.lockRows(tx, changes);
    const shortages = findShortages(changes, levels);
    if (shortages.length) {
      const s = shortages[0];
      const p = lines.find((l) => l.product_id === s.productId)!;
      throw new DomainError(
        ErrorCode.INSUFFICIENT_STOCK,
        `${doc.number} can no longer be posted: insufficient stock of ${p.code} ${p.name} in ${doc.warehouse_code} ${doc.warehouse_name}: available ${s.available}, requested ${s.requested}`,
        { ...s, productCode: p.code, warehouseCode: doc.warehouse_code, shortages },
      );
    }
    await this.stock.post(tx, { id, type: StockDocType.ADJUSTMENT, number: doc.number }, changes);
    await this.db.query(tx, `UPDATE stock_doc SET status = 'POSTED', posted_at = now() WHERE id = $1`, [id]);
    await this.audit.record(tx, {
      action: 'post',
      entity: 'stock_doc',
      entityId: id,
      orgId: doc.org_id,
      summary: `ADJUSTMENT ${doc.number} ${doc.warehouse_code}: approved and posted, ${lines.length} line(s)`,
      before: { status: 'PENDING_APPROVAL' },
      after: { status: 'POSTED' },
    });
  }

  /** Rejected, or returned / withdrawn (an adjustment is not edited: a new one is made): REJECTED, no stock moved. */
  async rejectPending(tx: RequestContext, id: string, reason: string): Promise<void> {
    const doc = await this.pendingDoc(tx, id);
    await this.db.query(tx, `UPDATE stock_doc SET status = 'REJECTED', rejected_reason = $2 WHERE id = $1`, [id, reason.slice(0, 500)]);
    await this.audit.record(tx, {
      action: 'reject',
      entity: 'stock_doc',
      entityId: id,
      orgId: doc.org_id,
      summary: `ADJUSTMENT ${doc.number} ${doc.warehouse_code}: not approved, no stock moved: ${reason}`,
      before: { status: 'PENDING_APPROVAL' },
      after: { status: 'REJECTED', reason },
    });
  }

  private async pendingDoc(tx: RequestContext, id: string) {
    const [doc] = await this.db.query<{ number: string; status: string; warehouse_id: string; warehouse_code: string; warehouse_name: string; org_id: string }>(
      tx,
      `SELECT d.number, d.status, d.warehouse_id, w.code AS warehouse_code, w.name AS warehouse_name, w.org_id
         FROM stock_doc d JOIN warehouse w ON w.id = d.warehouse_id WHERE d.id = $1`,
      [id],
    );
    if (!doc) throw notFound('stock document', id);
    if (doc.status !== 'PENDING_APPROVAL') throw new DomainError(ErrorCode.INVALID_STATE, `${doc.number} is ${doc.status}, not waiting for approval`, { status: doc.status });
    return doc;
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
      status: d.status,
      rejectedReason: d.rejectedReason,
      lines: lines
        .filter((l) => l.doc_id === d.id)
        .map((l): StockDocLineDto => ({ lineNo: l.line_no, productId: l.product_id, productCode: l.code, productName: l.name, baseUnit: l.base_unit, qty: fmt(l.qty, 'qty') })),
    }));
  }
}

/** The web route that shows a stock document (the list opens its drawer from `?id=`). */
export const stockDocLink = (id: string) => `/stock-docs?id=${id}`;

function describe(from: DocWarehouse, to: DocWarehouse | null): string {
  return to ? `${from.code} -> ${to.code}` : from.code;
}
