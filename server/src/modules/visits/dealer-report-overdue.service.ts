import { Inject, Injectable, Logger } from '@nestjs/common';
import { OrgType, OverdueDealerDto, OverdueDealersAnswer, ReportReminderResult } from '@drp/shared';
import { sql } from 'kysely';
import { APP_CONFIG, AppConfig } from '../../config/config';
import { RequestContext } from '../../common/context/request-context';
import { escapeLike, PageQueryDto, resolvePage } from '../../common/http/pagination';
import { orgScope } from '../../common/scope/data-scope';
import { addDays, businessDate } from '../../database/business-date';
import { DbService } from '../../database/db.service';
import { AuditService } from '../audit/audit.service';
import { JobsService } from '../jobs/jobs.service';
import { NotificationService } from '../notifications/notification.service';
import { SettingsService } from '../settings/settings.service';

export const REPORT_REMINDER_JOB = 'visits.report-reminder';
/** how many dealer names a rep's reminder spells out before "…" */
const NAMES_IN_NOTICE = 3;

/**
 * 未上报: the dealers that have not reported their stock and sales within the company's
 * `report_overdue_days` (a dealer is overdue when it has no report dated on or after today − N, i.e.
 * its latest report is more than N days old, or it never reported), and the reminders they get.
 *
 * A reminder goes to the dealer's own users (a notice linking its report page) and to its reps
 * (管辖往来单位: one notice per rep naming its overdue dealers). The daily job reminds every overdue
 * dealer; the button reminds those of the caller's scope (or the ones picked). One reminder per
 * dealer and business date: the row in dealer_report_reminder is inserted ON CONFLICT DO NOTHING and
 * only the dealers whose row went in are told, so the job and the button never both remind a dealer
 * on the same day, even when they race.
 */
@Injectable()
export class DealerReportOverdueService {
  private readonly logger = new Logger('ReportReminder');

  constructor(
    private readonly db: DbService,
    private readonly audit: AuditService,
    private readonly settings: SettingsService,
    private readonly notifications: NotificationService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    jobs: JobsService,
  ) {
    // 09:00 every day in the company time zone
    jobs.register(REPORT_REMINDER_JOB, async () => void (await this.remind(RequestContext.system(), 'JOB')), '0 9 * * *');
  }

  private today(): string {
    return businessDate(new Date(), this.config.companyTz);
  }

  /** The overdue dealers in the caller's scope as a query over `organization as o` (never reported first, then the longest silent). */
  private overdue(ctx: RequestContext, cutoff: string, q?: string) {
    let query = this.db.k
      .selectFrom('organization as o')
      .where('o.type', '=', OrgType.DEALER)
      .where('o.status', '=', 'ACTIVE')
      .where(orgScope(ctx, 'o.id'))
      .where(sql<boolean>`NOT EXISTS (SELECT 1 FROM dealer_report r WHERE r.dealer_id = o.id AND r.business_date >= ${cutoff}::date)`);
    if (q) query = query.where((eb) => eb.or([eb('o.code', 'ilike', `%${escapeLike(q)}%`), eb('o.name', 'ilike', `%${escapeLike(q)}%`)]));
    return query;
  }

