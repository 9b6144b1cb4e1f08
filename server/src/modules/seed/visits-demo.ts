import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import { RequestContext } from '../../common/context/request-context';
import { productInRangeOf } from '../../common/scope/data-scope';
import { DbService } from '../../database/db.service';
import { productPicture } from './product-pictures';

/**
 * Store visits and dealer reports for the demo (issue #14), written set-based (seed is exempt from
 * table ownership):
 * - weekly visit plans for bj.sales and sh.sales (each assigned dealer twice a week, in route order);
 * - 30 days of visits before today for both reps (Monday to Saturday, both dealers, 20-50 minutes on
 *   site within ~150 m of the shop), with one off-site check-in (1.8 km away), one unplanned visit (a
 *   sub-dealer) and two shelf photos;
 * - 60 days of daily stock and sales reports for every demo dealer and ~15 products of its range: a
 *   weekly rhythm (weekends sell more), a promotion spike, stock-out runs, unreported days, weekly
 *   deliveries. The first six products on sale are left out: the replenishment API test writes its
 *   own reports for them and compares every line with the rule.
 */
export async function seedVisitsDemo(db: DbService, tx: RequestContext, orgIds: Map<string, string>, today: string, uploadsDir: string): Promise<void> {
  const users = await db.query<{ id: string; username: string }>(tx, `SELECT id, username FROM app_user WHERE username IN ('bj.sales', 'sh.sales')`);
  const reps = [
    { user: users.find((u) => u.username === 'bj.sales'), dealers: ['D-BJ001', 'D-BJ002'] },
    { user: users.find((u) => u.username === 'sh.sales'), dealers: ['D-SH001', 'D-SH002'] },
  ];
  for (const [r, rep] of reps.entries()) {
    if (!rep.user) continue;
    const [first, second] = rep.dealers.map((c) => orgIds.get(c)!);
    // weekly plans: the first dealer Monday and Thursday, the second Tuesday and Friday; Wednesday / Saturday both
    await db.query(
      tx,
      `INSERT INTO visit_plan (rep_id, dealer_id, plan_date, recurrence, weekday, purpose, tasks, route_order, created_by)
       SELECT $1, x.dealer_id, $2::date - 35, 'WEEKLY', x.weekday, x.purpose, x.tasks, x.route_order, $1
         FROM (VALUES ($3::uuid, 1, '例行拜访：盘点与陈列', ARRAY['STOCK_COUNT','DISPLAY_CHECK'], 1), ($3::uuid, 4, '盘点、催收货款', ARRAY['STOCK_COUNT','COLLECT_PAYMENT'], 1),
                      ($4::uuid, 2, '例行拜访：盘点与新品推介', ARRAY['STOCK_COUNT','NEW_PRODUCTS'], 1), ($4::uuid, 5, '盘点与陈列检查', ARRAY['STOCK_COUNT','DISPLAY_CHECK'], 1),
                      ($3::uuid, 3, '盘点', ARRAY['STOCK_COUNT'], 1), ($4::uuid, 3, '盘点', ARRAY['STOCK_COUNT'], 2),
                      ($3::uuid, 6, '周末备货检查', ARRAY['STOCK_COUNT','DISPLAY_CHECK'], 1), ($4::uuid, 6, '周末备货检查', ARRAY['STOCK_COUNT'], 2)) x(dealer_id, weekday, purpose, tasks, route_order)`,
      [rep.user.id, today, first, second],
    );
    // the visits of the last 30 days (not today: the rep's day starts clean), following the plans
    await db.query(
      tx,
      `INSERT INTO visit (rep_id, dealer_id, plan_id, client_id, business_date, check_in_at, check_in_device_at, lat, lng, accuracy_m, distance_m, radius_m, off_site,
                          check_out_at, check_out_device_at, duration_s, notes, competitor_notes, display_notes)
       SELECT $1, p.dealer_id, p.id, 'seed-' || $3::text || '-' || to_char(d, 'YYYYMMDD') || '-' || p.route_order, d::date,
              t.at, t.at, o.latitude + t.dlat, o.longitude + t.dlng, 15, round(6371008.8 * 2 * asin(sqrt(sin(radians(t.dlat) / 2) ^ 2 + cos(radians(o.latitude)) * cos(radians(o.latitude + t.dlat)) * sin(radians(t.dlng) / 2) ^ 2)))::int,
              500, false, t.at + t.dur * interval '1 second', t.at + t.dur * interval '1 second', t.dur,
              CASE WHEN extract(day FROM d)::int % 5 = 0 THEN '店主反映周末客流增加' END,
              CASE WHEN extract(day FROM d)::int % 7 = 0 THEN '竞品矿泉水买二送一' END,
              CASE WHEN extract(day FROM d)::int % 6 = 0 THEN '端架陈列已补齐' END
         FROM generate_series($2::date - 30, $2::date - 1, interval '1 day') d
         JOIN visit_plan p ON p.rep_id = $1 AND p.status = 'ACTIVE' AND extract(isodow FROM d)::int = p.weekday
         JOIN organization o ON o.id = p.dealer_id
         CROSS JOIN LATERAL (SELECT ((d::date + time '09:20' + (p.route_order - 1) * interval '2 hours' + (extract(day FROM d)::int % 4) * interval '7 minutes') AT TIME ZONE 'Asia/Shanghai') AS at,
                                    ((extract(day FROM d)::int * 37 + p.route_order * 11) % 100 - 50) / 100000.0 AS dlat,
                                    ((extract(day FROM d)::int * 53 + p.route_order * 7) % 100 - 50) / 100000.0 AS dlng,
                                    1200 + (extract(day FROM d)::int * 131 + p.route_order * 97) % 1800 AS dur) t`,
      [rep.user.id, today, String(r)],
    );
  }
  const bjRep = reps[0].user;
  if (!bjRep) return;
  // one off-site check-in: three days ago at D-BJ002, from 1.8 km away (the rep checked in from the road)
  await db.query(
    tx,
    `UPDATE visit v SET lat = o.latitude + 0.0162, distance_m = 1801, off_site = true, notes = '在路上签到（堵车）'
       FROM organization o WHERE o.id = v.dealer_id AND v.id = (
         SELECT id FROM visit WHERE rep_id = $1 AND dealer_id = $2 AND business_date >= $3::date - 6 ORDER BY business_date DESC LIMIT 1)`,
    [bjRep.id, orgIds.get('D-BJ002'), today],
  );
  // one unplanned visit: the sub-dealer 通州华联分销点 yesterday afternoon
  const sub = orgIds.get('D-BJ001-01')!;
  await db.query(
    tx,
    `INSERT INTO visit (rep_id, dealer_id, plan_id, client_id, business_date, check_in_at, check_in_device_at, lat, lng, accuracy_m, distance_m, radius_m, off_site, check_out_at, check_out_device_at, duration_s, notes)
     SELECT $1, o.id, NULL, 'seed-unplanned-1', $3::date - 1, t.at, t.at, o.latitude + 0.0003, o.longitude, 20, 33, 500, false, t.at + interval '25 minutes', t.at + interval '25 minutes', 1500, '临时拜访：店主要求补货'
       FROM organization o CROSS JOIN LATERAL (SELECT (($3::date - 1) + time '15:10') AT TIME ZONE 'Asia/Shanghai' AS at) t WHERE o.id = $2`,
    [bjRep.id, sub, today],
  );
  // two shelf photos on bj.sales's latest planned visit
  const [latest] = await db.query<{ id: string }>(tx, `SELECT id FROM visit WHERE rep_id = $1 AND plan_id IS NOT NULL ORDER BY check_in_at DESC LIMIT 1`, [bjRep.id]);
  if (latest) {
    fs.mkdirSync(uploadsDir, { recursive: true });
    for (const [i, shape] of (['pack', 'bottle'] as const).entries()) {
      const png = productPicture(shape, `shelf-${i}`, 160);
      const key = `${randomUUID()}.png`;
      fs.writeFileSync(path.join(uploadsDir, key), png);
      await db.query(tx, `INSERT INTO visit_photo (visit_id, storage_key, file_name, content_type, size_bytes, caption, created_by) VALUES ($1, $2, $3, 'image/png', $4, $5, $6)`, [
        latest.id, key, `shelf-${i + 1}.png`, png.length, i === 0 ? '货架陈列' : '端架', bjRep.id,
      ]);
    }
  }

  // 60 days of daily reports for every demo dealer and ~15 products of its range
  // D-BJ001, D-BJ002, D-BJ003 and D-SH002 are left to the replenishment API test, which writes and compares their reports
  // itself; D-SH004 is the dealer without documents the organisation tests delete
  const dealers = await db.query<{ id: string; path: string }>(tx, `SELECT id, path FROM organization WHERE type = 'DEALER' AND code NOT IN ('D-BJ001', 'D-BJ002', 'D-BJ003', 'D-SH002', 'D-SH004') ORDER BY code`);
  const skip = (await db.query<{ id: string }>(tx, `SELECT id FROM product WHERE status = 'ON_SALE' ORDER BY code LIMIT 6`)).map((p) => p.id);
  const dealerIds: string[] = [];
  const productIds: string[] = [];
  const idx: number[] = [];
  for (const d of dealers) {
    const rows = await db.rows(tx, db.k.selectFrom('product as p').select('p.id').where('p.status', '=', 'ON_SALE').where('p.id', 'not in', skip).where(productInRangeOf(d.path, 'p')).orderBy('p.code').limit(15));
    rows.forEach((p, i) => {
      dealerIds.push(d.id);
      productIds.push(p.id);
      idx.push(i);
    });
  }
  if (!dealerIds.length) return;
  await db.query(
    tx,
    `WITH pairs AS (
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::int[]) AS x(dealer_id, product_id, i)
     ), days AS (
       SELECT d::date AS day, ($4::date - d::date) AS back FROM generate_series($4::date - 59, $4::date - 1, interval '1 day') d
     ), base AS (
       SELECT p.dealer_id, p.product_id, p.i, days.day, days.back,
              (2 + (p.i * 7 + abs(hashtext(p.dealer_id::text)) % 5) % 11)::numeric AS rate,
              CASE extract(isodow FROM days.day)::int WHEN 6 THEN 1.6 WHEN 7 THEN 1.5 WHEN 5 THEN 1.2 ELSE 1.0 END
                * CASE WHEN p.i % 3 = 0 AND days.back BETWEEN 14 AND 20 THEN 2.5 ELSE 1.0 END AS factor,
              (p.i % 5 = 1 AND days.back BETWEEN 32 AND 35) AS stock_out,
              random() AS r1, random() AS r2
         FROM pairs p CROSS JOIN days
     )
     INSERT INTO dealer_report (dealer_id, product_id, business_date, stock, sold, received, source, reported_by)
     SELECT dealer_id, product_id, day,
            CASE WHEN stock_out THEN 0 ELSE greatest(0, round(rate * (12 - 1.4 * (back % 7)) + r2 * rate)) END,
            CASE WHEN stock_out THEN 0 ELSE round(rate * factor * (0.7 + r1 * 0.6)) END,
            CASE WHEN back % 7 = 0 THEN round(rate * 9) ELSE 0 END,
            'MALL', NULL
       FROM base
      WHERE r2 >= 0.07 OR stock_out`,
    [dealerIds, productIds, idx, today],
  );
  // the counts made during the seeded visits: those days' figures came from the rep
  await db.query(
    tx,
    `UPDATE dealer_report r SET source = 'VISIT', visit_id = v.id, reported_by = v.rep_id
       FROM visit v WHERE v.dealer_id = r.dealer_id AND v.business_date = r.business_date AND v.client_id LIKE 'seed-%'`,
  );
}
