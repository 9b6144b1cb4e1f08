import { Inject, Injectable } from '@nestjs/common';
import {
  Availability, Dec, ErrorCode, fmt, MallCategoryDto, MallProductCardDto, MallProductDetailDto, MallStockRowDto, minValidQty, Paged, PriceSource, ResolvedPrice,
} from '@drp/shared';
import { APP_CONFIG, AppConfig } from '../../config/config';
import { RequestContext } from '../../common/context/request-context';
import { DomainError, notFound } from '../../common/errors/domain-error';
import { escapeLike, resolvePage } from '../../common/http/pagination';
import { productInRangeOf } from '../../common/scope/data-scope';
import { Expression, sql, SqlBool } from 'kysely';
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
  /** mall_settings.show_exact_stock, read with the rows */
  show_exact_stock: boolean;
}

export interface LoadedCards {
  /** in the order asked for; products that do not exist are left out */
  cards: MallProductCardDto[];
  rows: Map<string, MallProductRow>;
  prices: Map<string, ResolvedPrice>;
}

const SORT: Record<string, string> = { code: 'p.code', name: 'p.name', publishedAt: 'COALESCE(p.mall_published_at, p.created_at)' };

/** Branch product scope (经营商品范围) of a dealer as a typed condition on the product `alias` (the one rule: productInRangeOf). */
export function dealerScope(alias: string, dealer: Pick<MallDealer, 'path' | 'scoped'>): Expression<SqlBool> {
  // no rules above the dealer: the rule's answer is "everything"; a trivial condition keeps the plans (and JIT) out of it
  if (!dealer.scoped) return sql<SqlBool>`true`;
  return productInRangeOf(dealer.path, alias);
}

