import { Inject, Injectable } from '@nestjs/common';
import {
  CollectionsReport, Dec, ErrorCode, fmt, isReadyReportKey, MallUsageReport, MONTHLY_READY_REPORTS, READY_REPORT_LIMITS, ReadyReportKey, SellThroughReport, StockDaysReport, VisitKpisReport,
} from '@drp/shared';
import { Expression, RawBuilder, sql, SqlBool } from 'kysely';
import { APP_CONFIG, AppConfig } from '../../config/config';
import { RequestContext } from '../../common/context/request-context';
import { DomainError, notFound } from '../../common/errors/domain-error';
import { resolvePage } from '../../common/http/pagination';
import { assertInScope, orgScope, productInScope } from '../../common/scope/data-scope';
import { addDays, businessDate } from '../../database/business-date';
import { DbService } from '../../database/db.service';
import { ReadyReportQueryDto } from './ready-reports.dto';
import { collectionsSql, mallUsageSql, mallUsageSummarySql, sellThroughSql, stockDaysSql, visitKpisSql } from './ready-reports.sql';

const STOCK_SORT = { daysOfStock: 'f.days ASC NULLS LAST', stockValue: 'f.stock_value', onHand: 'f.on_hand', product: 'p.code', warehouse: 'w.code' };
const SELL_SORT = { dealer: 'dealer_code', product: 'product_code', netQty: 'net', reportedSold: 'sold', sellThroughRate: 'rate' };

/** a / b to 4 decimals (half up), null when b is 0 */
const ratio = (a: string, b: string): string | null => (new Dec(b).isZero() ? null : new Dec(a).div(b).toFixed(4));

/**
 * Ready reports (现成报表, issue #16): the reports that are not plain analysis pivots. Each is one
 * scoped SQL statement (ready-reports.sql.ts); a branch user sees its subtree only, a `branchId`
 * filter narrows to that branch and the offices under it (404 when outside the caller's scope).
 */
