import { Injectable } from '@nestjs/common';
import {
  achievementRate, BuiltinRole, Dashboard, DashboardLink, DashboardRole, DashboardTile, daysInMonth, DataScopeKind, fmt, monthBounds, OrgType,
} from '@drp/shared';
import { sql, SqlBool } from 'kysely';
import { RequestContext } from '../../common/context/request-context';
import { orgScope } from '../../common/scope/data-scope';
import { addDays } from '../../database/business-date';
import { DbService } from '../../database/db.service';
import { overdue } from '../finance/overdue-sql';
import { InvoiceService } from '../invoicing/invoice.service';
import { TargetsService } from './targets.service';

/** The analysis page's route with a query (H3's page; ARCHITECTURE §9 measures and dimensions). */
const analysis = (measures: string, dimensions: string, from: string, to: string, extra: Record<string, string> = {}): DashboardLink => ({
  path: '/reports/analysis',
  query: { measures, dimensions, from, to, ...extra },
});

/** Sums of one period: sales (shipments − returns, tax included), margin, collections. */
interface PeriodSums {
  sales: string;
  margin: string;
  collections: string;
}

/**
 * The home page per role (issue #16): the KPIs the role cares about, each linking into the analysis
 * (or the list where the thing is dealt with), computed with small scoped aggregates. Figures follow
 * the definitions of shared/src/analysis.ts and the targets' achievement (TargetsService).
 * - HQ: sales, margin and collections month to date, past-due receivables; achievement by branch.
 * - Branch manager: the same over its subtree; achievement of its organisations and reps.
 * - Finance: collections today and this month (against the organisation's collection target),
 *   past-due receivables, uninvoiced shipments.
 * - Sales rep: its day (orders taken, sales shipped, collections) and its month against its target.
 */
@Injectable()
export class DashboardService {
  constructor(
    private readonly db: DbService,
    private readonly targets: TargetsService,
    private readonly invoices: InvoiceService,
  ) {}

  /** The view a user gets: scope ALL is HQ; otherwise by built-in role (manager, finance, rep), else none. */
  roleOf(ctx: RequestContext): DashboardRole {
    const u = ctx.actor;
    if (u.orgType === OrgType.DEALER) return 'NONE';
    if (u.scope.all) return 'HQ';
    if (u.roleCodes.includes(BuiltinRole.BRANCH_MANAGER)) return 'MANAGER';
    if (u.roleCodes.includes(BuiltinRole.FINANCE)) return 'FINANCE';
    if (u.roleCodes.includes(BuiltinRole.SALES_REP) || u.scopeKinds.includes(DataScopeKind.ASSIGNED_DEALERS)) return 'REP';
    return 'NONE';
  }

  async dashboard(ctx: RequestContext, today = this.targets.today()): Promise<Dashboard> {
    const role = this.roleOf(ctx);
    const month = today.slice(0, 7);
    const base: Dashboard = { role, today, month, subject: '', tiles: [], achievement: [] };
    if (role === 'NONE') return base;
    const subject = await this.db.one(ctx, this.db.k.selectFrom('organization').select(['id', 'name']).where('id', '=', ctx.actor.orgId));
    const first = monthBounds(month).first;
    if (role === 'REP') return { ...base, subject: ctx.actor.displayName, ...(await this.repView(ctx, today, first)) };
    // the same days of last month (to the same day, or its last day when shorter): what "up or down" compares with
    const prevMonth = monthBounds(addDays(first, -1).slice(0, 7));
    const prevTo = `${prevMonth.first.slice(0, 8)}${String(Math.min(Number(today.slice(8, 10)), daysInMonth(prevMonth.first.slice(0, 7)))).padStart(2, '0')}`;
    const [now, prev, overdue] = await Promise.all([this.sums(ctx, first, today), this.sums(ctx, prevMonth.first, prevTo), this.overdue(ctx, today)]);
    const overdueTile: DashboardTile = { key: 'overdueReceivables', value: overdue.amount, unit: 'money', count: overdue.count, link: { path: '/finance/receivables', query: { overdue: 'true' } } };
    if (role === 'FINANCE') {
      const [day, own, uninvoiced] = await Promise.all([
        this.sums(ctx, today, today),
        this.ownTarget(ctx, ctx.actor.orgId, month, today),
        this.invoices.uninvoicedTotals(ctx),
      ]);
      return {
        ...base, subject: subject.name, achievement: own ? [own] : [],
        tiles: [
          { key: 'collectionsToday', value: day.collections, unit: 'money', link: analysis('receipts', 'dealer', today, today) },
          { key: 'collectionsMtd', value: now.collections, unit: 'money', previous: prev.collections, target: own?.collectionTarget ?? null, rate: own?.collectionRate ?? null, pace: own?.dailyCollectionPaceNeeded ?? null, link: analysis('receipts', 'day', first, today) },
          overdueTile,
          { key: 'uninvoiced', value: fmt(uninvoiced.amount), unit: 'money', count: uninvoiced.lines, link: { path: '/invoicing/uninvoiced', query: {} } },
        ],
      };
    }
    // HQ and branch managers: the organisation's month, then achievement (HQ: by branch; a manager: its organisations and reps)
    const own = role === 'MANAGER' ? await this.ownTarget(ctx, ctx.actor.orgId, month, today) : null;
    const achievement = await this.achievementRows(ctx, role, month, today);
    const by = role === 'HQ' ? 'branch' : 'office';
    return {
      ...base, subject: subject.name, achievement,
      tiles: [
        { key: 'salesMtd', value: now.sales, unit: 'money', previous: prev.sales, target: own?.salesTarget ?? null, rate: own?.salesRate ?? null, pace: own?.dailyPaceNeeded ?? null, link: analysis('sales,returns,netSales', `${by},day`, first, today) },
        { key: 'marginMtd', value: now.margin, unit: 'money', previous: prev.margin, rate: achievementRate(now.margin, now.sales), link: analysis('netSales,cost,grossMargin,marginRate', by, first, today) },
        { key: 'collectionsMtd', value: now.collections, unit: 'money', previous: prev.collections, target: own?.collectionTarget ?? null, rate: own?.collectionRate ?? null, pace: own?.dailyCollectionPaceNeeded ?? null, link: analysis('receipts', `${by},day`, first, today) },
        overdueTile,
      ],
    };
  }

