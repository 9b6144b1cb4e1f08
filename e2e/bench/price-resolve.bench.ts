/**
 * Price resolution of a 200-product catalog page for one dealer (GET /api/prices/resolve, the
 * dealer D-BJ001 of the demo data, which has its own price book) at N extra pricing rules: N
 * price-book items in N/50 books spread over many dealers, N/10 promotions with realistic
 * audiences and windows, and N extra products so the catalog grows too. Against the same work as
 * raw SQL: the principal lookup, the dealer's visibility query and the product existence and
 * product-range queries (all captured from the built server's own services), the one candidate
 * query (RESOLVE_SQL, exported by the server) and `resolvePrice` from @drp/shared on its rows.
 *
 * What it shows: whether the cost of one page stays flat as rules and products grow (compare the
 * sizes; nothing is asserted). The check prints how many candidates the page really has at each
 * size, so growth from more *applicable* rules can be told apart from growth from rules that do
 * not concern the dealer.
 */
import type { Pool } from 'pg';
import { fmt, PriceBookCandidate, PromotionCandidate, resolvePrice } from '@drp/shared';
import {
  BenchSuite,
  capturePrincipalQueries,
  CapturedQuery,
  getJson,
  login,
  openServerQueryCapture,
  requireServerDist,
  Scenario,
  SuiteContext,
} from './harness';
import { insertDealers, random } from './org-list.bench';

const PAGE = 200;
const DEALER_CODE = 'D-BJ001';
const SEED = 20261124;

// ---------------------------------------------------------------------------------------------
// the server's candidate query and the per-product mapping it does after it

export interface CandidateRow {
  id: string;
  /** company_settings.price_scale (RESOLVE_SQL reads it with the candidates) */
  price_scale: number | null;
  base_price: string;
  floor_price: string | null;
  level_price: string | null;
  level10_price: string | null;
  level: number | null;
  level_name: string | null;
  books: PriceBookCandidate[];
  promos: PromotionCandidate[];
}

export interface ResolvedRow {
  productId: string;
  unitPrice: string;
  source: string;
  sourceId: string | null;
  sourceName: string | null;
  qty: string;
  levelPrice: string | null;
  basePrice: string;
  floorPrice: string | null;
}

export function resolveSql(): string {
  const mod = requireServerDist<{ RESOLVE_SQL?: string }>('modules/pricing/price-resolver.service');
  if (typeof mod.RESOLVE_SQL !== 'string') throw new Error('server/dist/modules/pricing/price-resolver.service no longer exports RESOLVE_SQL: update e2e/bench/price-resolve.bench.ts');
  return mod.RESOLVE_SQL;
}

const businessDate = (at: Date): string =>
  requireServerDist<{ businessDate(at: Date, tz: string): string }>('database/business-date').businessDate(at, process.env.COMPANY_TZ || 'Asia/Shanghai');

/** What PriceResolverService.resolve does with the query's rows (same order, same fields); `qty`: one for all, or each product's. */
export function pickPrices(rows: CandidateRow[], ids: string[], qtys: string | string[], at: Date): ResolvedRow[] {
  const day = businessDate(at);
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.map((id, i) => {
    const qty = typeof qtys === 'string' ? qtys : qtys[i];
    const r = byId.get(id);
    if (!r) throw new Error(`RESOLVE_SQL answered no row for product ${id}`);
    const out = resolvePrice({
      qty,
      at: at.toISOString(),
      businessDate: day,
      basePrice: r.base_price,
      level: r.level,
      levelName: r.level_name,
      levelPrice: r.level_price,
      promotions: r.promos,
      priceBookItems: r.books,
      // the company's unit-price scale, as the server passes it (RESOLVE_SQL reads it)
      priceScale: r.price_scale ?? 2,
    });
    return { productId: id, ...out, qty: fmt(qty, 'qty'), levelPrice: r.level_price, basePrice: r.base_price, floorPrice: r.floor_price ?? r.level10_price };
  });
}

// ---------------------------------------------------------------------------------------------
// test data

