import { Inject, Injectable } from '@nestjs/common';
import { fmt, LoginWarningsDto } from '@drp/shared';
import { APP_CONFIG, AppConfig } from '../../config/config';
import { RequestContext } from '../../common/context/request-context';
import { applyOrgScope } from '../../common/scope/data-scope';
import { businessDate } from '../../database/business-date';
import { DbService } from '../../database/db.service';
import { overdueSql } from '../finance/credit.service';

/**
 * 登录预警: what a user should see on signing in — approvals waiting for them, overdue receivables
 * and low stock in their scope (each only with the permission to read it). A read model over
 * other modules' tables, scoped by the one scope helper.
 */
@Injectable()
export class WarningsService {
  constructor(
    private readonly db: DbService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async forUser(ctx: RequestContext): Promise<LoginWarningsDto> {
    const [{ n: pendingApprovals }] = await this.db.query<{ n: number }>(
      ctx,
      `SELECT count(*)::int AS n FROM approval_task t JOIN approval_instance i ON i.id = t.instance_id WHERE t.approver_id = $1 AND t.status = 'PENDING'`,
      [ctx.actor.id],
    );
    let overdue = { count: 0, amount: '0.00' };
    if (ctx.can('finance:view')) {
      const qb = this.db
        .manager(ctx)
        .createQueryBuilder()
        .from('receivable', 'r')
        .select('count(*)::int', 'n')
        .addSelect('COALESCE(sum(r.open_amount), 0)', 'amount')
        .where(overdueSql('r', ':today::date'), { today: businessDate(new Date(), this.config.companyTz) });
      applyOrgScope(qb, ctx, 'r.dealer_id');
      const r = (await qb.getRawOne<{ n: number; amount: string }>())!;
      overdue = { count: r.n, amount: fmt(r.amount) };
    }
    let lowStock = 0;
    if (ctx.can('stock:view')) {
      const qb = this.db
        .manager(ctx)
        .createQueryBuilder()
        .from('stock', 's')
        .innerJoin('warehouse', 'w', 'w.id = s.warehouse_id')
        .innerJoin('product', 'p', 'p.id = s.product_id')
        .select('count(*)::int', 'n')
        .where('COALESCE(s.low_threshold, p.low_stock_threshold) > 0 AND s.on_hand - s.reserved <= COALESCE(s.low_threshold, p.low_stock_threshold)');
      applyOrgScope(qb, ctx, 'w.org_id');
      lowStock = (await qb.getRawOne<{ n: number }>())!.n;
    }
    return { pendingApprovals, overdueReceivables: overdue, lowStock };
  }
}
