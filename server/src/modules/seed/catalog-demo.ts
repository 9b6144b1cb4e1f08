import { randomUUID } from 'node:crypto';
import { costAmount, Dec, fmt, openingCost, STOCK_DOC_PREFIX, StockDocType } from '@drp/shared';
import { sql } from 'kysely';
import { RequestContext } from '../../common/context/request-context';
import { DbService } from '../../database/db.service';
import { DocNumberService } from '../../database/doc-number.service';

/**
 * Demo catalog (ARCHITECTURE §10): ~200 products in a category tree with all ten level prices
 * and pack units, a warehouse at HQ and at each branch with opening stock (posted as inbound
 * documents, so movement history exists), price books for some dealers and one running
 * promotion. Deterministic: the same every time.
 */
interface Leaf {
  code: string;
  name: string;
  parent: string;
  unit: string;
  pack: [string, number];
  price: [number, number];
  brands: string[];
  items: string[];
  specs: string[];
}

const ROOTS = [
  { code: 'FOOD', name: '食品饮料' },
  { code: 'DAILY', name: '日化用品' },
  { code: 'WINE', name: '酒类' },
];

const LEAVES: Leaf[] = [
  { code: 'WATER', name: '饮用水', parent: 'FOOD', unit: '瓶', pack: ['箱', 24], price: [1.5, 6], brands: ['清泉', '山泉', '冰川'], items: ['天然矿泉水', '纯净水', '苏打水', '山泉水'], specs: ['550ml', '380ml', '1.5L'] },
  { code: 'SODA', name: '碳酸饮料', parent: 'FOOD', unit: '罐', pack: ['箱', 24], price: [2.5, 6], brands: ['极冰', '畅爽'], items: ['可乐', '雪碧', '橙味汽水', '柠檬汽水'], specs: ['330ml', '500ml'] },
  { code: 'JUICE', name: '果汁茶饮', parent: 'FOOD', unit: '瓶', pack: ['箱', 15], price: [3, 9], brands: ['果园', '茶语', '鲜榨坊'], items: ['橙汁', '苹果汁', '绿茶', '冰红茶', '乌龙茶'], specs: ['500ml', '1L'] },
  { code: 'SNACK', name: '休闲零食', parent: 'FOOD', unit: '袋', pack: ['箱', 20], price: [4, 18], brands: ['好味', '脆香', '童年'], items: ['薯片', '饼干', '瓜子', '坚果', '辣条', '海苔'], specs: ['70g', '150g', '500g'] },
  { code: 'GRAIN', name: '粮油调味', parent: 'FOOD', unit: '袋', pack: ['件', 10], price: [8, 80], brands: ['金粮', '北大荒', '厨邦'], items: ['东北大米', '花生油', '生抽酱油', '香醋', '挂面'], specs: ['5kg', '1.8L', '500ml', '1kg'] },
  { code: 'WASH', name: '洗护用品', parent: 'DAILY', unit: '瓶', pack: ['箱', 12], price: [12, 60], brands: ['清扬', '舒肤', '净柔'], items: ['洗发水', '沐浴露', '护发素', '洗手液'], specs: ['400ml', '750ml'] },
  { code: 'PAPER', name: '纸品', parent: 'DAILY', unit: '提', pack: ['箱', 6], price: [10, 45], brands: ['心相印', '清风', '维达'], items: ['卷纸', '抽纸', '湿巾', '厨房纸'], specs: ['10卷', '3包', '80抽'] },
  { code: 'CLEAN', name: '清洁用品', parent: 'DAILY', unit: '瓶', pack: ['箱', 12], price: [6, 35], brands: ['立白', '超能', '蓝月亮'], items: ['洗衣液', '洗洁精', '洁厕灵', '洗衣粉'], specs: ['1kg', '2kg', '500g'] },
  { code: 'BAIJIU', name: '白酒', parent: 'WINE', unit: '瓶', pack: ['箱', 6], price: [45, 680], brands: ['古井', '洋河', '汾酒'], items: ['浓香型白酒', '清香型白酒', '酱香型白酒'], specs: ['500ml 52度', '500ml 42度'] },
  { code: 'BEER', name: '啤酒', parent: 'WINE', unit: '罐', pack: ['箱', 24], price: [3, 12], brands: ['雪花', '青岛', '燕京'], items: ['纯生啤酒', '清爽啤酒', '黑啤'], specs: ['330ml', '500ml'] },
];

/** A small deterministic PRNG (mulberry32). */
function prng(seed: number) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** EAN-13 with its check digit. */
function ean13(body12: string): string {
  const sum = body12.split('').reduce((acc, d, i) => acc + Number(d) * (i % 2 ? 3 : 1), 0);
  return body12 + ((10 - (sum % 10)) % 10);
}

