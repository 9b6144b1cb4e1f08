import { Inject, Injectable } from '@nestjs/common';
import { ApprovalDocType, ApprovalStatus, canSeeCost, costAmount, CostMove, Dec, ErrorCode, fmt, fmtCost, Paged, STOCK_DOC_PREFIX, StockDocDto, StockDocLineDto, StockDocStatus, StockDocType } from '@drp/shared';
import { sql } from 'kysely';
import { APP_CONFIG, AppConfig } from '../../config/config';
import { RequestContext } from '../../common/context/request-context';
import { DomainError, notFound } from '../../common/errors/domain-error';
import { escapeLike, pageIdsOf, Sortable } from '../../common/http/pagination';
import { DbService } from '../../database/db.service';
import { businessDate } from '../../database/business-date';
import { DocNumberService } from '../../database/doc-number.service';
import { DocumentKernel } from '../../kernel/document-kernel.service';
import { ApprovalService } from '../approval/approval.service';
import { AuditService } from '../audit/audit.service';
import { ProductService } from '../catalog/product.service';
import { CreateStockDocDto, StockDocQueryDto } from './inventory.dto';
import { STOCK_DOC, STOCK_DOC_MACHINE } from './stock-doc.machine';
import { checkDocInput, findShortages, planChanges, StockChange } from './stock-doc.rules';
import { StockService } from './stock.service';
import { DocWarehouse, WarehouseService } from './warehouse.service';

const SORT: Sortable = { createdAt: { notNull: 'd.created_at' }, number: { notNull: 'd.number' }, businessDate: { notNull: 'd.business_date' } };

/**
 * Stock documents: 入库 (INBOUND), 调拨 (TRANSFER) and 盘点 (ADJUSTMENT). A document, its
 * number, its lines, the stock changes, one movement per change and the audit entry are one
 * transaction: a refused document leaves nothing behind, not even a consumed number.
 *
 * An adjustment goes through approval (STOCK_ADJUSTMENT): when no step of the flow applies it is
 * posted at once; otherwise it is written as PENDING_APPROVAL with no stock movement, and its
 * stock moves only when the approval ends (`postApproved`, in the approval's transaction). A
 * rejected, returned or withdrawn adjustment ends REJECTED: it is never edited, a new one is made.
 * Every status is written by the document kernel (STOCK_DOC_MACHINE).
 */
@Injectable()
export class StockDocService {
  constructor(
    private readonly db: DbService,
    private readonly audit: AuditService,
    private readonly numbers: DocNumberService,
    private readonly kernel: DocumentKernel,
    private readonly warehouses: WarehouseService,
    private readonly stock: StockService,
    private readonly products: ProductService,
    private readonly approvals: ApprovalService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    kernel.register(STOCK_DOC_MACHINE);
  }

  /** A document is visible when either of its warehouses is (a transfer concerns both ends). */
  private scoped(ctx: RequestContext) {
    const visible = this.warehouses.visibleIds(ctx);
    return this.db.k.selectFrom('stock_doc as d').where((eb) => eb.or([eb('d.warehouse_id', 'in', visible), eb('d.to_warehouse_id', 'in', visible)]));
  }

  async list(ctx: RequestContext, q: StockDocQueryDto): Promise<Paged<StockDocDto>> {
    let query = this.scoped(ctx);
    if (q.type) query = query.where('d.type', '=', q.type);
    if (q.status) query = query.where('d.status', '=', q.status);
    const wh = q.warehouseId;
    if (wh) query = query.where((eb) => eb.or([eb('d.warehouse_id', '=', wh), eb('d.to_warehouse_id', '=', wh)]));
    if (q.from) query = query.where('d.business_date', '>=', sql<Date>`${q.from}::date`);
    if (q.to) query = query.where('d.business_date', '<=', sql<Date>`${q.to}::date`);
    if (q.q) query = query.where('d.number', 'ilike', `%${escapeLike(q.q)}%`);
    const { ids, ...page } = await pageIdsOf(this.db, ctx, query, q, SORT, '-createdAt', 'd.id');
    return { ...page, items: await this.load(ctx, ids) };
  }

