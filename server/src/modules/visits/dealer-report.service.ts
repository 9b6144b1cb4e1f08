import { Inject, Injectable } from '@nestjs/common';
import { DealerReportResult, DealerReportRowDto, DealerReportSource, ErrorCode, OrgType, Paged } from '@drp/shared';
import { sql } from 'kysely';
import { APP_CONFIG, AppConfig } from '../../config/config';
import { RequestContext } from '../../common/context/request-context';
import { DomainError, notFound } from '../../common/errors/domain-error';
import { escapeLike, pageIdsOf, Sortable } from '../../common/http/pagination';
import { orgScope, productInRangeOf } from '../../common/scope/data-scope';
import { businessDate } from '../../database/business-date';
import { DbService } from '../../database/db.service';
import { AuditService } from '../audit/audit.service';
import { DealerReportDto, DealerReportQueryDto } from './dealer-report.dto';

const SORT: Sortable = { date: { notNull: 'r.business_date' }, product: { notNull: 'p.code' }, dealer: { notNull: 'd.code' }, updatedAt: { notNull: 'r.updated_at' } };

/**
 * Dealer stock and sales reports (库存销量上报): one current figure per dealer, product and business
 * date. A correction supersedes the figure and keeps the earlier one in the history (who, when,
 * source, before / after). Reports are refused for a future date, a product outside the dealer's
 * range or a dealer out of the caller's scope (404). Replenishment reads them (set-based, in SQL).
 */