/** The mall's product filter: published, on sale, in the dealer's range. */
function orderable(dealer: Pick<MallDealer, 'path' | 'scoped'>) {
  return sql<SqlBool>`(p.mall_published AND p.status = 'ON_SALE' AND ${dealerScope('p', dealer)})`;
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
    const s = await this.db.first(ctx, this.db.k.selectFrom('mall_settings').select('show_exact_stock').where('id', '=', 1));
    return !!s?.show_exact_stock;
  }

  async catalog(ctx: RequestContext, q: CatalogQueryDto): Promise<Paged<MallProductCardDto>> {
    const dealer = await this.dealers.requireDealer(ctx);
    const { page, pageSize, offset, column, direction } = resolvePage(q, SORT, 'code');
    let query = this.db.k.selectFrom('product as p').where(orderable(dealer));
    if (q.q?.trim()) {
      const like = `%${escapeLike(q.q.trim())}%`;
      query = query.where((eb) => eb.or([eb('p.code', 'ilike', like), eb('p.name', 'ilike', like), eb('p.barcode', 'ilike', like), eb('p.brand', 'ilike', like)]));
    }
    if (q.categoryId) query = query.where(sql<SqlBool>`p.category_id IN (SELECT c.id FROM category c WHERE c.path LIKE (SELECT path FROM category WHERE id = ${q.categoryId}) || '%')`);
    if (q.favourites) query = query.where(sql<SqlBool>`EXISTS (SELECT 1 FROM mall_favourite f WHERE f.dealer_id = ${dealer.id} AND f.product_id = p.id)`);
    // column and direction come from resolvePage's allow-list (SORT)
    let order = sql`${sql.raw(column)} ${sql.raw(direction)}, p.id`;
    if (q.frequent) {
      // 常购商品: what the dealer ordered most (by number of orders) in the last 90 days
      const fq = this.db.k
        .selectFrom('sales_order as o')
        .innerJoin('sales_order_line as l', 'l.order_id', 'o.id')
        .select(['l.product_id', sql<number>`count(DISTINCT o.id)`.as('n')])
        .where('o.dealer_id', '=', dealer.id)
        .where('o.created_at', '>', sql<Date>`now() - interval '90 days'`)
        .where('o.status', 'not in', ['DRAFT', 'CANCELLED', 'REJECTED'])
        .groupBy('l.product_id')
        .as('fq');
      // the join adds `fq` (ordered by below); the rest of the query names only p
      query = query.innerJoin(fq, (j) => j.onRef('fq.product_id', '=', 'p.id')) as unknown as typeof query;
      order = sql`fq.n DESC, p.code, p.id`;
    }
    // the page's ids with the total beside them (an uncorrelated subquery, evaluated once): one statement; a page past the end has no row to carry it
    const counted = query.select(sql<number>`count(*)::int`.as('n'));
    const ids = await this.db.rows(ctx, query.select(['p.id', sql<number>`(${counted})`.as('n')]).orderBy(order).limit(pageSize).offset(offset));
    const total = ids.length ? ids[0].n : (await this.db.one(ctx, counted)).n;
    const { cards } = await this.loadCards(ctx, dealer, ids.map((r) => ({ productId: r.id })));
    return { items: cards, total, page, pageSize };
  }

  /** Flat list of categories holding published products in the dealer's scope (counted over each subtree). */
  async categories(ctx: RequestContext, dealer?: MallDealer): Promise<MallCategoryDto[]> {
    dealer ??= await this.dealers.requireDealer(ctx);
    const rows = await this.db.rows(
      ctx,
      this.db.k
        .with(
          (cte) => cte('pc').materialized(),
          (db) => db.selectFrom('product as p').innerJoin('category as c', 'c.id', 'p.category_id').select('c.path').where(orderable(dealer!)),
        )
        .selectFrom('category as c')
        .select(['c.id', 'c.name', 'c.parent_id', sql<number>`(SELECT count(*)::int FROM pc WHERE pc.path LIKE c.path || '%')`.as('n')])
        .orderBy('c.depth')
        .orderBy('c.sort_order')
        .orderBy('c.code'),
    );
    return rows.filter((r) => r.n > 0).map((r) => ({ id: r.id, name: r.name, parentId: r.parent_id, productCount: r.n }));
  }

  async product(ctx: RequestContext, id: string): Promise<MallProductDetailDto> {
    const dealer = await this.dealers.requireDealer(ctx);
    const { cards, rows } = await this.loadCards(ctx, dealer, [{ productId: id }]);
    const row = rows.get(id);
    if (!row || this.problem(row) || !cards[0]) throw notFound('product', id);
    const [images, units, cart] = [
      await this.db.rows(ctx, this.db.k.selectFrom('product_image').select(['id', 'storage_key']).where('product_id', '=', id).orderBy('sort_order').orderBy('created_at')),
      await this.db.rows(ctx, this.db.k.selectFrom('product_unit').select(['unit', 'factor']).where('product_id', '=', id).orderBy('factor')),
      await this.db.rows(ctx, this.db.k.selectFrom('mall_cart_item').select('qty').where('dealer_id', '=', dealer.id).where('product_id', '=', id)),
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
    const ids = await this.db.rows(
      ctx,
      this.db.k
        .selectFrom('product as p')
        .innerJoin('category as pc', 'pc.id', 'p.category_id')
        .select('p.id')
        .where(orderable(dealer))
        .where(
          sql<SqlBool>`EXISTS (SELECT 1 FROM promotion pr WHERE pr.status = 'ACTIVE' AND pr.starts_at <= now() AND pr.ends_at > now()
                        AND (p.id = ANY(pr.product_ids) OR EXISTS (SELECT 1 FROM category c WHERE c.id = ANY(pr.category_ids) AND pc.path LIKE c.path || '%')))`,
        )
        .orderBy('p.code')
        .limit(limit * 4),
    );
    const { cards } = await this.loadCards(ctx, dealer, ids.map((r) => ({ productId: r.id })));
    return cards.filter((c) => c.priceSource === PriceSource.PROMOTION).slice(0, limit);
  }

  async newArrivals(ctx: RequestContext, dealer: MallDealer, limit = 10): Promise<MallProductCardDto[]> {
    const ids = await this.db.rows(
      ctx,
      this.db.k
        .selectFrom('product as p')
        .select('p.id')
        .where(orderable(dealer))
        .orderBy(sql`COALESCE(p.mall_published_at, p.created_at)`, 'desc')
        .orderBy('p.code', 'desc')
        .limit(limit),
    );
    return (await this.loadCards(ctx, dealer, ids.map((r) => ({ productId: r.id })))).cards;
  }

  /** 总部库存查询: availability at HQ's warehouses of the published products the dealer may order. */
  async hqStock(ctx: RequestContext, q: StockQueryDto): Promise<Paged<MallStockRowDto>> {
    const dealer = await this.dealers.requireDealer(ctx);
    const { page, pageSize, offset, column, direction } = resolvePage(q, { code: 'p.code', name: 'p.name' }, 'code');
    let query = this.db.k.selectFrom('product as p').where(orderable(dealer));
    if (q.q?.trim()) {
      const like = `%${escapeLike(q.q.trim())}%`;
      query = query.where((eb) => eb.or([eb('p.code', 'ilike', like), eb('p.name', 'ilike', like), eb('p.barcode', 'ilike', like), eb('p.brand', 'ilike', like)]));
    }
    const { n, rows } = await this.together(ctx, async (tx) => {
      const { n } = await this.db.one(tx, query.select(sql<number>`count(*)::int`.as('n')));
      const rows = await this.db.rows(
        tx,
        query
          .select([
            'p.id', 'p.code', 'p.name', 'p.spec', 'p.base_unit', 'p.low_stock_threshold',
            sql<string>`COALESCE((SELECT sum(s.on_hand - s.reserved) FROM stock s JOIN warehouse w ON w.id = s.warehouse_id JOIN organization o ON o.id = w.org_id
                         WHERE s.product_id = p.id AND w.status = 'ACTIVE' AND o.type = 'HQ'), 0)`.as('available'),
          ])
          // column and direction come from resolvePage's allow-list
          .orderBy(sql`${sql.raw(column)} ${sql.raw(direction)}, p.id`)
          .limit(pageSize)
          .offset(offset),
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
        const added = await this.db.rows(
          tx,
          this.db.k.insertInto('mall_favourite').values({ dealer_id: dealer.id, product_id: productId, created_by: tx.user?.id ?? null }).onConflict((oc) => oc.doNothing()).returning('product_id'),
        );
        if (added.length) await this.audit.record(tx, { action: 'favourite', entity: 'mall_favourite', entityId: productId, orgId: dealer.id, summary: `favourite ${row.code}` });
      } else {
        const gone = await this.db.rows(tx, this.db.k.deleteFrom('mall_favourite').where('dealer_id', '=', dealer.id).where('product_id', '=', productId).returning('product_id'));
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

  /** A product outside the dealer's range is not found, as an unknown one (it never sees it: ARCHITECTURE §5). */
  assertOrderable(row: MallProductRow | undefined, productId: string): MallProductRow {
    if (!row || !row.in_scope) throw notFound('product', productId);
    const p = this.problem(row);
    if (p) throw new DomainError(p.code, p.message, { productId });
    return row;
  }

  /** The products as the mall reads them for this dealer (scope, stock of its warehouses, favourite), by id; unknown ids are left out. */
  async productRows(ctx: RequestContext, dealer: MallDealer, productIds: string[]): Promise<Map<string, MallProductRow>> {
    const ids = [...new Set(productIds)];
    if (!ids.length) return new Map();
    // ONE query per page or cart (the catalog page is benched): scope, pack unit, image, stock of
    // the supplying warehouses and favourite beside the product (catalog's and inventory's tables: allowed reads)
    const rows: MallProductRow[] = await this.db.rows(
      ctx,
      this.db.k
        .selectFrom('product as p')
        .innerJoin('category as c', 'c.id', 'p.category_id')
        .leftJoinLateral(
          (eb) => eb.selectFrom('product_unit as pu').select(['pu.unit', 'pu.factor']).whereRef('pu.product_id', '=', 'p.id').orderBy('pu.factor', 'desc').limit(1).as('u'),
          (j) => j.onTrue(),
        )
        .select([
          'p.id', 'p.code', 'p.name', 'p.spec', 'p.brand', 'p.category_id', 'c.name as category_name', 'p.base_unit', 'p.barcode', 'p.remark', 'p.min_order_qty', 'p.order_multiple',
          'p.low_stock_threshold', 'p.tax_rate', 'p.status', 'p.mall_published', sql<boolean>`${dealerScope('p', dealer)}`.as('in_scope'),
          'u.unit as pack_unit', 'u.factor as pack_factor',
          sql<string | null>`(SELECT i.storage_key FROM product_image i WHERE i.product_id = p.id ORDER BY i.sort_order, i.created_at LIMIT 1)`.as('image_key'),
          sql<string>`COALESCE((SELECT sum(s.on_hand - s.reserved) FROM stock s WHERE s.product_id = p.id AND s.warehouse_id = ANY(${dealer.warehouseIds}::uuid[])), 0)`.as('available'),
          sql<boolean>`EXISTS (SELECT 1 FROM mall_favourite f WHERE f.dealer_id = ${dealer.id} AND f.product_id = p.id)`.as('favourite'),
          sql<boolean>`COALESCE((SELECT ms.show_exact_stock FROM mall_settings ms WHERE ms.id = 1), false)`.as('show_exact_stock'),
        ])
        .where('p.id', 'in', ids),
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
    // the stock rule comes with the product rows (one statement fewer per page)
    const exact = [...byId.values()].some((r) => r.show_exact_stock);
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
        priceValidTo: p.validTo,
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
}

export function availabilityOf(available: string, threshold: string): Availability {
  const a = new Dec(available);
  if (a.lessThanOrEqualTo(0)) return 'OUT';
  if (a.lessThanOrEqualTo(threshold)) return 'LOW';
  return 'IN_STOCK';
}