const LEAVES: { code: string; unit: string; price: [number, number]; brands: string[]; items: string[]; specs: string[] }[] = [
  { code: 'WATER', unit: '瓶', price: [1.5, 6], brands: ['农夫', '怡宝', '百岁山', '景田'], items: ['饮用天然水', '纯净水', '含气矿泉水', '婴儿水'], specs: ['550ml', '380ml', '1.5L', '4L'] },
  { code: 'SODA', unit: '罐', price: [2.5, 6], brands: ['可口', '百事', '元气', '北冰洋'], items: ['可乐', '无糖可乐', '橙味汽水', '苏打气泡水'], specs: ['330ml', '500ml', '2L'] },
  { code: 'JUICE', unit: '瓶', price: [3, 9], brands: ['汇源', '康师傅', '统一', '农夫果园'], items: ['橙汁', '苹果汁', '绿茶', '冰红茶', '乌龙茶', '椰汁'], specs: ['500ml', '1L', '250ml'] },
  { code: 'SNACK', unit: '袋', price: [4, 18], brands: ['乐事', '旺旺', '三只松鼠', '良品铺子'], items: ['薯片', '雪饼', '每日坚果', '牛肉干', '瓜子'], specs: ['70g', '150g', '500g'] },
  { code: 'GRAIN', unit: '袋', price: [8, 80], brands: ['金龙鱼', '福临门', '海天', '五常'], items: ['大米', '花生油', '生抽', '陈醋', '面粉'], specs: ['5kg', '1.8L', '500ml', '10kg'] },
  { code: 'WASH', unit: '瓶', price: [12, 60], brands: ['海飞丝', '飘柔', '六神', '舒肤佳'], items: ['洗发水', '沐浴露', '护发素', '洗手液'], specs: ['400ml', '750ml', '1L'] },
  { code: 'PAPER', unit: '提', price: [10, 45], brands: ['维达', '清风', '洁柔', '心相印'], items: ['卷纸', '抽纸', '湿巾', '厨房纸'], specs: ['10卷', '3包', '80抽'] },
  { code: 'CLEAN', unit: '瓶', price: [6, 35], brands: ['立白', '蓝月亮', '威猛先生', '雕牌'], items: ['洗衣液', '洗洁精', '洁厕灵', '消毒液'], specs: ['1kg', '2kg', '500g'] },
  { code: 'BAIJIU', unit: '瓶', price: [45, 680], brands: ['五粮液', '泸州老窖', '郎酒', '剑南春'], items: ['浓香型白酒', '酱香型白酒', '年份原浆'], specs: ['500ml 52度', '500ml 42度'] },
  { code: 'BEER', unit: '罐', price: [3, 12], brands: ['百威', '哈尔滨', '珠江', '嘉士伯'], items: ['纯生', '冰爽', '小麦啤'], specs: ['330ml', '500ml'] },
];

const INSERT_PRODUCTS = `
  INSERT INTO product (code, name, spec, brand, category_id, base_unit, barcode, tax_rate, base_price, status, mall_published)
  SELECT u.code, u.name, u.spec, u.brand, c.id, u.unit, u.barcode, 0.13, u.price, u.status, u.mall
    FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::numeric[], $9::text[], $10::boolean[])
         AS u(code, name, spec, brand, category, unit, barcode, price, status, mall)
    JOIN category c ON c.code = u.category`;

/** `count` more products over the demo's leaf categories, with all ten level prices (85% .. 71.5% of the base price, like the demo). */
async function insertProducts(pool: Pool, count: number, rnd: () => number): Promise<void> {
  const pick = <T>(list: T[]): T => list[Math.floor(rnd() * list.length)];
  for (let start = 0; start < count; start += 5000) {
    const cols: { code: string[]; name: string[]; spec: string[]; brand: string[]; category: string[]; unit: string[]; barcode: (string | null)[]; price: string[]; status: string[]; mall: boolean[] } = {
      code: [], name: [], spec: [], brand: [], category: [], unit: [], barcode: [], price: [], status: [], mall: [],
    };
    for (let i = start; i < Math.min(count, start + 5000); i++) {
      const leaf = LEAVES[i % LEAVES.length];
      const brand = pick(leaf.brands);
      const spec = pick(leaf.specs);
      cols.code.push(`SPX${String(i + 1).padStart(6, '0')}`);
      cols.name.push(`${brand}${pick(leaf.items)} ${spec}`);
      cols.spec.push(spec);
      cols.brand.push(brand);
      cols.category.push(leaf.code);
      cols.unit.push(leaf.unit);
      cols.barcode.push(rnd() < 0.7 ? `694${String(100000000 + i).slice(-9)}${i % 10}` : null);
      cols.price.push((leaf.price[0] + rnd() * (leaf.price[1] - leaf.price[0])).toFixed(1));
      cols.status.push(rnd() < 0.03 ? 'DISCONTINUED' : 'ON_SALE');
      cols.mall.push(rnd() < 0.8);
    }
    await pool.query(INSERT_PRODUCTS, [cols.code, cols.name, cols.spec, cols.brand, cols.category, cols.unit, cols.barcode, cols.price, cols.status, cols.mall]);
  }
  await pool.query(`
    INSERT INTO product_price (product_id, level, price)
    SELECT p.id, l, round(p.base_price * (0.85 - 0.015 * (l - 1)), 2)
      FROM product p CROSS JOIN generate_series(1, 10) l
     WHERE p.code LIKE 'SPX%'`);
}

