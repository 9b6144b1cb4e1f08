import { Inject, Injectable } from '@nestjs/common';
import { DataScopeKind, OrgType } from '@drp/shared';
import { sql } from 'kysely';
import { APP_CONFIG, AppConfig } from '../../config/config';
import { RequestContext } from '../../common/context/request-context';
import { orgScope } from '../../common/scope/data-scope';
import { addDays, businessDate } from '../../database/business-date';
import { DbService } from '../../database/db.service';
import { CoverageQueryDto, RangeQueryDto, VisitQueryDto } from './visit.dto';
import { PLAN_OCCURS } from './visit-plan.service';
import { isRepOnly, VisitDto, VisitService } from './visit.service';
import { escapeLike, pageIdsOf, Sortable } from '../../common/http/pagination';
import { Paged } from '@drp/shared';

export interface RepDayDto {
  date: string;
  planned: number;
  plannedDone: number;
  done: number;
  offSite: number;
  durationS: number;
  photos: number;
  countLines: number;
}

export interface RepKpiDto {
  repId: string;
  repName: string;
  visits: number;
  daysWorked: number;
  visitsPerDay: string;
  onSiteRate: string | null;
  avgDurationS: number | null;
  ordersTaken: number;
  planned: number;
  plannedDone: number;
}

const VISIT_SORT: Sortable = { checkInAt: { notNull: 'v.check_in_at' }, date: { notNull: 'v.business_date' }, dealer: { notNull: 'd.code' }, durationS: 'v.duration_s' };

/**
 * The supervisor's view (业务员日常监管): each rep's days (planned vs done, time on site, off-site
 * check-ins, photos, counts), the visits for the map, coverage (dealers not visited in N days) and
 * KPIs per rep. A manager sees the reps and dealers of its branch, HQ everyone, a rep only itself.
 */