@Injectable()
export class ReadyReportsService {
  constructor(
    private readonly db: DbService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private today(): string {
    return businessDate(new Date(), this.config.companyTz);
  }

  async report(ctx: RequestContext, key: string, q: ReadyReportQueryDto) {
    if (!isReadyReportKey(key)) throw notFound('report', key);
    if (q.branchId) await assertInScope(this.db, ctx, 'organization', 'id', q.branchId, 'organization');
    if (q.dealerId) await assertInScope(this.db, ctx, 'organization', 'id', q.dealerId, 'organization');
    if (q.warehouseId) await assertInScope(this.db, ctx, 'warehouse', 'org_id', q.warehouseId, 'warehouse');
    switch (key) {
      case 'stockDays':
        return this.stockDays(ctx, q);
      case 'sellThrough':
        return this.sellThrough(ctx, q);
      case 'visitKpis':
        return this.visitKpis(ctx, q);
      case 'mallUsage':
        return this.mallUsage(ctx, q);
      case 'collections':
        return this.collections(ctx, q);
    }
  }

  /** The period: `to` default today; `from` default the last 30 days (sellThrough 90), or 12 whole months for the monthly reports; at most maxDays. */
  period(key: ReadyReportKey, q: { from?: string; to?: string }): { from: string; to: string } {
    const to = q.to ?? this.today();
    let from = q.from;
    if (!from) {
      if (MONTHLY_READY_REPORTS.includes(key)) {
        const [y, m] = to.split('-').map(Number);
        const back = y * 12 + (m - 1) - (READY_REPORT_LIMITS.defaultMonths - 1);
        from = `${Math.floor(back / 12)}-${String((back % 12) + 1).padStart(2, '0')}-01`;
      } else from = addDays(to, -((key === 'sellThrough' ? READY_REPORT_LIMITS.sellThroughDays : READY_REPORT_LIMITS.defaultDays) - 1));
    }
    if (from > to) throw new DomainError(ErrorCode.VALIDATION_FAILED, 'from must not be after to', { field: 'from', from, to });
    const days = (Date.parse(to) - Date.parse(from)) / 86_400_000 + 1;
    if (days > READY_REPORT_LIMITS.maxDays) {
      throw new DomainError(ErrorCode.VALIDATION_FAILED, `The period may span at most ${READY_REPORT_LIMITS.maxDays} days`, { field: 'from', maxDays: READY_REPORT_LIMITS.maxDays, days });
    }
    return { from, to };
  }

  /** dealers (organisation rows `o`) in the caller's scope, under `branchId`, or the one `dealerId` */
  private dealers(ctx: RequestContext, q: ReadyReportQueryDto): Expression<SqlBool> {
    const parts: Expression<SqlBool>[] = [orgScope(ctx, 'o.id')];
    if (q.branchId) parts.push(sql<SqlBool>`o.path LIKE (SELECT bo.path FROM organization bo WHERE bo.id = ${q.branchId}) || '%'`);
    if (q.dealerId) parts.push(sql<SqlBool>`o.id = ${q.dealerId}`);
    return sql<SqlBool>`(${sql.join(parts, sql` AND `)})`;
  }

  private async exec<R>(ctx: RequestContext, raw: RawBuilder<R>): Promise<R[]> {
    const c = raw.compile(this.db.k);
    return this.db.query<R>(ctx, c.sql, c.parameters as unknown[]);
  }

  async stockDays(ctx: RequestContext, q: ReadyReportQueryDto): Promise<StockDaysReport> {
    const to = this.today();
    const from = addDays(to, -(READY_REPORT_LIMITS.stockWindowDays - 1));
    const page = resolvePage(q, STOCK_SORT, 'daysOfStock');
    const warehouses: Expression<SqlBool>[] = [orgScope(ctx, 'w.org_id')];
    if (q.warehouseId) warehouses.push(sql<SqlBool>`w.id = ${q.warehouseId}`);
    if (q.branchId) warehouses.push(sql<SqlBool>`w.org_id IN (SELECT bo.id FROM organization bo WHERE bo.path LIKE (SELECT path FROM organization WHERE id = ${q.branchId}) || '%')`);
    const order = page.column.includes(' ') ? page.column.replace('ASC', page.direction) : `${page.column} ${page.direction}`;
    const run = (limit: number, offset: number) =>
      this.exec(ctx, stockDaysSql({ warehouses: sql<SqlBool>`(${sql.join(warehouses, sql` AND `)})`, products: productInScope(ctx, 'p'), from, to, q: q.q, order, limit, offset }));
    const rows = await run(page.pageSize, page.offset);
    // the whole set's figures ride on every row; a page past the end has none: read them from the first row
    const head = rows[0] ?? (page.offset ? (await run(1, 0))[0] : undefined);
    return {
      key: 'stockDays', from, to, total: head?.total ?? 0, page: page.page, pageSize: page.pageSize,
      summary: { windowDays: READY_REPORT_LIMITS.stockWindowDays, stockValue: fmt(head?.total_value ?? 0), onHand: fmt(head?.total_on_hand ?? 0, 'qty') },
      items: rows.map((r) => ({
        warehouseId: r.warehouse_id, warehouseCode: r.warehouse_code, warehouseName: r.warehouse_name, productId: r.product_id, productCode: r.product_code, productName: r.product_name, unit: r.unit,
        onHand: fmt(r.on_hand, 'qty'), avgCost: r.avg_cost, stockValue: fmt(r.stock_value), shippedQty: fmt(r.shipped_qty, 'qty'), avgDailyQty: fmt(r.avg_daily, 'qty'), daysOfStock: r.days,
      })),
    };
  }

  async sellThrough(ctx: RequestContext, q: ReadyReportQueryDto): Promise<SellThroughReport> {
    const { from, to } = this.period('sellThrough', q);
    const page = resolvePage(q, SELL_SORT, '-reportedSold');
    const order = `${page.column} ${page.direction}${page.column === 'rate' ? ' NULLS LAST' : ''}`;
    const run = (limit: number, offset: number) => this.exec(ctx, sellThroughSql({ dealers: this.dealers(ctx, q), from, to, q: q.q, order, limit, offset }));
    const rows = await run(page.pageSize, page.offset);
    // a page past the end: the figures of the whole set from its first row
    const head = rows[0] ?? (page.offset ? (await run(1, 0))[0] : undefined);
    const shipped = head?.t_shipped ?? '0';
    const returned = head?.t_returned ?? '0';
    const net = new Dec(shipped).minus(returned);
    const sold = head?.t_sold ?? '0';
    return {
      key: 'sellThrough', from, to, total: head?.total ?? 0, page: page.page, pageSize: page.pageSize,
      summary: { shippedQty: fmt(shipped, 'qty'), returnedQty: fmt(returned, 'qty'), netQty: fmt(net, 'qty'), reportedSold: fmt(sold, 'qty'), sellThroughRate: ratio(sold, net.toString()) },
      items: rows.map((r) => ({
        dealerId: r.dealer_id, dealerCode: r.dealer_code, dealerName: r.dealer_name, productId: r.product_id, productCode: r.product_code, productName: r.product_name, unit: r.unit,
        shippedQty: fmt(r.shipped, 'qty'), returnedQty: fmt(r.returned, 'qty'), netQty: fmt(r.net, 'qty'), reportedSold: fmt(r.sold, 'qty'), reportedDays: r.days,
        reportedStock: r.last_stock === null ? null : fmt(r.last_stock, 'qty'), reportedStockDate: r.last_date, sellThroughRate: r.rate,
      })),
    };
  }

  async visitKpis(ctx: RequestContext, q: ReadyReportQueryDto): Promise<VisitKpisReport> {
    const { from, to } = this.period('visitKpis', q);
    const reps: Expression<SqlBool>[] = [orgScope(ctx, 'u.org_id')];
    if (q.branchId) reps.push(sql<SqlBool>`u.org_id IN (SELECT bo.id FROM organization bo WHERE bo.path LIKE (SELECT path FROM organization WHERE id = ${q.branchId}) || '%')`);
    const rows = await this.exec(ctx, visitKpisSql({ reps: sql<SqlBool>`(${sql.join(reps, sql` AND `)})`, dealers: this.dealers(ctx, q), from, to }));
    const items = rows.map((r) => ({
      repId: r.rep_id, repName: r.rep_name, planned: r.planned, plannedDone: r.planned_done, planRate: r.planned ? new Dec(r.planned_done).div(r.planned).toFixed(4) : null,
      visits: r.visits, offSite: r.off_site, avgMinutes: r.avg_minutes, visitOrders: r.orders, visitOrderAmount: fmt(r.amount),
    }));
    const sum = (f: (r: (typeof items)[number]) => number) => items.reduce((s, r) => s + f(r), 0);
    return {
      key: 'visitKpis', from, to, total: items.length, page: 1, pageSize: items.length, items,
      summary: {
        planned: sum((r) => r.planned), plannedDone: sum((r) => r.plannedDone), visits: sum((r) => r.visits), offSite: sum((r) => r.offSite), visitOrders: sum((r) => r.visitOrders),
        visitOrderAmount: fmt(items.reduce((s, r) => s.plus(r.visitOrderAmount), new Dec(0))),
      },
    };
  }

  async mallUsage(ctx: RequestContext, q: ReadyReportQueryDto): Promise<MallUsageReport> {
    const { from, to } = this.period('mallUsage', q);
    const dealers = this.dealers(ctx, q);
    const rows = await this.exec(ctx, mallUsageSql({ dealers, from, to }));
    const [s] = await this.exec(ctx, mallUsageSummarySql({ dealers, from, to }));
    const items = rows.map((r) => ({ month: r.month, source: r.source, orders: r.orders, amount: fmt(r.amount), activeMallDealers: r.active }));
    const mall = items.filter((r) => r.source === 'MALL');
    const amount = (list: typeof items) => fmt(list.reduce((t, r) => t.plus(r.amount), new Dec(0)));
    return {
      key: 'mallUsage', from, to, total: items.length, page: 1, pageSize: items.length, items,
      summary: {
        orders: items.reduce((t, r) => t + r.orders, 0), amount: amount(items), mallOrders: mall.reduce((t, r) => t + r.orders, 0), mallAmount: amount(mall),
        activeMallDealers: s.active, dealersInScope: s.dealers, activeRate: s.dealers ? new Dec(s.active).div(s.dealers).toFixed(4) : null,
      },
    };
  }

  async collections(ctx: RequestContext, q: ReadyReportQueryDto): Promise<CollectionsReport> {
    const { from, to } = this.period('collections', q);
    const rows = await this.exec(ctx, collectionsSql({ dealers: this.dealers(ctx, q), from, to, today: this.today() }));
    const items = rows.map((r) => {
      const net = new Dec(r.shipped).minus(r.returned);
      return {
        branchId: r.branch_id, branchCode: r.branch_code, branchName: r.branch_name, month: r.month, shipped: fmt(r.shipped), returned: fmt(r.returned), netShipped: fmt(net),
        receipts: fmt(r.receipts), collectionRate: net.greaterThan(0) ? new Dec(r.receipts).div(net).toFixed(4) : null, overdue: fmt(r.overdue),
      };
    });
    const total = (f: (r: (typeof items)[number]) => string) => fmt(items.reduce((t, r) => t.plus(f(r)), new Dec(0)));
    const netShipped = total((r) => r.netShipped);
    const receipts = total((r) => r.receipts);
    return {
      key: 'collections', from, to, total: items.length, page: 1, pageSize: items.length, items,
      summary: {
        shipped: total((r) => r.shipped), returned: total((r) => r.returned), netShipped, receipts,
        collectionRate: new Dec(netShipped).greaterThan(0) ? new Dec(receipts).div(netShipped).toFixed(4) : null, overdue: total((r) => r.overdue),
      },
    };
  }
}
