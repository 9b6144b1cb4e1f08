import { Inject, Injectable } from '@nestjs/common';
import {
  Achievement, achievementRate, dailyPace, Dec, ErrorCode, fmt, ImportResult, isDecimalString, isMonth, monthBounds, monthProgress, monthsToDate, OrgType,
  Paged, SalesTarget, UserStatus,
} from '@drp/shared';
import { sql, SqlBool } from 'kysely';
import { APP_CONFIG, AppConfig } from '../../config/config';
import { RequestContext } from '../../common/context/request-context';
import { DomainError, notFound, staleVersion } from '../../common/errors/domain-error';
import { escapeLike, resolvePage } from '../../common/http/pagination';
import { orgScope } from '../../common/scope/data-scope';
import { MAX_EXACT_DIGITS } from '../../common/excel';
import { businessDate } from '../../database/business-date';
import { DbService } from '../../database/db.service';
import { AuditService } from '../audit/audit.service';
import { Column, problemList, readWorkbook, rejectIfErrors, writeWorkbook } from '../catalog/excel/sheet';
import { AchievementQueryDto, CreateTargetDto, TargetQueryDto, UpdateTargetDto } from './targets.dto';

/** One target key: an organisation (branch or office) or a sales rep. */
export interface TargetKey {
  orgId: string | null;
  repId: string | null;
}

/** Month and year-to-date actuals of one key. */
export interface Actuals {
  monthSales: string;
  ytdSales: string;
  monthCollections: string;
  ytdCollections: string;
}

type ImportRow = { month: string; orgCode: string; repUsername: string; salesTarget: string; collectionTarget: string };

/** The sheet of the import, the template and the export (defined once: they cannot disagree). */
const COLUMNS: Column<ImportRow>[] = [
  { key: 'month', header: '月份', required: true, width: 10, example: '2026-12', note: '年月, 如 2026-12 (a month YYYY-MM)' },
  { key: 'orgCode', header: '机构编码', width: 14, example: 'BJ', note: '分支机构或办事处的编码; 与业务员二选一 (a branch or office code, or a rep: one of the two)' },
  { key: 'repUsername', header: '业务员', width: 14, example: '', note: '业务员的登录用户名 (the rep\'s username)' },
  { key: 'salesTarget', header: '销售目标', required: true, kind: 'money', width: 14, example: '300000.00', note: '含税销售额 (发货减退货), 元 (tax-inclusive sales net of returns)' },
  { key: 'collectionTarget', header: '回款目标', required: true, kind: 'money', width: 14, example: '250000.00', note: '收款金额, 元 (receipts)' },
];

const SORTABLE = { month: 't.month', name: 'name', salesTarget: 't.sales_target', collectionTarget: 't.collection_target', updatedAt: 't.updated_at' };

/**
 * Sales and collection targets (销售计划, issue #16): one per month and organisation (a branch or
 * office) or sales rep, set one by one or imported from Excel (all or nothing), and the achievement
 * against them. Facts as defined in shared/src/analysis.ts: sales = shipments − returns, tax
 * included, by business date; an organisation counts the dealers of its subtree, a rep the orders
 * it owns; collections = active receipts (an organisation: its dealers'; a rep: its assigned
 * dealers', as receipts carry no rep). Scope: targets of organisations (and of reps whose
 * organisation is) in the caller's scope; actuals only from dealers in scope.
 */
