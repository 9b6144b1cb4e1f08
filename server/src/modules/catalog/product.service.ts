import { Injectable } from '@nestjs/common';
import { Dec, ErrorCode, OrgType, Paged, ProductDto, ProductStatus } from '@drp/shared';
import { Selectable, sql, SqlBool } from 'kysely';
import { RequestContext } from '../../common/context/request-context';
import { DomainError, notFound, staleVersion } from '../../common/errors/domain-error';
import { escapeLike, pageIdsOf, Sortable } from '../../common/http/pagination';
import { DbService, DB } from '../../database/db.service';
import { DomainEvents, EventBus } from '../../kernel/events';
import { AuditService } from '../audit/audit.service';
import { StorageService } from '../storage/storage.service';
import './catalog.events';
import { Product } from './catalog.entities';
import { BulkPricesDto, CreateProductDto, ProductQueryDto, UpdateProductDto } from './catalog.dto';
import { inCategoryTree, productInRangeOf, productInScope } from './product-scope.service';

export const LEVELS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] as const;

/** A product row as stored. */
export type ProductRow = Selectable<DB['product']>;

interface PriceChange {
  kind: 'BASE' | 'LEVEL' | 'FLOOR';
  level?: number;
  oldPrice: string | null;
  newPrice: string | null;
}

const same = (a: string | null | undefined, b: string | null | undefined) => (a == null || b == null ? a == b : new Dec(a).equals(b));

// NOT NULL columns declared so (pageIdsOf sorts them the way their index reads); brand may be NULL
const SORT: Sortable = {
  code: { notNull: 'p.code' }, name: { notNull: 'p.name' }, brand: 'p.brand', basePrice: { notNull: 'p.base_price' },
  createdAt: { notNull: 'p.created_at' }, updatedAt: { notNull: 'p.updated_at' },
};

/** The product with camelCase fields, as other modules read it (code, name, tax rate, status...). */
export function toProduct(r: ProductRow): Product {
  return {
    id: r.id, code: r.code, name: r.name, spec: r.spec, brand: r.brand, categoryId: r.category_id, baseUnit: r.base_unit, barcode: r.barcode, taxRate: r.tax_rate,
    basePrice: r.base_price, floorPrice: r.floor_price, minOrderQty: r.min_order_qty, orderMultiple: r.order_multiple, status: r.status as ProductStatus,
    mallPublished: r.mall_published, lowStockThreshold: r.low_stock_threshold, remark: r.remark, version: r.version, createdAt: r.created_at, updatedAt: r.updated_at,
  };
}

/** 商品档案: products with their ten level prices, pack units and images; every price change is kept as history (by pricing). */
@Injectable()
export class ProductService {
  constructor(
    private readonly db: DbService,
    private readonly audit: AuditService,
    private readonly storage: StorageService,
    private readonly events: EventBus,
  ) {}

  /** Products the caller may see (branch product scope), filtered and paged. */
  async list(ctx: RequestContext, q: ProductQueryDto): Promise<Paged<ProductDto>> {
    const { ids, ...page } = await pageIdsOf(this.db, ctx, this.filtered(ctx, q), q, SORT, 'code', 'p.id');
    return { ...page, items: await this.toDtos(ctx, await this.rowsByIds(ctx, ids)) };
  }

  /** The same filter for lists and exports, so an export holds exactly what the list shows. */
  filtered(ctx: RequestContext, q: ProductQueryDto) {
    let query = this.db.k.selectFrom('product as p').where(productInScope(ctx, 'p'));
    if (q.categoryId) query = query.where(inCategoryTree(q.categoryId, 'p.category_id'));
    if (q.brand) query = query.where('p.brand', '=', q.brand);
    if (q.status) query = query.where('p.status', '=', q.status);
    if (q.mallPublished) query = query.where('p.mall_published', '=', q.mallPublished === 'true');
    if (q.ids) query = query.where('p.id', 'in', q.ids);
    if (q.q) {
      const like = `%${escapeLike(q.q)}%`;
      query = query.where((eb) => eb.or([eb('p.code', 'ilike', like), eb('p.name', 'ilike', like), eb('p.barcode', 'ilike', like), eb('p.brand', 'ilike', like), eb('p.spec', 'ilike', like)]));
    }
    return query;
  }

