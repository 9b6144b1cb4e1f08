import { Inject, Injectable } from '@nestjs/common';
import { DEFAULT_REPLENISHMENT_PARAMS, Dec, EffectiveReplenishmentSettings, ErrorCode, lineAmount, OrderSource, OrgType, Paged, ReplenishmentLineDto, ReplenishmentLineStatus, ReplenishmentMethod, ReplenishmentParams, ReplenishmentRunDto } from '@drp/shared';
import { sql } from 'kysely';
import { APP_CONFIG, AppConfig } from '../../config/config';
import { RequestContext } from '../../common/context/request-context';
import { DomainError, notFound, staleVersion } from '../../common/errors/domain-error';
import { escapeLike, pageIdsOf, resolvePage, Sortable } from '../../common/http/pagination';
import { orgScope } from '../../common/scope/data-scope';
import { businessDate } from '../../database/business-date';
import { DbService } from '../../database/db.service';
import { AuditService } from '../audit/audit.service';
import { PriceResolverService } from '../pricing/price-resolver.service';
import { SalesOrderService } from '../sales/sales-order.service';
import { CartService } from '../mall/cart.service';
import { JobsService } from '../jobs/jobs.service';
import ExcelJS from 'exceljs';
import { addTypedRow, CellKind } from '../../common/excel';
import { LineQueryDto, LineUpdateDto, OrdersFromRunDto, ReplenishmentSettingsDto, RunDto } from './replenishment.dto';
import { RUN_CLEANUP_SQL, RUN_FIGURES_SQL, RUN_LINES_SQL, RUN_SESSION } from './replenishment.sql';

const RUN_SORT = { createdAt: 'r.created_at' };
export const NIGHTLY_JOB = 'replenishment.nightly';
const METHOD_WORDS: Record<string, string> = { SELL_ONE_REPLACE_ONE: '销一补一', SALES_STOCK_DIFF: '销存差', TURNOVER: '周转补货' };
const STATUS_WORDS: Record<string, string> = { SUGGESTED: '建议', INSUFFICIENT_DATA: '数据不足', DROPPED: '已删除', ORDERED: '已下单', SENT: '已推送商城' };
const LINE_SORT: Sortable = { dealer: { notNull: 'd.code' }, product: { notNull: 'p.code' }, qty: { notNull: 'l.qty' } };

/**
 * Smart replenishment (智能补货): settings per organisation and product, runs computed set-based in
 * SQL (replenishment.sql.ts, the rule of shared/src/replenishment.ts), the worksheet, and turning
 * suggestions into draft sales orders (source REPLENISHMENT) that count as open supply next time.
 */
@Injectable()
export class ReplenishmentService {
  constructor(
    private readonly db: DbService,
    private readonly audit: AuditService,
    private readonly orders: SalesOrderService,
    private readonly prices: PriceResolverService,
    private readonly cart: CartService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    jobs: JobsService,
  ) {
    // nightly, for every active dealer (the run is kept like a manual one, trigger NIGHTLY)
    jobs.register(NIGHTLY_JOB, async () => void (await this.run(RequestContext.system(), {}, 'NIGHTLY')), '30 2 * * *');
  }

  // ---- settings -------------------------------------------------------------------------------

