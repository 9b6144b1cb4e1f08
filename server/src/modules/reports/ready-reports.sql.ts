import { DataScopeKind, OrderStatus, OrgType, READY_REPORT_LIMITS } from '@drp/shared';
import { Expression, RawBuilder, sql, SqlBool } from 'kysely';
import { overdueSql } from '../finance/overdue-sql';
import { PLAN_OCCURS } from '../visits/visit-plan.service';

/**
 * The SQL of the ready reports, one statement each (figures computed in numeric, sent as text).
 * Every statement takes the caller's scope as SQL conditions built by the service with the common
 * scope helper: `dealers` over a dealer organisation row `o`, `warehouses` over `w`, `products`
 * over `p`, `reps` over a user `u`.
 */
/** Orders that stand: placed and not withdrawn (drafts, cancelled and rejected orders are not counted). */
const NOT_STANDING = [OrderStatus.DRAFT, OrderStatus.CANCELLED, OrderStatus.REJECTED];

/** The branch of a dealer row `o`: the organisation directly under HQ on its path (offices roll up), else HQ (a dealer directly under HQ). */
const BRANCH_OF = (alias: string) => sql`COALESCE(
  (SELECT b.id FROM organization b WHERE ${sql.ref(`${alias}.path`)} LIKE b.path || '%' AND b.depth = 1 AND b.type <> ${OrgType.DEALER}),
  (SELECT b.id FROM organization b WHERE ${sql.ref(`${alias}.path`)} LIKE b.path || '%' AND b.depth = 0))`;

export function stockDaysSql(p: {
  warehouses: Expression<SqlBool>;
  products: Expression<SqlBool>;
  from: string;
  to: string;
  q?: string;
  order: string;
  limit: number;
  offset: number;
}): RawBuilder<StockDaysDbRow> {
  const like = p.q ? `%${p.q}%` : null;
  return sql<StockDaysDbRow>`
    WITH s AS (
      SELECT st.warehouse_id, st.product_id, st.on_hand, st.avg_cost
        FROM stock st JOIN warehouse w ON w.id = st.warehouse_id JOIN product p ON p.id = st.product_id
       WHERE ${p.warehouses} AND ${p.products}
         AND (${like}::text IS NULL OR p.code ILIKE ${like} OR p.name ILIKE ${like} OR w.name ILIKE ${like})
    ), shipped AS (
      SELECT sh.warehouse_id, sl.product_id, sum(sl.qty) AS qty
        FROM shipment sh JOIN shipment_line sl ON sl.shipment_id = sh.id
       WHERE sh.business_date BETWEEN ${p.from}::date AND ${p.to}::date AND sh.warehouse_id IN (SELECT DISTINCT warehouse_id FROM s)
       GROUP BY sh.warehouse_id, sl.product_id
    ), f AS (
      SELECT s.*, COALESCE(x.qty, 0) AS shipped_qty, round(s.on_hand * s.avg_cost, 2) AS stock_value,
             round(COALESCE(x.qty, 0) / ${READY_REPORT_LIMITS.stockWindowDays}, 3) AS avg_daily,
             CASE WHEN x.qty > 0 THEN round(s.on_hand * ${READY_REPORT_LIMITS.stockWindowDays} / x.qty, 1) END AS days
        FROM s LEFT JOIN shipped x ON x.warehouse_id = s.warehouse_id AND x.product_id = s.product_id
       WHERE s.on_hand > 0 OR x.qty > 0
    )
    SELECT f.warehouse_id, w.code AS warehouse_code, w.name AS warehouse_name, f.product_id, p.code AS product_code, p.name AS product_name, p.base_unit AS unit,
           f.on_hand::text AS on_hand, f.avg_cost::text AS avg_cost, f.stock_value::text AS stock_value, f.shipped_qty::text AS shipped_qty,
           f.avg_daily::text AS avg_daily, f.days::text AS days,
           count(*) OVER ()::int AS total, (sum(f.stock_value) OVER ())::text AS total_value, (sum(f.on_hand) OVER ())::text AS total_on_hand
      FROM f JOIN warehouse w ON w.id = f.warehouse_id JOIN product p ON p.id = f.product_id
     ORDER BY ${sql.raw(p.order)}, w.code, p.code
     LIMIT ${p.limit} OFFSET ${p.offset}`;
}
export interface StockDaysDbRow {
  warehouse_id: string;
  warehouse_code: string;
  warehouse_name: string;
  product_id: string;
  product_code: string;
  product_name: string;
  unit: string;
  on_hand: string;
  avg_cost: string;
  stock_value: string;
  shipped_qty: string;
  avg_daily: string;
  days: string | null;
  total: number;
  total_value: string;
  total_on_hand: string;
}