interface World {
  dealer: { id: string; path: string; level: number };
  branches: Map<string, string>;
  hq: string;
  /** dealers by their branch code (BJ, BJ-CY, SH, GZ), D-BJ001 excluded */
  dealersByBranch: Map<string, string[]>;
  allDealers: string[];
  products: { id: string; base: number }[];
  categories: Map<string, string>;
}

async function loadWorld(pool: Pool): Promise<World> {
  const orgs = await pool.query<{ id: string; code: string; type: string; path: string; price_level: number | null }>("SELECT id, code, type, path, price_level FROM organization WHERE status = 'ACTIVE'");
  const byCode = new Map(orgs.rows.map((o) => [o.code, o]));
  const dealer = byCode.get(DEALER_CODE);
  if (!dealer) throw new Error(`the demo dealer ${DEALER_CODE} is missing: is DEMO_DATA on?`);
  const branches = new Map(['BJ', 'BJ-CY', 'SH', 'GZ'].map((c) => [c, byCode.get(c)?.id ?? '']));
  if ([...branches.values()].some((id) => !id)) throw new Error('the demo branches BJ, BJ-CY, SH, GZ are missing: is DEMO_DATA on?');
  const hq = orgs.rows.find((o) => o.type === 'HQ')?.id;
  if (!hq) throw new Error('no HQ organisation');
  const dealersByBranch = new Map<string, string[]>();
  const allDealers: string[] = [];
  for (const o of orgs.rows) {
    if (o.type !== 'DEALER' || o.id === dealer.id) continue;
    allDealers.push(o.id);
    // the deepest branch on the dealer's path
    const branch = [...branches.entries()].filter(([, id]) => o.path.includes(`/${id}/`)).sort((a, b) => o.path.indexOf(`/${b[1]}/`) - o.path.indexOf(`/${a[1]}/`))[0];
    if (!branch) continue;
    dealersByBranch.set(branch[0], [...(dealersByBranch.get(branch[0]) ?? []), o.id]);
  }
  const products = (await pool.query<{ id: string; base: string }>('SELECT id, base_price AS base FROM product ORDER BY code')).rows.map((p) => ({ id: p.id, base: Number(p.base) }));
  const categories = new Map((await pool.query<{ id: string; code: string }>('SELECT id, code FROM category')).rows.map((c) => [c.code, c.id]));
  return { dealer: { id: dealer.id, path: dealer.path, level: dealer.price_level ?? 1 }, branches, hq, dealersByBranch, allDealers, products, categories };
}

/** `n` distinct items of `list` (n <= list.length). */
function sample<T>(list: T[], n: number, rnd: () => number): T[] {
  const chosen = new Set<number>();
  const want = Math.min(n, list.length);
  while (chosen.size < want) chosen.add(Math.floor(rnd() * list.length));
  return [...chosen].map((i) => list[i]);
}

const price = (n: number) => (Math.round(n * 100) / 100).toFixed(2);

/**
 * `itemCount` price-book items in itemCount/50 books. Books belong to a branch and list 1-12 of
 * its dealers; D-BJ001 is on the first two (at every size), next to its demo book. 92% active,
 * most valid this year, some expired or starting later; 15% of the items are quantity breaks.
 */