  async get(ctx: RequestContext, id: string): Promise<StockDocDto> {
    const visible = await this.db.first(ctx, this.scoped(ctx).select('d.id').where('d.id', '=', id));
    if (!visible) throw notFound('stock document', id);
    return (await this.load(ctx, [id]))[0];
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

      // numbered on its business day, once the document is sure to be written (same transaction: a rollback frees the number)
      const day = businessDate(new Date(), this.config.companyTz);
      const number = await this.numbers.next(tx, STOCK_DOC_PREFIX[dto.type], day);
      // an adjustment is written waiting; approved at once (no step applies) it is posted below
      const adjustment = dto.type === StockDocType.ADJUSTMENT;
      const initial: StockDocStatus = adjustment ? 'PENDING_APPROVAL' : 'POSTED';
      const doc = await this.db.one(
        tx,
        this.db.k
          .insertInto('stock_doc')
          .values({
            number,
            type: dto.type,
            warehouse_id: from.id,
            to_warehouse_id: to?.id ?? null,
            reason: dto.reason?.trim() || null,
            remark: dto.remark?.trim() || null,
            business_date: day,
            created_by: tx.user?.id ?? null,
            status: initial,
            posted_at: adjustment ? null : sql<Date>`now()`,
          })
          .returning('id'),
      );
      await this.kernel.transition(tx, STOCK_DOC, { id: doc.id, from: null, to: initial, action: 'CREATE' });
      await this.db.rows(tx, this.db.k.insertInto('stock_doc_line').values(lines.map((l) => ({ doc_id: doc.id, line_no: l.lineNo, product_id: l.productId, qty: l.qty, unit_cost: l.unitCost }))));
      const outcome = adjustment ? await this.startApproval(tx, doc.id, number, from, lines) : ApprovalStatus.APPROVED;
      if (outcome === ApprovalStatus.APPROVED) {
        const moves = await this.stock.post(tx, { id: doc.id, type: dto.type, number }, changes);
        if (dto.type !== StockDocType.INBOUND) await this.recordLineCosts(tx, doc.id, from.id, changes, moves);
        if (adjustment) await this.kernel.transition(tx, STOCK_DOC, { id: doc.id, from: 'PENDING_APPROVAL', to: 'POSTED', action: 'APPROVE', set: { posted_at: sql`now()` } });
      } else if (outcome === ApprovalStatus.REJECTED) {
        await this.kernel.transition(tx, STOCK_DOC, { id: doc.id, from: 'PENDING_APPROVAL', to: 'REJECTED', action: 'REJECT', set: { rejected_reason: 'no approver could be found' } });
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
    const prices = await this.db.rows(tx, this.db.k.selectFrom('product').select(['id', 'base_price']).where('id', 'in', lines.map((l) => l.productId)));
    const priceOf = (id: string) => prices.find((p) => p.id === id)?.base_price ?? '0';
    const value = (l: { productId: string; qty: string }) => new Dec(l.qty).abs().times(priceOf(l.productId));
    const amount = lines.reduce((a, l) => a.plus(value(l)), new Dec(0));
    const loss = lines.filter((l) => new Dec(l.qty).isNegative()).reduce((a, l) => a.plus(value(l)), new Dec(0));
    const org = await this.db.one(tx, this.db.k.selectFrom('organization').select('code').where('id', '=', wh.orgId));
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
    await this.db.rows(tx, this.db.k.selectFrom('stock_doc').select('id').where('id', '=', id).forUpdate());
  }

  /**
   * The approval of an adjustment ended APPROVED: its stock moves now, from the stock on hand now.
   * Only a document waiting for approval moves (the kernel refuses any other with INVALID_STATE).
   * A decrease the stock can no longer cover refuses with INSUFFICIENT_STOCK, so the approval
   * does not commit either (the task stays open: reject it, or approve once stock is back).
   */
  async postApproved(tx: RequestContext, id: string): Promise<void> {
    const doc = await this.docForMove(tx, id);
    const lines = await this.db.rows(
      tx,
      this.db.k
        .selectFrom('stock_doc_line as l')
        .innerJoin('product as p', 'p.id', 'l.product_id')
        .select(['l.product_id', 'l.qty', 'p.code', 'p.name'])
        .where('l.doc_id', '=', id)
        .orderBy('l.line_no'),
    );
    await this.kernel.transition(tx, STOCK_DOC, {
      id,
      from: doc.status,
      to: 'POSTED',
      action: 'APPROVE',
      set: { posted_at: sql`now()` },
      audit: {
        action: 'post',
        orgId: doc.org_id,
        summary: `ADJUSTMENT ${doc.number} ${doc.warehouse_code}: approved and posted, ${lines.length} line(s)`,
        before: { status: 'PENDING_APPROVAL' },
        after: { status: 'POSTED' },
      },
    });
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
    const moves = await this.stock.post(tx, { id, type: StockDocType.ADJUSTMENT, number: doc.number }, changes);
    await this.recordLineCosts(tx, id, doc.warehouse_id, changes, moves);
  }

  /**
   * A transfer's or a count's lines carry the unit cost they moved at, known once posted: the
   * change at the document's own warehouse (a transfer's source: the average it left at, which is
   * also what it arrived at).
   */
  private async recordLineCosts(tx: RequestContext, docId: string, warehouseId: string, changes: StockChange[], moves: CostMove[]): Promise<void> {
    const at = changes.map((c, i) => ({ c, m: moves[i] })).filter(({ c }) => c.warehouseId === warehouseId);
    if (!at.length) return;
    await this.db.rows(
      tx,
      this.db.k
        .updateTable('stock_doc_line as l')
        .from(sql<{ p: string; u: string }>`unnest(${at.map(({ c }) => c.productId)}::uuid[], ${at.map(({ m }) => m.unitCost)}::numeric[])`.as<'c'>(sql`c(p, u)`))
        .set({ unit_cost: sql`c.u`, updated_at: sql`now()` })
        .where('l.doc_id', '=', docId)
        .whereRef('l.product_id', '=', 'c.p'),
    );
  }

  /** Rejected, or returned / withdrawn (an adjustment is not edited: a new one is made): REJECTED, no stock moved. */
  async rejectPending(tx: RequestContext, id: string, reason: string): Promise<void> {
    const doc = await this.docForMove(tx, id);
    await this.kernel.transition(tx, STOCK_DOC, {
      id,
      from: doc.status,
      to: 'REJECTED',
      action: 'REJECT',
      note: reason,
      set: { rejected_reason: reason.slice(0, 500) },
      audit: {
        action: 'reject',
        orgId: doc.org_id,
        summary: `ADJUSTMENT ${doc.number} ${doc.warehouse_code}: not approved, no stock moved: ${reason}`,
        before: { status: 'PENDING_APPROVAL' },
        after: { status: 'REJECTED', reason },
      },
    });
  }

  /** The document an approval verdict moves, with the status it was read in (the caller holds its lock). */
  private async docForMove(tx: RequestContext, id: string) {
    const doc = await this.db.first(
      tx,
      this.db.k
        .selectFrom('stock_doc as d')
        .innerJoin('warehouse as w', 'w.id', 'd.warehouse_id')
        .select(['d.number', 'd.status', 'd.warehouse_id', 'w.code as warehouse_code', 'w.name as warehouse_name', 'w.org_id'])
        .where('d.id', '=', id),
    );
    if (!doc) throw notFound('stock document', id);
    return { ...doc, status: doc.status as StockDocStatus };
  }

  /** Documents by id (in that order) with warehouse names, lines and creators: three queries for a page. */
  private async load(ctx: RequestContext, ids: string[]): Promise<StockDocDto[]> {
    if (!ids.length) return [];
    const [docs, lines] = await Promise.all([
      this.db.rows(
        ctx,
        this.db.k
          .selectFrom('stock_doc as d')
          .innerJoin('warehouse as w', 'w.id', 'd.warehouse_id')
          .leftJoin('warehouse as tw', 'tw.id', 'd.to_warehouse_id')
          .leftJoin('app_user as u', 'u.id', 'd.created_by')
          .select([
            'd.id', 'd.number', 'd.type', 'd.warehouse_id', 'w.name as warehouse_name', 'd.to_warehouse_id', 'tw.name as to_warehouse_name', 'd.reason', 'd.remark',
            sql<string>`to_char(d.business_date, 'YYYY-MM-DD')`.as('business_date'), 'd.created_by', 'u.display_name as created_by_name', 'd.created_at', 'd.status', 'd.rejected_reason',
          ])
          .where('d.id', 'in', ids),
      ),
      this.db.rows(
        ctx,
        this.db.k
          .selectFrom('stock_doc_line as l')
          .innerJoin('product as p', 'p.id', 'l.product_id')
          .select(['l.doc_id', 'l.line_no', 'l.product_id', 'p.code', 'p.name', 'p.base_unit', 'l.qty', 'l.unit_cost'])
          .where('l.doc_id', 'in', ids)
          .orderBy('l.doc_id')
          .orderBy('l.line_no'),
      ),
    ]);
    const byId = new Map(docs.map((d) => [d.id, d]));
    const costs = canSeeCost((p) => ctx.can(p));
    const costOf = (l: { qty: string; unit_cost: string | null }) => (costs && l.unit_cost !== null ? { unitCost: fmtCost(l.unit_cost), costAmount: costAmount(new Dec(l.qty).abs(), l.unit_cost) } : { unitCost: null, costAmount: null });
    return ids.map((id) => byId.get(id)!).filter(Boolean).map((d) => ({
      id: d.id,
      number: d.number,
      type: d.type as StockDocType,
      warehouseId: d.warehouse_id,
      warehouseName: d.warehouse_name,
      toWarehouseId: d.to_warehouse_id,
      toWarehouseName: d.to_warehouse_name ?? null,
      reason: d.reason,
      remark: d.remark,
      businessDate: d.business_date,
      createdBy: d.created_by,
      createdByName: d.created_by_name ?? null,
      createdAt: d.created_at.toISOString(),
      status: d.status as StockDocStatus,
      rejectedReason: d.rejected_reason,
      lines: lines
        .filter((l) => l.doc_id === d.id)
        .map((l): StockDocLineDto => ({ lineNo: l.line_no, productId: l.product_id, productCode: l.code, productName: l.name, baseUnit: l.base_unit, qty: fmt(l.qty, 'qty'), ...costOf(l) })),
    }));
  }
}

/** The web route that shows a stock document (the list opens its drawer from `?id=`). */
export const stockDocLink = (id: string) => `/stock-docs?id=${id}`;

function describe(from: DocWarehouse, to: DocWarehouse | null): string {
  return to ? `${from.code} -> ${to.code}` : from.code;
}
