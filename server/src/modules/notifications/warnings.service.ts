import { Inject, Injectable } from '@nestjs/common';
import { fmt, LoginWarningsDto, OrderSource, OrderStatus } from '@drp/shared';
import { sql } from 'kysely';
import { APP_CONFIG, AppConfig } from '../../config/config';
import { RequestContext } from '../../common/context/request-context';
import { orgScope } from '../../common/scope/data-scope';
import { businessDate } from '../../database/business-date';
import { DbService } from '../../database/db.service';
import { overdue as overdueAt } from '../finance/receivable.service';

/** Counts a module contributes to the sign-in warnings (the approval module: tasks waiting for the user). */
export type WarningCount = (ctx: RequestContext) => Promise<number>;

/**
 * 登录预警: what a user should see on signing in — approvals waiting for them, mall orders waiting
 * for review (customer service), overdue receivables and low stock in their scope (each only with
 * the permission to act on or read it). Approvals are counted by the approval module (it registers
 * its count here: approval depends on notifications, not the other way round); reviews,
 * receivables and stock are one scoped count each (ALLOWED_READS).
 */
@Injectable()
export class WarningsService {
  private pendingApprovals: WarningCount = async () => 0;

  constructor(
    private readonly db: DbService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The approval module's count of open tasks assigned to the user. */
  countPendingApprovalsWith(count: WarningCount): void {
    this.pendingApprovals = count;
  }

  async forUser(ctx: RequestContext): Promise<LoginWarningsDto> {
    const pendingApprovals = await this.pendingApprovals(ctx);
    let pendingReviews = 0;
    if (ctx.can('orders:review')) {
      // the review queue's rule (mall-admin/review): mall orders in PENDING_REVIEW of dealers in scope
      const r = await this.db.one(
        ctx,
        this.db.k
          .selectFrom('sales_order as o')
          .select(sql<number>`count(*)::int`.as('n'))
          .where('o.status', '=', OrderStatus.PENDING_REVIEW)
          .where('o.source', '=', OrderSource.MALL)
          .where(orgScope(ctx, 'o.dealer_id')),
      );
      pendingReviews = r.n;
    }
    let overdue = { count: 0, amount: '0.00' };
    if (ctx.can('finance:view')) {
      const today = businessDate(new Date(), this.config.companyTz);
      const r = await this.db.one(
        ctx,
        this.db.k
          .selectFrom('receivable as r')
          .select([sql<number>`count(*)::int`.as('n'), sql<string>`COALESCE(sum(r.open_amount), 0)`.as('amount')])
          // finance's overdue rule
          .where(overdueAt('r', today))
          .where(orgScope(ctx, 'r.dealer_id')),
      );
      overdue = { count: r.n, amount: fmt(r.amount) };
    }
    let lowStock = 0;
    if (ctx.can('stock:view')) {
      const r = await this.db.one(
        ctx,
        this.db.k
          .selectFrom('stock as s')
          .innerJoin('warehouse as w', 'w.id', 's.warehouse_id')
          .innerJoin('product as p', 'p.id', 's.product_id')
          .select(sql<number>`count(*)::int`.as('n'))
          .where(sql<boolean>`COALESCE(s.low_threshold, p.low_stock_threshold) > 0 AND s.on_hand - s.reserved <= COALESCE(s.low_threshold, p.low_stock_threshold)`)
          .where(orgScope(ctx, 'w.org_id')),
      );
      lowStock = r.n;
    }
    return { pendingApprovals, pendingReviews, overdueReceivables: overdue, lowStock };
  }
}
