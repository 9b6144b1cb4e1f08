/**
 * The replenishment rule (shared/src/replenishment.ts) computed set-based for every dealer and product
 * of a run in ONE statement (issue #15: 500 dealers x 1,000 products x 30 days of reports must not be
 * computed row by row in Node). Change it and `replenishmentLine` together: the API tests compare the
 * two on generated data.
 *
 * $1 the run's business date, $2 the dealers, $3 the run id, $4..$8 the built-in default parameters
 * (method, window, turnover, lead, safety). Parameters per (dealer, product): the most specific
 * replenishment_setting — a product's own row before an organisation-wide one, then the nearest
 * organisation (the dealer, its branch, ..., HQ) — else the built-in default. Products not on sale or outside the dealer's
 * branch range give no line; lines are written for suggestions (> 0) and for INSUFFICIENT_DATA.
 */
export const RUN_SQL = `
WITH d AS (
  -- per dealer, once: the organisation whose product range decides (the nearest with a range; none: every product)
  SELECT o.id AS dealer_id, o.path,
         (SELECT so.id FROM organization so
           WHERE o.path LIKE so.path || '%' AND EXISTS (SELECT 1 FROM branch_product_scope bs WHERE bs.branch_id = so.id)
           ORDER BY so.depth DESC LIMIT 1) AS range_org
    FROM organization o WHERE o.id = ANY($2::uuid[])
), pairs AS (
  SELECT DISTINCT r.dealer_id, r.product_id FROM dealer_report r WHERE r.dealer_id = ANY($2::uuid[]) AND r.business_date <= $1::date
), prm AS (
  SELECT pr.dealer_id, pr.product_id, coalesce(s.method, $4) AS method, coalesce(s.window_days, $5::int) AS window_days,
         coalesce(s.turnover_days, $6::int) AS turnover_days, coalesce(s.lead_days, $7::int) AS lead_days, coalesce(s.safety_stock, $8::numeric) AS safety_stock
    FROM pairs pr JOIN d ON d.dealer_id = pr.dealer_id
    LEFT JOIN LATERAL (
     SELECT s.method, s.window_days, s.turnover_days, s.lead_days, s.safety_stock
       FROM replenishment_setting s JOIN organization so ON so.id = s.org_id
      WHERE d.path LIKE so.path || '%' AND (s.product_id IS NULL OR s.product_id = pr.product_id)
      ORDER BY (s.product_id IS NOT NULL) DESC, so.depth DESC LIMIT 1) s ON true
), last_rep AS (
  SELECT so.dealer_id, max(so.business_date) AS day FROM sales_order so
   WHERE so.dealer_id = ANY($2::uuid[]) AND so.source = 'REPLENISHMENT' AND so.status NOT IN ('CANCELLED', 'REJECTED')
   GROUP BY so.dealer_id
), agg AS (
  SELECT prm.dealer_id, prm.product_id,
         count(*) FILTER (WHERE win.w AND r.stock > 0)::int AS usable_days,
         count(*) FILTER (WHERE win.w AND r.stock = 0)::int AS stockout_days,
         coalesce(sum(r.sold) FILTER (WHERE win.w AND r.stock > 0), 0) AS usable_sold,
         coalesce(sum(r.sold) FILTER (WHERE win.w), 0) AS window_sold,
         coalesce(sum(r.sold) FILTER (WHERE r.business_date > lr.day), 0) AS since_sold,
         max(r.business_date) AS latest_day,
         (array_agg(r.stock ORDER BY r.business_date DESC))[1] AS current_stock
    FROM prm
    JOIN dealer_report r ON r.dealer_id = prm.dealer_id AND r.product_id = prm.product_id AND r.business_date <= $1::date
    LEFT JOIN last_rep lr ON lr.dealer_id = prm.dealer_id
   CROSS JOIN LATERAL (SELECT r.business_date >= $1::date - prm.window_days AND r.business_date < $1::date AS w) win
   GROUP BY prm.dealer_id, prm.product_id
), approved AS (
  SELECT so.dealer_id, l.product_id, sum(l.qty - l.shipped_qty) AS q
    FROM sales_order so JOIN sales_order_line l ON l.order_id = so.id
   WHERE so.dealer_id = ANY($2::uuid[]) AND so.status IN ('APPROVED', 'PARTIALLY_SHIPPED')
   GROUP BY 1, 2
), ordered AS (
  SELECT so.dealer_id, l.product_id, sum(l.qty) AS q
    FROM sales_order so JOIN sales_order_line l ON l.order_id = so.id
   WHERE so.dealer_id = ANY($2::uuid[]) AND so.source = 'REPLENISHMENT' AND so.status IN ('DRAFT', 'PENDING_REVIEW', 'PENDING_APPROVAL')
   GROUP BY 1, 2
), shipped_after AS (
  SELECT a.dealer_id, a.product_id, sum(sl.qty) AS q
    FROM agg a
    JOIN shipment s ON s.dealer_id = a.dealer_id AND s.business_date > a.latest_day AND s.business_date <= $1::date
    JOIN shipment_line sl ON sl.shipment_id = s.id AND sl.product_id = a.product_id
   GROUP BY 1, 2
), fig AS (
  SELECT a.*, prm.method, prm.window_days, prm.turnover_days, prm.lead_days, prm.safety_stock, lr.day AS last_day,
         CASE WHEN a.usable_days > 0 THEN round(a.usable_sold / a.usable_days, 4) ELSE 0 END AS avg_daily,
         coalesce(ap.q, 0) + coalesce(sa.q, 0) + coalesce(od.q, 0) AS open_supply,
         CASE WHEN p.order_multiple > 0 THEN p.order_multiple ELSE 1 END AS multiple, p.min_order_qty
    FROM agg a
    JOIN prm ON prm.dealer_id = a.dealer_id AND prm.product_id = a.product_id
    JOIN d ON d.dealer_id = a.dealer_id
    JOIN product p ON p.id = a.product_id
    LEFT JOIN last_rep lr ON lr.dealer_id = a.dealer_id
    LEFT JOIN approved ap ON ap.dealer_id = a.dealer_id AND ap.product_id = a.product_id
    LEFT JOIN shipped_after sa ON sa.dealer_id = a.dealer_id AND sa.product_id = a.product_id
    LEFT JOIN ordered od ON od.dealer_id = a.dealer_id AND od.product_id = a.product_id
   WHERE p.status = 'ON_SALE'
     AND (d.range_org IS NULL
          OR EXISTS (SELECT 1 FROM branch_product_scope bs WHERE bs.branch_id = d.range_org AND bs.product_id = p.id)
          OR EXISTS (SELECT 1 FROM branch_product_scope bs JOIN category rc ON rc.id = bs.category_id JOIN category pc ON pc.id = p.category_id
                      WHERE bs.branch_id = d.range_org AND pc.path LIKE rc.path || '%'))
), calc AS (
  SELECT f.*,
         f.avg_daily * (f.turnover_days + f.lead_days) + f.safety_stock AS target,
         CASE WHEN f.last_day IS NULL THEN f.window_sold ELSE f.since_sold END AS sold_since_last,
         CASE f.method
           WHEN 'SELL_ONE_REPLACE_ONE' THEN (CASE WHEN f.last_day IS NULL THEN f.window_sold ELSE f.since_sold END) - f.open_supply
           WHEN 'SALES_STOCK_DIFF' THEN f.window_sold - f.current_stock - f.open_supply
           ELSE f.avg_daily * (f.turnover_days + f.lead_days) + f.safety_stock - f.current_stock - f.open_supply
         END AS raw_qty
    FROM fig f
), ins AS (
  INSERT INTO replenishment_line (run_id, dealer_id, product_id, method, window_days, turnover_days, lead_days, safety_stock,
                                  usable_days, stockout_days, usable_sold, avg_daily, window_sold, sold_since_last, last_replenishment_date,
                                  latest_report_date, current_stock, open_supply, target, raw_qty, suggested_qty, qty, status)
  SELECT $3, c.dealer_id, c.product_id, c.method, c.window_days, c.turnover_days, c.lead_days, c.safety_stock,
         c.usable_days, c.stockout_days, c.usable_sold, c.avg_daily, c.window_sold, c.sold_since_last, c.last_day,
         c.latest_day, c.current_stock, c.open_supply, c.target, c.raw_qty, q.qty, q.qty,
         CASE WHEN c.usable_days < 7 THEN 'INSUFFICIENT_DATA' ELSE 'SUGGESTED' END
    FROM calc c
   CROSS JOIN LATERAL (SELECT CASE WHEN c.usable_days < 7 THEN 0 ELSE greatest(ceil(c.raw_qty / c.multiple) * c.multiple, c.min_order_qty) END AS qty) q
   WHERE c.usable_days < 7 OR c.raw_qty > 0
  RETURNING dealer_id, status
)
SELECT count(*)::int AS lines, count(*) FILTER (WHERE status = 'SUGGESTED')::int AS suggested, count(DISTINCT dealer_id)::int AS dealers FROM ins`;