async function insertPriceBooks(pool: Pool, w: World, itemCount: number, rnd: () => number): Promise<number> {
  const bookCount = Math.max(1, Math.round(itemCount / 50));
  const branchCodes = ['BJ', 'BJ', 'SH', 'SH', 'GZ', 'BJ-CY'];
  const books: { code: string; name: string; org: string; from: number; to: number | null; status: string }[] = [];
  const members: { book: number; dealer: string }[] = [];
  for (let b = 0; b < bookCount; b++) {
    const branch = b < 2 ? 'BJ' : branchCodes[Math.floor(rnd() * branchCodes.length)];
    const r = rnd();
    // day offsets from the start of the current year
    const [from, to] = b < 2 || r < 0.85 ? [0, 364] : r < 0.95 ? [-365, -1] : [30, 364];
    books.push({ code: `PB-X${String(b + 1).padStart(5, '0')}`, name: `${branch}协议价 ${b + 1}`, org: w.branches.get(branch)!, from, to, status: b < 2 || rnd() < 0.92 ? 'ACTIVE' : 'DISABLED' });
    const candidates = w.dealersByBranch.get(branch) ?? w.allDealers;
    const dealers = sample(candidates, 1 + Math.floor(rnd() * 12), rnd);
    if (b < 2) dealers.push(w.dealer.id);
    for (const d of dealers) members.push({ book: b, dealer: d });
  }
  const ids = (
    await pool.query<{ id: string }>(
      `INSERT INTO price_book (code, name, org_id, valid_from, valid_to, status)
       SELECT u.code, u.name, u.org, date_trunc('year', current_date)::date + u.f, date_trunc('year', current_date)::date + u.t, u.status
         FROM unnest($1::text[], $2::text[], $3::uuid[], $4::int[], $5::int[], $6::text[]) WITH ORDINALITY AS u(code, name, org, f, t, status, ord)
        ORDER BY u.ord
       RETURNING id`,
      [books.map((b) => b.code), books.map((b) => b.name), books.map((b) => b.org), books.map((b) => b.from), books.map((b) => b.to), books.map((b) => b.status)],
    )
  ).rows.map((r) => r.id);
  const codeToId = new Map((await pool.query<{ id: string; code: string }>("SELECT id, code FROM price_book WHERE code LIKE 'PB-X%'")).rows.map((r) => [r.code, r.id]));
  if (ids.length !== books.length) throw new Error('price books were not all inserted');
  const bookId = (b: number) => codeToId.get(books[b].code)!;
  await pool.query('INSERT INTO price_book_dealer (price_book_id, dealer_id) SELECT * FROM unnest($1::uuid[], $2::uuid[]) ON CONFLICT DO NOTHING', [members.map((m) => bookId(m.book)), members.map((m) => m.dealer)]);
  // items: spread `itemCount` over the books (uneven: 0.3x .. 1.7x the average)
  const weights = books.map(() => 0.3 + rnd() * 1.4);
  const total = weights.reduce((a, b) => a + b, 0);
  const item = { book: [] as string[], product: [] as string[], minQty: [] as number[], price: [] as string[] };
  let left = itemCount;
  books.forEach((_, b) => {
    const n = b === books.length - 1 ? left : Math.min(left, Math.round((itemCount * weights[b]) / total));
    left -= n;
    const breaks = Math.round(n * 0.15);
    const products = sample(w.products, n - breaks, rnd);
    products.forEach((p, i) => {
      item.book.push(bookId(b));
      item.product.push(p.id);
      item.minQty.push(0);
      item.price.push(price(p.base * (0.7 + rnd() * 0.22)));
      if (i < breaks) {
        item.book.push(bookId(b));
        item.product.push(p.id);
        item.minQty.push(rnd() < 0.5 ? 24 : 100);
        item.price.push(price(p.base * (0.62 + rnd() * 0.08)));
      }
    });
  });
  await pool.query('INSERT INTO price_book_item (price_book_id, product_id, min_qty, price) SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::numeric[], $4::numeric[])', [item.book, item.product, item.minQty, item.price]);
  return item.book.length;
}

