import { Inject, Injectable } from '@nestjs/common';
import {
  Availability, Dec, ErrorCode, fmt, MallCategoryDto, MallProductCardDto, MallProductDetailDto, MallStockRowDto, minValidQty, Paged, PriceSource, ResolvedPrice,
} from '@drp/shared';
import { APP_CONFIG, AppConfig } from '../../config/config';
import { RequestContext } from '../../common/context/request-context';
import { DomainError, notFound } from '../../common/errors/domain-error';
import { escapeLike, resolvePage } from '../../common/http/pagination';
import { productScopeCondition } from '../../common/scope/data-scope';
import { DbService } from '../../database/db.service';
import { AuditService } from '../audit/audit.service';
import { PriceResolverService } from '../pricing/price-resolver.service';
import { StorageService } from '../storage/storage.service';
import { MallDealer, MallDealerService } from './mall-dealer';
import { CatalogQueryDto, StockQueryDto } from './mall.dto';

/** A product row as the mall reads it: what a card needs, plus what decides whether it may be ordered. */
export interface MallProductRow {
  id: string;
  code: string;
  name: string;
  spec: string | null;
  brand: string | null;
  category_id: string;
  category_name: string;
  base_unit: string;
  barcode: string | null;
  remark: string | null;
  min_order_qty: string;
  order_multiple: string;
  low_stock_threshold: string;
  tax_rate: string;
  status: string;
  mall_published: boolean;
  in_scope: boolean;
  pack_unit: string | null;
  pack_factor: string | null;
  image_key: string | null;
  available: string;
  favourite: boolean;
}

export interface LoadedCards {
  /** in the order asked for; products that do not exist are left out */
  cards: MallProductCardDto[];
  rows: Map<string, MallProductRow>;
  prices: Map<string, ResolvedPrice>;
}

const SORT: Record<string, string> = { code: 'p.code', name: 'p.name', publishedAt: 'COALESCE(p.mall_published_at, p.created_at)' };

/**
 * Branch product scope (经营商品范围) of a dealer as positional SQL: the one rule in data-scope.ts
 * (`productScopeCondition`), with its named parameter turned into `$n`.
 */
export function dealerScopeSql(alias: string, dealer: Pick<MallDealer, 'path' | 'scoped'>, paramIndex: number): { sql: string; param: string[] } {
  const { sql, params } = productScopeCondition(alias, dealer.path, 'm');
  const [[name, value]] = Object.entries(params);
  // no rules above the dealer: the rule's answer is "everything"; a trivial condition keeps the plans (and JIT) out of it
  if (!dealer.scoped) return { sql: `($${paramIndex}::uuid[] IS NOT NULL)`, param: value as string[] };
  return { sql: sql.split(`:${name}`).join(`$${paramIndex}`), param: value as string[] };
}

/**
 * The dealer's catalog: only published, on-sale products in its branch's product scope; its own
 * prices from PriceResolverService in one resolve call per page (or cart); availability from the
 * stock of its supplying warehouses (on hand - reserved; LOW at or below the product's threshold).
 */