  /** A rep's day and month: only its own orders (and its assigned dealers' receipts). */
  private async repView(ctx: RequestContext, today: string, first: string): Promise<Pick<Dashboard, 'tiles' | 'achievement'>> {
    const me = ctx.actor.id;
    const month = today.slice(0, 7);
    const [orders, actualsToday, target] = await Promise.all([
      this.db.one(
        ctx,
        this.db.k.selectFrom('sales_order as so')
          .select([sql<number>`count(*)::int`.as('n'), sql<string>`COALESCE(sum(so.total), 0)::text`.as('amount')])
          .where('so.sales_rep_id', '=', me)
          .where(sql<SqlBool>`so.business_date = ${today}::date`)
          .where('so.status', 'not in', ['DRAFT', 'CANCELLED', 'REJECTED'])
          .where(orgScope(ctx, 'so.dealer_id')),
      ),
      this.targets.actuals(ctx, [{ orgId: null, repId: me }], today, today, today),
      this.db.first(ctx, this.db.k.selectFrom('sales_target as t').select(['t.id', sql<string>`t.sales_target::text`.as('s'), sql<string>`t.collection_target::text`.as('c')]).where('t.rep_id', '=', me).where(sql<SqlBool>`t.month = ${`${month}-01`}::date`)),
    ]);
    const day = actualsToday.get(`r:${me}`);
    const [row] = target
      ? await this.targets.achievementOf(ctx, month, [{ id: target.id, name: ctx.actor.displayName, orgId: null, repId: me, salesTarget: target.s, collectionTarget: target.c }], today)
      : [];
    const month$ = row ?? (await this.repMonthWithoutTarget(ctx, me, first, today));
    const mine = { repId: me };
    return {
      achievement: row ? [row] : [],
      tiles: [
        { key: 'ordersToday', value: String(orders.n), unit: 'count', previous: null, link: analysis('orderCount,sales', 'dealer', today, today, mine) },
        { key: 'salesToday', value: fmt(day?.monthSales ?? '0'), unit: 'money', link: analysis('sales,returns', 'dealer', today, today, mine) },
        { key: 'collectionsToday', value: fmt(day?.monthCollections ?? '0'), unit: 'money', link: analysis('receipts', 'dealer', today, today) },
        { key: 'salesAchievement', value: month$.salesActual, unit: 'money', target: row?.salesTarget ?? null, rate: row?.salesRate ?? null, pace: row?.dailyPaceNeeded ?? null, link: analysis('sales,returns,netSales', 'day', first, today, mine) },
        { key: 'collectionAchievement', value: month$.collectionActual, unit: 'money', target: row?.collectionTarget ?? null, rate: row?.collectionRate ?? null, pace: row?.dailyCollectionPaceNeeded ?? null, link: analysis('receipts', 'dealer', first, today) },
      ],
    };
  }

