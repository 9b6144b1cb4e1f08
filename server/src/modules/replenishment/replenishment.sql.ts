/**
 * The replenishment rule (shared/src/replenishment.ts) computed set-based for every dealer and product
 * of a run (issue #15: 500 dealers x 1,000 products x 30 days of reports must not be computed row by
 * row in Node). Change it and `replenishmentLine` together: the API tests compare the two on generated
 * data.
 *
 * Parameters per (dealer, product): the most specific replenishment_setting — a product's own row
 * before an organisation-wide one, then the nearest organisation (the dealer, its branch, ..., HQ) —
 * else the built-in default. They are resolved per dealer once (organisation-wide rows), and per
 * (dealer, product) only where product rows exist. Products not on sale or outside the dealer's branch
 * range give no line; lines are written for suggestions (> 0) and for INSUFFICIENT_DATA.
 *
 * A run is two statements in the run's transaction (RUN_SESSION first):
 * 1. RUN_FIGURES_SQL aggregates the reports into a temporary table, one row per (dealer, product). The
 *    only pass over dealer_report; kept free of sub-plans, temporary tables and CTE scans so PostgreSQL
 *    may split it over parallel workers (a statement that writes a regular table never runs parallel).
 * 2. RUN_LINES_SQL adds parameters, product rules, the range and open supply to those rows, and writes
 *    the lines (hash joins on small sets; the temporary table's row count is known to the planner).
 */

/** Session settings for the run's transaction (SET LOCAL: they end with it). */
export const RUN_SESSION = [
  // compiling the expressions of these statements took longer than running them (9 s of 55 s at 3 M reports)
  'SET LOCAL jit = off',
  // the per-(dealer, product) aggregate stays in memory instead of spilling to disk in batches
  "SET LOCAL work_mem = '128MB'",
];

/**
 * The newest report's day and stock in one parallel-safe max(): day number x 10^16 + stock (stock is
 * numeric(18,3), below 10^15, so the two never mix); exact, unlike an ordered array_agg it can be
 * combined across workers.
 */
const EPOCH = `date '0001-01-01'`;
const SHIFT = `10000000000000000::numeric`;

/**
 * Per requested dealer: the window of its nearest organisation-wide setting (else $3, the built-in
 * default) and the business date of its last replenishment order. Joins only (parallel-safe).
 */
const DEALER_WINDOWS = `
  SELECT DISTINCT ON (o.id) o.id AS dealer_id, coalesce(s.window_days, $3::int) AS window_days, lr.day AS last_day
    FROM organization o
    LEFT JOIN (organization so JOIN replenishment_setting s ON s.org_id = so.id AND s.product_id IS NULL) ON o.path LIKE so.path || '%'
    LEFT JOIN (SELECT so.dealer_id, max(so.business_date) AS day FROM sales_order so
                WHERE so.dealer_id = ANY($2::uuid[]) AND so.source = 'REPLENISHMENT' AND so.status NOT IN ('CANCELLED', 'REJECTED')
                GROUP BY so.dealer_id) lr ON lr.dealer_id = o.id
   WHERE o.id = ANY($2::uuid[])
   ORDER BY o.id, so.depth DESC NULLS LAST`;

/** Per (requested dealer, product) with a product row in the dealer's ancestry: the nearest one. */
const productOverrides = (columns: string) => `
  SELECT DISTINCT ON (o.id, s.product_id) o.id AS dealer_id, s.product_id, ${columns}
    FROM organization o JOIN organization so ON o.path LIKE so.path || '%'
    JOIN replenishment_setting s ON s.org_id = so.id AND s.product_id IS NOT NULL
   WHERE o.id = ANY($2::uuid[])
   ORDER BY o.id, s.product_id, so.depth DESC`;

/**
 * Step 1: $1 the run's business date, $2 the dealers, $3 the built-in default window. Writes the
 * temporary table replenishment_fig (dropped at commit; RUN_LINES_SQL reads it).
 */
export const RUN_FIGURES_SQL = `
CREATE TEMP TABLE replenishment_fig ON COMMIT DROP AS
SELECT a.dealer_id, a.product_id, a.usable_days, a.stockout_days, a.usable_sold, a.window_sold, a.since_sold,
       ${EPOCH} + floor(a.newest / ${SHIFT})::int AS latest_day, mod(a.newest, ${SHIFT})::numeric(18,3) AS current_stock
  FROM (
    SELECT r.dealer_id, r.product_id,
           count(*) FILTER (WHERE win.w AND r.stock > 0)::int AS usable_days,
           count(*) FILTER (WHERE win.w AND r.stock = 0)::int AS stockout_days,
           coalesce(sum(r.sold) FILTER (WHERE win.w AND r.stock > 0), 0) AS usable_sold,
           coalesce(sum(r.sold) FILTER (WHERE win.w), 0) AS window_sold,
           coalesce(sum(r.sold) FILTER (WHERE r.business_date > d.last_day), 0) AS since_sold,
           max((r.business_date - ${EPOCH}) * ${SHIFT} + r.stock) AS newest
      FROM dealer_report r
      JOIN (${DEALER_WINDOWS}) d ON d.dealer_id = r.dealer_id
      LEFT JOIN (${productOverrides('s.window_days')}) ov ON ov.dealer_id = r.dealer_id AND ov.product_id = r.product_id
     CROSS JOIN LATERAL (SELECT r.business_date >= $1::date - coalesce(ov.window_days, d.window_days) AND r.business_date < $1::date AS w) win
     WHERE r.dealer_id = ANY($2::uuid[]) AND r.business_date <= $1::date
     GROUP BY r.dealer_id, r.product_id) a`;

