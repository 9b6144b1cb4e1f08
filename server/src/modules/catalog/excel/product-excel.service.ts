import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { CODE_PATTERN, fmt, ImportResult, Dec, ProductStatus } from '@drp/shared';
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
type LevelKey = (typeof LEVEL_KEYS)[number];
/** What the import statement writes per product, in the order of its unnest arrays (the id an existing product's or a new one, the code an existing product's as stored, categoryId resolved, status as stored, mallPublished 'true'/'false'). */
const WRITE_KEYS = ['id', 'code', 'name', 'spec', 'brand', 'categoryId', 'baseUnit', 'barcode', 'taxRate', 'basePrice', 'floorPrice', 'minOrderQty', 'orderMultiple', 'status', 'mallPublished', 'remark', ...LEVEL_KEYS] as const;
type WriteRow = Record<(typeof WRITE_KEYS)[number], string | null>;
const STATUS_TEXT: Record<string, ProductStatus> = { 在售: ProductStatus.ON_SALE, 停售: ProductStatus.DISCONTINUED, ON_SALE: ProductStatus.ON_SALE, DISCONTINUED: ProductStatus.DISCONTINUED };
/**
 * The row checks of a decimal cell, as text tests (10,000 rows of 13 such cells: a Decimal each
 * was most of the check time): what isDecimalString accepts at the scale and is not negative, and
 * for such a text, zero and at least one.
 */
const UNSIGNED_DECIMAL: Record<3 | 4, RegExp> = { 3: /^\d{1,16}(\.\d{1,3})?$/, 4: /^\d{1,16}(\.\d{1,4})?$/ };
const ZERO = /^0+(\.0+)?$/;
const AT_LEAST_ONE = /^0*[1-9]/;
const NOTHING_LOST: ReadonlySet<string> = new Set();
const YES = new Set(['是', 'Y', 'YES', 'TRUE', '1']);
const NO = new Set(['否', 'N', 'NO', 'FALSE', '0', '']);