  private async repMonthWithoutTarget(ctx: RequestContext, repId: string, first: string, today: string): Promise<{ salesActual: string; collectionActual: string }> {
    const a = (await this.targets.actuals(ctx, [{ orgId: null, repId }], first, first, today)).get(`r:${repId}`);
    return { salesActual: fmt(a?.monthSales ?? '0'), collectionActual: fmt(a?.monthCollections ?? '0') };
  }

  /** The achievement of an organisation's own target this month, when it has one (and it is in scope). */
  private async ownTarget(ctx: RequestContext, orgId: string, month: string, today: string) {
    const t = await this.db.first(
      ctx,
      this.db.k.selectFrom('sales_target as t').innerJoin('organization as o', 'o.id', 't.org_id')
        .select(['t.id', 'o.name', sql<string>`t.sales_target::text`.as('s'), sql<string>`t.collection_target::text`.as('c')])
        .where('t.org_id', '=', orgId).where(sql<SqlBool>`t.month = ${`${month}-01`}::date`).where(orgScope(ctx, 't.org_id')),
    );
    if (!t) return null;
    const [row] = await this.targets.achievementOf(ctx, month, [{ id: t.id, name: t.name, orgId, repId: null, salesTarget: t.s, collectionTarget: t.c }], today);
    return row;
  }

  /** HQ: the targets of the branches (organisations directly under HQ); a manager: every target in its scope. */
  private async achievementRows(ctx: RequestContext, role: DashboardRole, month: string, today: string) {
    const rows = await this.targets.achievement(ctx, { month, asOf: today });
    if (role !== 'HQ') return rows;
    const branches = new Set((await this.db.rows(ctx, this.db.k.selectFrom('organization').select('id').where('type', '=', OrgType.BRANCH).where('depth', '=', 1))).map((b) => b.id));
    return rows.filter((r) => r.key.orgId && branches.has(r.key.orgId));
  }

  /** Sales (shipments − returns, tax included), gross margin ((amount − tax − cost) of shipped lines − the same of returned lines) and collections of dealers in scope. */
  private async sums(ctx: RequestContext, from: string, to: string): Promise<PeriodSums> {
    const q = sql<{ sales: string; margin: string; collections: string }>`
      SELECT
        (SELECT COALESCE(sum(s.amount), 0) FROM shipment s WHERE s.business_date BETWEEN ${from}::date AND ${to}::date AND ${orgScope(ctx, 's.dealer_id')})
        - (SELECT COALESCE(sum(r.amount), 0) FROM sales_return r WHERE r.business_date BETWEEN ${from}::date AND ${to}::date AND ${orgScope(ctx, 'r.dealer_id')}) AS sales,
        (SELECT COALESCE(sum(sl.amount - sl.tax_amount - sl.cost_amount), 0) FROM shipment s JOIN shipment_line sl ON sl.shipment_id = s.id
          WHERE s.business_date BETWEEN ${from}::date AND ${to}::date AND ${orgScope(ctx, 's.dealer_id')})
        - (SELECT COALESCE(sum(rl.amount - rl.tax_amount - rl.cost_amount), 0) FROM sales_return r JOIN sales_return_line rl ON rl.return_id = r.id
          WHERE r.business_date BETWEEN ${from}::date AND ${to}::date AND ${orgScope(ctx, 'r.dealer_id')}) AS margin,
        (SELECT COALESCE(sum(rc.amount), 0) FROM receipt rc WHERE rc.status = 'ACTIVE' AND rc.business_date BETWEEN ${from}::date AND ${to}::date AND ${orgScope(ctx, 'rc.dealer_id')}) AS collections`.compile(this.db.k);
    const [r] = await this.db.query<{ sales: string; margin: string; collections: string }>(ctx, q.sql, q.parameters as unknown[]);
    return { sales: fmt(r.sales), margin: fmt(r.margin), collections: fmt(r.collections) };
  }

  /** Receivables past due (the day after the due date, ARCHITECTURE §6) with an open amount, in scope. */
  private async overdue(ctx: RequestContext, today: string): Promise<{ amount: string; count: number }> {
    const r = await this.db.one(
      ctx,
      this.db.k.selectFrom('receivable as r')
        .select([sql<number>`count(*)::int`.as('n'), sql<string>`COALESCE(sum(r.open_amount), 0)::text`.as('amount')])
        .where(overdue('r', today))
        .where(orgScope(ctx, 'r.dealer_id')),
    );
    return { amount: fmt(r.amount), count: r.n };
  }
}
