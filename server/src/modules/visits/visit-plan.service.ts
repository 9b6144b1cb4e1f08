import { Inject, Injectable } from '@nestjs/common';
import { ErrorCode, isoWeekday, OrgType, Paged } from '@drp/shared';
import { sql } from 'kysely';
import { APP_CONFIG, AppConfig } from '../../config/config';
import { RequestContext } from '../../common/context/request-context';
import { DomainError, notFound, staleVersion } from '../../common/errors/domain-error';
import { escapeLike, pageIdsOf, Sortable } from '../../common/http/pagination';
import { orgScope, userScopeContains } from '../../common/scope/data-scope';
import { businessDate } from '../../database/business-date';
import { DbService } from '../../database/db.service';
import { AuditService } from '../audit/audit.service';
import { VisitPlanDto, VisitPlanQueryDto, VisitPlanUpdateDto } from './visit.dto';
import { isRepOnly, VisitDto, VisitService } from './visit.service';

export interface VisitPlanRowDto {
  id: string;
  repId: string;
  repName: string;
  dealerId: string;
  dealerCode: string;
  dealerName: string;
  planDate: string;
  recurrence: 'NONE' | 'WEEKLY';
  weekday: number | null;
  untilDate: string | null;
  purpose: string | null;
  tasks: string[];
  routeOrder: number;
  status: 'ACTIVE' | 'CANCELLED';
  version: number;
}

export interface RouteStopDto {
  planId: string | null;
  dealerId: string;
  dealerCode: string;
  dealerName: string;
  address: string | null;
  lat: number | null;
  lng: number | null;
  purpose: string | null;
  tasks: string[];
  routeOrder: number;
  visit: VisitDto | null;
}

const SORT: Sortable = { planDate: { notNull: 'p.plan_date' }, routeOrder: { notNull: 'p.route_order' }, dealer: { notNull: 'd.code' }, createdAt: { notNull: 'p.created_at' } };

/** SQL: whether plan row `p` falls on the date expression `d` (the rule of planOccursOn in @drp/shared). */
export const PLAN_OCCURS = (d: string) =>
  `p.status = 'ACTIVE' AND ((p.recurrence = 'NONE' AND p.plan_date = ${d}) OR (p.recurrence = 'WEEKLY' AND ${d} >= p.plan_date AND (p.until_date IS NULL OR ${d} <= p.until_date) AND extract(isodow FROM ${d})::int = p.weekday))`;

/**
 * Visit plans (拜访计划): a rep plans its own visits; a manager plans for the reps in its scope. A
 * plan is one day or weekly on a weekday (occurrences are computed, never stored). The dealer must
 * be in the caller's scope and in the rep's (404 otherwise).
 */
