import { sql } from 'kysely';
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
  const num = sql<number>`right(code, 4)::int`;
  await db.rows(tx, db.k.updateTable('product').set({ mall_published: false }).where('mall_published', '=', true).where(sql<boolean>`${num} % 4 = 0`));
  await db.rows(
    tx,
    db.k.updateTable('product').set({ mall_published_at: sql<Date>`now() - (${num} % 30) * interval '1 day' - ${num} * interval '1 minute'` }).where('mall_published', '=', true),
  );

  const promo = await db.first(
    tx,
    db.k.selectFrom('promotion').select(['name', 'ends_at']).where('status', '=', 'ACTIVE').where('ends_at', '>', sql<Date>`now()`).orderBy('starts_at').limit(1),
  );
  const juice = await db.first(tx, db.k.selectFrom('category').select('id').where('code', '=', 'JUICE'));
  const content = (kind: string, title: string, body: string | null, tag: string | null, link: string | null, days: number, sort: number, branchIds: string[] = []) =>
    db.rows(
      tx,
      db.k.insertInto('mall_content').values({
        kind, title, body, tag, link, starts_at: sql<Date>`now() - interval '3 days'`, ends_at: sql<Date>`now() + make_interval(days => ${days})`, branch_ids: branchIds, sort,
      }),
    );
  await content('BANNER', promo ? `${promo.name}` : '冬季促销', '果汁茶饮限时特价，订货即享', null, juice ? `/mall/catalog?categoryId=${juice.id}` : '/mall/catalog', 60, 1);
  await content('BANNER', '新品上架 · 年货节备货', '精选新品，满额配送', null, '/mall/catalog?sort=-publishedAt', 45, 2);
  await content('ANNOUNCEMENT', promo ? `促销：${promo.name}` : '促销活动', promo ? `${promo.name}，活动期内果汁茶饮类商品按 92 折供货，下单即按促销价结算。` : '果汁茶饮类商品限时特价。', 'PROMOTION', '/mall/catalog?q=茶', 60, 1);
  await content('ANNOUNCEMENT', '新品上架：清泉苏打水系列', '清泉苏打水 550ml / 380ml 已上架商城，欢迎订货。', 'NEW_PRODUCT', '/mall/catalog?q=苏打水', 30, 2);
  await content('ANNOUNCEMENT', '元旦期间发货安排', '12月31日至1月2日仓库暂停发货，1月3日起按下单顺序发出，请提前备货。', 'NOTICE', null, 40, 3);
  // a banner only Shanghai dealers see
  await content('BANNER', '上海地区满额包邮', '上海分公司辖区订单满 3000 元包邮', null, '/mall/catalog', 30, 3, [org('SH')]);

  // every dealer's delivery address from its profile; 北京华联 has a second one
  await db.rows(
    tx,
    db.k
      .insertInto('mall_address')
      .columns(['dealer_id', 'contact', 'phone', 'region', 'address', 'is_default'])
      .expression(
        db.k
          .selectFrom('organization')
          .select((eb) => ['id', eb.fn.coalesce('contact', 'name').as('contact'), 'phone', 'region', 'address', sql.lit(true).as('is_default')])
          .where('type', '=', 'DEALER')
          .where('address', 'is not', null)
          .where('phone', 'is not', null),
      ),
  );
  await db.rows(
    tx,
    db.k.insertInto('mall_address').values({ dealer_id: org('D-BJ001'), contact: '仓库 刘师傅', phone: '13801019999', region: '北京市大兴区', address: '北京市大兴区西红门镇宏业路8号 华联配送仓' }),
  );

  // bj.dealer1's cart (two lines on their minimum and multiple) and favourites
  const u = await db.first(tx, db.k.selectFrom('app_user').select('id').where('username', '=', 'bj.dealer1'));
  const products = await db.rows(
    tx,
    db.k
      .selectFrom('product as p')
      .select(['p.id', sql<string>`(ceil(p.min_order_qty / p.order_multiple) * p.order_multiple * 2)::text`.as('qty')])
      .where('p.mall_published', '=', true)
      .where('p.status', '=', 'ON_SALE')
      .orderBy('p.code')
      .limit(8),
  );
  await db.rows(tx, db.k.insertInto('mall_cart_item').values(products.slice(0, 2).map((p) => ({ dealer_id: org('D-BJ001'), product_id: p.id, qty: p.qty, updated_by: u?.id ?? null }))));
  await db.rows(tx, db.k.insertInto('mall_favourite').values(products.slice(2, 6).map((p) => ({ dealer_id: org('D-BJ001'), product_id: p.id, created_by: u?.id ?? null }))));

  // the sales demo's mall orders: placed by the dealer's user, with the delivery address of the time
  await db.rows(
    tx,
    db.k
      .updateTable('sales_order as o')
      .from('mall_address as a')
      .set((eb) => ({
        ship_to_contact: eb.ref('a.contact'),
        ship_to_phone: eb.ref('a.phone'),
        ship_to_region: eb.ref('a.region'),
        ship_to_address: eb.ref('a.address'),
        created_by: eb.fn.coalesce('o.created_by', eb.selectFrom('app_user as du').select('du.id').whereRef('du.org_id', '=', 'o.dealer_id').orderBy('du.created_at').limit(1)),
      }))
      .whereRef('a.dealer_id', '=', 'o.dealer_id')
      .where('a.is_default', '=', true)
      .where('o.source', '=', 'MALL'),
  );
}