@Injectable()
export class DealerReportService {
  constructor(
    private readonly db: DbService,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async submit(ctx: RequestContext, dto: DealerReportDto, source: DealerReportSource, visitId: string | null = null): Promise<DealerReportResult> {
    const today = businessDate(new Date(), this.config.companyTz);
    if (dto.date > today) throw new DomainError(ErrorCode.REPORT_DATE_IN_FUTURE, `Reports are for today (${today}) or earlier`, { field: 'date', today });
    const seen = new Set<string>();
    dto.lines.forEach((l, i) => {
      if (seen.has(l.productId)) throw new DomainError(ErrorCode.VALIDATION_FAILED, 'A product appears twice in the report', { field: `lines.${i}.productId` });
      seen.add(l.productId);
    });
    return this.db.tx(ctx, async (tx) => {
      const dealer = await this.db.first(tx, this.db.k.selectFrom('organization as o').select(['o.id', 'o.path', 'o.code']).where('o.id', '=', dto.dealerId).where('o.type', '=', OrgType.DEALER).where(orgScope(tx, 'o.id')));
      if (!dealer) throw notFound('dealer', dto.dealerId);
      const ids = [...seen];
      const products = await this.db.rows(
        tx,
        this.db.k.selectFrom('product as p').select(['p.id', 'p.code']).select(sql<boolean>`${productInRangeOf(dealer.path, 'p')}`.as('in_range')).where('p.id', 'in', ids),
      );
      dto.lines.forEach((l, i) => {
        const p = products.find((x) => x.id === l.productId);
        if (!p) throw notFound('product', l.productId);
        if (!p.in_range) throw new DomainError(ErrorCode.PRODUCT_OUT_OF_SCOPE, `${p.code} is outside the dealer's product range`, { productId: p.id, productCode: p.code, field: `lines.${i}.productId` });
      });
      // the figures being superseded are locked first, so the next statement's snapshot reads them as they are
      await this.db.rows(tx, this.db.k.selectFrom('dealer_report').select('id').where('dealer_id', '=', dealer.id).where('business_date', '=', sql<Date>`${dto.date}::date`).where('product_id', 'in', ids).forUpdate());
      // one statement: insert or supersede (only what changed), and the history of what was superseded
      const rows = await this.db.query<{ outcome: 'created' | 'corrected' }>(
        tx,
        `WITH input AS (
           SELECT * FROM unnest($3::uuid[], $4::numeric[], $5::numeric[], $6::numeric[]) AS i(product_id, stock, sold, received)
         ), old AS (
           SELECT r.id, r.product_id, r.stock, r.sold, r.received, r.source FROM dealer_report r
            WHERE r.dealer_id = $1 AND r.business_date = $2 AND r.product_id = ANY($3::uuid[])
         ), up AS (
           INSERT INTO dealer_report (dealer_id, product_id, business_date, stock, sold, received, source, visit_id, reported_by)
           SELECT $1, i.product_id, $2, i.stock, i.sold, i.received, $7, $8, $9 FROM input i
           ON CONFLICT (dealer_id, product_id, business_date) DO UPDATE
             SET stock = EXCLUDED.stock, sold = EXCLUDED.sold, received = EXCLUDED.received, source = EXCLUDED.source,
                 visit_id = EXCLUDED.visit_id, reported_by = EXCLUDED.reported_by, version = dealer_report.version + 1
             WHERE (dealer_report.stock, dealer_report.sold, dealer_report.received) IS DISTINCT FROM (EXCLUDED.stock, EXCLUDED.sold, EXCLUDED.received)
           RETURNING id, product_id, stock, sold, received
         ), hist AS (
           INSERT INTO dealer_report_history (report_id, source, before, after, changed_by)
           SELECT up.id, $7,
                  jsonb_build_object('stock', old.stock, 'sold', old.sold, 'received', old.received, 'source', old.source),
                  jsonb_build_object('stock', up.stock, 'sold', up.sold, 'received', up.received, 'source', $7::text), $9
             FROM up JOIN old ON old.product_id = up.product_id
         )
         SELECT CASE WHEN old.id IS NULL THEN 'created' ELSE 'corrected' END AS outcome FROM up LEFT JOIN old ON old.product_id = up.product_id`,
        [
          dealer.id,
          dto.date,
          dto.lines.map((l) => l.productId),
          dto.lines.map((l) => l.stock),
          dto.lines.map((l) => l.sold),
          dto.lines.map((l) => l.received ?? null),
          source,
          visitId,
          tx.user?.id ?? null,
        ],
      );
      const created = rows.filter((r) => r.outcome === 'created').length;
      const corrected = rows.length - created;
      const result = { dealerId: dealer.id, date: dto.date, created, corrected, unchanged: dto.lines.length - rows.length };
      if (rows.length) {
        await this.audit.record(tx, {
          action: 'report',
          entity: 'dealer_report',
          entityId: dealer.id,
          orgId: dealer.id,
          summary: `${dealer.code} ${dto.date}: ${created} reported, ${corrected} corrected (${source})`,
          after: { ...result, source },
        });
      }
      return result;
    });
  }

  async list(ctx: RequestContext, q: DealerReportQueryDto): Promise<Paged<DealerReportRowDto>> {
    let query = this.db.k
      .selectFrom('dealer_report as r')
      .innerJoin('organization as d', 'd.id', 'r.dealer_id')
      .innerJoin('product as p', 'p.id', 'r.product_id')
      .where(orgScope(ctx, 'r.dealer_id'));
    if (q.dealerId) query = query.where('r.dealer_id', '=', q.dealerId);
    if (q.productId) query = query.where('r.product_id', '=', q.productId);
    if (q.from) query = query.where('r.business_date', '>=', sql<Date>`${q.from}::date`);
    if (q.to) query = query.where('r.business_date', '<=', sql<Date>`${q.to}::date`);
    if (q.q) {
      // the term matched literally: its % and _ are no wildcards
      const like = `%${escapeLike(q.q)}%`;
      query = query.where((eb) => eb.or([eb('p.code', 'ilike', like), eb('p.name', 'ilike', like)]));
    }
    const { ids, ...page } = await pageIdsOf(this.db, ctx, query, q, SORT, '-date', 'r.id');
    if (!ids.length) return { items: [], ...page };
    const rows = await this.db.rows(
      ctx,
      this.db.k
        .selectFrom('dealer_report as r')
        .innerJoin('organization as d', 'd.id', 'r.dealer_id')
        .innerJoin('product as p', 'p.id', 'r.product_id')
        .leftJoin('app_user as u', 'u.id', 'r.reported_by')
        .select(['r.id', 'r.dealer_id', 'd.code as dealer_code', 'd.name as dealer_name', 'r.product_id', 'p.code as product_code', 'p.name as product_name', 'p.base_unit', 'r.stock', 'r.sold', 'r.received', 'r.source', 'u.display_name', 'r.version', 'r.updated_at'])
        .select(sql<string>`to_char(r.business_date, 'YYYY-MM-DD')`.as('day'))
        .where('r.id', 'in', ids),
    );
    const byId = new Map(rows.map((r) => [r.id, r]));
    return {
      items: ids.map((id) => byId.get(id)!).map((r) => ({
        id: r.id,
        dealerId: r.dealer_id,
        dealerCode: r.dealer_code,
        dealerName: r.dealer_name,
        productId: r.product_id,
        productCode: r.product_code,
        productName: r.product_name,
        unit: r.base_unit,
        date: r.day,
        stock: r.stock,
        sold: r.sold,
        received: r.received,
        source: r.source as DealerReportSource,
        reportedByName: r.display_name,
        version: r.version,
        updatedAt: new Date(r.updated_at).toISOString(),
      })),
      ...page,
    };
  }

  /**
   * The products a dealer carries — those it reported before or was shipped in the last 90 days, in
   * its range and on sale — each with its last figures before `date` (the phone form is prefilled).
   */
  async form(ctx: RequestContext, dealerId: string, date?: string): Promise<{ date: string; items: { productId: string; productCode: string; productName: string; unit: string; lastDate: string | null; lastStock: string | null; lastSold: string | null; today: { stock: string; sold: string } | null }[] }> {
    const day = date ?? businessDate(new Date(), this.config.companyTz);
    const dealer = await this.db.first(ctx, this.db.k.selectFrom('organization as o').select(['o.id', 'o.path']).where('o.id', '=', dealerId).where(orgScope(ctx, 'o.id')));
    if (!dealer) throw notFound('dealer', dealerId);
    const rows = await this.db.query<{ id: string; code: string; name: string; base_unit: string; last_day: string | null; last_stock: string | null; last_sold: string | null; stock: string | null; sold: string | null }>(
      ctx,
      `SELECT p.id, p.code, p.name, p.base_unit, to_char(lr.business_date, 'YYYY-MM-DD') AS last_day, lr.stock AS last_stock, lr.sold AS last_sold, t.stock, t.sold
         FROM product p
         LEFT JOIN LATERAL (SELECT r.business_date, r.stock, r.sold FROM dealer_report r WHERE r.dealer_id = $1 AND r.product_id = p.id AND r.business_date < $2::date ORDER BY r.business_date DESC LIMIT 1) lr ON true
         LEFT JOIN dealer_report t ON t.dealer_id = $1 AND t.product_id = p.id AND t.business_date = $2::date
        WHERE p.status = 'ON_SALE'
          AND (EXISTS (SELECT 1 FROM dealer_report r WHERE r.dealer_id = $1 AND r.product_id = p.id)
               OR p.id IN (SELECT sl.product_id FROM shipment_line sl JOIN shipment s ON s.id = sl.shipment_id WHERE s.dealer_id = $1 AND s.business_date > $2::date - 90))
        ORDER BY p.code`,
      [dealer.id, day],
    );
    return {
      date: day,
      items: rows.map((r) => ({ productId: r.id, productCode: r.code, productName: r.name, unit: r.base_unit, lastDate: r.last_day, lastStock: r.last_stock, lastSold: r.last_sold, today: r.stock === null ? null : { stock: r.stock, sold: r.sold! } })),
    };
  }

  /**
   * The products a count during a visit lists for a dealer, with the last reported figures to prefill:
   * the products it reported in the last 90 days, and (fewer than 10 of those) up to 30 products on sale in its range.
   */
  async lastFigures(ctx: RequestContext, dealerId: string, visitId: string | null = null): Promise<{ productId: string; productCode: string; productName: string; unit: string; lastDate: string | null; lastStock: string | null; lastSold: string | null; countedStock: string | null; countedSold: string | null }[]> {
    const dealer = await this.db.first(ctx, this.db.k.selectFrom('organization as o').select(['o.id', 'o.path']).where('o.id', '=', dealerId).where('o.type', '=', OrgType.DEALER).where(orgScope(ctx, 'o.id')));
    if (!dealer) throw notFound('dealer', dealerId);
    const rows = await this.db.query<{ id: string; code: string; name: string; base_unit: string; last_date: string | null; stock: string | null; sold: string | null; c_stock: string | null; c_sold: string | null }>(
      ctx,
      `WITH recent AS (
         SELECT DISTINCT r.product_id FROM dealer_report r WHERE r.dealer_id = $1 AND r.business_date >= current_date - 90
       ), picked AS (
         SELECT product_id FROM recent
         UNION ALL
         SELECT p.id FROM product p WHERE (SELECT count(*) FROM recent) < 10 AND p.status = 'ON_SALE' AND p.id = ANY($3::uuid[]) AND p.id NOT IN (SELECT product_id FROM recent)
       )
       SELECT p.id, p.code, p.name, p.base_unit, to_char(l.business_date, 'YYYY-MM-DD') AS last_date, l.stock::text, l.sold::text, c.stock::text AS c_stock, c.sold::text AS c_sold
         FROM picked k JOIN product p ON p.id = k.product_id
         LEFT JOIN LATERAL (SELECT r.business_date, r.stock, r.sold FROM dealer_report r WHERE r.dealer_id = $1 AND r.product_id = p.id AND ($2::uuid IS NULL OR r.visit_id IS DISTINCT FROM $2::uuid) ORDER BY r.business_date DESC LIMIT 1) l ON true
         LEFT JOIN dealer_report c ON c.dealer_id = $1 AND c.product_id = p.id AND $2::uuid IS NOT NULL AND c.visit_id = $2::uuid
        ORDER BY p.code`,
      [dealer.id, visitId, await this.rangeSample(ctx, dealer.path)],
    );
    return rows.map((r) => ({ productId: r.id, productCode: r.code, productName: r.name, unit: r.base_unit, lastDate: r.last_date, lastStock: r.stock, lastSold: r.sold, countedStock: r.c_stock, countedSold: r.c_sold }));
  }

  /** Up to 30 products on sale in a dealer's range (a first count, before it has reported anything). */
  private async rangeSample(ctx: RequestContext, dealerPath: string): Promise<string[]> {
    const rows = await this.db.rows(ctx, this.db.k.selectFrom('product as p').select('p.id').where('p.status', '=', 'ON_SALE').where(productInRangeOf(dealerPath, 'p')).orderBy('p.code').limit(30));
    return rows.map((r) => r.id);
  }

  /** The superseded figures of one report, newest first (404 out of scope). */
  async history(ctx: RequestContext, reportId: string): Promise<{ at: string; source: string; byName: string | null; before: unknown; after: unknown }[]> {
    const report = await this.db.first(ctx, this.db.k.selectFrom('dealer_report as r').select('r.id').where('r.id', '=', reportId).where(orgScope(ctx, 'r.dealer_id')));
    if (!report) throw notFound('dealer report', reportId);
    const rows = await this.db.rows(
      ctx,
      this.db.k
        .selectFrom('dealer_report_history as h')
        .leftJoin('app_user as u', 'u.id', 'h.changed_by')
        .select(['h.created_at', 'h.source', 'u.display_name', 'h.before', 'h.after'])
        .where('h.report_id', '=', reportId)
        .orderBy('h.created_at', 'desc'),
    );
    return rows.map((r) => ({ at: new Date(r.created_at).toISOString(), source: r.source, byName: r.display_name, before: r.before, after: r.after }));
  }
}