/**
 * Step 2: $1 the run's business date, $2 the dealers, $3..$7 the built-in default parameters (method,
 * window, turnover, lead, safety), $8 the run id. Reads replenishment_fig, writes replenishment_line;
 * answers { lines, suggested, dealers }.
 */
export const RUN_LINES_SQL = `
WITH d AS MATERIALIZED (
  -- per dealer, once: its organisation-wide parameters, last replenishment order, and the organisation
  -- whose product range decides (the nearest with a range; none: every product)
  SELECT o.id AS dealer_id, o.path,
         (SELECT so.id FROM organization so
           WHERE o.path LIKE so.path || '%' AND EXISTS (SELECT 1 FROM branch_product_scope bs WHERE bs.branch_id = so.id)
           ORDER BY so.depth DESC LIMIT 1) AS range_org,
         coalesce(s.method, $3) AS method, coalesce(s.window_days, $4::int) AS window_days, coalesce(s.turnover_days, $5::int) AS turnover_days,
         coalesce(s.lead_days, $6::int) AS lead_days, coalesce(s.safety_stock, $7::numeric) AS safety_stock,
         (SELECT max(so.business_date) FROM sales_order so
           WHERE so.dealer_id = o.id AND so.source = 'REPLENISHMENT' AND so.status NOT IN ('CANCELLED', 'REJECTED')) AS last_day
    FROM organization o
    LEFT JOIN LATERAL (
      SELECT s.method, s.window_days, s.turnover_days, s.lead_days, s.safety_stock
        FROM replenishment_setting s JOIN organization so ON so.id = s.org_id
       WHERE o.path LIKE so.path || '%' AND s.product_id IS NULL
       ORDER BY so.depth DESC LIMIT 1) s ON true
   WHERE o.id = ANY($2::uuid[])
), ov AS (${productOverrides('s.method, s.window_days, s.turnover_days, s.lead_days, s.safety_stock')}
), rng AS (
  -- (range organisation, product) for every range in play: products named, or in a named category's subtree
  SELECT DISTINCT ro.range_org, p.id AS product_id
    FROM (SELECT DISTINCT range_org FROM d WHERE range_org IS NOT NULL) ro
    JOIN branch_product_scope bs ON bs.branch_id = ro.range_org
    LEFT JOIN category rc ON rc.id = bs.category_id
    JOIN product p ON p.id = bs.product_id OR p.category_id IN (SELECT pc.id FROM category pc WHERE pc.path LIKE rc.path || '%')
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
    FROM replenishment_fig a
    JOIN shipment s ON s.dealer_id = a.dealer_id AND s.business_date > a.latest_day AND s.business_date <= $1::date
    JOIN shipment_line sl ON sl.shipment_id = s.id AND sl.product_id = a.product_id
   GROUP BY 1, 2
), fig AS (
  SELECT a.*,
         coalesce(ov.method, d.method) AS method, coalesce(ov.window_days, d.window_days) AS window_days,
         coalesce(ov.turnover_days, d.turnover_days) AS turnover_days, coalesce(ov.lead_days, d.lead_days) AS lead_days,
         coalesce(ov.safety_stock, d.safety_stock) AS safety_stock, d.last_day,
         CASE WHEN a.usable_days > 0 THEN round(a.usable_sold / a.usable_days, 4) ELSE 0 END AS avg_daily,
         coalesce(ap.q, 0) + coalesce(sa.q, 0) + coalesce(od.q, 0) AS open_supply,
         CASE WHEN p.order_multiple > 0 THEN p.order_multiple ELSE 1 END AS multiple, p.min_order_qty
    FROM replenishment_fig a
    JOIN d ON d.dealer_id = a.dealer_id
    JOIN product p ON p.id = a.product_id
    LEFT JOIN ov ON ov.dealer_id = a.dealer_id AND ov.product_id = a.product_id
    LEFT JOIN rng ON rng.range_org = d.range_org AND rng.product_id = a.product_id
    LEFT JOIN approved ap ON ap.dealer_id = a.dealer_id AND ap.product_id = a.product_id
    LEFT JOIN shipped_after sa ON sa.dealer_id = a.dealer_id AND sa.product_id = a.product_id
    LEFT JOIN ordered od ON od.dealer_id = a.dealer_id AND od.product_id = a.product_id
   WHERE p.status = 'ON_SALE' AND (d.range_org IS NULL OR rng.product_id IS NOT NULL)
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
  SELECT $8::uuid, c.dealer_id, c.product_id, c.method, c.window_days, c.turnover_days, c.lead_days, c.safety_stock,
         c.usable_days, c.stockout_days, c.usable_sold, c.avg_daily, c.window_sold, c.sold_since_last, c.last_day,
         c.latest_day, c.current_stock, c.open_supply, c.target, c.raw_qty, q.qty, q.qty,
         CASE WHEN c.usable_days < 7 THEN 'INSUFFICIENT_DATA' ELSE 'SUGGESTED' END
    FROM calc c
   CROSS JOIN LATERAL (SELECT CASE WHEN c.usable_days < 7 THEN 0 ELSE greatest(ceil(c.raw_qty / c.multiple) * c.multiple, c.min_order_qty) END AS qty) q
   WHERE c.usable_days < 7 OR c.raw_qty > 0
   -- in the order of the unique (run, dealer, product) and (dealer, status) indexes: their pages are filled
   -- one after another instead of at random (about a fifth less time for the write at 3 M reports)
   ORDER BY c.dealer_id, c.product_id
  RETURNING dealer_id, status
)
SELECT count(*)::int AS lines, count(*) FILTER (WHERE status = 'SUGGESTED')::int AS suggested, count(DISTINCT dealer_id)::int AS dealers FROM ins`;

/** After RUN_LINES_SQL: the temporary table goes at once (a second run in the same transaction creates it again). */
export const RUN_CLEANUP_SQL = 'DROP TABLE replenishment_fig';