export function sellThroughSql(p: { dealers: Expression<SqlBool>; from: string; to: string; q?: string; order: string; limit: number; offset: number }): RawBuilder<SellThroughDbRow> {
  const like = p.q ? `%${p.q}%` : null;
  return sql<SellThroughDbRow>`
    WITH d AS (
      SELECT o.id, o.code, o.name FROM organization o WHERE o.type = ${OrgType.DEALER} AND ${p.dealers}
    ), sh AS (
      SELECT s.dealer_id, sl.product_id, sum(sl.qty) AS qty FROM shipment s JOIN shipment_line sl ON sl.shipment_id = s.id
       WHERE s.dealer_id IN (SELECT id FROM d) AND s.business_date BETWEEN ${p.from}::date AND ${p.to}::date GROUP BY 1, 2
    ), rt AS (
      SELECT r.dealer_id, rl.product_id, sum(rl.qty) AS qty FROM sales_return r JOIN sales_return_line rl ON rl.return_id = r.id
       WHERE r.dealer_id IN (SELECT id FROM d) AND r.business_date BETWEEN ${p.from}::date AND ${p.to}::date GROUP BY 1, 2
    ), rp AS (
      SELECT r.dealer_id, r.product_id, sum(r.sold) AS sold, count(*)::int AS days FROM dealer_report r
       WHERE r.dealer_id IN (SELECT id FROM d) AND r.business_date BETWEEN ${p.from}::date AND ${p.to}::date GROUP BY 1, 2
    ), k AS (
      SELECT dealer_id, product_id FROM sh UNION SELECT dealer_id, product_id FROM rt UNION SELECT dealer_id, product_id FROM rp
    ), f AS (
      SELECT k.dealer_id, k.product_id, d.code AS dealer_code, d.name AS dealer_name, p.code AS product_code, p.name AS product_name, p.base_unit AS unit,
             COALESCE(sh.qty, 0) AS shipped, COALESCE(rt.qty, 0) AS returned, COALESCE(sh.qty, 0) - COALESCE(rt.qty, 0) AS net,
             COALESCE(rp.sold, 0) AS sold, COALESCE(rp.days, 0) AS days,
             CASE WHEN COALESCE(sh.qty, 0) - COALESCE(rt.qty, 0) > 0 THEN round(COALESCE(rp.sold, 0) / (COALESCE(sh.qty, 0) - COALESCE(rt.qty, 0)), 4) END AS rate
        FROM k JOIN d ON d.id = k.dealer_id JOIN product p ON p.id = k.product_id
        LEFT JOIN sh ON sh.dealer_id = k.dealer_id AND sh.product_id = k.product_id
        LEFT JOIN rt ON rt.dealer_id = k.dealer_id AND rt.product_id = k.product_id
        LEFT JOIN rp ON rp.dealer_id = k.dealer_id AND rp.product_id = k.product_id
       WHERE (${like}::text IS NULL OR d.code ILIKE ${like} OR d.name ILIKE ${like} OR p.code ILIKE ${like} OR p.name ILIKE ${like})
    ), page AS (
      SELECT f.*, count(*) OVER ()::int AS total, sum(shipped) OVER () AS t_shipped, sum(returned) OVER () AS t_returned, sum(sold) OVER () AS t_sold
        FROM f ORDER BY ${sql.raw(p.order)}, dealer_code, product_code LIMIT ${p.limit} OFFSET ${p.offset}
    )
    SELECT page.dealer_id, page.dealer_code, page.dealer_name, page.product_id, page.product_code, page.product_name, page.unit,
           page.shipped::text AS shipped, page.returned::text AS returned, page.net::text AS net, page.sold::text AS sold, page.days, page.rate::text AS rate,
           last.stock::text AS last_stock, to_char(last.business_date, 'YYYY-MM-DD') AS last_date,
           page.total, page.t_shipped::text AS t_shipped, page.t_returned::text AS t_returned, page.t_sold::text AS t_sold
      FROM page
      LEFT JOIN LATERAL (SELECT r.stock, r.business_date FROM dealer_report r WHERE r.dealer_id = page.dealer_id AND r.product_id = page.product_id AND r.business_date <= ${p.to}::date
                          ORDER BY r.business_date DESC LIMIT 1) last ON true
     ORDER BY ${sql.raw(p.order.replace(/\b(net|sold|rate|dealer_code|product_code)\b/g, 'page.$1'))}, page.dealer_code, page.product_code`;
}
export interface SellThroughDbRow {
  dealer_id: string;
  dealer_code: string;
  dealer_name: string;
  product_id: string;
  product_code: string;
  product_name: string;
  unit: string;
  shipped: string;
  returned: string;
  net: string;
  sold: string;
  days: number;
  rate: string | null;
  last_stock: string | null;
  last_date: string | null;
  total: number;
  t_shipped: string;
  t_returned: string;
  t_sold: string;
}