  /** Products by id, in that order (unknown ids are left out). */
  private async rowsByIds(ctx: RequestContext, ids: string[]): Promise<ProductRow[]> {
    if (!ids.length) return [];
    const rows = await this.db.rows(ctx, this.db.k.selectFrom('product').selectAll().where('id', 'in', ids));
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.flatMap((id) => byId.get(id) ?? []);
  }

  async get(ctx: RequestContext, id: string): Promise<ProductDto> {
    const p = await this.db.first(ctx, this.db.k.selectFrom('product as p').selectAll('p').where(productInScope(ctx, 'p')).where('p.id', '=', id));
    if (!p) throw notFound('product', id);
    return (await this.toDtos(ctx, [p]))[0];
  }

  /**
   * For other modules: the products exist, are within the branch product scope of `orgPath`
   * (the caller's organisation, or the dealer an order is for) and, when `onSale`, are not
   * discontinued. Unknown ids and ids outside the caller's own product range (which the caller
   * cannot see: ARCHITECTURE §5) are the same 404; a product the caller sees but outside the range
   * of `orgPath` (HQ ordering for a dealer of a restricted branch) a 400 PRODUCT_OUT_OF_SCOPE.
   */
  async assertUsable(ctx: RequestContext, productIds: string[], opts: { orgPath: string | null; onSale?: boolean }): Promise<Map<string, Product>> {
    const unique = [...new Set(productIds)];
    // the rows and, in the same statement, whether each is in the organisation's range (one round trip on the order path)
    const rows = unique.length
      ? await this.db.rows(
          ctx,
          this.db.k
            .selectFrom('product as p')
            .selectAll('p')
            .select(sql<boolean>`${opts.orgPath ? productInRangeOf(opts.orgPath, 'p') : sql<SqlBool>`true`}`.as('in_range'))
            // one text whatever the number of products (one prepared statement, not one per count)
            .where(sql<SqlBool>`p.id = ANY(${unique}::uuid[])`)
            .where(productInScope(ctx, 'p')),
        )
      : [];
    const byId = new Map(rows.map(({ in_range: _inRange, ...p }) => [p.id, toProduct(p)]));
    const missing = unique.filter((id) => !byId.has(id));
    if (missing.length) throw new DomainError(ErrorCode.NOT_FOUND, 'product not found', { entity: 'product', ids: missing });
    if (opts.orgPath && unique.length) {
      const outside = unique.filter((id) => !rows.some((p) => p.id === id && p.in_range));
      if (outside.length) {
        throw new DomainError(ErrorCode.PRODUCT_OUT_OF_SCOPE, `Not in the branch's product range: ${outside.map((id) => byId.get(id)!.code).join(', ')}`, { productIds: outside });
      }
    }
    if (opts.onSale) {
      const stopped = [...byId.values()].filter((p) => p.status !== ProductStatus.ON_SALE);
      if (stopped.length) throw new DomainError(ErrorCode.PRODUCT_DISCONTINUED, `Discontinued: ${stopped.map((p) => p.code).join(', ')}`, { productIds: stopped.map((p) => p.id) });
    }
    return byId;
  }

  async create(ctx: RequestContext, dto: CreateProductDto): Promise<ProductDto> {
    const id = await this.db.tx(ctx, async (tx) => {
      await this.assertCategory(tx, dto.categoryId);
      await this.assertUnique(tx, dto.code, dto.barcode ?? null, null);
      const saved = await this.db.one(
        tx,
        this.db.k
          .insertInto('product')
          .values({
            code: dto.code,
            name: dto.name.trim(),
            spec: dto.spec ?? null,
            brand: dto.brand ?? null,
            category_id: dto.categoryId,
            base_unit: dto.baseUnit,
            barcode: dto.barcode ?? null,
            tax_rate: dto.taxRate ?? '0.13',
            base_price: dto.basePrice,
            floor_price: dto.floorPrice ?? null,
            min_order_qty: dto.minOrderQty ?? '1',
            order_multiple: dto.orderMultiple ?? '1',
            status: dto.status ?? ProductStatus.ON_SALE,
            mall_published: dto.mallPublished ?? false,
            low_stock_threshold: dto.lowStockThreshold ?? '0',
            remark: dto.remark ?? null,
          })
          .returningAll(),
      );
      const levels = dto.levelPrices ?? Array<null>(10).fill(null);
      await this.writeLevels(tx, saved.id, levels);
      if (dto.units) await this.writeUnits(tx, saved.id, dto.units);
      const changes: PriceChange[] = [{ kind: 'BASE', oldPrice: null, newPrice: dto.basePrice }];
      levels.forEach((p, i) => p !== null && changes.push({ kind: 'LEVEL', level: i + 1, oldPrice: null, newPrice: p }));
      if (dto.floorPrice) changes.push({ kind: 'FLOOR', oldPrice: null, newPrice: dto.floorPrice });
      this.pricesChanged(tx, saved.id, changes, 'PRODUCT', dto.effectiveDate);
      await this.audit.record(tx, { action: 'create', entity: 'product', entityId: saved.id, summary: `created product ${saved.code} ${saved.name}`, after: { ...toProduct(saved), levelPrices: levels } });
      return saved.id;
    });
    return this.get(ctx, id);
  }