interface PromoRow {
  code: string;
  name: string;
  org: string;
  kind: 'PERCENT_OFF' | 'SPECIAL_PRICE';
  value: string;
  minQty: number;
  /** days from now */
  starts: number;
  ends: number;
  status: string;
  productIds: string[];
  categoryIds: string[];
  branchIds: string[];
  levels: number[];
  dealerIds: string[];
}

/**
 * `count` promotions. The first ten are the current broad campaigns that reach D-BJ001 (everyone,
 * its branch, its level, a dealer list with it; by category, category subtree and product lists):
 * the same ten at every size. The rest are what piles up over time: 45% ended, 15% not started,
 * 40% running, aimed at dealer lists, other branches, levels or a branch's levels.
 */
async function insertPromotions(pool: Pool, w: World, count: number, rnd: () => number): Promise<void> {
  const cat = (code: string) => w.categories.get(code)!;
  const leafCodes = LEAVES.map((l) => l.code);
  const promos: PromoRow[] = [];
  const base = (i: number, extra: Partial<PromoRow>): PromoRow => ({
    code: `PR-X${String(i + 1).padStart(5, '0')}`,
    name: `促销 ${i + 1}`,
    org: w.hq,
    kind: 'PERCENT_OFF',
    value: '5',
    minQty: 0,
    starts: -10,
    ends: 30,
    status: 'ACTIVE',
    productIds: [],
    categoryIds: [],
    branchIds: [],
    levels: [],
    dealerIds: [],
    ...extra,
  });
  const single = sample(w.products, 2, rnd);
  const broad: Partial<PromoRow>[] = [
    { name: '饮用水 95 折', value: '5', categoryIds: [cat('WATER')] },
    { name: '北京零食节', org: w.branches.get('BJ')!, value: '10', categoryIds: [cat('SNACK')], branchIds: [w.branches.get('BJ')!] },
    { name: '一至三级客户专享', value: '6', productIds: sample(w.products, 20, rnd).map((p) => p.id), levels: [1, 2, 3] },
    { name: '爆款直降', value: '12', productIds: sample(w.products, 30, rnd).map((p) => p.id) },
    { name: '北京特价单品', org: w.branches.get('BJ')!, kind: 'SPECIAL_PRICE', value: price(single[0].base * 0.8), productIds: [single[0].id], branchIds: [w.branches.get('BJ')!] },
    { name: '重点客户纸品 93 折', value: '7', categoryIds: [cat('PAPER')], dealerIds: [w.dealer.id, ...sample(w.allDealers, 5, rnd)] },
    { name: '啤酒整箱优惠', value: '6', minQty: 24, categoryIds: [cat('BEER')] },
    { name: '二级客户清洁用品', value: '8', categoryIds: [cat('CLEAN')], levels: [w.dealer.level] },
    { name: '北京精选', org: w.branches.get('BJ')!, value: '15', productIds: sample(w.products, 40, rnd).map((p) => p.id), branchIds: [w.branches.get('BJ')!] },
    { name: '食品饮料全场 97 折', value: '3', categoryIds: [cat('FOOD')] },
  ];
  for (let i = 0; i < count; i++) {
    if (i < broad.length) {
      promos.push(base(i, { ...broad[i], name: `${broad[i].name} ${i + 1}` }));
      continue;
    }
    const r = rnd();
    const [starts, ends] = r < 0.45 ? [-200 + Math.floor(rnd() * 150), -1 - Math.floor(rnd() * 30)] : r < 0.6 ? [1 + Math.floor(rnd() * 60), 90 + Math.floor(rnd() * 60)] : [-Math.floor(rnd() * 30), 1 + Math.floor(rnd() * 90)];
    const p: Partial<PromoRow> = { starts, ends, status: rnd() < 0.93 ? 'ACTIVE' : 'DISABLED', minQty: rnd() < 0.8 ? 0 : [6, 12, 24, 50][Math.floor(rnd() * 4)] };
    const t = rnd();
    if (t < 0.25) {
      const one = w.products[Math.floor(rnd() * w.products.length)];
      Object.assign(p, { kind: 'SPECIAL_PRICE', value: price(one.base * (0.75 + rnd() * 0.2)), productIds: [one.id] });
    } else if (t < 0.6) {
      Object.assign(p, { value: String(3 + Math.floor(rnd() * 23)), productIds: sample(w.products, 2 + Math.floor(rnd() * 39), rnd).map((x) => x.id) });
    } else {
      const code = rnd() < 0.1 ? ['FOOD', 'DAILY', 'WINE'][Math.floor(rnd() * 3)] : leafCodes[Math.floor(rnd() * leafCodes.length)];
      Object.assign(p, { value: String(3 + Math.floor(rnd() * 18)), categoryIds: [cat(code)] });
    }
    const a = rnd();
    const otherBranch = () => w.branches.get(['SH', 'SH', 'GZ', 'GZ', 'BJ-CY', 'BJ'][Math.floor(rnd() * 6)])!;
    const levels = () => [...new Set(Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => 1 + Math.floor(rnd() * 10)))].sort((x, y) => x - y);
    if (a < 0.45) p.dealerIds = sample(w.allDealers, 1 + Math.floor(rnd() * 30), rnd);
    else if (a < 0.75) p.branchIds = [otherBranch()];
    else if (a < 0.9) p.levels = levels();
    else Object.assign(p, { branchIds: [otherBranch()], levels: levels() });
    if (p.branchIds?.length) p.org = p.branchIds[0];
    promos.push(base(i, p));
  }
  const arr = (list: string[] | number[]) => `{${list.join(',')}}`;
  await pool.query(
    `INSERT INTO promotion (code, name, org_id, kind, value, min_qty, starts_at, ends_at, status, product_ids, category_ids, branch_ids, levels, dealer_ids)
     SELECT u.code, u.name, u.org, u.kind, u.value, u.min_qty, now() + make_interval(days => u.s), now() + make_interval(days => u.e), u.status,
            u.products::uuid[], u.categories::uuid[], u.branches::uuid[], u.levels::smallint[], u.dealers::uuid[]
       FROM unnest($1::text[], $2::text[], $3::uuid[], $4::text[], $5::numeric[], $6::numeric[], $7::int[], $8::int[], $9::text[],
                   $10::text[], $11::text[], $12::text[], $13::text[], $14::text[])
            AS u(code, name, org, kind, value, min_qty, s, e, status, products, categories, branches, levels, dealers)`,
    [
      promos.map((p) => p.code),
      promos.map((p) => p.name),
      promos.map((p) => p.org),
      promos.map((p) => p.kind),
      promos.map((p) => p.value),
      promos.map((p) => p.minQty),
      promos.map((p) => p.starts),
      promos.map((p) => p.ends),
      promos.map((p) => p.status),
      promos.map((p) => arr(p.productIds)),
      promos.map((p) => arr(p.categoryIds)),
      promos.map((p) => arr(p.branchIds)),
      promos.map((p) => arr(p.levels)),
      promos.map((p) => arr(p.dealerIds)),
    ],
  );
}