@Injectable()
export class VisitPlanService {
  constructor(
    private readonly db: DbService,
    private readonly audit: AuditService,
    private readonly visits: VisitService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async create(ctx: RequestContext, dto: VisitPlanDto): Promise<VisitPlanRowDto> {
    const me = ctx.user?.id;
    if (!me) throw new DomainError(ErrorCode.FORBIDDEN, 'Plans are made by a signed-in user');
    const repId = dto.repId ?? me;
    if (repId !== me && isRepOnly(ctx)) throw notFound('user', repId);
    const recurrence = dto.recurrence ?? 'NONE';
    if (dto.untilDate && dto.untilDate < dto.planDate) throw new DomainError(ErrorCode.VALIDATION_FAILED, 'The last day is before the first', { field: 'untilDate' });
    const id = await this.db.tx(ctx, async (tx) => {
      const rep = await this.db.first(tx, this.db.k.selectFrom('app_user as u').select(['u.id', 'u.display_name']).where('u.id', '=', repId).where(orgScope(tx, 'u.org_id')));
      if (!rep) throw notFound('user', repId);
      const dealerOk = await this.dealerFor(tx, dto.dealerId, repId);
      const row = await this.db.one(
        tx,
        this.db.k
          .insertInto('visit_plan')
          .values({
            rep_id: repId,
            dealer_id: dealerOk.id,
            plan_date: dto.planDate,
            recurrence,
            weekday: recurrence === 'WEEKLY' ? (dto.weekday ?? isoWeekday(dto.planDate)) : null,
            until_date: recurrence === 'WEEKLY' ? (dto.untilDate ?? null) : null,
            purpose: dto.purpose?.trim() || null,
            tasks: dto.tasks ?? [],
            route_order: dto.routeOrder ?? 0,
            created_by: me,
          })
          .returning('id'),
      );
      await this.audit.record(tx, { action: 'create', entity: 'visit_plan', entityId: row.id, orgId: dealerOk.id, summary: `plan: ${rep.display_name} visits ${dealerOk.code} ${recurrence === 'WEEKLY' ? 'weekly from' : 'on'} ${dto.planDate}` });
      return row.id;
    });
    return this.get(ctx, id);
  }

  /** The dealer when it is in the caller's scope and the rep's, else 404. */
  private async dealerFor(tx: RequestContext, dealerId: string, repId: string): Promise<{ id: string; code: string }> {
    const dealer = await this.db.first(
      tx,
      this.db.k
        .selectFrom('organization as o')
        .innerJoin('app_user as rep', (j) => j.on('rep.id', '=', repId))
        .select(['o.id', 'o.code'])
        .where('o.id', '=', dealerId)
        .where('o.type', '=', OrgType.DEALER)
        .where(orgScope(tx, 'o.id'))
        .where(userScopeContains('rep.id', dealerId)),
    );
    if (!dealer) throw notFound('dealer', dealerId);
    return dealer;
  }

  async update(ctx: RequestContext, id: string, dto: VisitPlanUpdateDto): Promise<VisitPlanRowDto> {
    await this.db.tx(ctx, async (tx) => {
      const p = await this.lock(tx, id);
      if (dto.version !== undefined && dto.version !== p.version) throw staleVersion('visit plan', dto.version, p.version);
      const recurrence = dto.recurrence ?? (p.recurrence as 'NONE' | 'WEEKLY');
      const planDate = dto.planDate ?? p.day;
      await this.db.rows(
        tx,
        this.db.k
          .updateTable('visit_plan')
          .set((eb) => ({
            plan_date: planDate,
            recurrence,
            weekday: recurrence === 'WEEKLY' ? (dto.weekday ?? p.weekday ?? isoWeekday(planDate)) : null,
            until_date: recurrence === 'WEEKLY' ? (dto.untilDate ?? p.until) : null,
            purpose: dto.purpose !== undefined ? dto.purpose.trim() || null : p.purpose,
            tasks: dto.tasks ?? p.tasks,
            route_order: dto.routeOrder ?? p.route_order,
            version: eb('version', '+', 1),
          }))
          .where('id', '=', id),
      );
      await this.audit.record(tx, { action: 'update', entity: 'visit_plan', entityId: id, orgId: p.dealer_id, summary: 'plan changed', after: { ...dto } });
    });
    return this.get(ctx, id);
  }

  async cancel(ctx: RequestContext, id: string): Promise<VisitPlanRowDto> {
    await this.db.tx(ctx, async (tx) => {
      const p = await this.lock(tx, id);
      if (p.status === 'CANCELLED') return;
      await this.db.rows(tx, this.db.k.updateTable('visit_plan').set((eb) => ({ status: 'CANCELLED', version: eb('version', '+', 1) })).where('id', '=', id));
      await this.audit.record(tx, { action: 'cancel', entity: 'visit_plan', entityId: id, orgId: p.dealer_id, summary: 'plan cancelled' });
    });
    return this.get(ctx, id);
  }

  private async lock(tx: RequestContext, id: string) {
    let q = this.db.k
      .selectFrom('visit_plan as p')
      .select(['p.id', 'p.rep_id', 'p.dealer_id', 'p.recurrence', 'p.weekday', 'p.purpose', 'p.tasks', 'p.route_order', 'p.status', 'p.version'])
      .select(sql<string>`to_char(p.plan_date, 'YYYY-MM-DD')`.as('day'))
      .select(sql<string | null>`to_char(p.until_date, 'YYYY-MM-DD')`.as('until'))
      .where('p.id', '=', id)
      .where(orgScope(tx, 'p.dealer_id'))
      .forUpdate();
    if (isRepOnly(tx)) q = q.where('p.rep_id', '=', tx.user!.id);
    const p = await this.db.first(tx, q);
    if (!p) throw notFound('visit plan', id);
    return p;
  }

  async get(ctx: RequestContext, id: string): Promise<VisitPlanRowDto> {
    const [p] = await this.byIds(ctx, [id]);
    if (!p) throw notFound('visit plan', id);
    return p;
  }

  async list(ctx: RequestContext, q: VisitPlanQueryDto): Promise<Paged<VisitPlanRowDto>> {
    let query = this.db.k.selectFrom('visit_plan as p').innerJoin('organization as d', 'd.id', 'p.dealer_id').where(orgScope(ctx, 'p.dealer_id')).where('p.status', '=', 'ACTIVE');
    if (isRepOnly(ctx)) query = query.where('p.rep_id', '=', ctx.user!.id);
    if (q.repId) query = query.where('p.rep_id', '=', q.repId);
    if (q.dealerId) query = query.where('p.dealer_id', '=', q.dealerId);
    if (q.q) {
      // the term matched literally: its % and _ are no wildcards
      const like = `%${escapeLike(q.q)}%`;
      query = query.where((eb) => eb.or([eb('d.code', 'ilike', like), eb('d.name', 'ilike', like)]));
    }
    const { ids, ...page } = await pageIdsOf(this.db, ctx, query, q, SORT, '-planDate', 'p.id');
    return { items: await this.byIds(ctx, ids), ...page };
  }

  private async byIds(ctx: RequestContext, ids: string[]): Promise<VisitPlanRowDto[]> {
    if (!ids.length) return [];
    let q = this.db.k
      .selectFrom('visit_plan as p')
      .innerJoin('organization as d', 'd.id', 'p.dealer_id')
      .innerJoin('app_user as u', 'u.id', 'p.rep_id')
      .select(['p.id', 'p.rep_id', 'u.display_name', 'p.dealer_id', 'd.code', 'd.name', 'p.recurrence', 'p.weekday', 'p.purpose', 'p.tasks', 'p.route_order', 'p.status', 'p.version'])
      .select(sql<string>`to_char(p.plan_date, 'YYYY-MM-DD')`.as('day'))
      .select(sql<string | null>`to_char(p.until_date, 'YYYY-MM-DD')`.as('until'))
      .where('p.id', 'in', ids)
      .where(orgScope(ctx, 'p.dealer_id'));
    if (isRepOnly(ctx)) q = q.where('p.rep_id', '=', ctx.user!.id);
    const rows = await this.db.rows(ctx, q);
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids
      .map((id) => byId.get(id))
      .filter((r): r is NonNullable<typeof r> => !!r)
      .map((r) => ({
        id: r.id,
        repId: r.rep_id,
        repName: r.display_name,
        dealerId: r.dealer_id,
        dealerCode: r.code,
        dealerName: r.name,
        planDate: r.day,
        recurrence: r.recurrence as 'NONE' | 'WEEKLY',
        weekday: r.weekday,
        untilDate: r.until,
        purpose: r.purpose,
        tasks: r.tasks,
        routeOrder: r.route_order,
        status: r.status as 'ACTIVE' | 'CANCELLED',
        version: r.version,
      }));
  }

  /** The caller's route for a day: the plans falling on it in route order, each with its visit of that day; then unplanned visits of the day. */
  async route(ctx: RequestContext, date?: string): Promise<{ date: string; stops: RouteStopDto[]; openVisit: VisitDto | null }> {
    const me = ctx.user?.id;
    if (!me) throw new DomainError(ErrorCode.FORBIDDEN, 'A route belongs to a signed-in rep');
    const day = date ?? businessDate(new Date(), this.config.companyTz);
    const plans = await this.db.query<{ id: string; dealer_id: string; code: string; name: string; address: string | null; latitude: number | null; longitude: number | null; purpose: string | null; tasks: string[]; route_order: number }>(
      ctx,
      `SELECT p.id, p.dealer_id, d.code, d.name, d.address, d.latitude, d.longitude, p.purpose, p.tasks, p.route_order
         FROM visit_plan p JOIN organization d ON d.id = p.dealer_id
        WHERE p.rep_id = $1 AND ${PLAN_OCCURS('$2::date')}
        ORDER BY p.route_order, d.code`,
      [me, day],
    );
    const visitRows = await this.db.query<{ id: string; plan_id: string | null; dealer_id: string }>(ctx, `SELECT v.id, v.plan_id, v.dealer_id FROM visit v WHERE v.rep_id = $1 AND v.business_date = $2::date ORDER BY v.check_in_at`, [me, day]);
    const visits = new Map((await this.visits.byIds(ctx, visitRows.map((v) => v.id))).map((v) => [v.id, v]));
    const used = new Set<string>();
    const stops: RouteStopDto[] = plans.map((p) => {
      const v = visitRows.find((x) => !used.has(x.id) && (x.plan_id === p.id || (x.plan_id === null && x.dealer_id === p.dealer_id)));
      if (v) used.add(v.id);
      return {
        planId: p.id, dealerId: p.dealer_id, dealerCode: p.code, dealerName: p.name, address: p.address, lat: p.latitude === null ? null : Number(p.latitude), lng: p.longitude === null ? null : Number(p.longitude),
        purpose: p.purpose, tasks: p.tasks, routeOrder: p.route_order, visit: v ? (visits.get(v.id) ?? null) : null,
      };
    });
    for (const v of visitRows.filter((x) => !used.has(x.id))) {
      const dto = visits.get(v.id);
      if (!dto) continue;
      stops.push({ planId: null, dealerId: dto.dealerId, dealerCode: dto.dealerCode, dealerName: dto.dealerName, address: null, lat: dto.dealerLat, lng: dto.dealerLng, purpose: null, tasks: [], routeOrder: 999, visit: dto });
    }
    return { date: day, stops, openVisit: await this.visits.current(ctx) };
  }
}