  async update(ctx: RequestContext, id: string, dto: UpdateProductDto): Promise<ProductDto> {
    await this.db.tx(ctx, async (tx) => {
      const row = await this.lock(tx, id);
      const p = toProduct(row);
      if (p.version !== dto.version) throw staleVersion('product', dto.version, p.version);
      if (dto.categoryId) await this.assertCategory(tx, dto.categoryId);
      if (dto.barcode !== undefined && dto.barcode !== p.barcode) await this.assertUnique(tx, null, dto.barcode, id);
      const beforeLevels = await this.levelPrices(tx, id);
      const before = { ...p, levelPrices: beforeLevels };
      const changes: PriceChange[] = [];
      if (dto.basePrice !== undefined && !same(dto.basePrice, p.basePrice)) changes.push({ kind: 'BASE', oldPrice: p.basePrice, newPrice: dto.basePrice });
      if (dto.floorPrice !== undefined && !same(dto.floorPrice, p.floorPrice)) changes.push({ kind: 'FLOOR', oldPrice: p.floorPrice, newPrice: dto.floorPrice });
      const { version: _v, levelPrices, units, effectiveDate, ...fields } = dto;
      const given = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as Partial<Product>;
      if (fields.name) given.name = fields.name.trim();
      const after: Product = { ...p, ...given };
      // as the entity's save did: the row (and its version) changes only when a field does
      const changed = (Object.keys(given) as (keyof Product)[]).filter((k) => given[k] !== p[k]);
      if (changed.length) {
        const set = Object.fromEntries(changed.map((k) => [COLUMN[k as keyof typeof COLUMN], given[k]]));
        const saved = await this.db.one(tx, this.db.k.updateTable('product').set({ ...set, version: sql`version + 1`, updated_at: sql`now()` }).where('id', '=', id).returningAll());
        Object.assign(after, toProduct(saved));
      }
      if (levelPrices) {
        levelPrices.forEach((np, i) => !same(np, beforeLevels[i]) && changes.push({ kind: 'LEVEL', level: i + 1, oldPrice: beforeLevels[i], newPrice: np }));
        await this.writeLevels(tx, id, levelPrices);
      }
      if (units) {
        await this.db.rows(tx, this.db.k.deleteFrom('product_unit').where('product_id', '=', id));
        await this.writeUnits(tx, id, units);
      }
      this.pricesChanged(tx, id, changes, 'PRODUCT', effectiveDate);
      await this.audit.record(tx, { action: 'update', entity: 'product', entityId: id, summary: `edited product ${p.code}`, before, after: { ...after, levelPrices: levelPrices ?? beforeLevels } });
    });
    return this.get(ctx, id);
  }

