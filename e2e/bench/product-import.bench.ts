/**
 * Import of N products from Excel (POST /api/products/import; N = BENCH_IMPORT_ROWS, default
 * 10,000): one upload of a workbook built in memory with exceljs (the template's columns,
 * realistic rows: unique codes, existing category codes, all ten level prices, some barcodes),
 * timed once, wall clock, with the server's peak RSS while it ran; then the same file again (every
 * row an update). Against a raw-SQL baseline in the same run that writes the same rows into a
 * second database migrated and seeded by the server (so the same tables, indexes, triggers and
 * demo data): set-based INSERT ... ON CONFLICT of the products, their new or changed level prices
 * (an unchanged one is not rewritten, as the server does) and the price history rows, in one
 * transaction, without the workbook.
 *
 * A one-shot measurement (no autocannon). While the API side runs, pg_stat_activity is sampled to
 * tell where the time went: each server statement, and the time with no statement running
 * (reading the workbook and checking rows in the server process).
 */
import ExcelJS from 'exceljs';
import type { Pool } from 'pg';
import {
  ActivityProfile,
  benchPool,
  BenchSuite,
  intEnv,
  login,
  LoginResult,
  Notes,
  OneShotScenario,
  readPeakRssKb,
  readRssKb,
  requireServerDist,
  resetPeakRss,
  round,
  sampleActivity,
  SuiteContext,
} from './harness';
import { random } from './org-list.bench';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const CODE_PREFIX = 'IMP';
const SEED = 20261125;

/** the template's columns, by the header text without its `*` (level names are read from the template) */
type Key =
  | 'code' | 'name' | 'spec' | 'brand' | 'categoryCode' | 'baseUnit' | 'barcode' | 'taxRate' | 'basePrice'
  | 'l1' | 'l2' | 'l3' | 'l4' | 'l5' | 'l6' | 'l7' | 'l8' | 'l9' | 'l10'
  | 'floorPrice' | 'minOrderQty' | 'orderMultiple' | 'status' | 'mallPublished' | 'remark';
const FIXED_HEADERS: Record<string, Key> = {
  商品编码: 'code', 商品名称: 'name', 规格型号: 'spec', 品牌: 'brand', 分类编码: 'categoryCode', 基本单位: 'baseUnit', 条码: 'barcode', 税率: 'taxRate',
  零售价: 'basePrice', 最低售价: 'floorPrice', 起订量: 'minOrderQty', 订货倍数: 'orderMultiple', 状态: 'status', 商城上架: 'mallPublished', 备注: 'remark',
};
const LEVEL_KEYS = ['l1', 'l2', 'l3', 'l4', 'l5', 'l6', 'l7', 'l8', 'l9', 'l10'] as const;

type Row = Record<Key, string | null>;

