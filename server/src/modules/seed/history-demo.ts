import { OrgType } from '@drp/shared';
import { sql } from 'kysely';
import { RequestContext } from '../../common/context/request-context';
import { productInRangeOf } from '../../common/scope/data-scope';
import { DbService } from '../../database/db.service';

/**
 * A year of demo history (issue #16: "so the charts show seasons and the comparisons have something
 * to compare"): from 365 days before today to the end of the month before last, approved orders
 * from every demo dealer (but D-SH004, which the organisation tests delete) with their lines, one
 * shipment each with frozen tax and cost, a few returns, the receivables, and the receipts that
 * settle them; written set-based (one statement per table) so the seed stays fast.
 *
 * Shape: ~2.5 orders a day in all, in whole cases; a peak in the four weeks before the Spring
 * Festival (年货), a dip in its week, Q4 above the rest, summer a little up, quiet Sundays, a slow
 * growth over the year, and the mall's share of orders rising from ~15% to ~50% (mall adoption).
 *
 * It runs after the other demo steps and ends before last month, so what they made stays as it
 * was: last month's statements (made by the sales demo) and the invoices (the invoice demo invoices
 * the shipments it finds; history shipments are left uninvoiced) see no history document in their
 * periods, and the history is settled before them (opening balances unchanged).
 *
 * Consistency, as the documents the services write would be:
 * - numbers: each document type takes the next numbers of its business day after what the day's
 *   counter (doc_sequence) already holds, and the counter is moved past them, so the app never
 *   issues a history number again; gap-free per type and day.
 * - money: every history receivable is settled in full within the history (a return's credit
 *   first, then one receipt for the rest, allocated to it), so open receivables, prepayments and
 *   each credit account's running totals (CreditService.consistency) are unchanged; the orders are
 *   COMPLETED (they commit no credit).
 * - stock: history moves no stock. It stands for the old system's documents before the opening
 *   inventory (期初入库, dated today by the catalog demo): today's on hand is that count, and no
 *   movement ledger is rewritten. Shipment lines still freeze a unit cost: the warehouse's moving
 *   average at seeding (85% of the level-10 price where a row has none yet), 3% lower a year ago
 *   (costs rose), so margins have a history too.
 * The first six products on sale are left out (the replenishment API test writes its own reports
 * for them and checks every figure), and the dealers that test runs on get no REPLENISHMENT orders.
 */

/** Spring Festival (春节) days: the seasonal peak is the four weeks before. */
const SPRING_FESTIVALS = ['2024-02-10', '2025-01-29', '2026-02-17', '2027-02-06', '2028-01-26', '2029-02-13', '2030-02-03', '2031-01-23'];

/** Orders a day on an ordinary day per dealer; credit days of its receivables. */
const HISTORY_DEALERS: { code: string; rate: number; creditDays: number }[] = [
  { code: 'D-BJ001', rate: 0.35, creditDays: 30 },
  { code: 'D-BJ001-01', rate: 0.08, creditDays: 0 },
  { code: 'D-BJ002', rate: 0.3, creditDays: 15 },
  { code: 'D-BJ003', rate: 0.15, creditDays: 0 },
  { code: 'D-BJ004', rate: 0.2, creditDays: 30 },
  { code: 'D-SH001', rate: 0.35, creditDays: 45 },
  { code: 'D-SH002', rate: 0.25, creditDays: 30 },
  { code: 'D-SH003', rate: 0.12, creditDays: 0 },
  { code: 'D-GZ001', rate: 0.25, creditDays: 30 },
  { code: 'D-GZ002', rate: 0.15, creditDays: 30 },
  { code: 'D-GZ003', rate: 0.08, creditDays: 0 },
  { code: 'D-HQ001', rate: 0.2, creditDays: 60 },
];
/** The replenishment API test's dealers: no history REPLENISHMENT orders (its 销一补一 reads the last one). */
const NO_REPLENISHMENT = ['D-BJ001', 'D-BJ002', 'D-BJ003', 'D-SH002'];
/** Products per dealer the history orders from (the first of its range, by code). */
const POOL_SIZE = 40;
const RETURN_REASONS = ['包装破损', '临期退货', '发错货', '质量问题'];

