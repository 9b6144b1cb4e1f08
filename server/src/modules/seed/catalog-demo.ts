import { randomUUID } from 'node:crypto';
import { Dec, fmt, STOCK_DOC_PREFIX, StockDocType } from '@drp/shared';
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
    await db.query(tx, 'INSERT INTO category (id, code, name, path, depth, sort_order) VALUES ($1,$2,$3,$4,0,$5)', [id, r.code, r.name, `/${id}/`, sort++]);
  }
  for (const l of LEAVES) {
    const parent = catIds.get(l.parent)!;
    const id = randomUUID();
    catIds.set(l.code, { id, path: `${parent.path}${id}/` });
    await db.query(tx, 'INSERT INTO category (id, code, name, parent_id, path, depth, sort_order) VALUES ($1,$2,$3,$4,$5,1,$6)', [id, l.code, l.name, parent.id, `${parent.path}${id}/`, sort++]);
  }

  // ~200 products: brand x item x spec combinations, 20 per leaf category
  const products: { id: string; code: string; leaf: Leaf; base: Dec }[] = [];
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
      await db.query(
        tx,
        `INSERT INTO product (id, code, name, spec, brand, category_id, base_unit, barcode, tax_rate, base_price, min_order_qty, order_multiple, status, mall_published, low_stock_threshold)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,0.13,$9,$10,$11,$12,$13,$14)`,
        [id, code, `${brand}${item} ${spec}`, `${spec}×${leaf.pack[1]}`, brand, catIds.get(leaf.code)!.id, leaf.unit, ean13(`69${String(10000000000 + n * 7919).slice(-10)}`),
          fmt(base, 'unitPrice'), minQty, multiple, n % 37 === 0 ? 'DISCONTINUED' : 'ON_SALE', n % 37 !== 0 && n % 5 !== 0, String(leaf.pack[1] * 2)],
      );
      // level 1 is 85% of the base price, each level below 1.5 points cheaper: level 10 = 71.5%
      const levels = Array.from({ length: 10 }, (_, i) => fmt(base.times(new Dec(0.85).minus(new Dec(0.015).times(i))).toDecimalPlaces(2), 'unitPrice'));
      await db.query(tx, 'INSERT INTO product_price (product_id, level, price) SELECT $1, unnest($2::smallint[]), unnest($3::numeric[])', [id, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], levels]);
      await db.query(tx, 'INSERT INTO product_unit (product_id, unit, factor) VALUES ($1, $2, $3)', [id, leaf.pack[0], leaf.pack[1]]);
    }
  }
  await db.query(tx, `INSERT INTO price_history (product_id, kind, old_price, new_price, effective_date, changed_by_name) SELECT id, 'BASE', NULL, base_price, $1, 'system' FROM product`, [today]);

  // a warehouse at HQ and at each branch, opening stock posted as one inbound document each
  const warehouses = [
    { code: 'WH-HQ', name: '总部中心仓', org: 'HQ', address: '天津市武清区物流园1号' },
    { code: 'WH-BJ', name: '北京分仓', org: 'BJ', address: '北京市大兴区物流基地8号' },
    { code: 'WH-SH', name: '上海分仓', org: 'SH', address: '上海市嘉定区物流园区18号' },
    { code: 'WH-GZ', name: '广州分仓', org: 'GZ', address: '广州市白云区物流中心6号' },
  ];
  for (const w of warehouses) {
    const whId = randomUUID();
    await db.query(tx, 'INSERT INTO warehouse (id, code, name, org_id, address) VALUES ($1,$2,$3,$4,$5)', [whId, w.code, w.name, orgIds.get(w.org), w.address]);
    const docId = randomUUID();
    const number = await numbers.next(tx, STOCK_DOC_PREFIX[StockDocType.INBOUND], today);
    await db.query(tx, `INSERT INTO stock_doc (id, number, type, warehouse_id, reason, remark, business_date) VALUES ($1,$2,'INBOUND',$3,'期初库存','演示数据: 期初入库', $4)`, [docId, number, whId, today]);
    const lines = products.map((p) => ({ p, qty: Math.floor(rnd() < 0.08 ? rnd() * 20 : 50 + rnd() * (w.org === 'HQ' ? 2000 : 600)) })).filter((l) => l.qty > 0);
    await db.query(
      tx,
      `INSERT INTO stock_doc_line (doc_id, line_no, product_id, qty) SELECT $1, ord, pid, q FROM unnest($2::uuid[], $3::numeric[]) WITH ORDINALITY AS x(pid, q, ord)`,
      [docId, lines.map((l) => l.p.id), lines.map((l) => l.qty)],
    );
    await db.query(tx, 'INSERT INTO stock (warehouse_id, product_id, on_hand) SELECT $1, unnest($2::uuid[]), unnest($3::numeric[])', [whId, lines.map((l) => l.p.id), lines.map((l) => l.qty)]);
    await db.query(
      tx,
      `INSERT INTO stock_movement (doc_id, doc_type, doc_number, warehouse_id, product_id, delta, on_hand_after) SELECT $1, 'INBOUND', $2, $3, pid, q, q FROM unnest($4::uuid[], $5::numeric[]) AS x(pid, q)`,
      [docId, number, whId, lines.map((l) => l.p.id), lines.map((l) => l.qty)],
    );
  }

  // price books: one dealer's contract prices, and a group book with a quantity break
  const book = async (code: string, name: string, owner: string, dealers: string[], items: { id: string; price: string; minQty?: string }[]) => {
    const id = randomUUID();
    await db.query(tx, `INSERT INTO price_book (id, code, name, org_id, valid_from, valid_to) VALUES ($1,$2,$3,$4, date_trunc('year', $5::date)::date, (date_trunc('year', $5::date) + interval '1 year - 1 day')::date)`, [id, code, name, orgIds.get(owner), today]);
    await db.query(tx, 'INSERT INTO price_book_dealer (price_book_id, dealer_id) SELECT $1, unnest($2::uuid[])', [id, dealers.map((d) => orgIds.get(d))]);
    await db.query(tx, 'INSERT INTO price_book_item (price_book_id, product_id, min_qty, price) SELECT $1, unnest($2::uuid[]), unnest($3::numeric[]), unnest($4::numeric[])', [
      id, items.map((i) => i.id), items.map((i) => i.minQty ?? '0'), items.map((i) => i.price),
    ]);
    await db.query(tx, `INSERT INTO price_history (product_id, kind, ref_id, ref_name, old_price, new_price, effective_date, changed_by_name) SELECT unnest($1::uuid[]), 'PRICE_BOOK', $2, $3, NULL, unnest($4::numeric[]), $5, 'system'`, [
      items.map((i) => i.id), id, name, items.map((i) => i.price), today,
    ]);
  };
  const drinks = products.filter((p) => ['WATER', 'SODA', 'JUICE'].includes(p.leaf.code));
  await book('PB-BJ001', '北京华联年度协议价', 'BJ', ['D-BJ001'], drinks.slice(0, 30).map((p) => ({ id: p.id, price: fmt(p.base.times('0.8').toDecimalPlaces(2), 'unitPrice') })));
  const vip = products.filter((p) => ['SNACK', 'PAPER'].includes(p.leaf.code)).slice(0, 20);
  await book('PB-SH-VIP', '上海重点客户价', 'SH', ['D-SH001', 'D-SH002'], [
    ...vip.map((p) => ({ id: p.id, price: fmt(p.base.times('0.82').toDecimalPlaces(2), 'unitPrice') })),
    ...vip.slice(0, 5).map((p) => ({ id: p.id, minQty: '100', price: fmt(p.base.times('0.78').toDecimalPlaces(2), 'unitPrice') })),
  ]);

  // one running promotion: 8% off juices and teas for every dealer
  await db.query(
    tx,
    `INSERT INTO promotion (code, name, org_id, kind, value, min_qty, starts_at, ends_at, category_ids, remark)
     VALUES ('PR-WINTER', '冬季果汁茶饮 92 折', $1, 'PERCENT_OFF', 8, 0, now() - interval '7 days', now() + interval '60 days', $2, '演示数据')`,
    [orgIds.get('HQ'), [catIds.get('JUICE')!.id]],
  );

  // 广州办事处 sells food and daily goods, not alcohol (经营商品范围)
  await db.query(tx, 'INSERT INTO branch_product_scope (branch_id, category_id) VALUES ($1, $2), ($1, $3)', [orgIds.get('GZ'), catIds.get('FOOD')!.id, catIds.get('DAILY')!.id]);
}
