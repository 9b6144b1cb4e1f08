import { Inject, Injectable } from '@nestjs/common';
import { Dec, ErrorCode, OrgType, Paged, ProductDto, ProductStatus } from '@drp/shared';
import { APP_CONFIG, AppConfig } from '../../config/config';
import { RequestContext } from '../../common/context/request-context';
import { DomainError, notFound, staleVersion } from '../../common/errors/domain-error';
import { applyProductScope, productScopeCondition } from '../../common/scope/data-scope';
import { paginate, escapeLike } from '../../common/http/pagination';
import { DbService } from '../../database/db.service';
import { businessDate } from '../../database/business-date';
import { AuditService } from '../audit/audit.service';
import { StorageService } from '../storage/storage.service';
import { Product, ProductImage, ProductUnit } from './catalog.entities';
import { BulkPricesDto, CreateProductDto, ProductQueryDto, UpdateProductDto } from './catalog.dto';

export const LEVELS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] as const;

interface PriceChange {
  kind: 'BASE' | 'LEVEL' | 'FLOOR';
  level?: number;
  oldPrice: string | null;
  newPrice: string | null;
}

const same = (a: string | null | undefined, b: string | null | undefined) => (a == null || b == null ? a == b : new Dec(a).equals(b));

/** 商品档案: products with their ten level prices, pack units and images; every price change is kept as history. */
@Injectable()
export class ProductService {
  constructor(
    private readonly db: DbService,
    private readonly audit: AuditService,
    private readonly storage: StorageService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Products the caller may see (branch product scope), filtered and paged. */
  async list(ctx: RequestContext, q: ProductQueryDto): Promise<Paged<ProductDto>> {
    const qb = this.filtered(ctx, q);
    const page = await paginate(qb, q, { code: 'p.code', name: 'p.name', brand: 'p.brand', basePrice: 'p.base_price', createdAt: 'p.created_at', updatedAt: 'p.updated_at' }, 'code', (p) => p);
    return { ...page, items: await this.toDtos(ctx, page.items) };
  }

  /** The same filter for lists and exports, so an export holds exactly what the list shows. */
  filtered(ctx: RequestContext, q: ProductQueryDto) {
    const qb = this.db.repo(ctx, Product).createQueryBuilder('p');
    applyProductScope(qb, ctx, 'p');
    if (q.categoryId) qb.andWhere('p.category_id IN (SELECT c.id FROM category c WHERE c.path LIKE (SELECT path FROM category WHERE id = :cat) || \'%\')', { cat: q.categoryId });
    if (q.brand) qb.andWhere('p.brand = :brand', { brand: q.brand });
    if (q.status) qb.andWhere('p.status = :status', { status: q.status });
    if (q.mallPublished) qb.andWhere('p.mall_published = :mp', { mp: q.mallPublished === 'true' });
    if (q.q) qb.andWhere('(p.code ILIKE :q OR p.name ILIKE :q OR p.barcode ILIKE :q OR p.brand ILIKE :q OR p.spec ILIKE :q)', { q: `%${escapeLike(q.q)}%` });
    return qb;
  }

  async get(ctx: RequestContext, id: string): Promise<ProductDto> {
    const p = await applyProductScope(this.db.repo(ctx, Product).createQueryBuilder('p'), ctx, 'p').andWhere('p.id = :id', { id }).getOne();
    if (!p) throw notFound('product', id);
    return (await this.toDtos(ctx, [p]))[0];
  }

  /**
   * For other modules: the products exist, are within the branch product scope of `orgPath`
   * (the caller's organisation, or the dealer an order is for) and, when `onSale`, are not
   * discontinued. Unknown ids are a 404; known but out of scope a 400 PRODUCT_OUT_OF_SCOPE.
   */
  async assertUsable(ctx: RequestContext, productIds: string[], opts: { orgPath: string | null; onSale?: boolean }): Promise<Map<string, Product>> {
    const unique = [...new Set(productIds)];
    const rows = await this.db.repo(ctx, Product).createQueryBuilder('p').where('p.id = ANY(:ids)', { ids: unique }).getMany();
    const byId = new Map(rows.map((p) => [p.id, p]));
    const missing = unique.filter((id) => !byId.has(id));
    if (missing.length) throw new DomainError(ErrorCode.NOT_FOUND, 'product not found', { entity: 'product', ids: missing });
    if (opts.orgPath) {
      const { sql, params } = productScopeCondition('p', opts.orgPath, 'u');
      const inScope = await this.db.repo(ctx, Product).createQueryBuilder('p').select('p.id').where('p.id = ANY(:ids)', { ids: unique }).andWhere(sql, params).getMany();
      const outside = unique.filter((id) => !inScope.some((p) => p.id === id));
      if (outside.length) {
        throw new DomainError(ErrorCode.PRODUCT_OUT_OF_SCOPE, `Not in the branch's product range: ${outside.map((id) => byId.get(id)!.code).join(', ')}`, { productIds: outside });
      }
    }
    if (opts.onSale) {
      const stopped = rows.filter((p) => p.status !== ProductStatus.ON_SALE);
      if (stopped.length) throw new DomainError(ErrorCode.PRODUCT_DISCONTINUED, `Discontinued: ${stopped.map((p) => p.code).join(', ')}`, { productIds: stopped.map((p) => p.id) });
    }
    return byId;
  }

  async create(ctx: RequestContext, dto: CreateProductDto): Promise<ProductDto> {
    const id = await this.db.tx(ctx, async (tx) => {
      await this.assertCategory(tx, dto.categoryId);
      await this.assertUnique(tx, dto.code, dto.barcode ?? null, null);
      const product = this.db.repo(tx, Product).create({
        code: dto.code,
        name: dto.name.trim(),
        spec: dto.spec ?? null,
        brand: dto.brand ?? null,
        categoryId: dto.categoryId,
        baseUnit: dto.baseUnit,
        barcode: dto.barcode ?? null,
        taxRate: dto.taxRate ?? '0.13',
        basePrice: dto.basePrice,
        floorPrice: dto.floorPrice ?? null,
        minOrderQty: dto.minOrderQty ?? '1',
        orderMultiple: dto.orderMultiple ?? '1',
        status: dto.status ?? ProductStatus.ON_SALE,
        mallPublished: dto.mallPublished ?? false,
        lowStockThreshold: dto.lowStockThreshold ?? '0',
        remark: dto.remark ?? null,
      });
      const saved = await this.db.repo(tx, Product).save(product);
      const levels = dto.levelPrices ?? Array<null>(10).fill(null);
      await this.writeLevels(tx, saved.id, levels);
      if (dto.units) await this.writeUnits(tx, saved.id, dto.units);
      const changes: PriceChange[] = [{ kind: 'BASE', oldPrice: null, newPrice: dto.basePrice }];
      levels.forEach((p, i) => p !== null && changes.push({ kind: 'LEVEL', level: i + 1, oldPrice: null, newPrice: p }));
      if (dto.floorPrice) changes.push({ kind: 'FLOOR', oldPrice: null, newPrice: dto.floorPrice });
      await this.recordPriceChanges(tx, saved.id, changes, dto.effectiveDate);
      await this.audit.record(tx, { action: 'create', entity: 'product', entityId: saved.id, summary: `created product ${saved.code} ${saved.name}`, after: { ...saved, levelPrices: levels } });
      return saved.id;
    });
    return this.get(ctx, id);
  }

  async update(ctx: RequestContext, id: string, dto: UpdateProductDto): Promise<ProductDto> {
    await this.db.tx(ctx, async (tx) => {
      const p = await this.lock(tx, id);
      if (p.version !== dto.version) throw staleVersion('product', dto.version, p.version);
      if (dto.categoryId) await this.assertCategory(tx, dto.categoryId);
      if (dto.barcode !== undefined && dto.barcode !== p.barcode) await this.assertUnique(tx, null, dto.barcode, id);
      const beforeLevels = await this.levelPrices(tx, id);
      const before = { ...p, levelPrices: beforeLevels };
      const changes: PriceChange[] = [];
      if (dto.basePrice !== undefined && !same(dto.basePrice, p.basePrice)) changes.push({ kind: 'BASE', oldPrice: p.basePrice, newPrice: dto.basePrice });
      if (dto.floorPrice !== undefined && !same(dto.floorPrice, p.floorPrice)) changes.push({ kind: 'FLOOR', oldPrice: p.floorPrice, newPrice: dto.floorPrice });
      const { version: _v, levelPrices, units, effectiveDate, ...fields } = dto;
      Object.assign(p, Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)));
      if (fields.name) p.name = fields.name.trim();
      await this.db.repo(tx, Product).save(p);
      if (levelPrices) {
        levelPrices.forEach((np, i) => !same(np, beforeLevels[i]) && changes.push({ kind: 'LEVEL', level: i + 1, oldPrice: beforeLevels[i], newPrice: np }));
        await this.writeLevels(tx, id, levelPrices);
      }
      if (units) {
        await this.db.query(tx, 'DELETE FROM product_unit WHERE product_id = $1', [id]);
        await this.writeUnits(tx, id, units);
      }
      await this.recordPriceChanges(tx, id, changes, effectiveDate);
      await this.audit.record(tx, { action: 'update', entity: 'product', entityId: id, summary: `edited product ${p.code}`, before, after: { ...p, levelPrices: levelPrices ?? beforeLevels } });
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
        const patch: Partial<Product> = {};
        if (row.basePrice !== undefined && !same(row.basePrice, p.basePrice)) {
          changes.push({ kind: 'BASE', oldPrice: p.basePrice, newPrice: row.basePrice });
          patch.basePrice = row.basePrice;
        }
        if (row.floorPrice !== undefined && !same(row.floorPrice, p.floorPrice)) {
          changes.push({ kind: 'FLOOR', oldPrice: p.floorPrice, newPrice: row.floorPrice });
          patch.floorPrice = row.floorPrice;
        }
        if (row.levelPrices) {
          row.levelPrices.forEach((np, i) => !same(np, beforeLevels[i]) && changes.push({ kind: 'LEVEL', level: i + 1, oldPrice: beforeLevels[i], newPrice: np }));
          await this.writeLevels(tx, p.id, row.levelPrices);
        }
        if (!changes.length) continue;
        await this.db.query(tx, 'UPDATE product SET base_price = COALESCE($2, base_price), floor_price = CASE WHEN $3 THEN $4::numeric ELSE floor_price END, version = version + 1 WHERE id = $1', [
          p.id,
          patch.basePrice ?? null,
          'floorPrice' in patch,
          patch.floorPrice ?? null,
        ]);
        await this.recordPriceChanges(tx, p.id, changes, dto.effectiveDate);
        await this.audit.record(tx, { action: 'update_prices', entity: 'product', entityId: p.id, summary: `changed ${changes.length} price(s) of ${p.code}`, before: { prices: changes.map((c) => ({ kind: c.kind, level: c.level, price: c.oldPrice })) }, after: { prices: changes.map((c) => ({ kind: c.kind, level: c.level, price: c.newPrice })) } });
      }
    });
    const rows = await this.db.repo(ctx, Product).createQueryBuilder('p').where('p.id = ANY(:ids)', { ids }).orderBy('p.code').getMany();
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
        const [{ n }] = await this.db.query<{ n: number }>(tx, 'SELECT count(*)::int AS n FROM product_image WHERE product_id = $1', [id]);
        if (n >= 10) throw new DomainError(ErrorCode.VALIDATION_FAILED, 'A product has at most 10 images', { field: 'file' });
        const img = await this.db.repo(tx, ProductImage).save(
          this.db.repo(tx, ProductImage).create({ productId: id, storageKey: key, fileName: file.originalname.slice(0, 200), contentType: file.mimetype, sizeBytes: file.size, sortOrder: n }),
        );
        await this.audit.record(tx, { action: 'add_image', entity: 'product', entityId: id, summary: `added image ${img.fileName}` });
        return { id: img.id, url: this.storage.url(key), fileName: img.fileName };
      });
    } catch (e) {
      await this.storage.remove(key);
      throw e;
    }
  }

  async removeImage(ctx: RequestContext, id: string, imageId: string): Promise<void> {
    await this.get(ctx, id);
    const key = await this.db.tx(ctx, async (tx) => {
      const [img] = await this.db.query<{ storage_key: string; file_name: string }>(tx, 'DELETE FROM product_image WHERE id = $1 AND product_id = $2 RETURNING storage_key, file_name', [imageId, id]);
      if (!img) throw notFound('image', imageId);
      await this.audit.record(tx, { action: 'remove_image', entity: 'product', entityId: id, summary: `removed image ${img.file_name}` });
      return img.storage_key;
    });
    await this.storage.remove(key);
  }

  async history(ctx: RequestContext, id: string) {
    await this.get(ctx, id);
    if ((await this.priceView(ctx)).dealerLevel !== undefined) throw new DomainError(ErrorCode.FORBIDDEN, 'Price history is internal to headquarters and branches');
    const rows = await this.db.query<Record<string, unknown>>(
      ctx,
      `SELECT id, product_id, kind, level, ref_id, ref_name, old_price, new_price, to_char(effective_date, 'YYYY-MM-DD') AS effective_date, changed_by, changed_by_name, created_at
         FROM price_history WHERE product_id = $1 ORDER BY created_at DESC, kind, level LIMIT 500`,
      [id],
    );
    return rows.map((r) => ({
      id: r.id, productId: r.product_id, kind: r.kind, level: r.level, refId: r.ref_id, refName: r.ref_name, oldPrice: r.old_price, newPrice: r.new_price,
      effectiveDate: r.effective_date, changedBy: r.changed_by, changedByName: r.changed_by_name, createdAt: (r.created_at as Date).toISOString(),
    }));
  }

  /** Writes price history rows; shared with price books (kind PRICE_BOOK). */
  async recordPriceChanges(tx: RequestContext, productId: string, changes: (PriceChange | { kind: 'PRICE_BOOK' | 'PROMOTION'; refId: string; refName: string; oldPrice: string | null; newPrice: string | null; level?: number })[], effectiveDate?: string): Promise<void> {
    if (!changes.length) return;
    const day = effectiveDate ?? businessDate(new Date(), this.config.companyTz);
    await this.db.query(
      tx,
      `INSERT INTO price_history (product_id, kind, level, ref_id, ref_name, old_price, new_price, effective_date, changed_by, changed_by_name)
       SELECT $1, x.kind, x.level, x.ref_id, x.ref_name, x.old_price, x.new_price, $8, $9, $10
         FROM unnest($2::text[], $3::smallint[], $4::uuid[], $5::text[], $6::numeric[], $7::numeric[]) AS x(kind, level, ref_id, ref_name, old_price, new_price)`,
      [
        productId,
        changes.map((c) => c.kind),
        changes.map((c) => c.level ?? null),
        changes.map((c) => ('refId' in c ? c.refId : null)),
        changes.map((c) => ('refName' in c ? c.refName : null)),
        changes.map((c) => c.oldPrice),
        changes.map((c) => c.newPrice),
        day,
        tx.user?.id ?? null,
        tx.user?.displayName ?? (tx.isSystem ? 'system' : null),
      ],
    );
  }

  private async lock(tx: RequestContext, id: string): Promise<Product> {
    const visible = await applyProductScope(this.db.repo(tx, Product).createQueryBuilder('p').select('p.id'), tx, 'p').andWhere('p.id = :id', { id }).getOne();
    if (!visible) throw notFound('product', id);
    return this.db.repo(tx, Product).createQueryBuilder('p').where('p.id = :id', { id }).setLock('pessimistic_write').getOneOrFail();
  }

  private async levelPrices(ctx: RequestContext, id: string): Promise<(string | null)[]> {
    const rows = await this.db.query<{ level: number; price: string }>(ctx, 'SELECT level, price FROM product_price WHERE product_id = $1', [id]);
    return LEVELS.map((l) => rows.find((r) => r.level === l)?.price ?? null);
  }

  private async writeLevels(tx: RequestContext, id: string, prices: (string | null)[]): Promise<void> {
    await this.db.query(tx, 'DELETE FROM product_price WHERE product_id = $1', [id]);
    const levels = prices.map((p, i) => (p === null ? null : i + 1)).filter((l): l is number => l !== null);
    if (!levels.length) return;
    await this.db.query(tx, 'INSERT INTO product_price (product_id, level, price) SELECT $1, unnest($2::smallint[]), unnest($3::numeric[])', [id, levels, levels.map((l) => prices[l - 1])]);
  }

  private async writeUnits(tx: RequestContext, id: string, units: { unit: string; factor: string; barcode?: string | null }[]): Promise<void> {
    const names = units.map((u) => u.unit);
    if (new Set(names).size !== names.length) throw new DomainError(ErrorCode.VALIDATION_FAILED, 'Each pack unit may appear once', { field: 'units' });
    for (const u of units) await this.db.repo(tx, ProductUnit).insert({ productId: id, unit: u.unit, factor: u.factor, barcode: u.barcode ?? null });
  }

  private async assertCategory(tx: RequestContext, id: string): Promise<void> {
    const [row] = await this.db.query(tx, 'SELECT 1 FROM category WHERE id = $1', [id]);
    if (!row) throw new DomainError(ErrorCode.NOT_FOUND, 'category not found', { entity: 'category', id, field: 'categoryId' });
  }

  private async assertUnique(tx: RequestContext, code: string | null, barcode: string | null, exceptId: string | null): Promise<void> {
    if (code) {
      const [row] = await this.db.query(tx, 'SELECT 1 FROM product WHERE lower(code) = lower($1)', [code]);
      if (row) throw new DomainError(ErrorCode.DUPLICATE, `The product code ${code} is taken`, { field: 'code' });
    }
    if (barcode) {
      const [row] = await this.db.query(tx, 'SELECT 1 FROM product WHERE barcode = $1 AND id IS DISTINCT FROM $2', [barcode, exceptId]);
      if (row) throw new DomainError(ErrorCode.DUPLICATE, `The barcode ${barcode} belongs to another product`, { field: 'barcode' });
    }
  }

  /** Prices, units, images and category names for a page of products in four queries. */
  /**
   * What prices the caller may see. Staff see every level and the floor; a dealer sees only its
   * own wholesale level (the others and the floor are other dealers' business and HQ's margin).
   */
  async priceView(ctx: RequestContext): Promise<{ dealerLevel?: number | null }> {
    if (ctx.isSystem || ctx.user?.orgType !== OrgType.DEALER) return {};
    const [row] = await this.db.query<{ price_level: number | null }>(ctx, 'SELECT price_level FROM organization WHERE id = $1', [ctx.actor.orgId]);
    return { dealerLevel: row?.price_level ?? null };
  }

  async toDtos(ctx: RequestContext, products: Product[]): Promise<ProductDto[]> {
    if (!products.length) return [];
    const view = await this.priceView(ctx);
    const dealerOnly = view.dealerLevel !== undefined;
    const ids = products.map((p) => p.id);
    const [prices, units, images, cats] = await Promise.all([
      this.db.query<{ product_id: string; level: number; price: string }>(ctx, 'SELECT product_id, level, price FROM product_price WHERE product_id = ANY($1)', [ids]),
      this.db.query<{ product_id: string; unit: string; factor: string; barcode: string | null }>(ctx, 'SELECT product_id, unit, factor, barcode FROM product_unit WHERE product_id = ANY($1) ORDER BY factor', [ids]),
      this.db.query<{ id: string; product_id: string; storage_key: string; file_name: string }>(ctx, 'SELECT id, product_id, storage_key, file_name FROM product_image WHERE product_id = ANY($1) ORDER BY sort_order, created_at', [ids]),
      this.db.query<{ id: string; name: string }>(ctx, 'SELECT id, name FROM category WHERE id = ANY($1)', [[...new Set(products.map((p) => p.categoryId))]]),
    ]);
    return products.map((p) => {
      const levelPrices = LEVELS.map((l) => prices.find((r) => r.product_id === p.id && r.level === l)?.price ?? null);
      return {
        id: p.id,
        code: p.code,
        name: p.name,
        spec: p.spec,
        brand: p.brand,
        categoryId: p.categoryId,
        categoryName: cats.find((c) => c.id === p.categoryId)?.name ?? '',
        baseUnit: p.baseUnit,
        units: units.filter((u) => u.product_id === p.id).map((u) => ({ unit: u.unit, factor: u.factor, barcode: u.barcode })),
        barcode: p.barcode,
        taxRate: p.taxRate,
        basePrice: p.basePrice,
        levelPrices: dealerOnly ? levelPrices.map((price, i) => (i + 1 === view.dealerLevel ? price : null)) : levelPrices,
        floorPrice: dealerOnly ? null : p.floorPrice,
        effectiveFloorPrice: dealerOnly ? null : (p.floorPrice ?? levelPrices[9]),
        minOrderQty: p.minOrderQty,
        orderMultiple: p.orderMultiple,
        status: p.status,
        mallPublished: p.mallPublished,
        lowStockThreshold: p.lowStockThreshold,
        images: images.filter((i) => i.product_id === p.id).map((i) => ({ id: i.id, url: this.storage.url(i.storage_key), fileName: i.file_name })),
        remark: p.remark,
        version: p.version,
        createdAt: p.createdAt.toISOString(),
        updatedAt: p.updatedAt.toISOString(),
      };
    });
  }
}

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