  /** The parameters that apply to an organisation (and product): the most specific row, as the run picks it. */
  async effectiveSettings(ctx: RequestContext, orgId: string | undefined, productId?: string): Promise<EffectiveReplenishmentSettings & { overrides: { id: string; orgId: string; orgName: string; productId: string | null; productCode: string | null; params: ReplenishmentParams; version: number }[] }> {
    const org = await this.orgInScope(ctx, orgId ?? ctx.actor.orgId);
    const rows = await this.db.rows(
      ctx,
      this.db.k
        .selectFrom('replenishment_setting as s')
        .innerJoin('organization as so', 'so.id', 's.org_id')
        .leftJoin('product as p', 'p.id', 's.product_id')
        .select(['s.id', 's.org_id', 'so.name as org_name', 'so.depth', 's.product_id', 'p.code as product_code', 's.method', 's.window_days', 's.turnover_days', 's.lead_days', 's.safety_stock', 's.version'])
        .where(sql<boolean>`${org.path} LIKE so.path || '%'`)
        .orderBy('so.depth', 'asc'),
    );
    const applicable = rows
      .filter((r) => r.product_id === null || r.product_id === (productId ?? null))
      .sort((a, b) => Number(b.product_id !== null) - Number(a.product_id !== null) || b.depth - a.depth);
    const top = applicable[0];
    const params = (r: (typeof rows)[number]): ReplenishmentParams => ({ method: r.method as ReplenishmentMethod, windowDays: r.window_days, turnoverDays: r.turnover_days, leadDays: r.lead_days, safetyStock: r.safety_stock });
    return {
      ...(top ? params(top) : DEFAULT_REPLENISHMENT_PARAMS),
      sourceOrgId: top?.org_id ?? null,
      sourceOrgName: top?.org_name ?? null,
      sourceProductId: top?.product_id ?? null,
      overrides: rows.filter((r) => r.org_id === org.id).map((r) => ({ id: r.id, orgId: r.org_id, orgName: r.org_name, productId: r.product_id, productCode: r.product_code, params: params(r), version: r.version })),
    };
  }

  async saveSettings(ctx: RequestContext, dto: ReplenishmentSettingsDto) {
    const org = await this.orgInScope(ctx, dto.orgId ?? ctx.actor.orgId);
    if (org.type === OrgType.HQ && !ctx.actor.scope.all) throw notFound('organization', org.id);
    if (dto.productId) {
      const p = await this.db.first(ctx, this.db.k.selectFrom('product').select('id').where('id', '=', dto.productId));
      if (!p) throw notFound('product', dto.productId);
    }
    await this.db.tx(ctx, async (tx) => {
      const values = { org_id: org.id, product_id: dto.productId ?? null, method: dto.method, window_days: dto.windowDays, turnover_days: dto.turnoverDays, lead_days: dto.leadDays, safety_stock: dto.safetyStock };
      await this.db.query(
        tx,
        `INSERT INTO replenishment_setting (org_id, product_id, method, window_days, turnover_days, lead_days, safety_stock) VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (org_id, product_id) DO UPDATE SET method = EXCLUDED.method, window_days = EXCLUDED.window_days, turnover_days = EXCLUDED.turnover_days,
           lead_days = EXCLUDED.lead_days, safety_stock = EXCLUDED.safety_stock, version = replenishment_setting.version + 1`,
        [values.org_id, values.product_id, values.method, values.window_days, values.turnover_days, values.lead_days, values.safety_stock],
      );
      await this.audit.record(tx, { action: 'update', entity: 'replenishment_setting', entityId: org.id, orgId: org.id, summary: `replenishment settings of ${org.code}${dto.productId ? ' for one product' : ''}`, after: { ...dto } });
    });
    return this.effectiveSettings(ctx, org.id, dto.productId);
  }

  /** Removes an override (the next broader row applies again). HQ's company default stays. */
  async removeSettings(ctx: RequestContext, id: string): Promise<void> {
    const row = await this.db.first(ctx, this.db.k.selectFrom('replenishment_setting as s').innerJoin('organization as o', 'o.id', 's.org_id').select(['s.id', 's.org_id', 's.product_id', 'o.type', 'o.code']).where('s.id', '=', id).where(orgScope(ctx, 's.org_id')));
    if (!row) throw notFound('replenishment setting', id);
    if (row.type === OrgType.HQ && row.product_id === null) throw new DomainError(ErrorCode.INVALID_STATE, 'The company default cannot be removed, only changed', { id });
    await this.db.tx(ctx, async (tx) => {
      await this.db.rows(tx, this.db.k.deleteFrom('replenishment_setting').where('id', '=', id));
      await this.audit.record(tx, { action: 'delete', entity: 'replenishment_setting', entityId: row.org_id, orgId: row.org_id, summary: `removed a replenishment override of ${row.code}`, before: { id } });
    });
  }

  // ---- runs -----------------------------------------------------------------------------------