/** Per rep in scope (users whose role scope is their assigned dealers): plans, visits, off-site check-ins, time on site, orders from visits. */
export function visitKpisSql(p: { reps: Expression<SqlBool>; dealers: Expression<SqlBool>; from: string; to: string }): RawBuilder<VisitKpiDbRow> {
  return sql<VisitKpiDbRow>`
    WITH reps AS (
      SELECT u.id, u.display_name FROM app_user u
       WHERE ${p.reps}
         AND EXISTS (SELECT 1 FROM user_role ur JOIN role r ON r.id = ur.role_id WHERE ur.user_id = u.id AND r.data_scope = ${DataScopeKind.ASSIGNED_DEALERS})
    ), dl AS (
      SELECT o.id FROM organization o WHERE o.type = ${OrgType.DEALER} AND ${p.dealers}
    ), v AS (
      SELECT v.rep_id, v.dealer_id, v.plan_id, v.business_date, v.off_site, v.duration_s FROM visit v
       WHERE v.rep_id IN (SELECT id FROM reps) AND v.dealer_id IN (SELECT id FROM dl) AND v.business_date BETWEEN ${p.from}::date AND ${p.to}::date
    ), pl AS (
      SELECT p.rep_id, d::date AS day, p.id AS plan_id, p.dealer_id FROM visit_plan p JOIN generate_series(${p.from}::date, ${p.to}::date, interval '1 day') d ON ${sql.raw(PLAN_OCCURS('d::date'))}
       WHERE p.rep_id IN (SELECT id FROM reps) AND p.dealer_id IN (SELECT id FROM dl)
    ), ord AS (
      SELECT so.sales_rep_id AS rep_id, count(*)::int AS n, sum(so.total) AS amount FROM sales_order so
       WHERE so.source = 'VISIT' AND so.status <> ALL(${NOT_STANDING}::text[]) AND so.sales_rep_id IN (SELECT id FROM reps)
         AND so.dealer_id IN (SELECT id FROM dl) AND so.business_date BETWEEN ${p.from}::date AND ${p.to}::date
       GROUP BY so.sales_rep_id
    )
    SELECT r.id AS rep_id, r.display_name AS rep_name,
           (SELECT count(*)::int FROM pl WHERE pl.rep_id = r.id) AS planned,
           (SELECT count(*)::int FROM pl WHERE pl.rep_id = r.id AND EXISTS (
              SELECT 1 FROM v WHERE v.rep_id = pl.rep_id AND v.business_date = pl.day AND (v.plan_id = pl.plan_id OR v.dealer_id = pl.dealer_id))) AS planned_done,
           (SELECT count(*)::int FROM v WHERE v.rep_id = r.id) AS visits,
           (SELECT count(*)::int FROM v WHERE v.rep_id = r.id AND v.off_site) AS off_site,
           (SELECT round(avg(v.duration_s) / 60.0, 1)::text FROM v WHERE v.rep_id = r.id AND v.duration_s IS NOT NULL) AS avg_minutes,
           COALESCE(ord.n, 0) AS orders, COALESCE(ord.amount, 0)::numeric(18,2)::text AS amount
      FROM reps r LEFT JOIN ord ON ord.rep_id = r.id
     ORDER BY r.display_name, r.id`;
}
export interface VisitKpiDbRow {
  rep_id: string;
  rep_name: string;
  planned: number;
  planned_done: number;
  visits: number;
  off_site: number;
  avg_minutes: string | null;
  orders: number;
  amount: string;
}