  /** The price grid: many products' base, level and floor prices in one all-or-nothing save. */
  async bulkPrices(ctx: RequestContext, dto: BulkPricesDto): Promise<ProductDto[]> {
    const ids = dto.rows.map((r) => r.productId);
    if (new Set(ids).size !== ids.length) throw new DomainError(ErrorCode.VALIDATION_FAILED, 'A product appears twice in the grid', { field: 'rows' });
    await this.db.tx(ctx, async (tx) => {
      // lock in id order: two grids saving overlapping products cannot deadlock
      for (const row of [...dto.rows].sort((a, b) => a.productId.localeCompare(b.productId))) {
        const p = await this.lock(tx, row.productId);
        if (p.version !== row.version) {
          throw new DomainError(ErrorCode.STALE_VERSION, `product ${p.code} was changed by someone else; reload it and try again`, { productId: p.id, productCode: p.code, expected: p.version, given: row.version });
        }
        const beforeLevels = await this.levelPrices(tx, p.id);
        const changes: PriceChange[] = [];
        const patch: { base_price?: string; floor_price?: string | null } = {};
        if (row.basePrice !== undefined && !same(row.basePrice, p.base_price)) {
          changes.push({ kind: 'BASE', oldPrice: p.base_price, newPrice: row.basePrice });
          patch.base_price = row.basePrice;
        }
        if (row.floorPrice !== undefined && !same(row.floorPrice, p.floor_price)) {
          changes.push({ kind: 'FLOOR', oldPrice: p.floor_price, newPrice: row.floorPrice });
          patch.floor_price = row.floorPrice;
        }
        if (row.levelPrices) {
          row.levelPrices.forEach((np, i) => !same(np, beforeLevels[i]) && changes.push({ kind: 'LEVEL', level: i + 1, oldPrice: beforeLevels[i], newPrice: np }));
          await this.writeLevels(tx, p.id, row.levelPrices);
        }
        if (!changes.length) continue;
        await this.db.rows(tx, this.db.k.updateTable('product').set({ ...patch, version: sql`version + 1` }).where('id', '=', p.id));
        this.pricesChanged(tx, p.id, changes, 'PRICE_GRID', dto.effectiveDate);
        await this.audit.record(tx, { action: 'update_prices', entity: 'product', entityId: p.id, summary: `changed ${changes.length} price(s) of ${p.code}`, before: { prices: changes.map((c) => ({ kind: c.kind, level: c.level, price: c.oldPrice })) }, after: { prices: changes.map((c) => ({ kind: c.kind, level: c.level, price: c.newPrice })) } });
      }
    });
    const rows = await this.db.rows(ctx, this.db.k.selectFrom('product').selectAll().where('id', 'in', ids).orderBy('code'));
    return this.toDtos(ctx, rows);
  }

  async addImage(ctx: RequestContext, id: string, file: { buffer: Buffer; originalname: string; mimetype: string; size: number }) {
    const types: Record<string, string> = { 'image/png': '.png', 'image/jpeg': '.jpg', 'image/webp': '.webp', 'image/gif': '.gif' };
    const ext = types[file?.mimetype];
    if (!file || !ext) throw new DomainError(ErrorCode.UNSUPPORTED_FILE, 'Upload a PNG, JPEG, WebP or GIF image', { allowed: Object.keys(types) });
    if (!looksLikeImage(file.buffer, file.mimetype)) throw new DomainError(ErrorCode.UNSUPPORTED_FILE, 'The file content is not the image type it claims to be');
    await this.get(ctx, id);
    const key = await this.storage.put(file.buffer, ext);
    try {
      return await this.db.tx(ctx, async (tx) => {
        await this.lock(tx, id);
        const { n } = await this.db.one(tx, this.db.k.selectFrom('product_image').select(sql<number>`count(*)::int`.as('n')).where('product_id', '=', id));
        if (n >= 10) throw new DomainError(ErrorCode.VALIDATION_FAILED, 'A product has at most 10 images', { field: 'file' });
        const img = await this.db.one(
          tx,
          this.db.k
            .insertInto('product_image')
            .values({ product_id: id, storage_key: key, file_name: file.originalname.slice(0, 200), content_type: file.mimetype, size_bytes: file.size, sort_order: n })
            .returning(['id', 'file_name']),
        );
        await this.audit.record(tx, { action: 'add_image', entity: 'product', entityId: id, summary: `added image ${img.file_name}` });
        return { id: img.id, url: this.storage.url(key), fileName: img.file_name };
      });
    } catch (e) {
      await this.storage.remove(key);
      throw e;
    }
  }

  async removeImage(ctx: RequestContext, id: string, imageId: string): Promise<void> {
    await this.get(ctx, id);
    const key = await this.db.tx(ctx, async (tx) => {
      const img = await this.db.first(tx, this.db.k.deleteFrom('product_image').where('id', '=', imageId).where('product_id', '=', id).returning(['storage_key', 'file_name']));
      if (!img) throw notFound('image', imageId);
      await this.audit.record(tx, { action: 'remove_image', entity: 'product', entityId: id, summary: `removed image ${img.file_name}` });
      return img.storage_key;
    });
    await this.storage.remove(key);
  }