  /** Runs replenishment for the given dealers, a branch's dealers, or every dealer in scope; two set-based statements compute every line (replenishment.sql.ts). */
  async run(ctx: RequestContext, dto: RunDto, trigger: 'MANUAL' | 'NIGHTLY' = 'MANUAL'): Promise<ReplenishmentRunDto> {
    let dealers: string[];
    if (dto.dealerIds?.length) {
      const found = await this.db.rows(ctx, this.db.k.selectFrom('organization as o').select('o.id').where('o.id', 'in', dto.dealerIds).where('o.type', '=', OrgType.DEALER).where(orgScope(ctx, 'o.id')));
      const missing = dto.dealerIds.filter((id) => !found.some((f) => f.id === id));
      if (missing.length) throw notFound('dealer', missing[0]);
      dealers = found.map((f) => f.id);
    } else {
      const root = dto.branchId ? await this.orgInScope(ctx, dto.branchId) : undefined;
      let q = this.db.k.selectFrom('organization as o').select('o.id').where('o.type', '=', OrgType.DEALER).where('o.status', '=', 'ACTIVE').where(orgScope(ctx, 'o.id'));
      if (root) q = q.where('o.path', 'like', `${root.path}%`);
      dealers = (await this.db.rows(ctx, q)).map((r) => r.id);
    }
    const day = businessDate(new Date(), this.config.companyTz);
    const id = await this.db.tx(ctx, async (tx) => {
      const run = await this.db.one(
        tx,
        this.db.k
          .insertInto('replenishment_run')
          .values({ business_date: sql<Date>`${day}::date`, scope_org_id: dto.branchId ?? null, dealer_ids: dto.dealerIds?.length ? dealers : null, trigger, requested_by: tx.user?.id ?? null })
          .returning('id'),
      );
      const dflt = DEFAULT_REPLENISHMENT_PARAMS;
      for (const setting of RUN_SESSION) await this.db.query(tx, setting);
      await this.db.query(tx, RUN_FIGURES_SQL, [day, dealers, dflt.windowDays]);
      const [counts] = await this.db.query<{ lines: number; suggested: number; dealers: number }>(tx, RUN_LINES_SQL, [day, dealers, dflt.method, dflt.windowDays, dflt.turnoverDays, dflt.leadDays, dflt.safetyStock, run.id]);
      await this.db.query(tx, RUN_CLEANUP_SQL);
      await this.db.rows(tx, this.db.k.updateTable('replenishment_run').set({ line_count: counts.lines, suggested_count: counts.suggested, dealer_count: counts.dealers }).where('id', '=', run.id));
      await this.audit.record(tx, { action: 'run', entity: 'replenishment_run', entityId: run.id, summary: `replenishment run for ${dealers.length} dealer(s): ${counts.suggested} suggestion(s)`, after: { requestedDealers: dealers.length, ...counts, trigger } });
      return run.id;
    });
    return this.getRun(ctx, id);
  }

  async runs(ctx: RequestContext, q: LineQueryDto): Promise<Paged<ReplenishmentRunDto>> {
    const { page, pageSize, offset } = resolvePage(q, RUN_SORT, '-createdAt');
    // a run is visible when one of its lines is (or the caller requested it)
    const visible = this.db.k
      .selectFrom('replenishment_run as r')
      .where((eb) => eb.or([eb('r.requested_by', '=', ctx.user?.id ?? null), eb.exists(eb.selectFrom('replenishment_line as l').select('l.id').whereRef('l.run_id', '=', 'r.id').where(orgScope(ctx, 'l.dealer_id')))]));
    const [count, rows] = await Promise.all([
      this.db.one(ctx, visible.select((eb) => eb.fn.countAll<number>().as('n'))),
      this.db.rows(ctx, visible.select('r.id').orderBy('r.created_at', 'desc').limit(pageSize).offset(offset)),
    ]);
    const items = await Promise.all(rows.map((r) => this.getRun(ctx, r.id)));
    return { items, total: Number(count.n), page, pageSize };
  }