@Injectable()
export class MallCatalogService {
  constructor(
    private readonly db: DbService,
    private readonly dealers: MallDealerService,
    private readonly prices: PriceResolverService,
    private readonly storage: StorageService,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Several reads of one page (count, ids, cards) on one connection rather than a pool checkout each. */
  together<T>(ctx: RequestContext, work: (tx: RequestContext) => Promise<T>): Promise<T> {
    return this.db.tx(ctx, work);
  }

  async showExactStock(ctx: RequestContext): Promise<boolean> {
    const [s] = await this.db.query<{ show_exact_stock: boolean }>(ctx, 'SELECT show_exact_stock FROM mall_settings WHERE id = 1');
    return !!s?.show_exact_stock;
  }

  async catalog(ctx: RequestContext, q: CatalogQueryDto): Promise<Paged<MallProductCardDto>> {
    const dealer = await this.dealers.requireDealer(ctx);
    const { page, pageSize, offset, column, direction } = resolvePage(q, SORT, 'code');
    const scope = dealerScopeSql('p', dealer, 1);
    const params: unknown[] = [scope.param];
    const where = [`p.mall_published`, `p.status = 'ON_SALE'`, scope.sql];
    const arg = (v: unknown) => `$${params.push(v)}`;
    if (q.q?.trim()) {
      const like = arg(`%${escapeLike(q.q.trim())}%`);
      where.push(`(p.code ILIKE ${like} OR p.name ILIKE ${like} OR p.barcode ILIKE ${like} OR p.brand ILIKE ${like})`);
    }
    if (q.categoryId) where.push(`p.category_id IN (SELECT c.id FROM category c WHERE c.path LIKE (SELECT path FROM category WHERE id = ${arg(q.categoryId)}) || '%')`);
    if (q.favourites) where.push(`EXISTS (SELECT 1 FROM mall_favourite f WHERE f.dealer_id = ${arg(dealer.id)} AND f.product_id = p.id)`);
    let from = 'product p';
    let order = `${column} ${direction}, p.id`;
    if (q.frequent) {
      // 常购商品: what the dealer ordered most (by number of orders) in the last 90 days
      from = `product p JOIN (SELECT l.product_id, count(DISTINCT o.id) AS n FROM sales_order o JOIN sales_order_line l ON l.order_id = o.id
                               WHERE o.dealer_id = ${arg(dealer.id)} AND o.created_at > now() - interval '90 days' AND o.status NOT IN ('DRAFT','CANCELLED','REJECTED')
                               GROUP BY l.product_id) fq ON fq.product_id = p.id`;
      order = `fq.n DESC, p.code, p.id`;
    }
    const sql = `FROM ${from} WHERE ${where.join(' AND ')}`;
    return this.together(ctx, async (tx) => {
      const [{ n }] = await this.db.query<{ n: number }>(tx, `SELECT count(*)::int AS n ${sql}`, params);
      const ids = await this.db.query<{ id: string }>(tx, `SELECT p.id ${sql} ORDER BY ${order} LIMIT ${pageSize} OFFSET ${offset}`, params);
      const { cards } = await this.loadCards(tx, dealer, ids.map((r) => ({ productId: r.id })));
      return { items: cards, total: n, page, pageSize };
    });
  }

  /** Flat list of categories holding published products in the dealer's scope (counted over each subtree). */
  async categories(ctx: RequestContext, dealer?: MallDealer): Promise<MallCategoryDto[]> {
    dealer ??= await this.dealers.requireDealer(ctx);
    const scope = dealerScopeSql('p', dealer, 1);
    const rows = await this.db.query<{ id: string; name: string; parent_id: string | null; n: number }>(
      ctx,
      `WITH pc AS MATERIALIZED (SELECT c.path FROM product p JOIN category c ON c.id = p.category_id WHERE p.mall_published AND p.status = 'ON_SALE' AND ${scope.sql})
       SELECT c.id, c.name, c.parent_id, (SELECT count(*)::int FROM pc WHERE pc.path LIKE c.path || '%') AS n
         FROM category c ORDER BY c.depth, c.sort_order, c.code`,
      [scope.param],
    );
    return rows.filter((r) => r.n > 0).map((r) => ({ id: r.id, name: r.name, parentId: r.parent_id, productCount: r.n }));
  }

  async product(ctx: RequestContext, id: string): Promise<MallProductDetailDto> {
    const dealer = await this.dealers.requireDealer(ctx);
    const { cards, rows } = await this.loadCards(ctx, dealer, [{ productId: id }]);
    const row = rows.get(id);
    if (!row || this.problem(row) || !cards[0]) throw notFound('product', id);
    const [images, units, cart] = [
      await this.db.query<{ id: string; storage_key: string }>(ctx, 'SELECT id, storage_key FROM product_image WHERE product_id = $1 ORDER BY sort_order, created_at', [id]),
      await this.db.query<{ unit: string; factor: string }>(ctx, 'SELECT unit, factor FROM product_unit WHERE product_id = $1 ORDER BY factor', [id]),
      await this.db.query<{ qty: string }>(ctx, 'SELECT qty FROM mall_cart_item WHERE dealer_id = $1 AND product_id = $2', [dealer.id, id]),
    ];
    return {
      ...cards[0],
      barcode: row.barcode,
      images: images.map((i) => ({ id: i.id, url: this.storage.url(i.storage_key) })),
      units: units.map((u) => ({ unit: u.unit, factor: fmt(u.factor, 'qty') })),
      remark: row.remark,
      inCartQty: fmt(cart[0]?.qty ?? '0', 'qty'),
    };
  }

  /** Products on promotion for the dealer now (up to `limit`): candidates covered by a running promotion, kept when their price really is the promotion's. */
  async promotions(ctx: RequestContext, dealer: MallDealer, limit = 10): Promise<MallProductCardDto[]> {
    const scope = dealerScopeSql('p', dealer, 1);
    const ids = await this.db.query<{ id: string }>(
      ctx,
      `SELECT p.id FROM product p JOIN category pc ON pc.id = p.category_id
        WHERE p.mall_published AND p.status = 'ON_SALE' AND ${scope.sql}
          AND EXISTS (SELECT 1 FROM promotion pr WHERE pr.status = 'ACTIVE' AND pr.starts_at <= now() AND pr.ends_at > now()
                        AND (p.id = ANY(pr.product_ids) OR EXISTS (SELECT 1 FROM category c WHERE c.id = ANY(pr.category_ids) AND pc.path LIKE c.path || '%')))
        ORDER BY p.code LIMIT $2`,
      [scope.param, limit * 4],
    );
    const { cards } = await this.loadCards(ctx, dealer, ids.map((r) => ({ productId: r.id })));
    return cards.filter((c) => c.priceSource === PriceSource.PROMOTION).slice(0, limit);
  }

  async newArrivals(ctx: RequestContext, dealer: MallDealer, limit = 10): Promise<MallProductCardDto[]> {
    const scope = dealerScopeSql('p', dealer, 1);
    const ids = await this.db.query<{ id: string }>(
      ctx,
      `SELECT p.id FROM product p WHERE p.mall_published AND p.status = 'ON_SALE' AND ${scope.sql}
        ORDER BY COALESCE(p.mall_published_at, p.created_at) DESC, p.code DESC LIMIT $2`,
      [scope.param, limit],
    );
    return (await this.loadCards(ctx, dealer, ids.map((r) => ({ productId: r.id })))).cards;
  }

  /** 总部库存查询: availability at HQ's warehouses of the published products the dealer may order. */
  async hqStock(ctx: RequestContext, q: StockQueryDto): Promise<Paged<MallStockRowDto>> {
    const dealer = await this.dealers.requireDealer(ctx);
    const { page, pageSize, offset, column, direction } = resolvePage(q, { code: 'p.code', name: 'p.name' }, 'code');
    const scope = dealerScopeSql('p', dealer, 1);
    const params: unknown[] = [scope.param];
    const where = [`p.mall_published`, `p.status = 'ON_SALE'`, scope.sql];
    if (q.q?.trim()) {
      params.push(`%${escapeLike(q.q.trim())}%`);
      where.push(`(p.code ILIKE $2 OR p.name ILIKE $2 OR p.barcode ILIKE $2 OR p.brand ILIKE $2)`);
    }
    const sql = `FROM product p WHERE ${where.join(' AND ')}`;
    const { n, rows } = await this.together(ctx, async (tx) => {
      const [{ n }] = await this.db.query<{ n: number }>(tx, `SELECT count(*)::int AS n ${sql}`, params);
      const rows = await this.db.query<{ id: string; code: string; name: string; spec: string | null; base_unit: string; low_stock_threshold: string; available: string }>(
      ctx,
      `SELECT p.id, p.code, p.name, p.spec, p.base_unit, p.low_stock_threshold,
              COALESCE((SELECT sum(s.on_hand - s.reserved) FROM stock s JOIN warehouse w ON w.id = s.warehouse_id JOIN organization o ON o.id = w.org_id
                         WHERE s.product_id = p.id AND w.status = 'ACTIVE' AND o.type = 'HQ'), 0) AS available
         ${sql} ORDER BY ${column} ${direction}, p.id LIMIT ${pageSize} OFFSET ${offset}`,
        params,
      );
      return { n, rows };
    });
    const exact = await this.showExactStock(ctx);
    return {
      items: rows.map((r) => ({
        productId: r.id, code: r.code, name: r.name, spec: r.spec, baseUnit: r.base_unit,
        availability: availabilityOf(r.available, r.low_stock_threshold),
        availableQty: exact ? fmt(Dec.max(r.available, 0), 'qty') : null,
      })),
      total: n,
      page,
      pageSize,
    };
  }

  /** Marks or unmarks a favourite (收藏) of the dealer; marking needs a product the dealer can see in the mall (else 404). */
  async setFavourite(ctx: RequestContext, productId: string, on: boolean): Promise<void> {
    const dealer = await this.dealers.requireDealer(ctx);
    await this.db.tx(ctx, async (tx) => {
      if (on) {
        const row = (await this.productRows(tx, dealer, [productId])).get(productId);
        if (!row || this.problem(row)) throw notFound('product', productId);
        const added = await this.db.query(tx, 'INSERT INTO mall_favourite (dealer_id, product_id, created_by) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING product_id', [dealer.id, productId, tx.user?.id ?? null]);
        if (added.length) await this.audit.record(tx, { action: 'favourite', entity: 'mall_favourite', entityId: productId, orgId: dealer.id, summary: `favourite ${row.code}` });
      } else {
        const gone = await this.db.query(tx, 'DELETE FROM mall_favourite WHERE dealer_id = $1 AND product_id = $2 RETURNING product_id', [dealer.id, productId]);
        if (gone.length) await this.audit.record(tx, { action: 'unfavourite', entity: 'mall_favourite', entityId: productId, orgId: dealer.id, summary: 'favourite removed' });
      }
    });
  }

  /** Why a product cannot be ordered by this dealer now, or null. */
  problem(row: MallProductRow): { code: ErrorCode; message: string } | null {
    if (!row.in_scope) return { code: ErrorCode.PRODUCT_OUT_OF_SCOPE, message: `${row.code} is not in your branch's product range` };
    if (!row.mall_published) return { code: ErrorCode.PRODUCT_NOT_PUBLISHED, message: `${row.code} is not offered in the mall` };
    if (row.status !== 'ON_SALE') return { code: ErrorCode.PRODUCT_DISCONTINUED, message: `${row.code} is discontinued` };
    return null;
  }

  assertOrderable(row: MallProductRow | undefined, productId: string): MallProductRow {
    if (!row) throw notFound('product', productId);
    const p = this.problem(row);
    if (p) throw new DomainError(p.code, p.message, { productId });
    return row;
  }

  /** The products as the mall reads them for this dealer (scope, stock of its warehouses, favourite), by id; unknown ids are left out. */
  async productRows(ctx: RequestContext, dealer: MallDealer, productIds: string[]): Promise<Map<string, MallProductRow>> {
    const ids = [...new Set(productIds)];
    if (!ids.length) return new Map();
    const scope = dealerScopeSql('p', dealer, 4);
    const rows = await this.db.query<MallProductRow>(
      ctx,
      `SELECT p.id, p.code, p.name, p.spec, p.brand, p.category_id, c.name AS category_name, p.base_unit, p.barcode, p.remark, p.min_order_qty, p.order_multiple,
              p.low_stock_threshold, p.tax_rate, p.status, p.mall_published, ${scope.sql} AS in_scope,
              u.unit AS pack_unit, u.factor AS pack_factor,
              (SELECT i.storage_key FROM product_image i WHERE i.product_id = p.id ORDER BY i.sort_order, i.created_at LIMIT 1) AS image_key,
              COALESCE((SELECT sum(s.on_hand - s.reserved) FROM stock s WHERE s.product_id = p.id AND s.warehouse_id = ANY($2::uuid[])), 0) AS available,
              EXISTS (SELECT 1 FROM mall_favourite f WHERE f.dealer_id = $3 AND f.product_id = p.id) AS favourite
         FROM product p JOIN category c ON c.id = p.category_id
         LEFT JOIN LATERAL (SELECT pu.unit, pu.factor FROM product_unit pu WHERE pu.product_id = p.id ORDER BY pu.factor DESC LIMIT 1) u ON true
        WHERE p.id = ANY($1::uuid[])`,
      [ids, dealer.warehouseIds, dealer.id, scope.param],
    );
    return new Map(rows.map((r) => [r.id, r]));
  }

  /**
   * Cards for products, priced for the dealer in ONE resolve call: at each line's quantity (a
   * cart), or at the smallest quantity the product may be ordered in (lists: `minValidQty`, the
   * minimum rounded up to the multiple, where the stepper starts). Unknown ids are left out.
   */
  async loadCards(ctx: RequestContext, dealer: MallDealer, lines: { productId: string; qty?: string }[]): Promise<LoadedCards> {
    const byId = await this.productRows(ctx, dealer, lines.map((l) => l.productId));
    const priced = lines.filter((l) => byId.has(l.productId)).map((l) => ({ productId: l.productId, qty: l.qty ?? minValidQty({ minOrderQty: byId.get(l.productId)!.min_order_qty, orderMultiple: byId.get(l.productId)!.order_multiple }) }));
    if (!priced.length) return { cards: [], rows: byId, prices: new Map() };
    const at = new Date();
    const resolved = await this.prices.resolveLines(ctx, dealer.id, priced, at);
    const prices = new Map(resolved.map((r) => [r.productId, r]));
    const validTo = await this.validTo(ctx, resolved);
    const exact = await this.showExactStock(ctx);
    const cards = priced.map(({ productId }): MallProductCardDto => {
      const r = byId.get(productId)!;
      const p = prices.get(productId)!;
      const unitPrice = fmt(p.unitPrice, 'unitPrice');
      return {
        id: r.id,
        code: r.code,
        name: r.name,
        spec: r.spec,
        brand: r.brand,
        categoryId: r.category_id,
        categoryName: r.category_name,
        baseUnit: r.base_unit,
        packSize: r.pack_unit && r.pack_factor ? `1${r.pack_unit}=${new Dec(r.pack_factor).toString()}${r.base_unit}` : null,
        imageUrl: r.image_key ? this.storage.url(r.image_key) : null,
        unitPrice,
        priceSource: p.source,
        priceSourceName: p.sourceName,
        priceValidTo: p.sourceId ? (validTo.get(p.sourceId) ?? null) : null,
        levelPrice: p.levelPrice !== null && new Dec(unitPrice).lessThan(p.levelPrice) ? fmt(p.levelPrice, 'unitPrice') : null,
        minOrderQty: fmt(r.min_order_qty, 'qty'),
        orderMultiple: fmt(r.order_multiple, 'qty'),
        availability: availabilityOf(r.available, r.low_stock_threshold),
        availableQty: exact ? fmt(Dec.max(r.available, 0), 'qty') : null,
        favourite: r.favourite,
      };
    });
    return { cards, rows: byId, prices };
  }

  /** The last day a promotion's or price book's price holds (company time zone). */
  private async validTo(ctx: RequestContext, resolved: ResolvedPrice[]): Promise<Map<string, string>> {
    const promos = [...new Set(resolved.filter((r) => r.source === PriceSource.PROMOTION && r.sourceId).map((r) => r.sourceId!))];
    const books = [...new Set(resolved.filter((r) => r.source === PriceSource.PRICE_BOOK && r.sourceId).map((r) => r.sourceId!))];
    if (!promos.length && !books.length) return new Map();
    const rows = await this.db.query<{ id: string; day: string | null }>(
      ctx,
      `SELECT id::text, to_char((ends_at - interval '1 millisecond') AT TIME ZONE $3, 'YYYY-MM-DD') AS day FROM promotion WHERE id = ANY($1::uuid[])
       UNION ALL SELECT id::text, to_char(valid_to, 'YYYY-MM-DD') FROM price_book WHERE id = ANY($2::uuid[])`,
      [promos, books, this.config.companyTz],
    );
    return new Map(rows.filter((r) => r.day).map((r) => [r.id, r.day!]));
  }
}

export function availabilityOf(available: string, threshold: string): Availability {
  const a = new Dec(available);
  if (a.lessThanOrEqualTo(0)) return 'OUT';
  if (a.lessThanOrEqualTo(threshold)) return 'LOW';
  return 'IN_STOCK';
}
