import { Inject, Injectable } from '@nestjs/common';
import { CODE_PATTERN, fmt, ImportResult, isDecimalString, Dec, ProductStatus } from '@drp/shared';
import { sql } from 'kysely';
import { APP_CONFIG, AppConfig } from '../../../config/config';
import { RequestContext } from '../../../common/context/request-context';
import { DbService } from '../../../database/db.service';
import { businessDate } from '../../../database/business-date';
import { AuditService } from '../../audit/audit.service';
import { PriceLevelService } from '../price-level.service';
import { ProductService } from '../product.service';
import { ProductQueryDto } from '../catalog.dto';
import { EventBus } from '../../../kernel/events';
import '../catalog.events';
import { ProductPriceChange } from '../catalog.events';
import { MAX_EXACT_DIGITS } from '../../../common/excel';
import { Column, problemList, readWorkbook, rejectIfErrors, writeWorkbook } from './sheet';

type ProductRow = {
  code: string; name: string; spec: string; brand: string; categoryCode: string; baseUnit: string; barcode: string; taxRate: string; basePrice: string;
  l1: string; l2: string; l3: string; l4: string; l5: string; l6: string; l7: string; l8: string; l9: string; l10: string;
  floorPrice: string; minOrderQty: string; orderMultiple: string; status: string; mallPublished: string; remark: string;
};
type PriceRow = Pick<ProductRow, 'code' | 'name' | 'basePrice' | 'floorPrice' | 'l1' | 'l2' | 'l3' | 'l4' | 'l5' | 'l6' | 'l7' | 'l8' | 'l9' | 'l10'>;
const LEVEL_KEYS = ['l1', 'l2', 'l3', 'l4', 'l5', 'l6', 'l7', 'l8', 'l9', 'l10'] as const;
const STATUS_TEXT: Record<string, ProductStatus> = { 在售: ProductStatus.ON_SALE, 停售: ProductStatus.DISCONTINUED, ON_SALE: ProductStatus.ON_SALE, DISCONTINUED: ProductStatus.DISCONTINUED };
const YES = new Set(['是', 'Y', 'YES', 'TRUE', '1']);
const NO = new Set(['否', 'N', 'NO', 'FALSE', '0', '']);
const CHUNK = 2000;

/** A changed price found by the import's diff (temp tables: not in the typed schema). */
type ProductPriceChangeRow = { product_id: string; kind: ProductPriceChange['kind']; level: number | null; old_price: string | null; new_price: string | null };

/**
 * Excel import and export of products and of price lists (exceljs). Imports are all or nothing:
 * every row is checked first and every problem reported (row, column, message); only a clean file
 * is written, in one transaction, with set-based SQL so 10,000 rows take seconds.
 */