  async getRun(ctx: RequestContext, id: string): Promise<ReplenishmentRunDto> {
    const r = await this.db.first(
      ctx,
      this.db.k
        .selectFrom('replenishment_run as r')
        .leftJoin('app_user as u', 'u.id', 'r.requested_by')
        .select(['r.id', 'r.trigger', 'r.dealer_count', 'r.line_count', 'r.suggested_count', 'u.display_name', 'r.created_at', 'r.requested_by'])
        .select(sql<string>`to_char(r.business_date, 'YYYY-MM-DD')`.as('day'))
        .where('r.id', '=', id)
        .where((eb) => eb.or([eb('r.requested_by', '=', ctx.user?.id ?? null), sql<boolean>`${ctx.isSystem || !!ctx.user?.scope.all}`, eb.exists(eb.selectFrom('replenishment_line as l').select('l.id').whereRef('l.run_id', '=', 'r.id').where(orgScope(ctx, 'l.dealer_id')))])),
    );
    if (!r) throw notFound('replenishment run', id);
    return { id: r.id, businessDate: r.day, trigger: r.trigger as 'MANUAL' | 'NIGHTLY', dealerCount: r.dealer_count, lineCount: r.line_count, suggestedCount: r.suggested_count, requestedByName: r.display_name, createdAt: new Date(r.created_at).toISOString() };
  }

  async lines(ctx: RequestContext, runId: string, q: LineQueryDto): Promise<Paged<ReplenishmentLineDto>> {
    await this.getRun(ctx, runId);
    let query = this.db.k
      .selectFrom('replenishment_line as l')
      .innerJoin('organization as d', 'd.id', 'l.dealer_id')
      .innerJoin('product as p', 'p.id', 'l.product_id')
      .where('l.run_id', '=', runId)
      .where(orgScope(ctx, 'l.dealer_id'));
    if (q.dealerId) query = query.where('l.dealer_id', '=', q.dealerId);
    if (q.status) query = query.where('l.status', '=', q.status);
    if (q.q) {
      // the term matched literally: its % and _ are no wildcards
      const like = `%${escapeLike(q.q)}%`;
      query = query.where((eb) => eb.or([eb('p.code', 'ilike', like), eb('p.name', 'ilike', like), eb('d.name', 'ilike', like)]));
    }
    const { ids, ...page } = await pageIdsOf(this.db, ctx, query, q, LINE_SORT, 'dealer', 'l.id');
    return { items: await this.lineDtos(ctx, ids), ...page };
  }