  async list(ctx: RequestContext, query: PageQueryDto): Promise<OverdueDealersAnswer> {
    const today = this.today();
    const { reportOverdueDays } = await this.settings.get(ctx);
    const cutoff = addDays(today, -reportOverdueDays);
    const { page, pageSize, offset } = resolvePage(query, { lastReport: 'last_day' }, 'lastReport'); // one order: never reported first, then the longest silent
    const base = this.overdue(ctx, cutoff, query.q?.trim() || undefined);
    const [{ n }, rows] = await Promise.all([
      this.db.one(ctx, base.select(sql<number>`count(*)::int`.as('n'))),
      this.db.rows(
        ctx,
        base
          .leftJoin('dealer_report_reminder as rm', (j) => j.onRef('rm.dealer_id', '=', 'o.id').on('rm.business_date', '=', sql<Date>`${today}::date`))
          .select(['o.id', 'o.code', 'o.name', 'rm.created_at as reminded_at'])
          .select(sql<string | null>`(SELECT to_char(max(r.business_date), 'YYYY-MM-DD') FROM dealer_report r WHERE r.dealer_id = o.id)`.as('last_day'))
          .select(sql<string | null>`(SELECT b.name FROM organization b WHERE b.type = ${OrgType.BRANCH} AND o.path LIKE b.path || '%' ORDER BY b.depth DESC LIMIT 1)`.as('branch_name'))
          .orderBy(sql`(SELECT max(r.business_date) FROM dealer_report r WHERE r.dealer_id = o.id) ASC NULLS FIRST`)
          .orderBy('o.code')
          .limit(pageSize)
          .offset(offset),
      ),
    ]);
    const reps = await this.repsOf(ctx, rows.map((r) => r.id));
    const items: OverdueDealerDto[] = rows.map((r) => ({
      dealerId: r.id,
      dealerCode: r.code,
      dealerName: r.name,
      branchName: r.branch_name,
      lastReportDate: r.last_day,
      daysSince: r.last_day ? daysBetween(r.last_day, today) : null,
      reps: reps.get(r.id) ?? [],
      remindedAt: r.reminded_at ? new Date(r.reminded_at).toISOString() : null,
    }));
    return { today, overdueDays: reportOverdueDays, items, total: n, page, pageSize };
  }

  /** The active reps of each dealer: users assigned the dealer, or a dealer above it (管辖往来单位). */
  private async repsOf(ctx: RequestContext, dealerIds: string[]): Promise<Map<string, { id: string; name: string }[]>> {
    const out = new Map<string, { id: string; name: string }[]>();
    if (!dealerIds.length) return out;
    const rows = await this.db.rows(
      ctx,
      this.db.k
        .selectFrom('organization as o')
        .innerJoin('organization as ad', (j) => j.on(sql<boolean>`o.path LIKE ad.path || '%'`))
        .innerJoin('user_dealer as ud', 'ud.dealer_id', 'ad.id')
        .innerJoin('app_user as u', 'u.id', 'ud.user_id')
        .select(['o.id as dealer_id', 'u.id', 'u.display_name'])
        .distinct()
        .where('o.id', 'in', dealerIds)
        .where('u.status', '=', 'ACTIVE')
        .orderBy('u.display_name'),
    );
    for (const r of rows) out.set(r.dealer_id, [...(out.get(r.dealer_id) ?? []), { id: r.id, name: r.display_name }]);
    return out;
  }