  /**
   * Announces price changes of one product (pricing writes the history, in this transaction):
   * catalog code never writes price_history, pricing's table.
   */
  private pricesChanged(tx: RequestContext, productId: string, changes: PriceChange[], source: DomainEvents['ProductPricesChanged']['source'], effectiveDate?: string): void {
    if (!changes.length) return;
    this.events.publish(tx, 'ProductPricesChanged', { source, effectiveDate, changes: changes.map((c) => ({ productId, kind: c.kind, level: c.level ?? null, old: c.oldPrice, new: c.newPrice })) });
  }

  /** The product row, locked; 404 when it is outside the caller's product range. */
  private async lock(tx: RequestContext, id: string): Promise<ProductRow> {
    const visible = await this.db.first(tx, this.db.k.selectFrom('product as p').select('p.id').where(productInScope(tx, 'p')).where('p.id', '=', id));
    if (!visible) throw notFound('product', id);
    return this.db.one(tx, this.db.k.selectFrom('product').selectAll().where('id', '=', id).forUpdate());
  }

  private async levelPrices(ctx: RequestContext, id: string): Promise<(string | null)[]> {
    const rows = await this.db.rows(ctx, this.db.k.selectFrom('product_price').select(['level', 'price']).where('product_id', '=', id));
    return LEVELS.map((l) => rows.find((r) => r.level === l)?.price ?? null);
  }

  private async writeLevels(tx: RequestContext, id: string, prices: (string | null)[]): Promise<void> {
    await this.db.rows(tx, this.db.k.deleteFrom('product_price').where('product_id', '=', id));
    const levels = prices.map((p, i) => (p === null ? null : i + 1)).filter((l): l is number => l !== null);
    if (!levels.length) return;
    await this.db.rows(tx, this.db.k.insertInto('product_price').values(levels.map((level) => ({ product_id: id, level, price: prices[level - 1]! }))));
  }

  private async writeUnits(tx: RequestContext, id: string, units: { unit: string; factor: string; barcode?: string | null }[]): Promise<void> {
    const names = units.map((u) => u.unit);
    if (new Set(names).size !== names.length) throw new DomainError(ErrorCode.VALIDATION_FAILED, 'Each pack unit may appear once', { field: 'units' });
    if (!units.length) return;
    await this.db.rows(tx, this.db.k.insertInto('product_unit').values(units.map((u) => ({ product_id: id, unit: u.unit, factor: u.factor, barcode: u.barcode ?? null }))));
  }

  private async assertCategory(tx: RequestContext, id: string): Promise<void> {
    const row = await this.db.first(tx, this.db.k.selectFrom('category').select('id').where('id', '=', id));
    if (!row) throw new DomainError(ErrorCode.NOT_FOUND, 'category not found', { entity: 'category', id, field: 'categoryId' });
  }

  private async assertUnique(tx: RequestContext, code: string | null, barcode: string | null, exceptId: string | null): Promise<void> {
    if (code) {
      const row = await this.db.first(tx, this.db.k.selectFrom('product').select('id').where(sql<string>`lower(code)`, '=', code.toLowerCase()));
      if (row) throw new DomainError(ErrorCode.DUPLICATE, `The product code ${code} is taken`, { field: 'code' });
    }
    if (barcode) {
      const row = await this.db.first(tx, this.db.k.selectFrom('product').select('id').where('barcode', '=', barcode).where(sql<boolean>`id IS DISTINCT FROM ${exceptId}::uuid`));
      if (row) throw new DomainError(ErrorCode.DUPLICATE, `The barcode ${barcode} belongs to another product`, { field: 'barcode' });
    }
  }

  /**
   * What prices the caller may see. Staff see every level and the floor; a dealer sees only its
   * own wholesale level (the others and the floor are other dealers' business and HQ's margin).
   */
  async priceView(ctx: RequestContext): Promise<{ dealerLevel?: number | null }> {
    if (ctx.isSystem || ctx.user?.orgType !== OrgType.DEALER) return {};
    const row = await this.db.first(ctx, this.db.k.selectFrom('organization').select('price_level').where('id', '=', ctx.actor.orgId));
    return { dealerLevel: row?.price_level ?? null };
  }