/**
 * The page: 200 products (by code) that have at least one candidate for the dealer (a price-book
 * item or a promotion that reaches it), found with the server's own candidate query.
 */
async function choosePage(pool: Pool, dealerId: string, rnd: () => number): Promise<{ ids: string[]; withCandidates: number }> {
  const all = (await pool.query<{ id: string }>('SELECT id FROM product ORDER BY code')).rows.map((r) => r.id);
  const sql = resolveSql();
  const at = new Date().toISOString();
  const hits: string[] = [];
  for (let i = 0; i < all.length; i += 2000) {
    const { rows } = await pool.query<CandidateRow>(sql, [dealerId, all.slice(i, i + 2000), at]);
    for (const r of rows) if (r.books.length + r.promos.length > 0) hits.push(r.id);
  }
  const order = new Map(all.map((id, i) => [id, i]));
  const chosen = sample(hits, PAGE, rnd);
  if (chosen.length < PAGE) chosen.push(...sample(all.filter((id) => !chosen.includes(id)), PAGE - chosen.length, rnd));
  chosen.sort((a, b) => order.get(a)! - order.get(b)!);
  return { ids: chosen, withCandidates: hits.length };
}

// ---------------------------------------------------------------------------------------------

interface Prepared {
  dealerId: string;
  ids: string[];
  withCandidates: number;
  counts: { products: number; bookItems: number; books: number; promotions: number; runningPromotions: number; dealers: number };
}