  /**
   * Reminds the overdue dealers of the caller's scope (all of them, or those of `dealerIds`) that were not
   * reminded today. `trigger`: JOB (the daily run, system scope) or MANUAL (a person's button).
   */
  async remind(ctx: RequestContext, trigger: 'JOB' | 'MANUAL', dealerIds?: string[]): Promise<ReportReminderResult> {
    const today = this.today();
    const result = await this.db.tx(ctx, async (tx) => {
      const { reportOverdueDays } = await this.settings.get(tx);
      const cutoff = addDays(today, -reportOverdueDays);
      let candidates = this.overdue(tx, cutoff);
      if (dealerIds) {
        if (!dealerIds.length) return { reminded: 0, alreadyToday: 0, notified: 0 };
        candidates = candidates.where('o.id', 'in', dealerIds);
      }
      const due = await this.db.rows(
        tx,
        candidates
          .select(['o.id', 'o.code', 'o.name'])
          .select(sql<string | null>`(SELECT to_char(max(r.business_date), 'YYYY-MM-DD') FROM dealer_report r WHERE r.dealer_id = o.id)`.as('last_day'))
          .orderBy('o.code'),
      );
      if (!due.length) return { reminded: 0, alreadyToday: 0, notified: 0 };
      // the day's one reminder per dealer: only the dealers whose row goes in are told
      const inserted = await this.db.query<{ dealer_id: string }>(
        tx,
        `INSERT INTO dealer_report_reminder (dealer_id, business_date, trigger, last_report_date, sent_by)
         SELECT x.dealer_id, $2::date, $3, x.last_day, $4 FROM unnest($1::uuid[], $5::date[]) AS x(dealer_id, last_day)
         ON CONFLICT (dealer_id, business_date) DO NOTHING
         RETURNING dealer_id`,
        [due.map((d) => d.id), today, trigger, tx.user?.id ?? null, due.map((d) => d.last_day)],
      );
      const fresh = new Set(inserted.map((r) => r.dealer_id));
      const reminded = due.filter((d) => fresh.has(d.id));
      if (!reminded.length) return { reminded: 0, alreadyToday: due.length, notified: 0 };

      const ids = reminded.map((d) => d.id);
      const dealerUsers = await this.db.rows(tx, this.db.k.selectFrom('app_user as u').select(['u.id', 'u.org_id']).where('u.org_id', 'in', ids).where('u.status', '=', 'ACTIVE'));
      const reps = await this.repsOf(tx, ids);
      const told = new Set<string>();
      const notified = new Map<string, number>();
      for (const d of reminded) {
        const users = dealerUsers.filter((u) => u.org_id === d.id).map((u) => u.id);
        const days = d.last_day ? String(daysBetween(d.last_day, today)) : '';
        const title = d.last_day ? `请上报库存销量：距上次上报（${d.last_day}）已 ${days} 天` : '请上报库存销量：贵司尚未上报过库存销量';
        await this.notifications.notify(tx, users, {
          kind: 'REPORT_REMINDER',
          title,
          message: d.last_day ? { key: 'reportReminder', params: { lastDate: d.last_day, days } } : { key: 'reportNever', params: {} },
          link: '/mall/me/report',
        });
        users.forEach((u) => told.add(u));
        notified.set(d.id, users.length);
      }
      // each rep once, naming its overdue dealers
      const byRep = new Map<string, string[]>();
      for (const d of reminded) for (const r of reps.get(d.id) ?? []) byRep.set(r.id, [...(byRep.get(r.id) ?? []), d.name]);
      for (const [repId, names] of byRep) {
        const shown = names.slice(0, NAMES_IN_NOTICE).join('、') + (names.length > NAMES_IN_NOTICE ? '…' : '');
        await this.notifications.notify(tx, [repId], {
          kind: 'REPORT_REMINDER',
          title: `${names.length} 家经销商超过 ${reportOverdueDays} 天未上报库存销量：${shown}`,
          message: { key: 'reportOverdue', params: { count: String(names.length), days: String(reportOverdueDays), dealers: shown } },
          link: '/replenishment/reports?tab=missing',
        });
        told.add(repId);
      }
      for (const d of reminded) {
        const n = (notified.get(d.id) ?? 0) + (reps.get(d.id)?.length ?? 0);
        if (n) await this.db.rows(tx, this.db.k.updateTable('dealer_report_reminder').set({ notified: n }).where('dealer_id', '=', d.id).where('business_date', '=', sql<Date>`${today}::date`));
      }
      told.delete(tx.user?.id ?? '');
      await this.audit.record(tx, {
        action: 'remind',
        entity: 'dealer_report_reminder',
        summary: `reminded ${reminded.length} dealer(s) to report (${trigger}): ${reminded.map((d) => d.code).join(', ')}`,
        after: { trigger, dealers: reminded.map((d) => d.code), notified: told.size },
      });
      return { reminded: reminded.length, alreadyToday: due.length - reminded.length, notified: told.size };
    });
    if (trigger === 'JOB') this.logger.log(result, 'report reminders sent');
    return result;
  }
}

/** Whole days from `from` to `to` (YYYY-MM-DD). */
function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}