/** Orders that stand by month and source, with the dealers who ordered in the mall that month. */
export function mallUsageSql(p: { dealers: Expression<SqlBool>; from: string; to: string }): RawBuilder<MallUsageDbRow> {
  return sql<MallUsageDbRow>`
    WITH o AS (
      SELECT to_char(so.business_date, 'YYYY-MM') AS month, so.source, so.dealer_id, so.total FROM sales_order so
       WHERE so.status <> ALL(${NOT_STANDING}::text[]) AND so.business_date BETWEEN ${p.from}::date AND ${p.to}::date
         AND so.dealer_id IN (SELECT o.id FROM organization o WHERE o.type = ${OrgType.DEALER} AND ${p.dealers})
    )
    SELECT o.month, o.source, count(*)::int AS orders, sum(o.total)::text AS amount,
           (SELECT count(DISTINCT m.dealer_id)::int FROM o m WHERE m.month = o.month AND m.source = 'MALL') AS active
      FROM o GROUP BY o.month, o.source ORDER BY o.month, o.source`;
}
export interface MallUsageDbRow {
  month: string;
  source: string;
  orders: number;
  amount: string;
  active: number;
}

export function mallUsageSummarySql(p: { dealers: Expression<SqlBool>; from: string; to: string }): RawBuilder<{ active: number; dealers: number }> {
  return sql<{ active: number; dealers: number }>`
    SELECT (SELECT count(DISTINCT so.dealer_id)::int FROM sales_order so
             WHERE so.source = 'MALL' AND so.status <> ALL(${NOT_STANDING}::text[]) AND so.business_date BETWEEN ${p.from}::date AND ${p.to}::date
               AND so.dealer_id IN (SELECT o.id FROM organization o WHERE o.type = ${OrgType.DEALER} AND ${p.dealers})) AS active,
           (SELECT count(*)::int FROM organization o WHERE o.type = ${OrgType.DEALER} AND o.status = 'ACTIVE' AND ${p.dealers}) AS dealers`;
}

/** Per branch and month: shipped, returned, received (not reversed), and what of the month's receivables is open and past due today. */
export function collectionsSql(p: { dealers: Expression<SqlBool>; from: string; to: string; today: string }): RawBuilder<CollectionsDbRow> {
  return sql<CollectionsDbRow>`
    WITH d AS (
      SELECT o.id, ${BRANCH_OF('o')} AS branch_id FROM organization o WHERE o.type = ${OrgType.DEALER} AND ${p.dealers}
    ), facts AS (
      SELECT d.branch_id, to_char(s.business_date, 'YYYY-MM') AS month, s.amount AS shipped, 0 AS returned, 0 AS receipts, 0 AS overdue
        FROM shipment s JOIN d ON d.id = s.dealer_id WHERE s.business_date BETWEEN ${p.from}::date AND ${p.to}::date
      UNION ALL
      SELECT d.branch_id, to_char(r.business_date, 'YYYY-MM'), 0, r.amount, 0, 0
        FROM sales_return r JOIN d ON d.id = r.dealer_id WHERE r.business_date BETWEEN ${p.from}::date AND ${p.to}::date
      UNION ALL
      SELECT d.branch_id, to_char(rc.business_date, 'YYYY-MM'), 0, 0, rc.amount, 0
        FROM receipt rc JOIN d ON d.id = rc.dealer_id WHERE rc.status = 'ACTIVE' AND rc.business_date BETWEEN ${p.from}::date AND ${p.to}::date
      UNION ALL
      SELECT d.branch_id, to_char(r.business_date, 'YYYY-MM'), 0, 0, 0, r.open_amount
        FROM receivable r JOIN d ON d.id = r.dealer_id WHERE r.business_date BETWEEN ${p.from}::date AND ${p.to}::date AND ${sql.raw(overdueSql('r', `'${p.today}'::date`))}
    )
    SELECT f.branch_id, b.code AS branch_code, b.name AS branch_name, f.month,
           sum(f.shipped)::numeric(18,2)::text AS shipped, sum(f.returned)::numeric(18,2)::text AS returned, sum(f.receipts)::numeric(18,2)::text AS receipts,
           sum(f.overdue)::numeric(18,2)::text AS overdue
      FROM facts f JOIN organization b ON b.id = f.branch_id
     GROUP BY f.branch_id, b.code, b.name, f.month
     ORDER BY b.code, f.month`;
}
export interface CollectionsDbRow {
  branch_id: string;
  branch_code: string;
  branch_name: string;
  month: string;
  shipped: string;
  returned: string;
  receipts: string;
  overdue: string;
}