@Injectable()
export class ProductExcelService {
  constructor(
    private readonly db: DbService,
    private readonly audit: AuditService,
    private readonly products: ProductService,
    private readonly levels: PriceLevelService,
    private readonly events: EventBus,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private async productColumns(ctx: RequestContext): Promise<Column<ProductRow>[]> {
    const names = await this.levels.list(ctx);
    return [
      { key: 'code', header: '商品编码', required: true, example: 'SP-0001', note: '唯一; 已存在的编码会被更新 (existing codes are updated)' },
      { key: 'name', header: '商品名称', required: true, width: 28, example: '天然矿泉水 550ml' },
      { key: 'spec', header: '规格型号', example: '550ml×24' },
      { key: 'brand', header: '品牌', example: '清泉' },
      { key: 'categoryCode', header: '分类编码', required: true, example: 'DRINK-WATER', note: '必须是已有分类的编码 (an existing category code)' },
      { key: 'baseUnit', header: '基本单位', required: true, width: 10, example: '瓶' },
      { key: 'barcode', header: '条码', width: 16, example: '6901234567892' },
      { key: 'taxRate', header: '税率', kind: 'rate', width: 8, example: '0.13', note: '小数, 如 0.13 (a decimal such as 0.13)' },
      { key: 'basePrice', header: '零售价', required: true, kind: 'unitPrice', width: 10, example: '3.5000' },
      ...LEVEL_KEYS.map((k, i) => ({ key: k, header: names[i].name, kind: 'unitPrice' as const, width: 11, example: fmt(new Dec(3.2).minus(new Dec('0.1').times(i)), 'unitPrice') })),
      { key: 'floorPrice', header: '最低售价', kind: 'unitPrice', width: 10, example: '', note: '留空则以十级价为最低价 (empty: the level-10 price is the floor)' },
      { key: 'minOrderQty', header: '起订量', kind: 'qty', width: 8, example: '24' },
      { key: 'orderMultiple', header: '订货倍数', kind: 'qty', width: 8, example: '24' },
      { key: 'status', header: '状态', width: 8, example: '在售', note: '在售 / 停售' },
      { key: 'mallPublished', header: '商城上架', width: 8, example: '是', note: '是 / 否' },
      { key: 'remark', header: '备注', width: 20, example: '' },
    ];
  }

  private async priceColumns(ctx: RequestContext): Promise<Column<PriceRow>[]> {
    const all = await this.productColumns(ctx);
    const keys = new Set(['code', 'name', 'basePrice', ...LEVEL_KEYS, 'floorPrice']);
    return all.filter((c) => keys.has(c.key)).map((c) => ({ ...c, required: c.key === 'code' })) as unknown as Column<PriceRow>[];
  }

  async productTemplate(ctx: RequestContext): Promise<Buffer> {
    const cols = await this.productColumns(ctx);
    const categories = await this.db.rows(ctx, this.db.k.selectFrom('category').select(['code', 'name']).orderBy('path'));
    const notes = [['列 Column', '说明 Notes'], ...cols.filter((c) => c.note).map((c) => [c.header, c.note!]), [], ['分类编码', '分类名称'], ...categories.map((c) => [c.code, c.name])];
    return writeWorkbook('商品', cols, [Object.fromEntries(cols.map((c) => [c.key, c.example ?? ''])) as Record<keyof ProductRow, string>], notes);
  }

  async priceTemplate(ctx: RequestContext): Promise<Buffer> {
    const cols = await this.priceColumns(ctx);
    return writeWorkbook('价格', cols, [Object.fromEntries(cols.map((c) => [c.key, c.example ?? ''])) as Record<keyof PriceRow, string>], [['说明', '按商品编码更新价格; 空单元格表示不修改, 填 - 表示清除该等级价 (empty: unchanged; "-": clear the level)']]);
  }

  /** Exactly what the product list shows for the same filter (scope included), without paging. */
  async exportProducts(ctx: RequestContext, q: ProductQueryDto, pricesOnly = false): Promise<Buffer> {
    const products = await this.db.rows(ctx, this.products.filtered(ctx, q).selectAll('p').orderBy('p.code').limit(50000));
    const dtos = await this.products.toDtos(ctx, products);
    const cats = new Map((await this.db.rows(ctx, this.db.k.selectFrom('category').select(['id', 'code']))).map((c) => [c.id, c.code]));
    const rows = dtos.map((p) => ({
      code: p.code, name: p.name, spec: p.spec, brand: p.brand, categoryCode: cats.get(p.categoryId) ?? '', baseUnit: p.baseUnit, barcode: p.barcode, taxRate: p.taxRate,
      basePrice: p.basePrice, ...Object.fromEntries(LEVEL_KEYS.map((k, i) => [k, p.levelPrices[i]])), floorPrice: p.floorPrice, minOrderQty: p.minOrderQty,
      orderMultiple: p.orderMultiple, status: p.status === ProductStatus.ON_SALE ? '在售' : '停售', mallPublished: p.mallPublished ? '是' : '否', remark: p.remark,
    }));
    return pricesOnly ? writeWorkbook('价格', await this.priceColumns(ctx), rows) : writeWorkbook('商品', await this.productColumns(ctx), rows);
  }

  async importProducts(ctx: RequestContext, file: Buffer | undefined): Promise<ImportResult> {
    const cols = await this.productColumns(ctx);
    const rows = await readWorkbook(file, cols);
    const { errors, add: err } = problemList(new Map(cols.map((c) => [String(c.key), c.header])));
    const categories = new Map((await this.db.rows(ctx, this.db.k.selectFrom('category').select(['id', 'code']))).map((c) => [c.code.toLowerCase(), c.id]));
    const seenCodes = new Map<string, number>();
    const seenBarcodes = new Map<string, number>();
    const clean: (Record<string, string | null> & { rowNo: number })[] = [];
    if (!rows.length) err(2, 'code', 'NO_ROWS', {});
    for (const { rowNo, values: v, lostDigits } of rows) {
      const r = { rowNo } as unknown as Record<string, string | null> & { rowNo: number };
      // a number Excel could not keep exactly (a long barcode typed as a number): refused, nothing else said of the cell
      lostDigits.forEach((key) => err(rowNo, key, 'NUMBER_LOST_DIGITS', { digits: MAX_EXACT_DIGITS }));
      const lost = new Set(lostDigits);
      const text = (key: keyof ProductRow, max: number, required = false) => {
        if (lost.has(key)) return null;
        const s = v[key] ?? '';
        if (!s) return required ? (err(rowNo, key, 'REQUIRED', {}), null) : null;
        if (s.length > max) return err(rowNo, key, 'TOO_LONG', { max }), null;
        return s;
      };
      const decimal = (key: keyof ProductRow, scale: number, opts: { required?: boolean; positive?: boolean; def?: string } = {}) => {
        if (lost.has(key)) return null;
        const s = v[key] ?? '';
        if (!s) return opts.required ? (err(rowNo, key, 'REQUIRED', {}), null) : (opts.def ?? null);
        if (!isDecimalString(s, scale) || new Dec(s).isNegative()) return err(rowNo, key, 'NOT_A_NUMBER', { scale }), null;
        if (opts.positive && new Dec(s).isZero()) return err(rowNo, key, 'NOT_POSITIVE', {}), null;
        return s;
      };
      r.code = text('code', 32, true);
      if (r.code && !CODE_PATTERN.test(r.code)) err(rowNo, 'code', 'BAD_CODE', {});
      if (r.code) {
        const first = seenCodes.get(r.code.toLowerCase());
        if (first) err(rowNo, 'code', 'DUPLICATE_IN_FILE', { row: first });
        else seenCodes.set(r.code.toLowerCase(), rowNo);
      }
      r.name = text('name', 200, true);
      r.spec = text('spec', 100);
      r.brand = text('brand', 50);
      const cat = text('categoryCode', 32, true);
      r.categoryId = cat ? (categories.get(cat.toLowerCase()) ?? null) : null;
      if (cat && !r.categoryId) err(rowNo, 'categoryCode', 'UNKNOWN_CATEGORY', { code: cat });
      r.baseUnit = text('baseUnit', 10, true);
      r.barcode = text('barcode', 32);
      if (r.barcode) {
        if (!/^[0-9A-Za-z-]{4,32}$/.test(r.barcode)) err(rowNo, 'barcode', 'BAD_BARCODE', {});
        const first = seenBarcodes.get(r.barcode);
        if (first) err(rowNo, 'barcode', 'DUPLICATE_IN_FILE', { row: first });
        else seenBarcodes.set(r.barcode, rowNo);
      }
      r.taxRate = decimal('taxRate', 4, { def: '0.13' });
      if (r.taxRate && new Dec(r.taxRate).greaterThanOrEqualTo(1)) err(rowNo, 'taxRate', 'BAD_TAX_RATE', {});
      r.basePrice = decimal('basePrice', 4, { required: true });
      LEVEL_KEYS.forEach((k) => (r[k] = decimal(k, 4)));
      r.floorPrice = decimal('floorPrice', 4);
      r.minOrderQty = decimal('minOrderQty', 3, { positive: true, def: '1' });
      r.orderMultiple = decimal('orderMultiple', 3, { positive: true, def: '1' });
      const status = v.status ?? '';
      r.status = status ? (STATUS_TEXT[status] ?? null) : ProductStatus.ON_SALE;
      if (!r.status) err(rowNo, 'status', 'BAD_STATUS', {});
      const mp = (v.mallPublished ?? '').toUpperCase();
      r.mallPublished = YES.has(mp) ? 'true' : NO.has(mp) ? 'false' : null;
      if (r.mallPublished === null) err(rowNo, 'mallPublished', 'BAD_YES_NO', {});
      r.remark = text('remark', 500);
      clean.push(r);
    }
    // barcodes already used by other products (not the same code)
    const barcodes = clean.filter((r) => r.barcode).map((r) => r.barcode!);
    if (barcodes.length) {
      const taken = await this.db.rows(ctx, this.db.k.selectFrom('product').select(['barcode', 'code']).where('barcode', 'in', barcodes));
      const byBarcode = new Map(clean.filter((r) => r.barcode).map((r) => [r.barcode!, r]));
      for (const t of taken) {
        const r = byBarcode.get(t.barcode!)!;
        if (r.code?.toLowerCase() !== t.code.toLowerCase()) err(r.rowNo, 'barcode', 'BARCODE_TAKEN', { code: t.code });
      }
    }
    rejectIfErrors(errors);
    return this.db.tx(ctx, async (tx) => {
      // raw SQL from here on: the staging temp tables (import_*) are not in the typed schema, and the writes stay set-based (benched)
      await this.db.query(tx, `CREATE TEMP TABLE import_product (LIKE product INCLUDING DEFAULTS) ON COMMIT DROP`);
      await this.db.query(tx, `CREATE TEMP TABLE import_level (code varchar(32), level smallint, price numeric(18,4)) ON COMMIT DROP`);
      for (let i = 0; i < clean.length; i += CHUNK) {
        const part = clean.slice(i, i + CHUNK);
        const col = (k: string) => part.map((r) => r[k]);
        await this.db.query(
          tx,
          `INSERT INTO import_product (id, code, name, spec, brand, category_id, base_unit, barcode, tax_rate, base_price, floor_price, min_order_qty, order_multiple, status, mall_published, remark)
           SELECT gen_random_uuid(), * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::uuid[], $6::text[], $7::text[], $8::numeric[], $9::numeric[], $10::numeric[], $11::numeric[], $12::numeric[], $13::text[], $14::boolean[], $15::text[])`,
          ['code', 'name', 'spec', 'brand', 'categoryId', 'baseUnit', 'barcode', 'taxRate', 'basePrice', 'floorPrice', 'minOrderQty', 'orderMultiple', 'status', 'mallPublished', 'remark'].map(col),
        );
        const lv = part.flatMap((r) => LEVEL_KEYS.map((k, li) => ({ code: r.code!, level: li + 1, price: r[k] })).filter((x) => x.price !== null));
        await this.db.query(tx, 'INSERT INTO import_level SELECT * FROM unnest($1::text[], $2::smallint[], $3::numeric[])', [lv.map((x) => x.code), lv.map((x) => x.level), lv.map((x) => x.price)]);
      }
      return this.applyImport(tx, 'products', clean.length);
    });
  }

  /** Price list import: updates base, level and floor prices of existing products by code. */
  async importPrices(ctx: RequestContext, file: Buffer | undefined): Promise<ImportResult> {
    const cols = await this.priceColumns(ctx);
    const rows = await readWorkbook(file, cols);
    const { errors, add: err } = problemList(new Map(cols.map((c) => [String(c.key), c.header])));
    const codes = rows.map((r) => r.values.code).filter(Boolean);
    const known = new Map(
      (codes.length ? await this.db.rows(ctx, this.db.k.selectFrom('product').select(['code', 'id']).where(sql<string>`lower(code)`, 'in', codes.map((c) => c.toLowerCase()))) : []).map((p) => [p.code.toLowerCase(), p.id]),
    );
    // only products the caller may see can be priced
    const knownIds = [...known.values()];
    const visible = new Set(knownIds.length ? (await this.db.rows(ctx, this.products.filtered(ctx, {}).select('p.id').where('p.id', 'in', knownIds))).map((p) => p.id) : []);
    const seen = new Map<string, number>();
    const clean: { rowNo: number; code: string; basePrice: string | null; floorPrice: string | null; clearFloor: boolean; levels: (string | null | '-')[] }[] = [];
    if (!rows.length) err(2, 'code', 'NO_ROWS', {});
    for (const { rowNo, values: v, lostDigits } of rows) {
      lostDigits.forEach((key) => err(rowNo, key, 'NUMBER_LOST_DIGITS', { digits: MAX_EXACT_DIGITS }));
      const lost = new Set(lostDigits);
      const code = v.code ?? '';
      if (lost.has('code')) {
        // reported above
      } else if (!code) err(rowNo, 'code', 'REQUIRED', {});
      else if (!known.has(code.toLowerCase()) || !visible.has(known.get(code.toLowerCase())!)) err(rowNo, 'code', 'UNKNOWN_PRODUCT', { code });
      else if (seen.has(code.toLowerCase())) err(rowNo, 'code', 'DUPLICATE_IN_FILE', { row: seen.get(code.toLowerCase())! });
      else seen.set(code.toLowerCase(), rowNo);
      const price = (key: keyof PriceRow, allowClear: boolean): string | null | '-' => {
        if (lost.has(key)) return null;
        const s = v[key] ?? '';
        if (!s) return null;
        if (allowClear && s === '-') return '-';
        if (!isDecimalString(s, 4) || new Dec(s).isNegative()) return err(rowNo, key, 'NOT_A_NUMBER', { scale: 4 }), null;
        return s;
      };
      const floor = price('floorPrice', true);
      clean.push({ rowNo, code, basePrice: price('basePrice', false) as string | null, floorPrice: floor === '-' ? null : floor, clearFloor: floor === '-', levels: LEVEL_KEYS.map((k) => price(k, true)) });
    }
    rejectIfErrors(errors);
    return this.db.tx(ctx, async (tx) => {
      // raw SQL from here on: the staging temp tables (import_*) are not in the typed schema, and the writes stay set-based (benched)
      await this.db.query(tx, `CREATE TEMP TABLE import_product (LIKE product INCLUDING DEFAULTS) ON COMMIT DROP`);
      await this.db.query(tx, `CREATE TEMP TABLE import_level (code varchar(32), level smallint, price numeric(18,4)) ON COMMIT DROP`);
      // start from the current rows, overlay what the sheet gives
      await this.db.query(tx, `INSERT INTO import_product SELECT * FROM product WHERE lower(code) = ANY($1)`, [clean.map((c) => c.code.toLowerCase())]);
      await this.db.query(
        tx,
        `UPDATE import_product i SET base_price = COALESCE(x.base, i.base_price), floor_price = CASE WHEN x.clear THEN NULL ELSE COALESCE(x.floor, i.floor_price) END
           FROM unnest($1::text[], $2::numeric[], $3::boolean[], $4::numeric[]) AS x(code, base, clear, floor) WHERE lower(i.code) = lower(x.code)`,
        [clean.map((r) => r.code), clean.map((r) => r.basePrice), clean.map((r) => r.clearFloor), clean.map((r) => r.floorPrice)],
      );
      await this.db.query(tx, `INSERT INTO import_level SELECT p.code, pp.level, pp.price FROM product_price pp JOIN import_product p ON p.id = pp.product_id`);
      const lv = clean.flatMap((r) => r.levels.map((price, i) => ({ code: r.code, level: i + 1, price })).filter((x) => x.price !== null));
      await this.db.query(tx, `DELETE FROM import_level l USING unnest($1::text[], $2::smallint[]) AS x(code, level) WHERE lower(l.code) = lower(x.code) AND l.level = x.level`, [lv.map((x) => x.code), lv.map((x) => x.level)]);
      const set = lv.filter((x) => x.price !== '-');
      await this.db.query(tx, `INSERT INTO import_level SELECT p.code, x.level, x.price FROM unnest($1::text[], $2::smallint[], $3::numeric[]) AS x(code, level, price) JOIN import_product p ON lower(p.code) = lower(x.code)`, [set.map((x) => x.code), set.map((x) => x.level), set.map((x) => x.price)]);
      return this.applyImport(tx, 'prices', clean.length);
    });
  }

  /**
   * Writes the staged rows (temp tables import_product, import_level): the upsert of products, then
   * their level prices set to the staged ones (a changed or new level written, a level the staging
   * no longer has deleted, an unchanged one left as it is), then every changed price announced
   * (pricing writes the history). Two statements, each taking the old prices from its own snapshot
   * (a CTE read before its write), so nothing is copied aside first.
   * Raw SQL: it joins the staging temp tables, which the typed schema does not know.
   */
  private async applyImport(tx: RequestContext, what: 'products' | 'prices', rowCount: number): Promise<ImportResult> {
    const day = businessDate(new Date(), this.config.companyTz);
    // the product rows, and the base/floor prices that changed (old NULL for a new product); the first row carries the counts
    const products = await this.db.query<ProductPriceChangeRow & { created: number | null; total: number | null }>(
      tx,
      `WITH old AS (
         SELECT p.id, p.code, p.base_price, p.floor_price FROM product p JOIN import_product i ON lower(i.code) = lower(p.code)
       ), up AS (
         INSERT INTO product (id, code, name, spec, brand, category_id, base_unit, barcode, tax_rate, base_price, floor_price, min_order_qty, order_multiple, status, mall_published, remark)
         SELECT COALESCE(o.id, i.id), COALESCE(o.code, i.code), i.name, i.spec, i.brand, i.category_id, i.base_unit, i.barcode, i.tax_rate, i.base_price, i.floor_price, i.min_order_qty, i.order_multiple, i.status, i.mall_published, i.remark
           FROM import_product i LEFT JOIN old o ON lower(o.code) = lower(i.code)
         ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, spec = EXCLUDED.spec, brand = EXCLUDED.brand, category_id = EXCLUDED.category_id, base_unit = EXCLUDED.base_unit,
           barcode = EXCLUDED.barcode, tax_rate = EXCLUDED.tax_rate, base_price = EXCLUDED.base_price, floor_price = EXCLUDED.floor_price, min_order_qty = EXCLUDED.min_order_qty,
           order_multiple = EXCLUDED.order_multiple, status = EXCLUDED.status, mall_published = EXCLUDED.mall_published, remark = EXCLUDED.remark, version = product.version + 1
         RETURNING id, base_price, floor_price, (xmax = 0) AS inserted
       )
       SELECT NULL::uuid AS product_id, NULL::text AS kind, NULL::smallint AS level, NULL::numeric AS old_price, NULL::numeric AS new_price,
              (count(*) FILTER (WHERE inserted))::int AS created, count(*)::int AS total FROM up
       UNION ALL
       SELECT up.id, k.kind, NULL, k.old_price, k.new_price, NULL, NULL
         FROM up LEFT JOIN old o ON o.id = up.id
        CROSS JOIN LATERAL (VALUES ('BASE', o.base_price, up.base_price), ('FLOOR', o.floor_price, up.floor_price)) AS k(kind, old_price, new_price)
        WHERE k.old_price IS DISTINCT FROM k.new_price`,
    );
    // the level prices: written where they differ, deleted where the staging has none; the changes returned (old NULL: a new level, new NULL: a deleted one)
    const levels = await this.db.query<ProductPriceChangeRow>(
      tx,
      `WITH ids AS (
         SELECT p.id, i.code FROM import_product i JOIN product p ON lower(p.code) = lower(i.code)
       ), want AS (
         SELECT ids.id AS product_id, l.level, l.price FROM import_level l JOIN ids ON ids.code = l.code
       ), old AS (
         SELECT pp.product_id, pp.level, pp.price FROM product_price pp JOIN ids ON ids.id = pp.product_id
       ), gone AS (
         DELETE FROM product_price pp USING old o LEFT JOIN want w USING (product_id, level)
          WHERE w.product_id IS NULL AND pp.product_id = o.product_id AND pp.level = o.level
         RETURNING pp.product_id, pp.level, pp.price
       ), up AS (
         INSERT INTO product_price (product_id, level, price)
         SELECT w.product_id, w.level, w.price FROM want w LEFT JOIN old o USING (product_id, level) WHERE o.price IS DISTINCT FROM w.price
         ON CONFLICT (product_id, level) DO UPDATE SET price = EXCLUDED.price, updated_at = now()
         RETURNING product_id, level, price
       )
       SELECT up.product_id, 'LEVEL' AS kind, up.level, o.price AS old_price, up.price AS new_price FROM up LEFT JOIN old o USING (product_id, level)
       UNION ALL
       SELECT product_id, 'LEVEL', level, price, NULL FROM gone`,
    );
    const counts = products.find((r) => r.total !== null);
    const changed = [...products.filter((r) => r.total === null), ...levels];
    if (changed.length) {
      const changes: ProductPriceChange[] = changed.map((c) => ({ productId: c.product_id, kind: c.kind, level: c.level, old: c.old_price, new: c.new_price }));
      this.events.publish(tx, 'ProductPricesChanged', { source: 'IMPORT', effectiveDate: day, changes });
    }
    const created = counts?.created ?? 0;
    const result = { created, updated: (counts?.total ?? 0) - created };
    await this.audit.record(tx, { action: `import_${what}`, entity: 'product', summary: `imported ${rowCount} row(s): ${result.created} created, ${result.updated} updated`, after: result });
    return result;
  }
}
