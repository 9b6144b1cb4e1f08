import { RequestContext } from '../../common/context/request-context';
import { DbService } from '../../database/db.service';

/**
 * The mall's demo (issue #6): about 120 published products (newest first spread over a month),
 * two banners and three announcements (one naming the running promotion), a delivery address
 * for every dealer from its profile (and a second one for 北京华联), a cart for bj.dealer1 with
 * two lines and some favourites. The sales demo's MALL orders get the dealer user as creator and
 * a delivery address snapshot, like an order placed in the mall.
 */
export async function seedMallDemo(db: DbService, tx: RequestContext, orgIds: Map<string, string>): Promise<void> {
  const org = (code: string) => orgIds.get(code)!;
  // ~120 of the products in the mall: every fourth of the published ones comes off
  await db.query(tx, `UPDATE product SET mall_published = false WHERE mall_published AND right(code, 4)::int % 4 = 0`);
  await db.query(tx, `UPDATE product SET mall_published_at = now() - (right(code, 4)::int % 30) * interval '1 day' - right(code, 4)::int * interval '1 minute' WHERE mall_published`);

  const [promo] = await db.query<{ name: string; ends_at: Date }>(tx, `SELECT name, ends_at FROM promotion WHERE status = 'ACTIVE' AND ends_at > now() ORDER BY starts_at LIMIT 1`);
  const [juice] = await db.query<{ id: string }>(tx, `SELECT id FROM category WHERE code = 'JUICE'`);
  const content = (kind: string, title: string, body: string | null, tag: string | null, link: string | null, days: number, sort: number, branchIds: string[] = []) =>
    db.query(
      tx,
      `INSERT INTO mall_content (kind, title, body, tag, link, starts_at, ends_at, branch_ids, sort) VALUES ($1, $2, $3, $4, $5, now() - interval '3 days', now() + make_interval(days => $6), $7, $8)`,
      [kind, title, body, tag, link, days, branchIds, sort],
    );
  await content('BANNER', promo ? `${promo.name}` : '冬季促销', '果汁茶饮限时特价，订货即享', null, juice ? `/mall/catalog?categoryId=${juice.id}` : '/mall/catalog', 60, 1);
  await content('BANNER', '新品上架 · 年货节备货', '精选新品，满额配送', null, '/mall/catalog?sort=-publishedAt', 45, 2);
  await content('ANNOUNCEMENT', promo ? `促销：${promo.name}` : '促销活动', promo ? `${promo.name}，活动期内果汁茶饮类商品按 92 折供货，下单即按促销价结算。` : '果汁茶饮类商品限时特价。', 'PROMOTION', '/mall/catalog?q=茶', 60, 1);
  await content('ANNOUNCEMENT', '新品上架：清泉苏打水系列', '清泉苏打水 550ml / 380ml 已上架商城，欢迎订货。', 'NEW_PRODUCT', '/mall/catalog?q=苏打水', 30, 2);
  await content('ANNOUNCEMENT', '元旦期间发货安排', '12月31日至1月2日仓库暂停发货，1月3日起按下单顺序发出，请提前备货。', 'NOTICE', null, 40, 3);
  // a banner only Shanghai dealers see
  await content('BANNER', '上海地区满额包邮', '上海分公司辖区订单满 3000 元包邮', null, '/mall/catalog', 30, 3, [org('SH')]);

  // every dealer's delivery address from its profile; 北京华联 has a second one
  await db.query(
    tx,
    `INSERT INTO mall_address (dealer_id, contact, phone, region, address, is_default)
     SELECT id, COALESCE(contact, name), phone, region, address, true FROM organization WHERE type = 'DEALER' AND address IS NOT NULL AND phone IS NOT NULL`,
  );
  await db.query(tx, `INSERT INTO mall_address (dealer_id, contact, phone, region, address) VALUES ($1, '仓库 刘师傅', '13801019999', '北京市大兴区', '北京市大兴区西红门镇宏业路8号 华联配送仓')`, [org('D-BJ001')]);

  // bj.dealer1's cart (two lines on their minimum and multiple) and favourites
  const [u] = await db.query<{ id: string }>(tx, `SELECT id FROM app_user WHERE username = 'bj.dealer1'`);
  const products = await db.query<{ id: string; qty: string }>(
    tx,
    `SELECT p.id, (ceil(p.min_order_qty / p.order_multiple) * p.order_multiple * 2)::text AS qty FROM product p
      WHERE p.mall_published AND p.status = 'ON_SALE' ORDER BY p.code LIMIT 8`,
  );
  await db.query(tx, `INSERT INTO mall_cart_item (dealer_id, product_id, qty, updated_by) SELECT $1, unnest($2::uuid[]), unnest($3::numeric[]), $4`, [
    org('D-BJ001'), products.slice(0, 2).map((p) => p.id), products.slice(0, 2).map((p) => p.qty), u?.id ?? null,
  ]);
  await db.query(tx, `INSERT INTO mall_favourite (dealer_id, product_id, created_by) SELECT $1, unnest($2::uuid[]), $3`, [org('D-BJ001'), products.slice(2, 6).map((p) => p.id), u?.id ?? null]);

  // the sales demo's mall orders: placed by the dealer's user, with the delivery address of the time
  await db.query(
    tx,
    `UPDATE sales_order o SET ship_to_contact = a.contact, ship_to_phone = a.phone, ship_to_region = a.region, ship_to_address = a.address,
            created_by = COALESCE(o.created_by, (SELECT du.id FROM app_user du WHERE du.org_id = o.dealer_id ORDER BY du.created_at LIMIT 1))
       FROM mall_address a WHERE a.dealer_id = o.dealer_id AND a.is_default AND o.source = 'MALL'`,
  );
}