@Injectable()
export class TargetsService {
  constructor(
    private readonly db: DbService,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  today(): string {
    return businessDate(new Date(), this.config.companyTz);
  }

  /** Targets in scope: an organisation's when it is in scope, a rep's when the rep's organisation is. */
  private inScope(ctx: RequestContext) {
    return sql<SqlBool>`(CASE WHEN t.org_id IS NOT NULL THEN ${orgScope(ctx, 't.org_id')} ELSE ${orgScope(ctx, 'ru.org_id')} END)`;
  }

  private base(ctx: RequestContext) {
    return this.db.k
      .selectFrom('sales_target as t')
      .leftJoin('organization as o', 'o.id', 't.org_id')
      .leftJoin('app_user as ru', 'ru.id', 't.rep_id')
      .where(this.inScope(ctx));
  }

  private select(ctx: RequestContext) {
    return this.base(ctx).select([
      't.id', sql<string>`to_char(t.month, 'YYYY-MM')`.as('month'), 't.org_id', 'o.name as org_name', 'o.code as org_code', 't.rep_id', 'ru.display_name as rep_name',
      'ru.username as rep_username', sql<string>`t.sales_target::text`.as('sales_target'), sql<string>`t.collection_target::text`.as('collection_target'), 't.version',
      sql<string>`COALESCE(o.name, ru.display_name)`.as('name'),
    ]);
  }

  private toDto(r: { id: string; month: string; org_id: string | null; org_name: string | null; org_code: string | null; rep_id: string | null; rep_name: string | null; rep_username: string | null; sales_target: string; collection_target: string; version: number }): SalesTarget {
    return {
      id: r.id, month: r.month, orgId: r.org_id, orgName: r.org_name, orgCode: r.org_code, repId: r.rep_id, repName: r.rep_name, repUsername: r.rep_username,
      salesTarget: fmt(r.sales_target), collectionTarget: fmt(r.collection_target), version: r.version,
    };
  }

  async list(ctx: RequestContext, q: TargetQueryDto): Promise<Paged<SalesTarget>> {
    const { page, pageSize, column, direction, offset } = resolvePage(q, SORTABLE, 'month');
    let qb = this.select(ctx);
    if (q.month) qb = qb.where(sql<SqlBool>`t.month = ${`${q.month}-01`}::date`);
    if (q.year) qb = qb.where(sql<SqlBool>`t.month BETWEEN ${`${q.year}-01-01`}::date AND ${`${q.year}-12-01`}::date`);
    if (q.kind) qb = qb.where(q.kind === 'ORG' ? sql<SqlBool>`t.org_id IS NOT NULL` : sql<SqlBool>`t.rep_id IS NOT NULL`);
    if (q.q) {
      const like = `%${escapeLike(q.q)}%`;
      qb = qb.where(sql<SqlBool>`(o.name ILIKE ${like} OR o.code ILIKE ${like} OR ru.display_name ILIKE ${like} OR ru.username ILIKE ${like})`);
    }
    const [count, rows] = await Promise.all([
      this.db.one(ctx, qb.clearSelect().select(sql<number>`count(*)::int`.as('n'))),
      // organisations before reps, then by name: the order a plan is read in
      this.db.rows(ctx, qb.orderBy(sql.raw(`${column} ${direction}`)).orderBy(sql`t.org_id IS NULL`).orderBy(sql`COALESCE(o.code, ru.username)`).orderBy('t.id').limit(pageSize).offset(offset)),
    ]);
    return { items: rows.map((r) => this.toDto(r)), total: count.n, page, pageSize };
  }

  async get(ctx: RequestContext, id: string): Promise<SalesTarget> {
    const row = await this.db.first(ctx, this.select(ctx).where('t.id', '=', id));
    if (!row) throw notFound('sales_target', id);
    return this.toDto(row);
  }

  // ---- writing --------------------------------------------------------------------------------

  /** The organisations a target may name: branches and offices (and HQ, the company's total) in scope. */
  private targetOrgs(ctx: RequestContext) {
    return this.db.k.selectFrom('organization as o').select(['o.id', 'o.code', 'o.name']).where('o.type', 'in', [OrgType.BRANCH, OrgType.HQ]).where(orgScope(ctx, 'o.id'));
  }

  /** The users a rep target may name: active staff (not dealer) users of an organisation in scope. */
  private targetReps(ctx: RequestContext) {
    return this.db.k
      .selectFrom('app_user as u')
      .innerJoin('organization as uo', 'uo.id', 'u.org_id')
      .select(['u.id', 'u.username', 'u.display_name'])
      .where('uo.type', '<>', OrgType.DEALER)
      .where('u.status', '=', UserStatus.ACTIVE)
      .where(orgScope(ctx, 'u.org_id'));
  }

  async create(ctx: RequestContext, dto: CreateTargetDto): Promise<SalesTarget> {
    if (!dto.orgId === !dto.repId) throw new DomainError(ErrorCode.VALIDATION_FAILED, 'Name either an organisation or a rep', { field: dto.orgId ? 'repId' : 'orgId' });
    const id = await this.db.tx(ctx, async (tx) => {
      // unknown and out of scope answer alike (404): ids cannot be probed
      if (dto.orgId && !(await this.db.first(tx, this.targetOrgs(tx).where('o.id', '=', dto.orgId)))) throw notFound('organization', dto.orgId);
      if (dto.repId && !(await this.db.first(tx, this.targetReps(tx).where('u.id', '=', dto.repId)))) throw notFound('user', dto.repId);
      const existing = await this.db.first(
        tx,
        this.db.k.selectFrom('sales_target').select('id').where(sql<SqlBool>`month = ${`${dto.month}-01`}::date`)
          .where(dto.orgId ? sql<SqlBool>`org_id = ${dto.orgId}::uuid` : sql<SqlBool>`rep_id = ${dto.repId}::uuid`),
      );
      if (existing) throw new DomainError(ErrorCode.DUPLICATE, 'A target for this month exists already: edit it', { field: 'month', existingId: existing.id });
      const row = await this.db.one(
        tx,
        this.db.k.insertInto('sales_target').values({
          month: sql<Date>`${`${dto.month}-01`}::date`, org_id: dto.orgId ?? null, rep_id: dto.repId ?? null, sales_target: dto.salesTarget, collection_target: dto.collectionTarget,
          created_by: tx.user?.id ?? null, updated_by: tx.user?.id ?? null,
        }).returning('id'),
      );
      await this.audit.record(tx, { action: 'create', entity: 'sales_target', entityId: row.id, orgId: dto.orgId ?? tx.user?.orgId ?? null, summary: `sales target ${dto.month}`, after: { ...dto } });
      return row.id;
    });
    return this.get(ctx, id);
  }

  async update(ctx: RequestContext, id: string, dto: UpdateTargetDto): Promise<SalesTarget> {
    await this.db.tx(ctx, async (tx) => {
      const row = await this.db.first(tx, this.base(tx).select(['t.id', 't.version', 't.org_id', sql<string>`t.sales_target::text`.as('sales_target'), sql<string>`t.collection_target::text`.as('collection_target')]).where('t.id', '=', id).forUpdate('t'));
      if (!row) throw notFound('sales_target', id);
      if (row.version !== dto.version) throw staleVersion('sales_target', dto.version, row.version);
      await this.db.rows(tx, this.db.k.updateTable('sales_target').set({ sales_target: dto.salesTarget, collection_target: dto.collectionTarget, updated_by: tx.user?.id ?? null, version: sql<number>`version + 1` }).where('id', '=', id));
      await this.audit.record(tx, {
        action: 'update', entity: 'sales_target', entityId: id, orgId: row.org_id ?? tx.user?.orgId ?? null, summary: 'sales target changed',
        before: { salesTarget: fmt(row.sales_target), collectionTarget: fmt(row.collection_target) }, after: { salesTarget: fmt(dto.salesTarget), collectionTarget: fmt(dto.collectionTarget) },
      });
    });
    return this.get(ctx, id);
  }

  async remove(ctx: RequestContext, id: string): Promise<void> {
    await this.db.tx(ctx, async (tx) => {
      const row = await this.db.first(tx, this.base(tx).select(['t.id', 't.org_id', sql<string>`to_char(t.month, 'YYYY-MM')`.as('month')]).where('t.id', '=', id).forUpdate('t'));
      if (!row) throw notFound('sales_target', id);
      await this.db.rows(tx, this.db.k.deleteFrom('sales_target').where('id', '=', id));
      await this.audit.record(tx, { action: 'delete', entity: 'sales_target', entityId: id, orgId: row.org_id ?? tx.user?.orgId ?? null, summary: `sales target ${row.month} removed`, before: { month: row.month } });
    });
  }

  // ---- Excel ----------------------------------------------------------------------------------

  async template(ctx: RequestContext): Promise<Buffer> {
    const [orgs, reps] = await Promise.all([
      this.db.rows(ctx, this.targetOrgs(ctx).orderBy('o.code')),
      this.db.rows(ctx, this.targetReps(ctx).orderBy('u.username')),
    ]);
    const month = this.today().slice(0, 7);
    const examples = [
      { month, orgCode: orgs.find((o) => o.code !== 'HQ')?.code ?? orgs[0]?.code ?? '', repUsername: '', salesTarget: '300000.00', collectionTarget: '250000.00' },
      ...(reps[0] ? [{ month, orgCode: '', repUsername: reps[0].username, salesTarget: '80000.00', collectionTarget: '60000.00' }] : []),
    ];
    const notes = [
      ['列 Column', '说明 Notes'], ...COLUMNS.filter((c) => c.note).map((c) => [c.header, c.note!]),
      ['导入 Import', '同一月份与机构/业务员已有目标时更新, 否则新增; 有任何一行出错则全部不导入 (existing month+key is updated; any bad row: nothing is imported)'],
      [], ['机构编码 Code', '机构 Organisation'], ...orgs.map((o) => [o.code, o.name]),
      [], ['业务员 Username', '姓名 Name'], ...reps.map((r) => [r.username, r.display_name]),
    ];
    return writeWorkbook('销售计划', COLUMNS, examples, notes);
  }

  async exportYear(ctx: RequestContext, year: number): Promise<Buffer> {
    const rows = await this.db.rows(ctx, this.select(ctx).where(sql<SqlBool>`t.month BETWEEN ${`${year}-01-01`}::date AND ${`${year}-12-01`}::date`).orderBy('t.month').orderBy(sql`t.org_id IS NULL`).orderBy(sql`COALESCE(o.code, ru.username)`));
    return writeWorkbook('销售计划', COLUMNS, rows.map((r) => ({ month: r.month, orgCode: r.org_code ?? '', repUsername: r.rep_username ?? '', salesTarget: fmt(r.sales_target), collectionTarget: fmt(r.collection_target) })));
  }

  /**
   * All or nothing: every row is checked (month, exactly one of organisation code / rep username,
   * each known and in scope, amounts >= 0 with at most 2 decimals, no month+key twice) and every
   * problem reported by row and column (422 IMPORT_REJECTED); a clean file is upserted in one
   * transaction.
   */
  async import(ctx: RequestContext, file: Buffer | undefined): Promise<ImportResult> {
    const rows = await readWorkbook(file, COLUMNS);
    const { errors, add: err } = problemList(new Map(COLUMNS.map((c) => [String(c.key), c.header])));
    const [orgs, reps] = await Promise.all([this.db.rows(ctx, this.targetOrgs(ctx)), this.db.rows(ctx, this.targetReps(ctx))]);
    const orgByCode = new Map(orgs.map((o) => [o.code.toLowerCase(), o.id]));
    const repByName = new Map(reps.map((r) => [r.username.toLowerCase(), r.id]));
    const seen = new Map<string, number>();
    const clean: { month: string; orgId: string | null; repId: string | null; salesTarget: string; collectionTarget: string }[] = [];
    if (!rows.length) err(2, 'month', 'NO_ROWS', {});
    for (const { rowNo, values: v, lostDigits } of rows) {
      lostDigits.forEach((key) => err(rowNo, key, 'NUMBER_LOST_DIGITS', { digits: MAX_EXACT_DIGITS }));
      const before = errors.length;
      // a month typed as a date cell reads as YYYY-MM-DD: its month is meant
      const monthText = /^\d{4}-\d{2}-\d{2}$/.test(v.month) ? v.month.slice(0, 7) : v.month.replace(/\//g, '-').replace(/^(\d{4})-(\d)$/, '$1-0$2');
      if (!v.month) err(rowNo, 'month', 'REQUIRED', {});
      else if (!isMonth(monthText)) err(rowNo, 'month', 'BAD_MONTH', {});
      let orgId: string | null = null;
      let repId: string | null = null;
      if (!v.orgCode === !v.repUsername) err(rowNo, v.orgCode ? 'repUsername' : 'orgCode', 'ORG_OR_REP', {});
      else if (v.orgCode) {
        orgId = orgByCode.get(v.orgCode.toLowerCase()) ?? null;
        if (!orgId) err(rowNo, 'orgCode', 'UNKNOWN_ORG', { code: v.orgCode });
      } else {
        repId = repByName.get(v.repUsername.toLowerCase()) ?? null;
        if (!repId) err(rowNo, 'repUsername', 'UNKNOWN_USER', { code: v.repUsername });
      }
      const amount = (key: 'salesTarget' | 'collectionTarget'): string | null => {
        if (lostDigits.includes(key)) return null;
        const s = v[key].replace(/,/g, '');
        if (!s) return err(rowNo, key, 'REQUIRED', {}), null;
        if (!isDecimalString(s, 2) || new Dec(s).isNegative()) return err(rowNo, key, 'NOT_A_NUMBER', { scale: 2 }), null;
        return fmt(s);
      };
      const salesTarget = amount('salesTarget');
      const collectionTarget = amount('collectionTarget');
      if (errors.length > before || !salesTarget || !collectionTarget) continue;
      const key = `${monthText}|${orgId ?? ''}|${repId ?? ''}`;
      const first = seen.get(key);
      if (first) {
        err(rowNo, orgId ? 'orgCode' : 'repUsername', 'DUPLICATE_IN_FILE', { row: first });
        continue;
      }
      seen.set(key, rowNo);
      clean.push({ month: monthText, orgId, repId, salesTarget, collectionTarget });
    }
    rejectIfErrors(errors);
    return this.db.tx(ctx, async (tx) => {
      // set-based upsert: the partial unique indexes decide insert or update (xmax = 0: inserted)
      const params = [clean.map((c) => `${c.month}-01`), clean.map((c) => c.orgId), clean.map((c) => c.repId), clean.map((c) => c.salesTarget), clean.map((c) => c.collectionTarget), tx.user?.id ?? null];
      const values = `SELECT m::date, o, r, s::numeric, c::numeric FROM unnest($1::text[], $2::uuid[], $3::uuid[], $4::text[], $5::text[]) AS x(m, o, r, s, c)`;
      const orgRows = await this.db.query<{ inserted: boolean }>(tx,
        `INSERT INTO sales_target (month, org_id, rep_id, sales_target, collection_target, created_by, updated_by)
         SELECT v.m, v.o, NULL::uuid, v.s, v.c, $6::uuid, $6::uuid FROM (${values}) v(m, o, r, s, c) WHERE v.o IS NOT NULL
         ON CONFLICT (month, org_id) WHERE org_id IS NOT NULL DO UPDATE SET sales_target = EXCLUDED.sales_target, collection_target = EXCLUDED.collection_target, updated_by = EXCLUDED.updated_by,
           version = sales_target.version + CASE WHEN (sales_target.sales_target, sales_target.collection_target) IS DISTINCT FROM (EXCLUDED.sales_target, EXCLUDED.collection_target) THEN 1 ELSE 0 END
         RETURNING (xmax = 0) AS inserted`, params);
      const repRows = await this.db.query<{ inserted: boolean }>(tx,
        `INSERT INTO sales_target (month, org_id, rep_id, sales_target, collection_target, created_by, updated_by)
         SELECT v.m, NULL::uuid, v.r, v.s, v.c, $6::uuid, $6::uuid FROM (${values}) v(m, o, r, s, c) WHERE v.r IS NOT NULL
         ON CONFLICT (month, rep_id) WHERE rep_id IS NOT NULL DO UPDATE SET sales_target = EXCLUDED.sales_target, collection_target = EXCLUDED.collection_target, updated_by = EXCLUDED.updated_by,
           version = sales_target.version + CASE WHEN (sales_target.sales_target, sales_target.collection_target) IS DISTINCT FROM (EXCLUDED.sales_target, EXCLUDED.collection_target) THEN 1 ELSE 0 END
         RETURNING (xmax = 0) AS inserted`, params);
      const all = [...orgRows, ...repRows];
      const result = { created: all.filter((r) => r.inserted).length, updated: all.filter((r) => !r.inserted).length };
      await this.audit.record(tx, { action: 'import', entity: 'sales_target', summary: `sales targets imported: ${result.created} new, ${result.updated} updated`, after: result });
      return result;
    });
  }

  // ---- achievement ----------------------------------------------------------------------------

  /** Achievement of every target of the month in scope (organisations first, then reps). */
  async achievement(ctx: RequestContext, q: AchievementQueryDto): Promise<Achievement[]> {
    let qb = this.select(ctx).where(sql<SqlBool>`t.month = ${`${q.month}-01`}::date`);
    if (q.kind) qb = qb.where(q.kind === 'ORG' ? sql<SqlBool>`t.org_id IS NOT NULL` : sql<SqlBool>`t.rep_id IS NOT NULL`);
    const targets = await this.db.rows(ctx, qb.orderBy(sql`t.org_id IS NULL`).orderBy(sql`o.depth`).orderBy(sql`COALESCE(o.code, ru.username)`));
    return this.achievementOf(ctx, q.month, targets.map((t) => ({ id: t.id, name: t.name, orgId: t.org_id, repId: t.rep_id, salesTarget: t.sales_target, collectionTarget: t.collection_target })), q.asOf ?? this.today());
  }

  /** Achievement rows for the given targets of one month, as of a business day. */
  async achievementOf(
    ctx: RequestContext,
    month: string,
    targets: { id: string; name: string; orgId: string | null; repId: string | null; salesTarget: string; collectionTarget: string }[],
    today: string,
  ): Promise<Achievement[]> {
    if (!targets.length) return [];
    const { asOf, daysLeft } = monthProgress(month, today);
    const keys = targets.map((t) => ({ orgId: t.orgId, repId: t.repId }));
    const [actuals, ytdTargets] = await Promise.all([
      asOf ? this.actuals(ctx, keys, `${month.slice(0, 4)}-01-01`, monthBounds(month).first, asOf) : new Map<string, Actuals>(),
      this.ytdTargets(ctx, keys, month),
    ]);
    const zero: Actuals = { monthSales: '0', ytdSales: '0', monthCollections: '0', ytdCollections: '0' };
    return targets.map((t) => {
      const k = keyOf(t);
      const a = actuals.get(k) ?? zero;
      const y = ytdTargets.get(k) ?? { sales: t.salesTarget, collections: t.collectionTarget };
      return {
        key: { orgId: t.orgId, repId: t.repId }, kind: t.orgId ? 'ORG' : 'REP', targetId: t.id, name: t.name, month, asOf, daysLeft,
        salesTarget: fmt(t.salesTarget), salesActual: fmt(a.monthSales), salesRate: achievementRate(a.monthSales, t.salesTarget),
        collectionTarget: fmt(t.collectionTarget), collectionActual: fmt(a.monthCollections), collectionRate: achievementRate(a.monthCollections, t.collectionTarget),
        ytdSalesTarget: fmt(y.sales), ytdSalesActual: fmt(a.ytdSales), ytdSalesRate: achievementRate(a.ytdSales, y.sales),
        ytdCollectionTarget: fmt(y.collections), ytdCollectionActual: fmt(a.ytdCollections), ytdCollectionRate: achievementRate(a.ytdCollections, y.collections),
        dailyPaceNeeded: dailyPace(t.salesTarget, a.monthSales, daysLeft), dailyCollectionPaceNeeded: dailyPace(t.collectionTarget, a.monthCollections, daysLeft),
      } satisfies Achievement;
    });
  }

  /** The targets of January..month of each key, summed. */
  private async ytdTargets(ctx: RequestContext, keys: TargetKey[], month: string): Promise<Map<string, { sales: string; collections: string }>> {
    const months = monthsToDate(month).map((m) => `${m}-01`);
    const rows = await this.db.rows(
      ctx,
      this.db.k.selectFrom('sales_target as t')
        .select(['t.org_id', 't.rep_id', sql<string>`sum(t.sales_target)::text`.as('sales'), sql<string>`sum(t.collection_target)::text`.as('collections')])
        .where(sql<SqlBool>`t.month = ANY(${months}::date[])`)
        .where(sql<SqlBool>`(t.org_id = ANY(${keys.map((k) => k.orgId).filter(Boolean)}::uuid[]) OR t.rep_id = ANY(${keys.map((k) => k.repId).filter(Boolean)}::uuid[]))`)
        .groupBy(['t.org_id', 't.rep_id']),
    );
    return new Map(rows.map((r) => [keyOf({ orgId: r.org_id, repId: r.rep_id }), { sales: r.sales, collections: r.collections }]));
  }

  /**
   * Sales and collections of each key from `yearFrom` to `asOf`, and the part from `monthFrom`: one
   * statement over the documents of dealers in the caller's scope (a report never totals what its
   * reader may not see).
   */
  async actuals(ctx: RequestContext, keys: TargetKey[], yearFrom: string, monthFrom: string, asOf: string): Promise<Map<string, Actuals>> {
    if (!keys.length) return new Map();
    const q = sql<{ org_id: string | null; rep_id: string | null; m_sales: string; y_sales: string; m_coll: string; y_coll: string }>`
      WITH k AS (
        SELECT x.org_id, x.rep_id, o.path AS org_path
          FROM unnest(${keys.map((k) => k.orgId)}::uuid[], ${keys.map((k) => k.repId)}::uuid[]) AS x(org_id, rep_id)
          LEFT JOIN organization o ON o.id = x.org_id
      ), f AS (
        SELECT 'S' AS kind, s.dealer_id, so.sales_rep_id AS rep_id, s.business_date AS day, s.amount
          FROM shipment s JOIN sales_order so ON so.id = s.order_id
         WHERE s.business_date BETWEEN ${yearFrom}::date AND ${asOf}::date
        UNION ALL
        SELECT 'S', r.dealer_id, so.sales_rep_id, r.business_date, -r.amount
          FROM sales_return r JOIN sales_order so ON so.id = r.order_id
         WHERE r.business_date BETWEEN ${yearFrom}::date AND ${asOf}::date
        UNION ALL
        SELECT 'C', rc.dealer_id, NULL, rc.business_date, rc.amount
          FROM receipt rc
         WHERE rc.status = 'ACTIVE' AND rc.business_date BETWEEN ${yearFrom}::date AND ${asOf}::date
      ), fd AS (
        SELECT f.*, d.path AS dealer_path FROM f JOIN organization d ON d.id = f.dealer_id WHERE ${orgScope(ctx, 'f.dealer_id')}
      )
      SELECT k.org_id, k.rep_id,
             COALESCE(sum(fd.amount) FILTER (WHERE fd.kind = 'S' AND fd.day >= ${monthFrom}::date), 0)::text AS m_sales,
             COALESCE(sum(fd.amount) FILTER (WHERE fd.kind = 'S'), 0)::text AS y_sales,
             COALESCE(sum(fd.amount) FILTER (WHERE fd.kind = 'C' AND fd.day >= ${monthFrom}::date), 0)::text AS m_coll,
             COALESCE(sum(fd.amount) FILTER (WHERE fd.kind = 'C'), 0)::text AS y_coll
        FROM k
        LEFT JOIN fd ON (k.org_id IS NOT NULL AND fd.dealer_path LIKE k.org_path || '%')
                     OR (k.rep_id IS NOT NULL AND fd.kind = 'S' AND fd.rep_id = k.rep_id)
                     OR (k.rep_id IS NOT NULL AND fd.kind = 'C' AND EXISTS (
                           SELECT 1 FROM user_dealer ud JOIN organization ad ON ad.id = ud.dealer_id
                            WHERE ud.user_id = k.rep_id AND fd.dealer_path LIKE ad.path || '%'))
       GROUP BY k.org_id, k.rep_id`.compile(this.db.k);
    const rows = await this.db.query<{ org_id: string | null; rep_id: string | null; m_sales: string; y_sales: string; m_coll: string; y_coll: string }>(ctx, q.sql, q.parameters as unknown[]);
    return new Map(rows.map((r) => [keyOf({ orgId: r.org_id, repId: r.rep_id }), { monthSales: r.m_sales, ytdSales: r.y_sales, monthCollections: r.m_coll, ytdCollections: r.y_coll }]));
  }
}

export const keyOf = (k: TargetKey): string => (k.orgId ? `o:${k.orgId}` : `r:${k.repId}`);