/** The last day of the month before last: the history ends there (see above). */
export function historyEnd(today: string): string {
  const [y, m] = today.split('-').map(Number);
  const firstOfLastMonth = new Date(Date.UTC(y, m - 2, 1));
  return new Date(firstOfLastMonth.getTime() - 86_400_000).toISOString().slice(0, 10);
}

export async function seedHistoryDemo(db: DbService, tx: RequestContext, orgIds: Map<string, string>, today: string, tz: string): Promise<void> {
  const dealers = HISTORY_DEALERS.filter((d) => orgIds.has(d.code));
  const end = historyEnd(today);
  if (!dealers.length) return;
  const skip = (await db.query<{ id: string }>(tx, `SELECT id FROM product WHERE status = 'ON_SALE' ORDER BY code LIMIT 6`)).map((p) => p.id);

  // dealers with their branch (nearest organisation above that is not a dealer), warehouse (the deepest on the path), rep and dealer user
  await db.query(
    tx,
    `CREATE TEMP TABLE h_dealer ON COMMIT DROP AS
     SELECT d.id AS dealer_id, d.code, d.path, COALESCE(d.price_level, 1) AS level, d.contact, d.phone, d.address, d.region, x.rate, x.credit_days,
            d.settlement_method = 'CASH' AS cash, NOT (d.code = ANY($4::text[])) AS replenishes,
            b.id AS branch_id, w.id AS warehouse_id, rep.id AS rep_id, du.id AS dealer_user_id
       FROM unnest($1::text[], $2::numeric[], $3::int[]) x(code, rate, credit_days)
       JOIN organization d ON d.code = x.code AND d.type = '${OrgType.DEALER}'
       JOIN LATERAL (SELECT b.id FROM organization b WHERE d.path LIKE b.path || '%' AND b.type <> '${OrgType.DEALER}' ORDER BY b.depth DESC LIMIT 1) b ON true
       JOIN LATERAL (SELECT w.id FROM warehouse w JOIN organization wo ON wo.id = w.org_id WHERE d.path LIKE wo.path || '%' ORDER BY wo.depth DESC, w.code LIMIT 1) w ON true
       LEFT JOIN LATERAL (SELECT u.id FROM app_user u JOIN user_role ur ON ur.user_id = u.id JOIN role r ON r.id = ur.role_id AND r.code = 'SALES_REP'
                           JOIN organization uo ON uo.id = u.org_id WHERE d.path LIKE uo.path || '%' AND uo.depth = 1 ORDER BY u.username LIMIT 1) rep ON true
       LEFT JOIN LATERAL (SELECT u.id FROM app_user u WHERE u.org_id = d.id ORDER BY u.username LIMIT 1) du ON true`,
    [dealers.map((d) => d.code), dealers.map((d) => d.rate), dealers.map((d) => d.creditDays), NO_REPLENISHMENT],
  );

  // each dealer's pool: the first products of its range that its warehouse stocks (the range rule is the scope helper's)
  const rows = await db.query<{ dealer_id: string; path: string; warehouse_id: string }>(tx, `SELECT dealer_id, path, warehouse_id FROM h_dealer ORDER BY code`);
  const poolDealer: string[] = [];
  const poolProduct: string[] = [];
  for (const d of rows) {
    const products = await db.rows(
      tx,
      db.k
        .selectFrom('product as p')
        .innerJoin('stock as st', (j) => j.onRef('st.product_id', '=', 'p.id').on('st.warehouse_id', '=', d.warehouse_id))
        .select('p.id')
        .where('p.status', '=', 'ON_SALE')
        .where('p.id', 'not in', skip.length ? skip : [sql<string>`NULL`])
        .where(productInRangeOf(d.path, 'p'))
        .orderBy('p.code')
        .limit(POOL_SIZE),
    );
    for (const p of products) {
      poolDealer.push(d.dealer_id);
      poolProduct.push(p.id);
    }
  }
  await db.query(
    tx,
    `CREATE TEMP TABLE h_pool ON COMMIT DROP AS
     SELECT x.dealer_id, (row_number() OVER (PARTITION BY x.dealer_id ORDER BY p.code) - 1)::int AS k, count(*) OVER (PARTITION BY x.dealer_id)::int AS n,
            p.id AS product_id, lp.price AS unit_price, lv.name AS level_name, fp.price AS floor_price, p.tax_rate,
            -- a case (the largest unit) rounded up to the order multiple, at least the minimum order
            GREATEST(ceil(COALESCE((SELECT max(u.factor) FROM product_unit u WHERE u.product_id = p.id), 1) / p.order_multiple),
                     ceil(p.min_order_qty / p.order_multiple)) * p.order_multiple AS pack_qty,
            -- the opening cost when it has one; else 85% of the floor price (a demo stock row without a cost yet)
            CASE WHEN st.avg_cost > 0 THEN st.avg_cost ELSE round(fp.price * 0.85, 6) END AS cost
       FROM unnest($1::uuid[], $2::uuid[]) x(dealer_id, product_id)
       JOIN h_dealer hd ON hd.dealer_id = x.dealer_id
       JOIN product p ON p.id = x.product_id
       JOIN stock st ON st.warehouse_id = hd.warehouse_id AND st.product_id = p.id
       JOIN product_price lp ON lp.product_id = p.id AND lp.level = hd.level
       JOIN price_level lv ON lv.level = hd.level
       JOIN product_price fp ON fp.product_id = p.id AND fp.level = 10`,
    [poolDealer, poolProduct],
  );

  // orders: per dealer and day, drawn deterministically (hash of dealer and day) with the season's odds
  await db.query(
    tx,
    `CREATE TEMP TABLE h_order ON COMMIT DROP AS
     WITH days AS (
       SELECT d::date AS day, ($1::date - d::date) AS back FROM generate_series($1::date - 365, $4::date - 1, interval '1 day') d
     ), season AS (
       SELECT days.day, days.back,
              CASE WHEN sf.until BETWEEN 1 AND 28 THEN 1.9 WHEN sf.since BETWEEN 0 AND 7 THEN 0.25
                   WHEN extract(month FROM days.day) IN (10, 11, 12) THEN 1.35 WHEN extract(month FROM days.day) IN (6, 7, 8) THEN 1.15 ELSE 1.0 END
                * CASE extract(isodow FROM days.day)::int WHEN 7 THEN 0.4 WHEN 6 THEN 0.8 ELSE 1.0 END
                * (0.85 + 0.3 * (365 - days.back) / 365.0) AS factor
         FROM days
         CROSS JOIN LATERAL (SELECT min(f - days.day) FILTER (WHERE f >= days.day) AS until, min(days.day - f) FILTER (WHERE f <= days.day) AS since
                               FROM unnest($2::date[]) f) sf
     ), drawn AS (
       SELECT hd.*, s.day, s.back, s.factor,
              abs(hashtext(hd.code || s.day::text || 'src')) % 100 AS src_roll,
              abs(hashtext(hd.code || s.day::text || 'lines')) AS line_roll,
              abs(hashtext(hd.code || s.day::text || 'ret')) % 40 = 0 AS returned,
              abs(hashtext(hd.code || s.day::text || 'pay')) % 20 AS pay_roll
         FROM h_dealer hd CROSS JOIN season s
        WHERE (abs(hashtext(hd.code || s.day::text)) % 10000) / 10000.0 < hd.rate * s.factor
     )
     SELECT gen_random_uuid() AS id, gen_random_uuid() AS ship_id, gen_random_uuid() AS recv_id, d.*,
            CASE WHEN d.src_roll < 15 + 35 * (365 - d.back) / 365 THEN 'MALL'
                 WHEN d.rep_id IS NOT NULL AND d.src_roll < 35 + 35 * (365 - d.back) / 365 THEN 'VISIT'
                 WHEN d.replenishes AND d.src_roll >= 88 THEN 'REPLENISHMENT'
                 ELSE 'CONSOLE' END AS source,
            d.day + 1 AS ship_day,
            2 + d.line_roll % 4 AS line_count,
            ((d.day + time '10:00') AT TIME ZONE $3) AS at
       FROM drawn d`,
    [today, SPRING_FESTIVALS, tz, end],
  );
  const [{ n: orderCount }] = await db.query<{ n: number }>(tx, `SELECT count(*)::int AS n FROM h_order`);
  if (!orderCount) return;

  // lines: consecutive products of the pool from a drawn start, quantities in whole packs scaled by the season
  await db.query(
    tx,
    `CREATE TEMP TABLE h_line ON COMMIT DROP AS
     SELECT gen_random_uuid() AS id, gen_random_uuid() AS ship_line_id, o.id AS order_id, i + 1 AS line_no, p.product_id, p.unit_price, p.level_name, p.floor_price, p.tax_rate,
            q.qty, round(q.qty * p.unit_price, 2) AS amount, round(round(q.qty * p.unit_price, 2) * p.tax_rate / (1 + p.tax_rate), 2) AS tax_amount,
            round(p.cost * (1 - 0.03 * o.back / 365.0), 6) AS unit_cost, p.pack_qty
       FROM h_order o
       CROSS JOIN LATERAL generate_series(0, o.line_count - 1) i
       JOIN h_pool p ON p.dealer_id = o.dealer_id AND p.k = ((o.line_roll / 7) + i) % p.n
       CROSS JOIN LATERAL (SELECT p.pack_qty * ceil((1 + (o.line_roll / 3 + i * 5) % 5) * o.factor) AS qty) q`,
  );
  await db.query(
    tx,
    `ALTER TABLE h_line ADD COLUMN cost_amount numeric(18,2);
     UPDATE h_line SET cost_amount = round(qty * unit_cost, 2)`,
  );

  // numbers: after what the day's counter already holds, in a stable order
  await db.query(
    tx,
    `ALTER TABLE h_order ADD COLUMN number text, ADD COLUMN ship_number text, ADD COLUMN total numeric(18,2), ADD COLUMN tax_total numeric(18,2);
     UPDATE h_order o SET total = x.total, tax_total = x.tax FROM (SELECT order_id, sum(amount) AS total, sum(tax_amount) AS tax FROM h_line GROUP BY order_id) x WHERE x.order_id = o.id;
     UPDATE h_order o SET number = 'SO' || to_char(o.day, 'YYYYMMDD') || '-' || lpad((COALESCE(s.last_no, 0) + x.rn)::text, 4, '0')
       FROM (SELECT id, day, row_number() OVER (PARTITION BY day ORDER BY code) AS rn FROM h_order) x
       LEFT JOIN doc_sequence s ON s.doc_type = 'SO' AND s.day = x.day
      WHERE x.id = o.id;
     UPDATE h_order o SET ship_number = 'FH' || to_char(o.ship_day, 'YYYYMMDD') || '-' || lpad((COALESCE(s.last_no, 0) + x.rn)::text, 4, '0')
       FROM (SELECT id, ship_day, row_number() OVER (PARTITION BY ship_day ORDER BY code) AS rn FROM h_order) x
       LEFT JOIN doc_sequence s ON s.doc_type = 'FH' AND s.day = x.ship_day
      WHERE x.id = o.id`,
  );

  // returns: ~1 order in 40 sends a pack of its first line back 3-9 days after shipping
  await db.query(
    tx,
    `CREATE TEMP TABLE h_return ON COMMIT DROP AS
     SELECT gen_random_uuid() AS id, o.id AS order_id, o.ship_id, o.recv_id, o.dealer_id, o.warehouse_id, o.code, l.id AS order_line_id, l.ship_line_id, l.product_id, l.unit_price, l.tax_rate, l.unit_cost,
            LEAST(o.ship_day + 3 + o.line_roll % 7, $1::date) AS day,
            (ARRAY[${RETURN_REASONS.map((r) => `'${r}'`).join(', ')}])[1 + o.line_roll % ${RETURN_REASONS.length}] AS reason,
            LEAST(l.pack_qty, l.qty) AS qty, round(l.amount * LEAST(l.pack_qty, l.qty) / l.qty, 2) AS amount, NULL::text AS number
       FROM h_order o JOIN h_line l ON l.order_id = o.id AND l.line_no = 1
      WHERE o.returned`,
    [end],
  );
  await db.query(
    tx,
    `UPDATE h_return r SET number = 'TH' || to_char(r.day, 'YYYYMMDD') || '-' || lpad((COALESCE(s.last_no, 0) + x.rn)::text, 4, '0')
       FROM (SELECT id, day, row_number() OVER (PARTITION BY day ORDER BY code) AS rn FROM h_return) x
       LEFT JOIN doc_sequence s ON s.doc_type = 'TH' AND s.day = x.day
      WHERE x.id = r.id`,
  );

  // receipts: one per shipment for what the return left open; cash dealers pay in days, others around their credit days
  await db.query(
    tx,
    `CREATE TEMP TABLE h_receipt ON COMMIT DROP AS
     SELECT gen_random_uuid() AS id, o.id AS order_id, o.recv_id, o.dealer_id, o.code, o.total - COALESCE(r.amount, 0) AS amount,
            GREATEST(LEAST(o.ship_day + CASE WHEN o.cash THEN 1 + o.pay_roll % 3 ELSE GREATEST(o.credit_days - 10 + o.pay_roll, 1) END, $1::date), COALESCE(r.day, o.ship_day)) AS day,
            CASE WHEN o.cash THEN 'WECHAT' ELSE 'BANK_TRANSFER' END AS method, NULL::text AS number
       FROM h_order o LEFT JOIN h_return r ON r.order_id = o.id
      WHERE o.total - COALESCE(r.amount, 0) > 0`,
    [end],
  );
  await db.query(
    tx,
    `UPDATE h_receipt r SET number = 'SK' || to_char(r.day, 'YYYYMMDD') || '-' || lpad((COALESCE(s.last_no, 0) + x.rn)::text, 4, '0')
       FROM (SELECT id, day, row_number() OVER (PARTITION BY day ORDER BY code, order_id) AS rn FROM h_receipt) x
       LEFT JOIN doc_sequence s ON s.doc_type = 'SK' AND s.day = x.day
      WHERE x.id = r.id`,
  );

  // the documents
  await db.query(
    tx,
    `INSERT INTO sales_order (id, number, dealer_id, branch_id, warehouse_id, sales_rep_id, source, status, business_date, total, tax_total, shipped_total, committed,
                              ship_to_contact, ship_to_phone, ship_to_address, ship_to_region, submitted_at, approved_at, created_by, remark, created_at, updated_at)
     SELECT id, number, dealer_id, branch_id, warehouse_id, rep_id, source, 'COMPLETED', day, total, tax_total, total, 0,
            contact, phone, address, region, at, at + interval '20 minutes',
            CASE source WHEN 'MALL' THEN dealer_user_id WHEN 'VISIT' THEN rep_id END, NULL, at, at + interval '2 days'
       FROM h_order;
     INSERT INTO sales_order_line (id, order_id, line_no, product_id, qty, unit_price, list_price, price_source, price_ref_id, price_ref_name, floor_price,
                                   tax_rate, amount, tax_amount, shipped_qty, shipped_amount, returned_qty, created_at, updated_at)
     SELECT l.id, l.order_id, l.line_no, l.product_id, l.qty, l.unit_price, l.unit_price, 'LEVEL', (SELECT level::text FROM h_dealer hd WHERE hd.dealer_id = o.dealer_id), l.level_name, l.floor_price,
            l.tax_rate, l.amount, l.tax_amount, l.qty, l.amount, COALESCE(r.qty, 0), o.at, o.at
       FROM h_line l JOIN h_order o ON o.id = l.order_id LEFT JOIN h_return r ON r.order_line_id = l.id;
     INSERT INTO sales_order_event (order_id, action, from_status, to_status, note, actor_id, created_at, updated_at)
     SELECT o.id, e.action, e.from_status, e.to_status, e.note, NULL, o.at + e.after, o.at + e.after
       FROM h_order o CROSS JOIN LATERAL (VALUES ('CREATE', NULL, 'DRAFT', NULL, interval '0'), ('SUBMIT', 'DRAFT', 'PENDING_APPROVAL', NULL, interval '1 minute'),
                                                 ('APPROVE', 'PENDING_APPROVAL', 'APPROVED', 'auto', interval '20 minutes'), ('SHIP', 'APPROVED', 'SHIPPED', o.ship_number, interval '1 day'),
                                                 ('COMPLETE', 'SHIPPED', 'COMPLETED', NULL, interval '2 days')) e(action, from_status, to_status, note, after);
     INSERT INTO shipment (id, number, order_id, dealer_id, warehouse_id, business_date, due_date, amount, logistics_company, tracking_no, created_at, updated_at)
     SELECT ship_id, ship_number, id, dealer_id, warehouse_id, ship_day, ship_day + credit_days, total,
            CASE WHEN line_roll % 3 = 0 THEN '德邦物流' ELSE '顺丰速运' END, 'H' || substr(md5(ship_id::text), 1, 10), at + interval '1 day', at + interval '1 day'
       FROM h_order;
     INSERT INTO shipment_line (id, shipment_id, order_line_id, product_id, qty, unit_price, amount, tax_amount, unit_cost, cost_amount, returned_qty, returned_amount, created_at, updated_at)
     SELECT l.ship_line_id, o.ship_id, l.id, l.product_id, l.qty, l.unit_price, l.amount, l.tax_amount, l.unit_cost, l.cost_amount, COALESCE(r.qty, 0), COALESCE(r.amount, 0), o.at + interval '1 day', o.at + interval '1 day'
       FROM h_line l JOIN h_order o ON o.id = l.order_id LEFT JOIN h_return r ON r.order_line_id = l.id;
     INSERT INTO receivable (id, shipment_id, order_id, dealer_id, branch_id, sales_rep_id, number, business_date, due_date, amount, open_amount, created_at, updated_at)
     SELECT recv_id, ship_id, id, dealer_id, branch_id, rep_id, ship_number, ship_day, ship_day + credit_days, total, 0, at + interval '1 day', at + interval '1 day'
       FROM h_order;
     INSERT INTO sales_return (id, number, order_id, shipment_id, dealer_id, warehouse_id, business_date, amount, reason, created_at, updated_at)
     SELECT id, number, order_id, ship_id, dealer_id, warehouse_id, day, amount, reason, (day + time '15:00') AT TIME ZONE $1, (day + time '15:00') AT TIME ZONE $1
       FROM h_return;
     INSERT INTO sales_return_line (return_id, shipment_line_id, product_id, qty, unit_price, amount, tax_amount, unit_cost, cost_amount, created_at, updated_at)
     SELECT id, ship_line_id, product_id, qty, unit_price, amount, round(amount * tax_rate / (1 + tax_rate), 2), unit_cost, round(qty * unit_cost, 2),
            (day + time '15:00') AT TIME ZONE $1, (day + time '15:00') AT TIME ZONE $1
       FROM h_return;
     INSERT INTO return_credit (return_id, dealer_id, number, business_date, amount, unallocated, created_at, updated_at)
     SELECT id, dealer_id, number, day, amount, 0, (day + time '15:00') AT TIME ZONE $1, (day + time '15:00') AT TIME ZONE $1 FROM h_return;
     INSERT INTO allocation (receivable_id, return_id, amount, created_at, updated_at)
     SELECT recv_id, id, amount, (day + time '15:00') AT TIME ZONE $1, (day + time '15:00') AT TIME ZONE $1 FROM h_return;
     INSERT INTO receipt (id, number, dealer_id, method, amount, unallocated, business_date, status, remark, created_at, updated_at)
     SELECT id, number, dealer_id, method, amount, 0, day, 'ACTIVE', NULL, (day + time '16:00') AT TIME ZONE $1, (day + time '16:00') AT TIME ZONE $1 FROM h_receipt;
     INSERT INTO allocation (receivable_id, receipt_id, amount, created_at, updated_at)
     SELECT recv_id, id, amount, (day + time '16:00') AT TIME ZONE $1, (day + time '16:00') AT TIME ZONE $1 FROM h_receipt`.replace(/\$1/g, `'${tz.replace(/'/g, "''")}'`),
  );

  // the day counters move past every history number (never issued again)
  await db.query(
    tx,
    `INSERT INTO doc_sequence (doc_type, day, last_no)
     SELECT t, day, max(right(number, 4)::int) FROM (
       SELECT 'SO' AS t, day, number FROM h_order UNION ALL SELECT 'FH', ship_day, ship_number FROM h_order
       UNION ALL SELECT 'TH', day, number FROM h_return UNION ALL SELECT 'SK', day, number FROM h_receipt) x
      GROUP BY t, day
     ON CONFLICT (doc_type, day) DO UPDATE SET last_no = GREATEST(doc_sequence.last_no, EXCLUDED.last_no), updated_at = now()`,
  );
}