const KINDS: { category: string; unit: string; pack: number; price: [number, number]; tax: string; brands: string[]; items: string[]; specs: string[] }[] = [
  { category: 'WATER', unit: '瓶', pack: 24, price: [1.5, 6], tax: '0.13', brands: ['农夫', '怡宝', '百岁山', '景田', '冰露'], items: ['饮用天然水', '纯净水', '含气矿泉水', '婴儿水'], specs: ['550ml', '380ml', '1.5L', '4L'] },
  { category: 'SODA', unit: '罐', pack: 24, price: [2.5, 6], tax: '0.13', brands: ['可口', '百事', '元气森林', '北冰洋'], items: ['可乐', '无糖可乐', '橙味汽水', '苏打气泡水'], specs: ['330ml', '500ml', '2L'] },
  { category: 'JUICE', unit: '瓶', pack: 15, price: [3, 9], tax: '0.13', brands: ['汇源', '康师傅', '统一', '农夫果园'], items: ['橙汁', '苹果汁', '绿茶', '冰红茶', '乌龙茶', '椰汁'], specs: ['500ml', '1L', '250ml'] },
  { category: 'SNACK', unit: '袋', pack: 20, price: [4, 18], tax: '0.13', brands: ['乐事', '旺旺', '三只松鼠', '良品铺子'], items: ['薯片', '雪饼', '每日坚果', '牛肉干', '瓜子'], specs: ['70g', '150g', '500g'] },
  { category: 'GRAIN', unit: '袋', pack: 10, price: [8, 80], tax: '0.09', brands: ['金龙鱼', '福临门', '海天', '五常'], items: ['大米', '花生油', '生抽', '陈醋', '面粉'], specs: ['5kg', '1.8L', '500ml', '10kg'] },
  { category: 'WASH', unit: '瓶', pack: 12, price: [12, 60], tax: '0.13', brands: ['海飞丝', '飘柔', '六神', '舒肤佳'], items: ['洗发水', '沐浴露', '护发素', '洗手液'], specs: ['400ml', '750ml', '1L'] },
  { category: 'PAPER', unit: '提', pack: 6, price: [10, 45], tax: '0.13', brands: ['维达', '清风', '洁柔', '心相印'], items: ['卷纸', '抽纸', '湿巾', '厨房纸'], specs: ['10卷', '3包', '80抽'] },
  { category: 'CLEAN', unit: '瓶', pack: 12, price: [6, 35], tax: '0.13', brands: ['立白', '蓝月亮', '威猛先生', '雕牌'], items: ['洗衣液', '洗洁精', '洁厕灵', '消毒液'], specs: ['1kg', '2kg', '500g'] },
  { category: 'BAIJIU', unit: '瓶', pack: 6, price: [45, 680], tax: '0.13', brands: ['五粮液', '泸州老窖', '郎酒', '剑南春'], items: ['浓香型白酒', '酱香型白酒', '年份原浆'], specs: ['500ml 52度', '500ml 42度'] },
  { category: 'BEER', unit: '罐', pack: 24, price: [3, 12], tax: '0.13', brands: ['百威', '哈尔滨', '珠江', '嘉士伯'], items: ['纯生', '冰爽', '小麦啤'], specs: ['330ml', '500ml'] },
];

/** EAN-13 with its check digit. */
function ean13(body12: string): string {
  const sum = body12.split('').reduce((acc, d, i) => acc + Number(d) * (i % 2 ? 3 : 1), 0);
  return body12 + ((10 - (sum % 10)) % 10);
}

/** `count` rows: unique codes IMP000001.., the demo's leaf categories, all ten level prices (85% .. 71.5% of the base price), 70% with a barcode. */
function buildRows(count: number, categories: Set<string>): Row[] {
  const rnd = random(SEED);
  const pick = <T>(list: T[]): T => list[Math.floor(rnd() * list.length)];
  const kinds = KINDS.filter((k) => categories.has(k.category));
  if (!kinds.length) throw new Error(`none of the categories ${KINDS.map((k) => k.category).join(', ')} exists: is DEMO_DATA on?`);
  const rows: Row[] = [];
  for (let i = 1; i <= count; i++) {
    const k = kinds[i % kinds.length];
    const brand = pick(k.brands);
    const spec = pick(k.specs);
    const base = Math.round((k.price[0] + rnd() * (k.price[1] - k.price[0])) * 10) / 10;
    const levels = LEVEL_KEYS.map((_, l) => (Math.round(base * (0.85 - 0.015 * l) * 100) / 100).toFixed(2));
    const packed = rnd() < 0.3;
    rows.push({
      code: `${CODE_PREFIX}${String(i).padStart(6, '0')}`,
      name: `${brand}${pick(k.items)} ${spec}`,
      spec: `${spec}×${k.pack}`,
      brand,
      categoryCode: k.category,
      baseUnit: k.unit,
      barcode: rnd() < 0.7 ? ean13(`695${String(i).padStart(9, '0')}`) : null,
      taxRate: k.tax,
      basePrice: base.toFixed(2),
      ...(Object.fromEntries(LEVEL_KEYS.map((key, l) => [key, levels[l]])) as Record<(typeof LEVEL_KEYS)[number], string>),
      floorPrice: rnd() < 0.15 ? (Math.round(Number(levels[9]) * 95) / 100).toFixed(2) : null,
      minOrderQty: packed ? String(k.pack) : '1',
      orderMultiple: packed ? String(k.pack) : '1',
      status: rnd() < 0.03 ? '停售' : '在售',
      mallPublished: rnd() < 0.75 ? '是' : '否',
      remark: rnd() < 0.05 ? pick(['新品', '季节性商品', '限量供应', '整箱起订']) : null,
    });
  }
  return rows;
}