@Injectable()
export class VisitSupervisorService {
  constructor(
    private readonly db: DbService,
    private readonly visits: VisitService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private today(): string {
    return businessDate(new Date(), this.config.companyTz);
  }

  /** The reps the caller supervises: users in its scope whose role scope is their assigned dealers (a rep: itself). */
  async reps(ctx: RequestContext): Promise<{ id: string; name: string }[]> {
    let q = this.db.k
      .selectFrom('app_user as u')
      .select(['u.id', 'u.display_name'])
      .where(orgScope(ctx, 'u.org_id'))
      .where(sql<boolean>`EXISTS (SELECT 1 FROM user_role ur JOIN role r ON r.id = ur.role_id WHERE ur.user_id = u.id AND r.data_scope = ${DataScopeKind.ASSIGNED_DEALERS})`)
      .orderBy('u.display_name');
    if (isRepOnly(ctx)) q = q.where('u.id', '=', ctx.user!.id);
    return (await this.db.rows(ctx, q)).map((r) => ({ id: r.id, name: r.display_name }));
  }

  private async dealerIds(ctx: RequestContext): Promise<string[]> {
    const rows = await this.db.rows(ctx, this.db.k.selectFrom('organization as o').select('o.id').where('o.type', '=', OrgType.DEALER).where(orgScope(ctx, 'o.id')));
    return rows.map((r) => r.id);
  }

  private range(q: RangeQueryDto): { from: string; to: string } {
    const to = q.to ?? this.today();
    const from = q.from ?? addDays(to, -6);
    return from <= to ? { from, to } : { from: to, to: from };
  }

  /** Each rep's days in a range (default: the last 7 days) and the visits of the range (for the map and the list). */
  async board(ctx: RequestContext, q: RangeQueryDto): Promise<{ from: string; to: string; reps: { repId: string; repName: string; days: RepDayDto[] }[]; visits: VisitDto[] }> {
    const { from, to } = this.range(q);
    let reps = await this.reps(ctx);
    if (q.repId) reps = reps.filter((r) => r.id === q.repId);
    const dealers = await this.dealerIds(ctx);
    const repIds = reps.map((r) => r.id);
    const rows = await this.db.query<RepDayDto & { rep_id: string }>(
      ctx,
      `WITH days AS (SELECT d::date AS day FROM generate_series($1::date, $2::date, '1 day') d),
       planned AS (
         SELECT p.rep_id, days.day, p.id AS plan_id, p.dealer_id FROM visit_plan p JOIN days ON ${PLAN_OCCURS('days.day')}
          WHERE p.rep_id = ANY($3::uuid[]) AND p.dealer_id = ANY($4::uuid[])
       ), done AS (
         SELECT v.rep_id, v.business_date AS day, count(*)::int AS done, count(*) FILTER (WHERE v.off_site)::int AS off_site,
                COALESCE(sum(v.duration_s), 0)::int AS duration_s,
                COALESCE(sum((SELECT count(*) FROM visit_photo ph WHERE ph.visit_id = v.id)), 0)::int AS photos,
                COALESCE(sum((SELECT count(*) FROM dealer_report r WHERE r.visit_id = v.id)), 0)::int AS count_lines
           FROM visit v WHERE v.rep_id = ANY($3::uuid[]) AND v.dealer_id = ANY($4::uuid[]) AND v.business_date BETWEEN $1::date AND $2::date
          GROUP BY v.rep_id, v.business_date
       ), plan_counts AS (
         SELECT pl.rep_id, pl.day, count(*)::int AS planned,
                count(*) FILTER (WHERE EXISTS (SELECT 1 FROM visit v WHERE v.rep_id = pl.rep_id AND v.business_date = pl.day AND (v.plan_id = pl.plan_id OR v.dealer_id = pl.dealer_id)))::int AS planned_done
           FROM planned pl GROUP BY pl.rep_id, pl.day
       )
       SELECT r.rep_id, to_char(days.day, 'YYYY-MM-DD') AS date, COALESCE(pc.planned, 0) AS planned, COALESCE(pc.planned_done, 0) AS "plannedDone",
              COALESCE(dn.done, 0) AS done, COALESCE(dn.off_site, 0) AS "offSite", COALESCE(dn.duration_s, 0) AS "durationS", COALESCE(dn.photos, 0) AS photos, COALESCE(dn.count_lines, 0) AS "countLines"
         FROM unnest($3::uuid[]) r(rep_id) CROSS JOIN days
         LEFT JOIN plan_counts pc ON pc.rep_id = r.rep_id AND pc.day = days.day
         LEFT JOIN done dn ON dn.rep_id = r.rep_id AND dn.day = days.day
        ORDER BY r.rep_id, days.day`,
      [from, to, repIds, dealers],
    );
    const ids = await this.db.query<{ id: string }>(
      ctx,
      `SELECT v.id FROM visit v WHERE v.rep_id = ANY($3::uuid[]) AND v.dealer_id = ANY($4::uuid[]) AND v.business_date BETWEEN $1::date AND $2::date ORDER BY v.check_in_at LIMIT 1000`,
      [from, to, repIds, dealers],
    );
    return {
      from,
      to,
      reps: reps.map((r) => ({ repId: r.id, repName: r.name, days: rows.filter((x) => x.rep_id === r.id).map(({ rep_id: _r, ...d }) => d) })),
      visits: await this.visits.byIds(ctx, ids.map((x) => x.id)),
    };
  }

  /** Dealers in scope with their last visit; `stale` when not visited in `days` (default 14). */
  async coverage(ctx: RequestContext, q: CoverageQueryDto) {
    const days = q.days ?? 14;
    const today = this.today();
    const dealers = await this.dealerIds(ctx);
    const rows = await this.db.query<{ id: string; code: string; name: string; last_visit: string | null; rep_name: string | null; visits: number; days_since: number | null }>(
      ctx,
      `SELECT d.id, d.code, d.name, to_char(l.business_date, 'YYYY-MM-DD') AS last_visit, u.display_name AS rep_name,
              (SELECT count(*)::int FROM visit v WHERE v.dealer_id = d.id AND v.business_date > $2::date - $3::int) AS visits,
              ($2::date - l.business_date)::int AS days_since
         FROM organization d
         LEFT JOIN LATERAL (SELECT v.business_date, v.rep_id FROM visit v WHERE v.dealer_id = d.id ORDER BY v.business_date DESC, v.check_in_at DESC LIMIT 1) l ON true
         LEFT JOIN app_user u ON u.id = l.rep_id
        WHERE d.id = ANY($1::uuid[])
        ORDER BY l.business_date ASC NULLS FIRST, d.code`,
      [dealers, today, days],
    );
    return {
      days,
      today,
      items: rows.map((r) => ({ dealerId: r.id, dealerCode: r.code, dealerName: r.name, lastVisit: r.last_visit, lastRepName: r.rep_name, visitsInPeriod: r.visits, daysSince: r.days_since, stale: r.days_since === null || r.days_since >= days })),
    };
  }

  /** KPIs per rep in a range (default: the last 30 days). */
  async kpis(ctx: RequestContext, q: RangeQueryDto): Promise<{ from: string; to: string; items: RepKpiDto[] }> {
    const to = q.to ?? this.today();
    const from = q.from ?? addDays(to, -29);
    let reps = await this.reps(ctx);
    if (q.repId) reps = reps.filter((r) => r.id === q.repId);
    const dealers = await this.dealerIds(ctx);
    const rows = await this.db.query<{ rep_id: string; visits: number; days: number; on_site: number; avg_s: number | null; orders: number; planned: number; planned_done: number }>(
      ctx,
      `WITH v AS (SELECT * FROM visit v WHERE v.rep_id = ANY($3::uuid[]) AND v.dealer_id = ANY($4::uuid[]) AND v.business_date BETWEEN $1::date AND $2::date),
       pl AS (
         SELECT p.rep_id, d::date AS day, p.id AS plan_id, p.dealer_id FROM visit_plan p JOIN generate_series($1::date, $2::date, '1 day') d ON ${PLAN_OCCURS('d::date')}
          WHERE p.rep_id = ANY($3::uuid[]) AND p.dealer_id = ANY($4::uuid[])
       )
       SELECT r.rep_id,
              (SELECT count(*)::int FROM v WHERE v.rep_id = r.rep_id) AS visits,
              (SELECT count(DISTINCT v.business_date)::int FROM v WHERE v.rep_id = r.rep_id) AS days,
              (SELECT count(*)::int FROM v WHERE v.rep_id = r.rep_id AND NOT v.off_site) AS on_site,
              (SELECT round(avg(v.duration_s))::int FROM v WHERE v.rep_id = r.rep_id AND v.duration_s IS NOT NULL) AS avg_s,
              (SELECT count(*)::int FROM v WHERE v.rep_id = r.rep_id AND v.order_id IS NOT NULL) AS orders,
              (SELECT count(*)::int FROM pl WHERE pl.rep_id = r.rep_id) AS planned,
              (SELECT count(*)::int FROM pl WHERE pl.rep_id = r.rep_id AND EXISTS (SELECT 1 FROM v WHERE v.rep_id = pl.rep_id AND v.business_date = pl.day AND (v.plan_id = pl.plan_id OR v.dealer_id = pl.dealer_id))) AS planned_done
         FROM unnest($3::uuid[]) r(rep_id)`,
      [from, to, reps.map((r) => r.id), dealers],
    );
    return {
      from,
      to,
      items: reps.map((r) => {
        const k = rows.find((x) => x.rep_id === r.id)!;
        return {
          repId: r.id,
          repName: r.name,
          visits: k.visits,
          daysWorked: k.days,
          visitsPerDay: k.days ? (k.visits / k.days).toFixed(1) : '0.0',
          onSiteRate: k.visits ? (k.on_site / k.visits).toFixed(3) : null,
          avgDurationS: k.avg_s,
          ordersTaken: k.orders,
          planned: k.planned,
          plannedDone: k.planned_done,
        };
      }),
    };
  }

  /** Visits as a paged list (a dealer's users see who visited them; a rep its own). */
  async list(ctx: RequestContext, q: VisitQueryDto): Promise<Paged<VisitDto>> {
    let query = this.db.k.selectFrom('visit as v').innerJoin('organization as d', 'd.id', 'v.dealer_id').where(orgScope(ctx, 'v.dealer_id'));
    if (isRepOnly(ctx)) query = query.where('v.rep_id', '=', ctx.user!.id);
    if (q.repId) query = query.where('v.rep_id', '=', q.repId);
    if (q.dealerId) query = query.where('v.dealer_id', '=', q.dealerId);
    if (q.from) query = query.where('v.business_date', '>=', sql<Date>`${q.from}::date`);
    if (q.to) query = query.where('v.business_date', '<=', sql<Date>`${q.to}::date`);
    if (q.offSite) query = query.where('v.off_site', '=', q.offSite === 'true');
    if (q.q) {
      // the term matched literally: its % and _ are no wildcards
      const like = `%${escapeLike(q.q)}%`;
      query = query.where((eb) => eb.or([eb('d.code', 'ilike', like), eb('d.name', 'ilike', like)]));
    }
    const { ids, ...page } = await pageIdsOf(this.db, ctx, query, q, VISIT_SORT, '-checkInAt', 'v.id');
    return { items: await this.visits.byIds(ctx, ids), ...page };
  }
}