const prepared = new Map<number, Prepared>();

export const priceResolveSuite: BenchSuite = {
  name: 'price-resolve',
  defaultSizes: [1000, 10000],

  async prepare(ctx: SuiteContext) {
    const t0 = Date.now();
    const rnd = random(SEED);
    await insertDealers(ctx.pool, Math.max(50, Math.round(ctx.size / 10)), SEED);
    await insertProducts(ctx.pool, ctx.size, rnd);
    await ctx.pool.query('ANALYZE product');
    const w = await loadWorld(ctx.pool);
    const items = await insertPriceBooks(ctx.pool, w, ctx.size, rnd);
    await insertPromotions(ctx.pool, w, Math.max(10, Math.round(ctx.size / 10)), rnd);
    // VACUUM sets hint bits and the visibility map now, so neither autovacuum nor the first readers do it during a measurement
    await ctx.pool.query('VACUUM (ANALYZE) product, product_price, price_book, price_book_dealer, price_book_item, promotion, category, organization');
    const { rows } = await ctx.pool.query<Prepared['counts']>(`
      SELECT (SELECT count(*) FROM product)::int AS products, (SELECT count(*) FROM price_book_item)::int AS "bookItems",
             (SELECT count(*) FROM price_book)::int AS books, (SELECT count(*) FROM promotion)::int AS promotions,
             (SELECT count(*) FROM promotion WHERE status = 'ACTIVE' AND starts_at <= now() AND ends_at > now())::int AS "runningPromotions",
             (SELECT count(*) FROM organization WHERE type = 'DEALER')::int AS dealers`);
    const page = await choosePage(ctx.pool, w.dealer.id, rnd);
    prepared.set(ctx.size, { dealerId: w.dealer.id, ids: page.ids, withCandidates: page.withCandidates, counts: rows[0] });
    const c = rows[0];
    ctx.log(
      `inserted ${items} price-book items, ${Math.max(10, Math.round(ctx.size / 10))} promotions, ${ctx.size} products in ${((Date.now() - t0) / 1000).toFixed(1)}s: ` +
        `${c.products} products, ${c.bookItems} book items in ${c.books} books, ${c.promotions} promotions (${c.runningPromotions} running), ${c.dealers} dealers; ` +
        `${page.withCandidates} products have candidates for ${DEALER_CODE}`,
    );
    if (page.withCandidates < PAGE) ctx.log(`  note: only ${page.withCandidates} products have candidates for ${DEALER_CODE}; the page is filled up with others`);
  },

  async scenarios(ctx: SuiteContext): Promise<Scenario[]> {
    const p = prepared.get(ctx.size);
    if (!p) throw new Error('price-resolve: prepare did not run');
    const auth = await login(ctx.baseUrl, 'admin', 'Demo#2026');
    const headers = { authorization: `Bearer ${auth.accessToken}` };
    const principal = await capturePrincipalQueries(auth.userId, auth.sessionId);

    // the dealer-visibility and product queries, exactly as the built server's services send them
    const cap = await openServerQueryCapture(ctx.databaseUrl);
    let visible: CapturedQuery[];
    let usable: CapturedQuery[];
    try {
      type Ctor<T> = new (...args: unknown[]) => T;
      const { loadPrincipal } = cap.serverModule<{ loadPrincipal(db: unknown, ctx: unknown, userId: string, sessionId: string): Promise<unknown> }>('modules/auth/jwt.strategy');
      const { RequestContext } = cap.serverModule<{ RequestContext: Ctor<unknown> & { system(): unknown } }>('common/context/request-context');
      const { OrgService } = cap.serverModule<{ OrgService: Ctor<{ assertVisible(ctx: unknown, id: string): Promise<{ path: string }> }> }>('modules/org/org.service');
      const { ProductService } = cap.serverModule<{ ProductService: Ctor<{ assertUsable(ctx: unknown, ids: string[], opts: { orgPath: string | null }): Promise<unknown> }> }>(
        'modules/catalog/product.service',
      );
      const user = await loadPrincipal(cap.db, RequestContext.system(), auth.userId, auth.sessionId);
      if (!user) throw new Error('the admin principal did not load');
      const rc = new RequestContext('bench', '127.0.0.1', user);
      const v = await cap.record(() => new OrgService(cap.db, undefined).assertVisible(rc, p.dealerId));
      const u = await cap.record(() => new ProductService(cap.db, undefined, undefined, undefined).assertUsable(rc, p.ids, { orgPath: v.value.path }));
      visible = v.queries;
      usable = u.queries;
    } finally {
      await cap.close();
    }
    if (!visible.length || !usable.length) throw new Error('price-resolve: the server services ran no query; update the capture in e2e/bench/price-resolve.bench.ts');

    const RESOLVE_SQL = resolveSql();
    const qty = '1';
    const sqlSide = async (pool: Pool): Promise<ResolvedRow[]> => {
      for (const q of principal) await pool.query(q.sql, q.params);
      for (const q of visible) await pool.query(q.sql, q.params);
      for (const q of usable) await pool.query(q.sql, q.params);
      const at = new Date();
      const { rows } = await pool.query<CandidateRow>(RESOLVE_SQL, [p.dealerId, p.ids, at.toISOString()]);
      return pickPrices(rows, p.ids, qty, at);
    };
    const path = `/api/prices/resolve?${new URLSearchParams({ dealerId: p.dealerId, productIds: p.ids.join(','), qty }).toString()}`;
    const c = p.counts;
    return [
      {
        name: 'resolve-200',
        description:
          `${PAGE}-product page for ${DEALER_CODE} with ${c.bookItems} book items in ${c.books} books, ` +
          `${c.promotions} promotions (${c.runningPromotions} running), ${c.products} products, ${c.dealers} dealers`,
        path,
        displayPath: `/api/prices/resolve?dealerId=<${DEALER_CODE}>&productIds=<${p.ids.length} ids>&qty=${qty}`,
        headers,
        sqlUnit:
          'principal lookup + the dealer visibility query + the product existence and product-range queries (all as the server sends them) + RESOLVE_SQL + resolvePrice per product, one after the other',
        sql: async (pool: Pool) => {
          await sqlSide(pool);
        },
        check: async () => {
          const api = await getJson<ResolvedRow[]>(ctx.baseUrl, path, auth.accessToken);
          const sql = await sqlSide(ctx.pool);
          const { rows } = await ctx.pool.query<CandidateRow>(RESOLVE_SQL, [p.dealerId, p.ids, new Date().toISOString()]);
          const warnings: string[] = [];
          const canon = (r: ResolvedRow) => JSON.stringify([r.productId, r.unitPrice, r.source, r.sourceId, r.sourceName, r.qty, r.levelPrice, r.basePrice, r.floorPrice]);
          const differing = sql.filter((s, i) => !api[i] || canon(api[i]) !== canon(s));
          if (api.length !== sql.length) warnings.push(`the API answered ${api.length} prices, the SQL side ${sql.length}`);
          if (differing.length) {
            const i = sql.indexOf(differing[0]);
            warnings.push(`${differing.length} of ${sql.length} prices differ between the API and the SQL side (first: API ${api[i] ? canon(api[i]) : 'none'} vs SQL ${canon(sql[i])})`);
          }
          const sources: Record<string, number> = {};
          for (const r of api) sources[r.source] = (sources[r.source] ?? 0) + 1;
          const withCandidates = rows.filter((r) => r.books.length + r.promos.length > 0).length;
          if (withCandidates < PAGE) warnings.push(`only ${withCandidates} of the ${PAGE} products have candidates`);
          return {
            apiTotal: api.length,
            sqlTotal: sql.length,
            sameFirstPage: !differing.length && api.length === sql.length,
            warnings,
            notes: {
              pageProductsWithCandidates: withCandidates,
              pageBookItemCandidates: rows.reduce((n, r) => n + r.books.length, 0),
              pagePromotionCandidates: rows.reduce((n, r) => n + r.promos.length, 0),
              catalogProductsWithCandidates: p.withCandidates,
              ...Object.fromEntries(Object.entries(sources).map(([k, v]) => [`source${k}`, v])),
            },
          };
        },
        explain: { resolve: { sql: RESOLVE_SQL, params: [p.dealerId, p.ids, new Date().toISOString()] }, scope: usable[usable.length - 1] },
      },
    ];
  },
};