export async function seedCatalogDemo(db: DbService, numbers: DocNumberService, tx: RequestContext, orgIds: Map<string, string>, today: string): Promise<void> {
  const rnd = prng(20261123);
  const catIds = new Map<string, { id: string; path: string }>();
  let sort = 0;
  for (const r of ROOTS) {
    const id = randomUUID();
    catIds.set(r.code, { id, path: `/${id}/` });
    await db.rows(tx, db.k.insertInto('category').values({ id, code: r.code, name: r.name, path: `/${id}/`, depth: 0, sort_order: sort++ }));
  }
  for (const l of LEAVES) {
    const parent = catIds.get(l.parent)!;
    const id = randomUUID();
    catIds.set(l.code, { id, path: `${parent.path}${id}/` });
    await db.rows(tx, db.k.insertInto('category').values({ id, code: l.code, name: l.name, parent_id: parent.id, path: `${parent.path}${id}/`, depth: 1, sort_order: sort++ }));
  }

  // ~200 products: brand x item x spec combinations, 20 per leaf category
  const products: { id: string; code: string; leaf: Leaf; base: Dec }[] = [];
  const openingCosts = new Map<string, string>();
  let n = 0;
  for (const leaf of LEAVES) {
    const combos: [string, string, string][] = [];
    for (const b of leaf.brands) for (const i of leaf.items) for (const s of leaf.specs) combos.push([b, i, s]);
    for (const [brand, item, spec] of combos.slice(0, 20)) {
      n++;
      const id = randomUUID();
      const code = `SP${String(n).padStart(4, '0')}`;
      const base = new Dec(leaf.price[0] + rnd() * (leaf.price[1] - leaf.price[0])).toDecimalPlaces(1);
      const [minQty, multiple] = leaf.code === 'BAIJIU' ? ['1', '1'] : rnd() < 0.3 ? [String(leaf.pack[1]), String(leaf.pack[1])] : ['1', '1'];
      products.push({ id, code, leaf, base });
      await db.rows(
        tx,
        db.k.insertInto('product').values({
          id, code, name: `${brand}${item} ${spec}`, spec: `${spec}×${leaf.pack[1]}`, brand, category_id: catIds.get(leaf.code)!.id, base_unit: leaf.unit,
          barcode: ean13(`69${String(10000000000 + n * 7919).slice(-10)}`), tax_rate: '0.13', base_price: fmt(base, 'unitPrice'), min_order_qty: minQty, order_multiple: multiple,
          status: n % 37 === 0 ? 'DISCONTINUED' : 'ON_SALE', mall_published: n % 37 !== 0 && n % 5 !== 0, low_stock_threshold: String(leaf.pack[1] * 2),
        }),
      );
      // level 1 is 85% of the base price, each level below 1.5 points cheaper: level 10 = 71.5%
      const levels = Array.from({ length: 10 }, (_, i) => fmt(base.times(new Dec(0.85).minus(new Dec(0.015).times(i))).toDecimalPlaces(2), 'unitPrice'));
      await db.rows(tx, db.k.insertInto('product_price').values(levels.map((price, i) => ({ product_id: id, level: i + 1, price }))));
      // the demo's opening stock is valued like the opening-cost migration values existing stock
      openingCosts.set(id, openingCost(levels[9], base));
      await db.rows(tx, db.k.insertInto('product_unit').values({ product_id: id, unit: leaf.pack[0], factor: String(leaf.pack[1]) }));
    }
  }
  await db.rows(
    tx,
    db.k
      .insertInto('price_history')
      .columns(['product_id', 'kind', 'old_price', 'new_price', 'effective_date', 'changed_by_name'])
      .expression(db.k.selectFrom('product').select(['id', sql.lit('BASE').as('kind'), sql<null>`NULL`.as('old_price'), 'base_price', sql<string>`${today}`.as('effective_date'), sql.lit('system').as('changed_by_name')])),
  );

  // a warehouse at HQ and at each branch, opening stock posted as one inbound document each
  const warehouses = [
    { code: 'WH-HQ', name: '总部中心仓', org: 'HQ', address: '天津市武清区物流园1号' },
    { code: 'WH-BJ', name: '北京分仓', org: 'BJ', address: '北京市大兴区物流基地8号' },
    { code: 'WH-SH', name: '上海分仓', org: 'SH', address: '上海市嘉定区物流园区18号' },
    { code: 'WH-GZ', name: '广州分仓', org: 'GZ', address: '广州市白云区物流中心6号' },
  ];
  for (const w of warehouses) {
    const whId = randomUUID();
    await db.rows(tx, db.k.insertInto('warehouse').values({ id: whId, code: w.code, name: w.name, org_id: orgIds.get(w.org)!, address: w.address }));
    const docId = randomUUID();
    const number = await numbers.next(tx, STOCK_DOC_PREFIX[StockDocType.INBOUND], today);
    await db.rows(tx, db.k.insertInto('stock_doc').values({ id: docId, number, type: 'INBOUND', warehouse_id: whId, reason: '期初库存', remark: '演示数据: 期初入库', business_date: today }));
    const lines = products.map((p) => ({ p, qty: Math.floor(rnd() < 0.08 ? rnd() * 20 : 50 + rnd() * (w.org === 'HQ' ? 2000 : 600)) })).filter((l) => l.qty > 0);
    // ~200 lines a warehouse: at most 7 parameters a row, far below PostgreSQL's 65,535
    const cost = (l: { p: { id: string } }) => openingCosts.get(l.p.id)!;
    await db.rows(tx, db.k.insertInto('stock_doc_line').values(lines.map((l, i) => ({ doc_id: docId, line_no: i + 1, product_id: l.p.id, qty: String(l.qty), unit_cost: cost(l) }))));
    await db.rows(tx, db.k.insertInto('stock').values(lines.map((l) => ({ warehouse_id: whId, product_id: l.p.id, on_hand: String(l.qty), avg_cost: cost(l) }))));
    await db.rows(
      tx,
      db.k.insertInto('stock_movement').values(
        lines.map((l) => ({
          doc_id: docId, doc_type: 'INBOUND', doc_number: number, warehouse_id: whId, product_id: l.p.id, delta: String(l.qty), on_hand_after: String(l.qty),
          unit_cost: cost(l), cost_delta: costAmount(l.qty, cost(l)),
        })),
      ),
    );
  }

  // price books: one dealer's contract prices, and a group book with a quantity break
  const book = async (code: string, name: string, owner: string, dealers: string[], items: { id: string; price: string; minQty?: string }[]) => {
    const id = randomUUID();
    await db.rows(
      tx,
      db.k.insertInto('price_book').values({
        id, code, name, org_id: orgIds.get(owner)!,
        valid_from: sql<string>`date_trunc('year', ${today}::date)::date`, valid_to: sql<string>`(date_trunc('year', ${today}::date) + interval '1 year - 1 day')::date`,
      }),
    );
    await db.rows(tx, db.k.insertInto('price_book_dealer').values(dealers.map((d) => ({ price_book_id: id, dealer_id: orgIds.get(d)! }))));
    await db.rows(tx, db.k.insertInto('price_book_item').values(items.map((i) => ({ price_book_id: id, product_id: i.id, min_qty: i.minQty ?? '0', price: i.price }))));
    await db.rows(
      tx,
      db.k.insertInto('price_history').values(
        items.map((i) => ({ product_id: i.id, kind: 'PRICE_BOOK', ref_id: id, ref_name: name, old_price: null, new_price: i.price, effective_date: today, changed_by_name: 'system' })),
      ),
    );
  };
  const drinks = products.filter((p) => ['WATER', 'SODA', 'JUICE'].includes(p.leaf.code));
  await book('PB-BJ001', '北京华联年度协议价', 'BJ', ['D-BJ001'], drinks.slice(0, 30).map((p) => ({ id: p.id, price: fmt(p.base.times('0.8').toDecimalPlaces(2), 'unitPrice') })));
  const vip = products.filter((p) => ['SNACK', 'PAPER'].includes(p.leaf.code)).slice(0, 20);
  await book('PB-SH-VIP', '上海重点客户价', 'SH', ['D-SH001', 'D-SH002'], [
    ...vip.map((p) => ({ id: p.id, price: fmt(p.base.times('0.82').toDecimalPlaces(2), 'unitPrice') })),
    ...vip.slice(0, 5).map((p) => ({ id: p.id, minQty: '100', price: fmt(p.base.times('0.78').toDecimalPlaces(2), 'unitPrice') })),
  ]);

  // one running promotion: 8% off juices and teas for every dealer
  await db.rows(
    tx,
    db.k.insertInto('promotion').values({
      code: 'PR-WINTER', name: '冬季果汁茶饮 92 折', org_id: orgIds.get('HQ')!, kind: 'PERCENT_OFF', value: '8', min_qty: '0',
      starts_at: sql<Date>`now() - interval '7 days'`, ends_at: sql<Date>`now() + interval '60 days'`, category_ids: [catIds.get('JUICE')!.id], remark: '演示数据',
    }),
  );

  // 广州办事处 sells food and daily goods, not alcohol (经营商品范围)
  await db.rows(tx, db.k.insertInto('branch_product_scope').values([{ branch_id: orgIds.get('GZ')!, category_id: catIds.get('FOOD')!.id }, { branch_id: orgIds.get('GZ')!, category_id: catIds.get('DAILY')!.id }]));
}