/** The template's header row (as the server writes it: `*` on required columns) mapped to our keys. */
async function templateColumns(baseUrl: string, token: string): Promise<{ header: string; key: Key }[]> {
  const res = await fetch(`${baseUrl}/api/products/import-template`, { headers: { authorization: `Bearer ${token}` } });
  if (!res.ok) throw new Error(`GET /api/products/import-template answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load((await res.arrayBuffer()) as ArrayBuffer);
  const headers: string[] = [];
  wb.worksheets[0].getRow(1).eachCell((cell) => headers.push(String(cell.value ?? '').trim()));
  let level = 0;
  const cols = headers.map((header) => {
    const bare = header.replace(/\*$/, '');
    const key = FIXED_HEADERS[bare] ?? (level < 10 ? LEVEL_KEYS[level++] : undefined);
    if (!key) throw new Error(`unexpected template column ${header}: update e2e/bench/product-import.bench.ts`);
    return { header, key };
  });
  if (level !== 10) throw new Error(`the template has ${level} level-price columns, expected 10: update e2e/bench/product-import.bench.ts`);
  return cols;
}

/** The workbook as a person would fill the template: one sheet, the template's headers, every cell text. */
async function buildWorkbook(cols: { header: string; key: Key }[], rows: Row[]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'drp-bench';
  const ws = wb.addWorksheet('商品');
  ws.columns = cols.map((c) => ({ header: c.header, key: c.key, width: 14 }));
  cols.forEach((_, i) => (ws.getColumn(i + 1).numFmt = '@'));
  for (const r of rows) ws.addRow(cols.map((c) => r[c.key]));
  return Buffer.from(await wb.xlsx.writeBuffer());
}

// ---------------------------------------------------------------------------------------------
// the raw-SQL baseline: the same rows, set-based, one transaction

const UPSERT_PRODUCTS = `
  WITH i AS (
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::numeric[], $9::numeric[],
                         $10::numeric[], $11::numeric[], $12::numeric[], $13::text[], $14::boolean[], $15::text[])
      AS u(code, name, spec, brand, category_code, base_unit, barcode, tax_rate, base_price, floor_price, min_order_qty, order_multiple, status, mall_published, remark)
  ), old AS (
    SELECT p.id, p.base_price, p.floor_price FROM product p JOIN i ON i.code = p.code
  ), up AS (
    INSERT INTO product (code, name, spec, brand, category_id, base_unit, barcode, tax_rate, base_price, floor_price, min_order_qty, order_multiple, status, mall_published, remark)
    SELECT i.code, i.name, i.spec, i.brand, c.id, i.base_unit, i.barcode, i.tax_rate, i.base_price, i.floor_price, i.min_order_qty, i.order_multiple, i.status, i.mall_published, i.remark
      FROM i JOIN category c ON c.code = i.category_code
    ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, spec = EXCLUDED.spec, brand = EXCLUDED.brand, category_id = EXCLUDED.category_id, base_unit = EXCLUDED.base_unit,
      barcode = EXCLUDED.barcode, tax_rate = EXCLUDED.tax_rate, base_price = EXCLUDED.base_price, floor_price = EXCLUDED.floor_price, min_order_qty = EXCLUDED.min_order_qty,
      order_multiple = EXCLUDED.order_multiple, status = EXCLUDED.status, mall_published = EXCLUDED.mall_published, remark = EXCLUDED.remark, version = product.version + 1
    RETURNING id, base_price, floor_price, (xmax = 0) AS inserted
  ), hist AS (
    INSERT INTO price_history (product_id, kind, old_price, new_price, effective_date, changed_by, changed_by_name)
    SELECT up.id, k.kind, k.old_price, k.new_price, $16::date, $17::uuid, $18
      FROM up LEFT JOIN old ON old.id = up.id
     CROSS JOIN LATERAL (VALUES ('BASE', old.base_price, up.base_price), ('FLOOR', old.floor_price, up.floor_price)) AS k(kind, old_price, new_price)
     WHERE k.old_price IS DISTINCT FROM k.new_price
  )
  SELECT count(*) FILTER (WHERE inserted)::int AS created, count(*) FILTER (WHERE NOT inserted)::int AS updated FROM up`;

// every row gives all ten levels, so no level is deleted; like the server, a level price is written only when it is new or
// changed (an unchanged row is left as it is: the second pass writes no product_price row on either side)
const UPSERT_LEVELS = `
  WITH i AS (
    SELECT * FROM unnest($1::text[], $2::numeric[], $3::numeric[], $4::numeric[], $5::numeric[], $6::numeric[], $7::numeric[], $8::numeric[], $9::numeric[], $10::numeric[], $11::numeric[])
      AS u(code, l1, l2, l3, l4, l5, l6, l7, l8, l9, l10)
  ), lv AS (
    SELECT p.id AS product_id, x.level::smallint AS level, x.price
      FROM i JOIN product p ON p.code = i.code
     CROSS JOIN LATERAL unnest(ARRAY[i.l1, i.l2, i.l3, i.l4, i.l5, i.l6, i.l7, i.l8, i.l9, i.l10]) WITH ORDINALITY AS x(price, level)
     WHERE x.price IS NOT NULL
  ), old AS (
    SELECT pp.product_id, pp.level, pp.price FROM product_price pp JOIN lv USING (product_id, level)
  ), up AS (
    INSERT INTO product_price (product_id, level, price)
    SELECT lv.product_id, lv.level, lv.price FROM lv LEFT JOIN old USING (product_id, level) WHERE old.price IS DISTINCT FROM lv.price
    ON CONFLICT (product_id, level) DO UPDATE SET price = EXCLUDED.price, updated_at = now()
    RETURNING product_id, level, price
  )
  INSERT INTO price_history (product_id, kind, level, old_price, new_price, effective_date, changed_by, changed_by_name)
  SELECT up.product_id, 'LEVEL', up.level, old.price, up.price, $12::date, $13::uuid, $14
    FROM up LEFT JOIN old USING (product_id, level)`;

async function sqlImport(pool: Pool, rows: Row[], who: [string, string, string]): Promise<{ created: number; updated: number }> {
  const col = (k: Key) => rows.map((r) => r[k]);
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const { rows: counts } = await client.query<{ created: number; updated: number }>(UPSERT_PRODUCTS, [
      col('code'), col('name'), col('spec'), col('brand'), col('categoryCode'), col('baseUnit'), col('barcode'), col('taxRate'), col('basePrice'), col('floorPrice'),
      col('minOrderQty'), col('orderMultiple'), rows.map((r) => (r.status === '停售' ? 'DISCONTINUED' : 'ON_SALE')), rows.map((r) => r.mallPublished === '是'), col('remark'),
      ...who,
    ]);
    await client.query(UPSERT_LEVELS, [col('code'), ...LEVEL_KEYS.map(col), ...who]);
    await client.query('COMMIT');
    return counts[0];
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    client.release();
  }
}

/** What an import left behind, for comparing the two databases. */
async function footprint(pool: Pool): Promise<Record<string, number>> {
  const { rows } = await pool.query<Record<string, number>>(
    `SELECT (SELECT count(*) FROM product WHERE code LIKE '${CODE_PREFIX}%')::int AS products,
            (SELECT count(*) FROM product_price pp JOIN product p ON p.id = pp.product_id WHERE p.code LIKE '${CODE_PREFIX}%')::int AS "levelPrices",
            (SELECT coalesce(sum(pp.price), 0)::float8 FROM product_price pp JOIN product p ON p.id = pp.product_id WHERE p.code LIKE '${CODE_PREFIX}%') AS "levelPriceSum",
            (SELECT count(*) FROM price_history h JOIN product p ON p.id = h.product_id WHERE p.code LIKE '${CODE_PREFIX}%')::int AS "historyRows",
            (SELECT count(*) FROM product WHERE code LIKE '${CODE_PREFIX}%' AND barcode IS NOT NULL)::int AS barcodes`,
  );
  return rows[0];
}

// ---------------------------------------------------------------------------------------------

interface Prepared {
  rows: Row[];
  file: Buffer;
  auth: LoginResult;
  displayName: string;
  baseline: Pool;
  baselineUrl: string;
  buildSeconds: number;
  readSeconds: number;
}

const prepared = new Map<number, Prepared>();

function profileNotes(p: ActivityProfile | undefined, seconds: number): Notes {
  if (!p) return {};
  const notes: Notes = { dbBusySeconds: p.busySeconds, outsideDbSeconds: round(Math.max(0, seconds - p.busySeconds), 2) };
  p.statements.slice(0, 5).forEach((s, i) => (notes[`db${i + 1}`] = `${s.seconds}s ${s.sql.slice(0, 90)}`));
  return notes;
}

export const productImportSuite: BenchSuite = {
  name: 'product-import',
  sizesFromEnv: () => [intEnv('BENCH_IMPORT_ROWS', 10000, 1)],

  async prepare(ctx: SuiteContext) {
    if (ctx.size > 20000) ctx.log(`note: the server takes at most 20000 rows per file (MAX_IMPORT_ROWS); ${ctx.size} will be rejected`);
    // the baseline's own copy of the tables: a second fresh database that the server migrates and seeds
    const t0 = Date.now();
    const baselineUrl = await ctx.createDatabase('sql');
    const seeder = await ctx.startServer(baselineUrl);
    await seeder.stop();
    const baseline = benchPool(baselineUrl, 2, 'drp-bench-baseline', ctx.log);
    ctx.onCleanup(() => baseline.end());
    ctx.log(`baseline database migrated and seeded by the server in ${((Date.now() - t0) / 1000).toFixed(1)}s`);

    const auth = await login(ctx.baseUrl, 'admin', 'Demo#2026');
    const displayName = (await ctx.pool.query<{ n: string }>('SELECT display_name AS n FROM app_user WHERE id = $1', [auth.userId])).rows[0]?.n ?? 'admin';
    const categories = new Set((await ctx.pool.query<{ code: string }>('SELECT code FROM category')).rows.map((r) => r.code));
    const cols = await templateColumns(ctx.baseUrl, auth.accessToken);
    const t1 = Date.now();
    const rows = buildRows(ctx.size, categories);
    const file = await buildWorkbook(cols, rows);
    const buildSeconds = (Date.now() - t1) / 1000;
    // how long exceljs takes to read it back (the server reads it the same way): a share of the API's time the SQL side does not have
    const t2 = Date.now();
    const check = new ExcelJS.Workbook();
    await check.xlsx.load(file as unknown as ArrayBuffer);
    let read = 0;
    check.worksheets[0].eachRow({ includeEmpty: false }, () => read++);
    const readSeconds = (Date.now() - t2) / 1000;
    if (read !== rows.length + 1) throw new Error(`the workbook reads back ${read - 1} rows, expected ${rows.length}`);
    ctx.log(`workbook: ${rows.length} rows, ${(file.length / 1024 / 1024).toFixed(2)} MB, built in ${buildSeconds.toFixed(1)}s; exceljs reads it back in ${readSeconds.toFixed(1)}s`);
    prepared.set(ctx.size, { rows, file, auth, displayName, baseline, baselineUrl, buildSeconds, readSeconds });
  },

  async oneShots(ctx: SuiteContext): Promise<OneShotScenario[]> {
    const p = prepared.get(ctx.size);
    if (!p) throw new Error('product-import: prepare did not run');
    const { businessDate } = requireServerDist<{ businessDate(at: Date, tz: string): string }>('database/business-date');
    const who: [string, string, string] = [businessDate(new Date(), process.env.COMPANY_TZ || 'Asia/Shanghai'), p.auth.userId, p.displayName];
    const apiResults: { created: number; updated: number }[] = [];
    const sqlResults: { created: number; updated: number }[] = [];

    const blob = new Blob([new Uint8Array(p.file)], { type: XLSX });
    const upload = (pass: number) => async (): Promise<Notes> => {
      const rssBefore = readRssKb(ctx.serverPid);
      const peakFromHere = resetPeakRss(ctx.serverPid);
      const sampler = sampleActivity(ctx.databaseUrl, 'drp-server');
      const t0 = process.hrtime.bigint();
      let body: { created: number; updated: number };
      let profile: ActivityProfile | undefined;
      try {
        const form = new FormData();
        form.append('file', blob, 'products.xlsx');
        const res = await fetch(`${ctx.baseUrl}/api/products/import`, { method: 'POST', headers: { authorization: `Bearer ${p.auth.accessToken}` }, body: form });
        const text = await res.text();
        if (!res.ok) throw new Error(`POST /api/products/import answered ${res.status}: ${text.slice(0, 1000)}`);
        body = JSON.parse(text) as { created: number; updated: number };
      } finally {
        profile = await sampler.stop().catch(() => undefined);
      }
      const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
      const peak = readPeakRssKb(ctx.serverPid);
      apiResults[pass] = body;
      return {
        created: body.created,
        updated: body.updated,
        serverPeakRssMb: peak === undefined ? undefined : round(peak / 1024, 1),
        serverRssBeforeMb: rssBefore === undefined ? undefined : round(rssBefore / 1024, 1),
        peakCountsFromStart: !peakFromHere || undefined,
        ...profileNotes(profile, seconds),
      };
    };
    const baseline = (pass: number) => async (): Promise<Notes> => {
      const counts = await sqlImport(p.baseline, p.rows, who);
      sqlResults[pass] = counts;
      return { created: counts.created, updated: counts.updated };
    };
    const compare = (pass: number) => async () => {
      const warnings: string[] = [];
      const api = apiResults[pass];
      const sql = sqlResults[pass];
      if (!api || !sql) return { warnings: ['no comparison: a side failed'] };
      if (api.created !== sql.created || api.updated !== sql.updated) warnings.push(`the API answered ${JSON.stringify(api)}, the SQL side ${JSON.stringify(sql)}`);
      const expected = pass === 0 ? { created: p.rows.length, updated: 0 } : { created: 0, updated: p.rows.length };
      if (api.created !== expected.created || api.updated !== expected.updated) warnings.push(`the API answered ${JSON.stringify(api)}, expected ${JSON.stringify(expected)}`);
      const [a, s] = await Promise.all([footprint(ctx.pool), footprint(p.baseline)]);
      for (const k of Object.keys(a)) if (a[k] !== s[k]) warnings.push(`${k}: ${a[k]} in the API's database, ${s[k]} in the baseline's: the baseline no longer writes what the server writes`);
      return { warnings, notes: { xlsxBuildSeconds: round(p.buildSeconds, 2), xlsxReadSeconds: round(p.readSeconds, 2), fileMb: round(p.file.length / 1024 / 1024, 2), ...a } };
    };
    const settle = async () => {
      // flush the previous side's writes now, not during the next measurement (needs superuser; harmless if refused)
      await ctx.pool.query('CHECKPOINT').catch(() => undefined);
    };
    const apiUnit = `POST /api/products/import with the ${(p.file.length / 1024 / 1024).toFixed(1)} MB workbook (upload, read, check every row, write in one transaction), wall time`;
    const sqlUnit =
      'one transaction on a second database migrated and seeded by the server: INSERT .. ON CONFLICT (code) of the products with their base/floor history rows, ' +
      'then INSERT .. ON CONFLICT of the new or changed level prices with their history rows (unnest arrays, no workbook)';
    return [
      {
        name: 'import-new',
        description: `import of ${p.rows.length} new products (each with ten level prices) from one .xlsx`,
        rows: p.rows.length,
        apiUnit,
        sqlUnit,
        settle,
        api: upload(0),
        sql: baseline(0),
        check: compare(0),
      },
      {
        name: 'import-again',
        description: `the same file again: ${p.rows.length} updates, prices unchanged`,
        rows: p.rows.length,
        apiUnit,
        sqlUnit,
        settle,
        api: upload(1),
        sql: baseline(1),
        check: compare(1),
      },
    ];
  },
};