/** A changed price the import statement returns. */
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
      const lost = lostDigits.length ? new Set(lostDigits) : NOTHING_LOST;
      const text = (key: keyof ProductRow, max: number, required = false) => {
        if (lost.has(key)) return null;
        const s = v[key] ?? '';
        if (!s) return required ? (err(rowNo, key, 'REQUIRED', {}), null) : null;
        if (s.length > max) return err(rowNo, key, 'TOO_LONG', { max }), null;
        return s;
      };
      const decimal = (key: keyof ProductRow, scale: 3 | 4, opts: { required?: boolean; positive?: boolean; def?: string } = {}) => {
        if (lost.has(key)) return null;
        const s = v[key] ?? '';
        if (!s) return opts.required ? (err(rowNo, key, 'REQUIRED', {}), null) : (opts.def ?? null);
        if (!UNSIGNED_DECIMAL[scale].test(s)) return err(rowNo, key, 'NOT_A_NUMBER', { scale }), null;
        if (opts.positive && ZERO.test(s)) return err(rowNo, key, 'NOT_POSITIVE', {}), null;
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
      if (r.taxRate && AT_LEAST_ONE.test(r.taxRate)) err(rowNo, 'taxRate', 'BAD_TAX_RATE', {});
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
      const taken = await this.db.rows(ctx, this.db.k.selectFrom('product').select(['barcode', 'code']).where(sql<boolean>`barcode = ANY(${barcodes}::text[])`));
      const byBarcode = new Map(clean.filter((r) => r.barcode).map((r) => [r.barcode!, r]));
      for (const t of taken) {
        const r = byBarcode.get(t.barcode!)!;
        if (r.code?.toLowerCase() !== t.code.toLowerCase()) err(r.rowNo, 'barcode', 'BARCODE_TAKEN', { code: t.code });
      }
    }
    rejectIfErrors(errors);
    return this.db.tx(ctx, async (tx) => {
      await this.queueImports(tx);
      // an existing product is matched by its code in any case and keeps its id and its code as stored; a new one gets its id here
      const existing = await this.db.rows(tx, this.db.k.selectFrom('product').select(['id', 'code']).where(sql<boolean>`lower(code) = ANY(${[...seenCodes.keys()]}::text[])`));
      const byCode = new Map(existing.map((p) => [p.code.toLowerCase(), p]));
      for (const r of clean) {
        const p = byCode.get(r.code!.toLowerCase());
        r.id = p?.id ?? randomUUID();
        if (p) r.code = p.code;
      }
      return this.write(tx, 'products', clean as unknown as WriteRow[]);
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
        if (!UNSIGNED_DECIMAL[4].test(s)) return err(rowNo, key, 'NOT_A_NUMBER', { scale: 4 }), null;
        return s;
      };
      const floor = price('floorPrice', true);
      clean.push({ rowNo, code, basePrice: price('basePrice', false) as string | null, floorPrice: floor === '-' ? null : floor, clearFloor: floor === '-', levels: LEVEL_KEYS.map((k) => price(k, true)) });
    }
    rejectIfErrors(errors);
    return this.db.tx(ctx, async (tx) => {
      await this.queueImports(tx);
      // start from the current rows (read in the transaction), overlay what the sheet gives
      const lower = clean.map((c) => c.code.toLowerCase());
      const current = await this.db.rows(tx, this.db.k.selectFrom('product').selectAll().where(sql<boolean>`lower(code) = ANY(${lower}::text[])`));
      const ids = current.map((p) => p.id);
      const levels = new Map<string, (string | null)[]>(ids.map((id) => [id, LEVEL_KEYS.map(() => null)]));
      for (const l of await this.db.rows(tx, this.db.k.selectFrom('product_price').select(['product_id', 'level', 'price']).where(sql<boolean>`product_id = ANY(${ids}::uuid[])`))) {
        levels.get(l.product_id)![l.level - 1] = l.price;
      }
      const byCode = new Map(current.map((p) => [p.code.toLowerCase(), p]));
      const out = clean.map((r): WriteRow => {
        const p = byCode.get(r.code.toLowerCase())!;
        const have = levels.get(p.id)!;
        return {
          id: p.id, code: p.code, name: p.name, spec: p.spec, brand: p.brand, categoryId: p.category_id, baseUnit: p.base_unit, barcode: p.barcode, taxRate: p.tax_rate,
          basePrice: r.basePrice ?? p.base_price, floorPrice: r.clearFloor ? null : (r.floorPrice ?? p.floor_price), minOrderQty: p.min_order_qty, orderMultiple: p.order_multiple,
          status: p.status, mallPublished: String(p.mall_published), remark: p.remark,
          ...(Object.fromEntries(LEVEL_KEYS.map((k, i) => [k, r.levels[i] === '-' ? null : (r.levels[i] ?? have[i])])) as Record<LevelKey, string | null>),
        };
      });
      return this.write(tx, 'prices', out);
    });
  }

  /**
   * Imports queue on one advisory lock: each reads the products it updates (ids, codes, prices) before
   * its write, so a second import of the same new codes (a double submit) must wait for the first
   * and then find them, rather than write level prices for ids that lost the insert.
   */
  private async queueImports(tx: RequestContext): Promise<void> {
    await this.db.rows(tx, this.db.k.selectNoFrom(sql<null>`pg_advisory_xact_lock(hashtext('product-import'))`.as('locked')));
  }

  /**
   * Writes an import in one statement over unnest arrays (one element per product, its ten level
   * prices as ten arrays), every product with its id already known (an existing one's, or a new
   * one's made here), so nothing in the statement is matched by code: the products upserted, their
   * level prices set to the given ones (a new or changed level written, a level given as empty
   * deleted, an unchanged one left as it is), and every changed price returned and announced
   * (pricing writes the history). The old prices are read from the tables themselves: every part of
   * one statement sees the rows as they were before it, so nothing is staged or copied aside.
   * Raw SQL: data-modifying CTEs over unnest arrays, which the typed builder does not express.
   */
  private async write(tx: RequestContext, what: 'products' | 'prices', rows: WriteRow[]): Promise<ImportResult> {
    const day = businessDate(new Date(), this.config.companyTz);
    const col = (k: keyof WriteRow) => rows.map((r) => r[k]);
    const result = await this.db.query<ProductPriceChangeRow & { created: number | null; total: number | null }>(
      tx,
      `WITH i AS (
         SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::uuid[], $7::text[], $8::text[], $9::numeric[], $10::numeric[], $11::numeric[],
                              $12::numeric[], $13::numeric[], $14::text[], $15::boolean[], $16::text[], $17::numeric[], $18::numeric[], $19::numeric[], $20::numeric[],
                              $21::numeric[], $22::numeric[], $23::numeric[], $24::numeric[], $25::numeric[], $26::numeric[])
           AS u(id, code, name, spec, brand, category_id, base_unit, barcode, tax_rate, base_price, floor_price, min_order_qty, order_multiple, status, mall_published, remark,
                l1, l2, l3, l4, l5, l6, l7, l8, l9, l10)
       ), up AS (
         INSERT INTO product (id, code, name, spec, brand, category_id, base_unit, barcode, tax_rate, base_price, floor_price, min_order_qty, order_multiple, status, mall_published, remark)
         SELECT id, code, name, spec, brand, category_id, base_unit, barcode, tax_rate, base_price, floor_price, min_order_qty, order_multiple, status, mall_published, remark FROM i
         ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, spec = EXCLUDED.spec, brand = EXCLUDED.brand, category_id = EXCLUDED.category_id, base_unit = EXCLUDED.base_unit,
           barcode = EXCLUDED.barcode, tax_rate = EXCLUDED.tax_rate, base_price = EXCLUDED.base_price, floor_price = EXCLUDED.floor_price, min_order_qty = EXCLUDED.min_order_qty,
           order_multiple = EXCLUDED.order_multiple, status = EXCLUDED.status, mall_published = EXCLUDED.mall_published, remark = EXCLUDED.remark, version = product.version + 1
         RETURNING id, base_price, floor_price, (xmax = 0) AS inserted
       ), gone AS (
         DELETE FROM product_price pp USING i
          WHERE num_nulls(i.l1, i.l2, i.l3, i.l4, i.l5, i.l6, i.l7, i.l8, i.l9, i.l10) > 0 AND pp.product_id = i.id
            AND (ARRAY[i.l1, i.l2, i.l3, i.l4, i.l5, i.l6, i.l7, i.l8, i.l9, i.l10])[pp.level] IS NULL
         RETURNING pp.product_id, pp.level, pp.price
       ), level_up AS (
         INSERT INTO product_price (product_id, level, price)
         SELECT i.id, x.level, x.price
           FROM i CROSS JOIN LATERAL unnest(ARRAY[i.l1, i.l2, i.l3, i.l4, i.l5, i.l6, i.l7, i.l8, i.l9, i.l10]) WITH ORDINALITY AS x(price, level)
           LEFT JOIN product_price pp ON pp.product_id = i.id AND pp.level = x.level
          WHERE x.price IS NOT NULL AND pp.price IS DISTINCT FROM x.price
         ON CONFLICT (product_id, level) DO UPDATE SET price = EXCLUDED.price, updated_at = now()
         RETURNING product_id, level, price
       )
       SELECT NULL::uuid AS product_id, NULL::text AS kind, NULL::smallint AS level, NULL::numeric AS old_price, NULL::numeric AS new_price,
              (count(*) FILTER (WHERE inserted))::int AS created, count(*)::int AS total FROM up
       UNION ALL
       SELECT up.id, k.kind, NULL, k.old_price, k.new_price, NULL, NULL
         FROM up LEFT JOIN product o ON o.id = up.id
        CROSS JOIN LATERAL (VALUES ('BASE', o.base_price, up.base_price), ('FLOOR', o.floor_price, up.floor_price)) AS k(kind, old_price, new_price)
        WHERE k.old_price IS DISTINCT FROM k.new_price
       UNION ALL
       SELECT l.product_id, 'LEVEL', l.level, o.price, l.price, NULL, NULL FROM level_up l LEFT JOIN product_price o USING (product_id, level)
       UNION ALL
       SELECT product_id, 'LEVEL', level, price, NULL, NULL, NULL FROM gone`,
      WRITE_KEYS.map(col),
    );
    const counts = result.find((r) => r.total !== null);
    const changed = result.filter((r) => r.total === null);
    if (changed.length) {
      const changes: ProductPriceChange[] = changed.map((c) => ({ productId: c.product_id, kind: c.kind, level: c.level, old: c.old_price, new: c.new_price }));
      this.events.publish(tx, 'ProductPricesChanged', { source: 'IMPORT', effectiveDate: day, changes });
    }
    const created = counts?.created ?? 0;
    const out = { created, updated: (counts?.total ?? 0) - created };
    await this.audit.record(tx, { action: `import_${what}`, entity: 'product', summary: `imported ${rows.length} row(s): ${out.created} created, ${out.updated} updated`, after: out });
    return out;
  }
}
