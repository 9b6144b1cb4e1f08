import { RequestContext } from '../../common/context/request-context';
import { DbService } from '../../database/db.service';

/** The demo's targets: the branches and office, and the two reps (demo-data.ts). */
const ORG_CODES = ['BJ', 'BJ-CY', 'SH', 'GZ'];
const REP_USERNAMES = ['bj.sales', 'sh.sales'];
/** A key with no documents yet still gets a plan of this size a month (yuan). */
const FLOOR = 20000;

/**
 * A year of sales and collection targets (销售计划, issue #16) for the demo branches, the office and
 * the reps: every month from eleven months ago to the end of this year, so the achievement page has
 * a past to look back at and the home page a month in progress. Set-based, derived from the demo's
 * own documents (seeded before this runs) so the figures look planned: a past month's target is its
 * actual sales × 0.90..1.14 (drawn per key and month: some months met, some missed); this month's
 * and the months ahead are the key's average month × 1.05. Rounded to thousands; collection targets
 * are 85% of the sales target. Keys as the achievement counts them (TargetsService.actuals).
 */
export async function seedTargetsDemo(db: DbService, tx: RequestContext, today: string): Promise<void> {
  await db.query(
    tx,
    `WITH months AS (
       SELECT m::date AS month FROM generate_series(date_trunc('month', $1::date) - interval '11 months', date_trunc('year', $1::date) + interval '11 months', interval '1 month') m
     ), keys AS (
       SELECT o.id AS org_id, NULL::uuid AS rep_id, o.path FROM organization o WHERE o.code = ANY($2::text[])
       UNION ALL
       SELECT NULL, u.id, NULL FROM app_user u WHERE u.username = ANY($3::text[])
     ), facts AS (
       SELECT date_trunc('month', s.business_date)::date AS month, s.dealer_id, so.sales_rep_id, s.amount
         FROM shipment s JOIN sales_order so ON so.id = s.order_id
       UNION ALL
       SELECT date_trunc('month', r.business_date)::date, r.dealer_id, so.sales_rep_id, -r.amount
         FROM sales_return r JOIN sales_order so ON so.id = r.order_id
     ), actual AS (
       SELECT k.org_id, k.rep_id, f.month, sum(f.amount) AS sales
         FROM keys k
         JOIN facts f ON (k.org_id IS NOT NULL AND f.dealer_id IN (SELECT d.id FROM organization d WHERE d.path LIKE k.path || '%'))
                      OR (k.rep_id IS NOT NULL AND f.sales_rep_id = k.rep_id)
        WHERE f.month < date_trunc('month', $1::date)
        GROUP BY k.org_id, k.rep_id, f.month
     ), average AS (
       SELECT k.org_id, k.rep_id, GREATEST(COALESCE(avg(a.sales), 0), $4) AS sales
         FROM keys k LEFT JOIN actual a ON a.org_id IS NOT DISTINCT FROM k.org_id AND a.rep_id IS NOT DISTINCT FROM k.rep_id
        GROUP BY k.org_id, k.rep_id
     ), plan AS (
       SELECT m.month, k.org_id, k.rep_id,
              GREATEST(round(CASE
                WHEN m.month < date_trunc('month', $1::date) AND a.sales > 0
                  THEN a.sales * (0.90 + (abs(hashtext(COALESCE(k.org_id, k.rep_id)::text || m.month::text)) % 25) / 100.0)
                ELSE av.sales * 1.05 END, -3), $4) AS sales
         FROM months m CROSS JOIN keys k
         JOIN average av ON av.org_id IS NOT DISTINCT FROM k.org_id AND av.rep_id IS NOT DISTINCT FROM k.rep_id
         LEFT JOIN actual a ON a.month = m.month AND a.org_id IS NOT DISTINCT FROM k.org_id AND a.rep_id IS NOT DISTINCT FROM k.rep_id
     )
     INSERT INTO sales_target (month, org_id, rep_id, sales_target, collection_target)
     SELECT month, org_id, rep_id, sales, round(sales * 0.85, -3) FROM plan`,
    [today, ORG_CODES, REP_USERNAMES, FLOOR],
  );
}