  /** Prices, units, images and category names for a page of products in four queries. */
  async toDtos(ctx: RequestContext, products: ProductRow[]): Promise<ProductDto[]> {
    if (!products.length) return [];
    const view = await this.priceView(ctx);
    const dealerOnly = view.dealerLevel !== undefined;
    const ids = products.map((p) => p.id);
    const [prices, units, images, cats] = await Promise.all([
      this.db.rows(ctx, this.db.k.selectFrom('product_price').select(['product_id', 'level', 'price']).where('product_id', 'in', ids)),
      this.db.rows(ctx, this.db.k.selectFrom('product_unit').select(['product_id', 'unit', 'factor', 'barcode']).where('product_id', 'in', ids).orderBy('factor')),
      this.db.rows(ctx, this.db.k.selectFrom('product_image').select(['id', 'product_id', 'storage_key', 'file_name']).where('product_id', 'in', ids).orderBy('sort_order').orderBy('created_at')),
      this.db.rows(ctx, this.db.k.selectFrom('category').select(['id', 'name']).where('id', 'in', [...new Set(products.map((p) => p.category_id))])),
    ]);
    return products.map((p) => {
      const levelPrices = LEVELS.map((l) => prices.find((r) => r.product_id === p.id && r.level === l)?.price ?? null);
      return {
        id: p.id,
        code: p.code,
        name: p.name,
        spec: p.spec,
        brand: p.brand,
        categoryId: p.category_id,
        categoryName: cats.find((c) => c.id === p.category_id)?.name ?? '',
        baseUnit: p.base_unit,
        units: units.filter((u) => u.product_id === p.id).map((u) => ({ unit: u.unit, factor: u.factor, barcode: u.barcode })),
        barcode: p.barcode,
        taxRate: p.tax_rate,
        basePrice: p.base_price,
        levelPrices: dealerOnly ? levelPrices.map((price, i) => (i + 1 === view.dealerLevel ? price : null)) : levelPrices,
        floorPrice: dealerOnly ? null : p.floor_price,
        effectiveFloorPrice: dealerOnly ? null : (p.floor_price ?? levelPrices[9]),
        minOrderQty: p.min_order_qty,
        orderMultiple: p.order_multiple,
        status: p.status as ProductStatus,
        mallPublished: p.mall_published,
        lowStockThreshold: p.low_stock_threshold,
        images: images.filter((i) => i.product_id === p.id).map((i) => ({ id: i.id, url: this.storage.url(i.storage_key), fileName: i.file_name })),
        remark: p.remark,
        version: p.version,
        createdAt: p.created_at.toISOString(),
        updatedAt: p.updated_at.toISOString(),
      };
    });
  }

  /**
   * For the mall (上架/下架): sets `mall_published` on these products, in the caller's
   * transaction; answers the products that changed (the caller audits). Unknown ids are skipped.
   */
  async setMallPublished(tx: RequestContext, productIds: string[], published: boolean): Promise<{ id: string; code: string }[]> {
    if (!productIds.length) return [];
    return this.db.rows(
      tx,
      this.db.k
        .updateTable('product')
        .set((eb) => ({ mall_published: published, version: eb('version', '+', 1) }))
        .where('id', 'in', productIds)
        .where('mall_published', '<>', published)
        .returning(['id', 'code']),
    );
  }
}

/** The column of each editable product field. */
const COLUMN = {
  name: 'name', spec: 'spec', brand: 'brand', categoryId: 'category_id', baseUnit: 'base_unit', barcode: 'barcode', taxRate: 'tax_rate', basePrice: 'base_price',
  floorPrice: 'floor_price', minOrderQty: 'min_order_qty', orderMultiple: 'order_multiple', status: 'status', mallPublished: 'mall_published',
  lowStockThreshold: 'low_stock_threshold', remark: 'remark',
} as const satisfies Partial<Record<keyof Product, keyof ProductRow>>;

/** Magic bytes, so a renamed executable is not stored as an "image". */
function looksLikeImage(buf: Buffer, mime: string): boolean {
  if (!buf || buf.length < 12) return false;
  switch (mime) {
    case 'image/png':
      return buf.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    case 'image/jpeg':
      return buf[0] === 0xff && buf[1] === 0xd8;
    case 'image/gif':
      return buf.subarray(0, 3).toString('ascii') === 'GIF';
    case 'image/webp':
      return buf.subarray(0, 4).toString('ascii') === 'RIFF' && buf.subarray(8, 12).toString('ascii') === 'WEBP';
    default:
      return false;
  }
}