  private async lineDtos(ctx: RequestContext, ids: string[]): Promise<ReplenishmentLineDto[]> {
    if (!ids.length) return [];
    const rows = await this.db.rows(
      ctx,
      this.db.k
        .selectFrom('replenishment_line as l')
        .innerJoin('organization as d', 'd.id', 'l.dealer_id')
        .innerJoin('product as p', 'p.id', 'l.product_id')
        .leftJoin('sales_order as o', 'o.id', 'l.order_id')
        .selectAll('l')
        .select(['d.code as dealer_code', 'd.name as dealer_name', 'p.code as product_code', 'p.name as product_name', 'p.base_unit', 'p.order_multiple', 'p.min_order_qty', 'o.number as order_number'])
        .select(sql<string | null>`to_char(l.last_replenishment_date, 'YYYY-MM-DD')`.as('last_day'))
        .select(sql<string | null>`to_char(l.latest_report_date, 'YYYY-MM-DD')`.as('latest_day'))
        .where('l.id', 'in', ids),
    );
    // the price each dealer would pay now, one resolve per dealer on the page
    const prices = new Map<string, string>();
    for (const dealerId of new Set(rows.map((r) => r.dealer_id))) {
      const resolved = await this.prices.resolve(ctx.isSystem ? ctx : RequestContext.system(), dealerId, rows.filter((r) => r.dealer_id === dealerId).map((r) => r.product_id));
      for (const p of resolved) prices.set(`${dealerId}/${p.productId}`, p.unitPrice);
    }
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => byId.get(id)!).map((r) => {
      const price = prices.get(`${r.dealer_id}/${r.product_id}`) ?? null;
      const avg = new Dec(r.avg_daily).greaterThan(0) ? new Dec(r.avg_daily) : null;
      return {
        id: r.id,
        runId: r.run_id,
        dealerId: r.dealer_id,
        dealerCode: r.dealer_code,
        dealerName: r.dealer_name,
        productId: r.product_id,
        productCode: r.product_code,
        productName: r.product_name,
        unit: r.base_unit,
        method: r.method as ReplenishmentMethod,
        windowDays: r.window_days,
        turnoverDays: r.turnover_days,
        leadDays: r.lead_days,
        safetyStock: r.safety_stock,
        usableDays: r.usable_days,
        stockoutDays: r.stockout_days,
        usableSold: r.usable_sold,
        avgDaily: r.avg_daily,
        windowSold: r.window_sold,
        soldSinceLast: r.sold_since_last,
        lastReplenishmentDate: r.last_day,
        latestReportDate: r.latest_day,
        currentStock: r.current_stock,
        openSupply: r.open_supply,
        target: r.target,
        rawQty: r.raw_qty,
        suggestedQty: r.suggested_qty,
        qty: r.qty,
        orderMultiple: r.order_multiple,
        minOrderQty: r.min_order_qty,
        daysOfStock: avg ? new Dec(r.current_stock).div(avg).toDecimalPlaces(1, Dec.ROUND_DOWN).toFixed(1) : null,
        status: r.status as ReplenishmentLineStatus,
        orderId: r.order_id,
        orderNumber: r.order_number,
        unitPrice: price,
        amount: price ? lineAmount(r.qty, price) : null,
        version: r.version,
      };
    });
  }

  /** Edits a suggested line's quantity, or drops it. Only a SUGGESTED line (else 409 REPLENISHMENT_LINE_STALE). */
  async updateLine(ctx: RequestContext, id: string, dto: LineUpdateDto): Promise<ReplenishmentLineDto> {
    await this.db.tx(ctx, async (tx) => {
      const line = await this.db.first(tx, this.db.k.selectFrom('replenishment_line as l').select(['l.id', 'l.status', 'l.version', 'l.qty', 'l.dealer_id']).where('l.id', '=', id).where(orgScope(tx, 'l.dealer_id')).forUpdate());
      if (!line) throw notFound('replenishment line', id);
      if (dto.version !== undefined && dto.version !== line.version) throw staleVersion('replenishment line', dto.version, line.version);
      if (line.status !== 'SUGGESTED') throw new DomainError(ErrorCode.REPLENISHMENT_LINE_STALE, 'This suggestion was already ordered, sent or dropped', { lineIds: [id], status: line.status });
      await this.db.rows(tx, this.db.k.updateTable('replenishment_line').set((eb) => ({ qty: dto.qty ?? line.qty, status: dto.drop ? 'DROPPED' : 'SUGGESTED', version: eb('version', '+', 1) })).where('id', '=', id));
      await this.audit.record(tx, { action: dto.drop ? 'drop' : 'update', entity: 'replenishment_line', entityId: id, orgId: line.dealer_id, summary: dto.drop ? 'dropped a suggestion' : `suggestion quantity ${line.qty} -> ${dto.qty}`, before: { qty: line.qty }, after: { qty: dto.qty ?? line.qty, drop: !!dto.drop } });
    });
    return (await this.lineDtos(ctx, [id]))[0];
  }

  /**
   * Turns suggested lines into draft sales orders (source REPLENISHMENT), one per dealer and
   * warehouse, through the normal order rules (a product no longer orderable is refused, naming it).
   * All or nothing; a line already ordered, sent or dropped: 409 REPLENISHMENT_LINE_STALE.
   */
  async createOrders(ctx: RequestContext, runId: string, dto: OrdersFromRunDto): Promise<{ orders: { id: string; number: string | null; dealerId: string; lineCount: number }[] }> {
    await this.getRun(ctx, runId);
    const created = await this.db.tx(ctx, async (tx) => {
      let q = this.db.k
        .selectFrom('replenishment_line as l')
        .innerJoin('organization as d', 'd.id', 'l.dealer_id')
        .select(['l.id', 'l.dealer_id', 'l.product_id', 'l.qty', 'l.status', 'd.path'])
        .where('l.run_id', '=', runId)
        .where(orgScope(tx, 'l.dealer_id'))
        .orderBy('l.dealer_id')
        .orderBy('l.id')
        .forUpdate('l');
      q = dto.lineIds?.length ? q.where('l.id', 'in', dto.lineIds) : q.where('l.status', '=', 'SUGGESTED');
      const lines = await this.db.rows(tx, q);
      if (dto.lineIds?.length) {
        const missing = dto.lineIds.filter((id) => !lines.some((l) => l.id === id));
        if (missing.length) throw notFound('replenishment line', missing[0]);
        const stale = lines.filter((l) => l.status !== 'SUGGESTED');
        if (stale.length) throw new DomainError(ErrorCode.REPLENISHMENT_LINE_STALE, 'Some suggestions were already ordered, sent or dropped', { lineIds: stale.map((l) => l.id), status: stale[0].status });
      }
      if (!lines.length) throw new DomainError(ErrorCode.REPLENISHMENT_LINE_STALE, 'Nothing left to order in this run', { lineIds: [], status: 'ORDERED' });
      const out: { id: string; number: string | null; dealerId: string; lineCount: number }[] = [];
      for (const dealerId of [...new Set(lines.map((l) => l.dealer_id))]) {
        const mine = lines.filter((l) => l.dealer_id === dealerId);
        const warehouseId = dto.warehouseId ?? (await this.supplyingWarehouse(tx, mine[0].path));
        const order = await this.orders.create(tx, { dealerId, warehouseId, lines: mine.map((l) => ({ productId: l.product_id, qty: l.qty })), source: OrderSource.REPLENISHMENT, remark: null });
        await this.db.rows(tx, this.db.k.updateTable('replenishment_line').set((eb) => ({ status: 'ORDERED', order_id: order.id, version: eb('version', '+', 1) })).where('id', 'in', mine.map((l) => l.id)));
        out.push({ id: order.id, number: order.number, dealerId, lineCount: mine.length });
      }
      await this.audit.record(tx, { action: 'order', entity: 'replenishment_run', entityId: runId, summary: `${out.length} replenishment order(s) from ${lines.length} suggestion(s)`, after: { orders: out.map((o) => o.id) } });
      return out;
    });
    // numbers are given at the end of the creating transaction
    const numbers = await this.db.rows(ctx, this.db.k.selectFrom('sales_order').select(['id', 'number']).where('id', 'in', created.map((o) => o.id)));
    return { orders: created.map((o) => ({ ...o, number: numbers.find((n) => n.id === o.id)?.number ?? null })) };
  }

  /** The dealer's supplying warehouse: the first active one of its selling branch (by code), else HQ's. */
  private async supplyingWarehouse(tx: RequestContext, dealerPath: string): Promise<string> {
    const w = await this.db.first(
      tx,
      this.db.k
        .selectFrom('warehouse as w')
        .innerJoin('organization as o', 'o.id', 'w.org_id')
        .select('w.id')
        .where('w.status', '=', 'ACTIVE')
        .where('o.type', 'in', ['BRANCH', 'HQ'])
        .where(sql<boolean>`${dealerPath} LIKE o.path || '%'`)
        .orderBy(sql`(o.type = 'BRANCH')`, 'desc')
        .orderBy('o.depth', 'desc')
        .orderBy('w.code')
        .limit(1),
    );
    if (!w) throw new DomainError(ErrorCode.INVALID_STATE, 'No warehouse supplies this dealer; choose one', { status: 'NO_WAREHOUSE' });
    return w.id;
  }

  /**
   * Sends suggested lines to the dealers' mall (补货建议): the dealer sees them and adds them to its
   * cart with one tap. All or nothing; a line already ordered, sent or dropped: 409.
   */
  async sendToMall(ctx: RequestContext, runId: string, dto: OrdersFromRunDto): Promise<{ sent: number }> {
    await this.getRun(ctx, runId);
    return this.db.tx(ctx, async (tx) => {
      let q = this.db.k.selectFrom('replenishment_line as l').select(['l.id', 'l.status', 'l.dealer_id']).where('l.run_id', '=', runId).where(orgScope(tx, 'l.dealer_id')).forUpdate();
      q = dto.lineIds?.length ? q.where('l.id', 'in', dto.lineIds) : q.where('l.status', '=', 'SUGGESTED');
      const lines = await this.db.rows(tx, q);
      if (dto.lineIds?.length) {
        const missing = dto.lineIds.filter((id) => !lines.some((l) => l.id === id));
        if (missing.length) throw notFound('replenishment line', missing[0]);
      }
      const stale = lines.filter((l) => l.status !== 'SUGGESTED');
      if (stale.length || !lines.length) throw new DomainError(ErrorCode.REPLENISHMENT_LINE_STALE, 'Some suggestions were already ordered, sent or dropped', { lineIds: stale.map((l) => l.id), status: stale[0]?.status ?? 'SENT' });
      // a dealer sees one suggestion: what was sent before and not taken is replaced
      const dealers = [...new Set(lines.map((l) => l.dealer_id))];
      await this.db.rows(tx, this.db.k.updateTable('replenishment_line').set((eb) => ({ status: 'DROPPED', version: eb('version', '+', 1) })).where('status', '=', 'SENT').where('dealer_id', 'in', dealers));
      await this.db.rows(tx, this.db.k.updateTable('replenishment_line').set((eb) => ({ status: 'SENT', version: eb('version', '+', 1) })).where('id', 'in', lines.map((l) => l.id)));
      await this.audit.record(tx, { action: 'send', entity: 'replenishment_run', entityId: runId, summary: `${lines.length} suggestion(s) sent to ${dealers.length} dealer mall(s)`, after: { lineIds: lines.map((l) => l.id) } });
      return { sent: lines.length };
    });
  }

  /** The dealer's current suggestion in the mall (补货建议): the lines last sent to it, with the explanation. */
  async mallSuggestion(ctx: RequestContext): Promise<{ items: ReplenishmentLineDto[]; sentAt: string | null }> {
    const dealerId = this.ownDealer(ctx);
    const rows = await this.db.rows(ctx, this.db.k.selectFrom('replenishment_line').select(['id', 'updated_at']).where('dealer_id', '=', dealerId).where('status', '=', 'SENT').orderBy('id'));
    const items = await this.lineDtos(ctx, rows.map((r) => r.id));
    const sentAt = rows.reduce<Date | null>((a, r) => (!a || r.updated_at > a ? r.updated_at : a), null);
    return { items: items.sort((a, b) => a.productCode.localeCompare(b.productCode)), sentAt: sentAt ? new Date(sentAt).toISOString() : null };
  }

  /**
   * A dealer's current suggestion as staff see it (the rep's field app): what was sent to its mall,
   * else the suggested lines of the latest run that has lines for it. 404 out of scope.
   */
  async currentForDealer(ctx: RequestContext, dealerId: string): Promise<{ items: ReplenishmentLineDto[]; runId: string | null }> {
    await this.orgInScope(ctx, dealerId);
    const sent = await this.db.rows(ctx, this.db.k.selectFrom('replenishment_line').select('id').where('dealer_id', '=', dealerId).where('status', '=', 'SENT'));
    if (sent.length) {
      const items = await this.lineDtos(ctx, sent.map((r) => r.id));
      return { items: items.sort((a, b) => a.productCode.localeCompare(b.productCode)), runId: items[0]?.runId ?? null };
    }
    const latest = await this.db.first(ctx, this.db.k.selectFrom('replenishment_line as l').innerJoin('replenishment_run as r', 'r.id', 'l.run_id').select('l.run_id').where('l.dealer_id', '=', dealerId).orderBy('r.created_at', 'desc').limit(1));
    if (!latest) return { items: [], runId: null };
    const rows = await this.db.rows(ctx, this.db.k.selectFrom('replenishment_line').select('id').where('run_id', '=', latest.run_id).where('dealer_id', '=', dealerId).where('status', '=', 'SUGGESTED'));
    const items = await this.lineDtos(ctx, rows.map((r) => r.id));
    return { items: items.sort((a, b) => a.productCode.localeCompare(b.productCode)), runId: latest.run_id };
  }

  /** Adds the dealer's suggested lines (all, or the ones named) to its cart; the dealer may change them there. */
  async suggestionToCart(ctx: RequestContext, lineIds: string[] | undefined): Promise<{ added: number }> {
    const dealerId = this.ownDealer(ctx);
    let q = this.db.k.selectFrom('replenishment_line').select(['id', 'product_id', 'qty']).where('dealer_id', '=', dealerId).where('status', '=', 'SENT');
    if (lineIds?.length) q = q.where('id', 'in', lineIds);
    const lines = await this.db.rows(ctx, q);
    if (lineIds?.length && lines.length !== new Set(lineIds).size) throw notFound('replenishment line', lineIds.find((id) => !lines.some((l) => l.id === id))!);
    await this.db.tx(ctx, async (tx) => {
      for (const l of lines) await this.cart.add(tx, l.product_id, l.qty);
    });
    return { added: lines.length };
  }

  /** The worksheet as an Excel file (numbers as numeric cells), in the run's scope for the caller. */
  async exportLines(ctx: RequestContext, runId: string, q: LineQueryDto): Promise<{ name: string; data: Buffer }> {
    const run = await this.getRun(ctx, runId);
    const items: ReplenishmentLineDto[] = [];
    for (let page = 1; ; page++) {
      const p = await this.lines(ctx, runId, { ...q, page, pageSize: 200 });
      items.push(...p.items);
      if (items.length >= p.total || !p.items.length) break;
    }
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('补货建议');
    ws.addRow([`补货建议 ${run.businessDate}`]).font = { bold: true, size: 14 };
    const head = ws.addRow(['经销商编码', '经销商', '商品编码', '商品', '单位', '方法', '补货销量天数', '有效天数', '断货天数', '日均销量', '期间销量', '当前库存', '在途/已订', '目标库存', '原始数量', '建议数量', '单价', '金额', '状态']);
    head.font = { bold: true };
    const KINDS: CellKind[] = ['text', 'text', 'text', 'text', 'text', 'text', 'qty', 'qty', 'qty', 'unitPrice', 'qty', 'qty', 'qty', 'unitPrice', 'unitPrice', 'qty', 'unitPrice', 'money', 'text'];
    for (const l of items) {
      addTypedRow(ws, [l.dealerCode, l.dealerName, l.productCode, l.productName, l.unit, METHOD_WORDS[l.method] ?? l.method, String(l.windowDays), String(l.usableDays), String(l.stockoutDays), l.avgDaily, l.windowSold, l.currentStock, l.openSupply, l.target, l.rawQty, l.qty, l.unitPrice, l.amount, STATUS_WORDS[l.status] ?? l.status], KINDS);
    }
    ws.columns.forEach((c, i) => (c.width = i === 1 || i === 3 ? 24 : 12));
    await this.db.tx(ctx, (tx) => this.audit.record(tx, { action: 'export', entity: 'replenishment_run', entityId: runId, summary: `exported ${items.length} replenishment line(s)`, after: { lines: items.length } }));
    return { name: `补货建议-${run.businessDate}.xlsx`, data: Buffer.from(await wb.xlsx.writeBuffer()) };
  }

  private ownDealer(ctx: RequestContext): string {
    if (ctx.actor.orgType !== OrgType.DEALER) throw new DomainError(ErrorCode.MALL_DEALER_ONLY, 'Only a dealer has a mall suggestion');
    return ctx.actor.orgId;
  }

  private async orgInScope(ctx: RequestContext, id: string) {
    const org = await this.db.first(ctx, this.db.k.selectFrom('organization as o').select(['o.id', 'o.path', 'o.type', 'o.code']).where('o.id', '=', id).where(orgScope(ctx, 'o.id')));
    if (!org) throw notFound('organization', id);
    return org;
  }
}
