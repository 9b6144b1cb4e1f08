import { Inject, Injectable } from '@nestjs/common';
import type { Selectable } from 'kysely';
import { Dec, ErrorCode, fmt, OrgType, PriceBookCandidate, PriceSource, PromotionCandidate, quantityProblem, resolvePrice, ResolvedPrice } from '@drp/shared';
import { APP_CONFIG, AppConfig } from '../../config/config';
import { RequestContext } from '../../common/context/request-context';
import { DomainError } from '../../common/errors/domain-error';
import { DB, DbService } from '../../database/db.service';
import { businessDate } from '../../database/business-date';
import { ProductService } from '../catalog/product.service';
import { OrgService } from '../org/org.service';

type ProductCol = Selectable<DB['product']>;
type LevelPrice = Selectable<DB['product_price']>['price'];

/** A row of RESOLVE_SQL, typed from the schema (the json aggregates as the shared candidate types). */
interface CandidateRow {
  id: ProductCol['id'];
  base_price: ProductCol['base_price'];
  floor_price: ProductCol['floor_price'];
  level_price: LevelPrice | null;
  level10_price: LevelPrice | null;
  level: Selectable<DB['organization']>['price_level'];
  level_name: Selectable<DB['price_level']>['name'] | null;
  books: PriceBookCandidate[];
  promos: PromotionCandidate[];
  /** the company's unit-price scale (company_settings.price_scale), read in the same query */
  price_scale: Selectable<DB['company_settings']>['price_scale'] | null;
}

/**
 * One SQL query gathers, for a whole list of products, every candidate the rule needs (the
 * dealer's level price, its price-book items, the promotions that cover the product and reach the
 * dealer); `resolvePrice` in @drp/shared decides. The cost stays flat as rules and products grow:
 * no per-product round trips, no chained recomputation. The company's unit-price scale rides along
 * in the same query (a promotion's price is made to it, half up: what the dealer is shown is what
 * the order charges, carts and orders alike, since both price through here).
 */
export const RESOLVE_SQL = `
  WITH d AS MATERIALIZED (
    SELECT o.id, o.price_level, string_to_array(trim(both '/' from o.path), '/')::uuid[] AS ancestors
      FROM organization o WHERE o.id = $1
  ),
  -- the running promotions that reach this dealer, filtered once (not once per product)
  reach AS MATERIALIZED (
    SELECT pr.id, pr.name, pr.kind, pr.value, pr.min_qty, pr.starts_at, pr.ends_at, pr.product_ids,
           COALESCE((SELECT array_agg(c.path) FROM category c WHERE c.id = ANY(pr.category_ids)), '{}') AS category_paths
      FROM promotion pr CROSS JOIN d
     WHERE pr.status = 'ACTIVE' AND pr.starts_at <= $3::timestamptz AND pr.ends_at > $3::timestamptz
       AND (cardinality(pr.branch_ids) = 0 OR pr.branch_ids && d.ancestors)
       AND (cardinality(pr.levels) = 0 OR d.price_level = ANY(pr.levels))
       AND (cardinality(pr.dealer_ids) = 0 OR d.id = ANY(pr.dealer_ids))
  ),
  -- the dealer's active price-book items for these products
  items AS MATERIALIZED (
    SELECT i.product_id, b.id AS book_id, b.name AS book_name, b.valid_from, b.valid_to, i.min_qty, i.price
      FROM price_book_dealer bd
      JOIN price_book b ON b.id = bd.price_book_id AND b.status = 'ACTIVE'
      JOIN price_book_item i ON i.price_book_id = b.id AND i.product_id = ANY($2::uuid[])
     WHERE bd.dealer_id = $1
  ),
  p AS MATERIALIZED (
    SELECT p.id, p.base_price, p.floor_price, pc.path AS category_path
      FROM product p JOIN category pc ON pc.id = p.category_id WHERE p.id = ANY($2::uuid[])
  )
  SELECT p.id, p.base_price, p.floor_price, lp.price AS level_price, l10.price AS level10_price, d.price_level AS level, pl.name AS level_name,
         (SELECT cs.price_scale FROM company_settings cs WHERE cs.id = 1) AS price_scale,
         COALESCE((SELECT json_agg(json_build_object('bookId', i.book_id, 'bookName', i.book_name, 'validFrom', to_char(i.valid_from, 'YYYY-MM-DD'),
                                                     'validTo', to_char(i.valid_to, 'YYYY-MM-DD'), 'minQty', i.min_qty::text, 'price', i.price::text))
                     FROM items i WHERE i.product_id = p.id), '[]') AS books,
         COALESCE((SELECT json_agg(json_build_object('id', r.id, 'name', r.name, 'kind', r.kind, 'value', r.value::text, 'minQty', r.min_qty::text,
                                                     'startsAt', to_char(r.starts_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                                                     'endsAt', to_char(r.ends_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')))
                     FROM reach r
                    WHERE p.id = ANY(r.product_ids) OR EXISTS (SELECT 1 FROM unnest(r.category_paths) cp WHERE p.category_path LIKE cp || '%')), '[]') AS promos
    FROM d
    CROSS JOIN p
    LEFT JOIN product_price lp ON lp.product_id = p.id AND lp.level = d.price_level
    LEFT JOIN product_price l10 ON l10.product_id = p.id AND l10.level = 10
    LEFT JOIN price_level pl ON pl.level = d.price_level`;

/** What a product's order quantity must respect: at least the minimum, and a multiple of the multiple. */
type OrderRules = { id: string; code: string; minOrderQty: string; orderMultiple: string };

@Injectable()
export class PriceResolverService {
  constructor(
    private readonly db: DbService,
    private readonly orgs: OrgService,
    private readonly products: ProductService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Prices for a dealer, products and quantity at an instant, each naming its source. */
  async resolve(ctx: RequestContext, dealerId: string, productIds: string[], qty = '1', at: Date = new Date(), strict = false): Promise<ResolvedPrice[]> {
    if (!new Dec(qty).greaterThan(0)) throw new DomainError(ErrorCode.INVALID_QUANTITY, 'The quantity must be above 0', { field: 'qty' });
    const dealer = await this.orgs.assertVisible(ctx, dealerId);
    if (dealer.type !== OrgType.DEALER) throw new DomainError(ErrorCode.VALIDATION_FAILED, 'Prices are resolved for a dealer', { field: 'dealerId' });
    const ids = [...new Set(productIds)];
    await this.products.assertUsable(ctx, ids, { orgPath: dealer.path });
    return this.resolveLines(ctx, dealer.id, ids.map((productId) => ({ productId, qty })), at, strict);
  }

  /**
   * Prices for lines that each carry their own quantity (an order, a cart), in one query. The
   * caller has checked the dealer and the products (scope, status); `strict` also insists on each
   * product's minimum order quantity and order multiple: `true` reads them, or the caller passes
   * the product rows it already holds (the order path, which has just checked them).
   */
  async resolveLines(
    ctx: RequestContext,
    dealerId: string,
    lines: { productId: string; qty: string }[],
    at: Date = new Date(),
    strict: boolean | ReadonlyMap<string, OrderRules> | Promise<ReadonlyMap<string, OrderRules>> = false,
  ): Promise<ResolvedPrice[]> {
    const ids = [...new Set(lines.map((l) => l.productId))];
    // raw SQL on purpose: the benched one-query resolver (e2e/bench/price-resolve.bench.ts runs this very text as its baseline);
    // sent before the rules are awaited, so it goes with the caller's product check (one round trip); a refused check decides
    const candidates = this.db.query<CandidateRow>(ctx, RESOLVE_SQL, [dealerId, ids, at.toISOString()]);
    candidates.catch(() => undefined);
    if (strict) {
      const byId: ReadonlyMap<string, OrderRules> =
        strict instanceof Promise
          ? await strict
          : strict === true
          ? new Map(
              (ids.length ? await this.db.rows(ctx, this.db.k.selectFrom('product').select(['id', 'code', 'min_order_qty', 'order_multiple']).where('id', 'in', ids)) : []).map((r) => [
                r.id,
                { id: r.id, code: r.code, minOrderQty: r.min_order_qty, orderMultiple: r.order_multiple },
              ]),
            )
          : strict;
      for (const line of lines) {
        const p = byId.get(line.productId)!;
        const problem = quantityProblem(line.qty, p.minOrderQty, p.orderMultiple);
        if (problem) {
          throw new DomainError(ErrorCode[problem], `${p.code}: the quantity ${line.qty} must be at least ${fmt(p.minOrderQty, 'qty')} and a multiple of ${fmt(p.orderMultiple, 'qty')}`, {
            productId: p.id, qty: line.qty, minOrderQty: fmt(p.minOrderQty, 'qty'), orderMultiple: fmt(p.orderMultiple, 'qty'),
          });
        }
      }
    }
    const rows = await candidates;
    const day = businessDate(at, this.config.companyTz);
    const byId = new Map(rows.map((r) => [r.id, r]));
    return lines.map(({ productId, qty }) => {
      const r = byId.get(productId)!;
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
        priceScale: r.price_scale ?? 2,
      });
      const floor = r.floor_price ?? r.level10_price;
      return {
        productId,
        ...out,
        qty: fmt(qty, 'qty'),
        levelPrice: r.level_price,
        basePrice: r.base_price,
        floorPrice: floor,
        validTo: this.validTo(out, r),
      };
    });
  }

  /**
   * The last day the chosen source runs, from the candidate the query gave: a promotion's last
   * instant (it ends before `endsAt`) as a business day, a price book's `validTo`.
   */
  private validTo(out: Pick<ResolvedPrice, 'source' | 'sourceId'>, r: CandidateRow): string | null {
    if (out.source === PriceSource.PROMOTION) {
      const p = r.promos.find((c) => c.id === out.sourceId);
      return p ? businessDate(new Date(Date.parse(p.endsAt) - 1), this.config.companyTz) : null;
    }
    if (out.source === PriceSource.PRICE_BOOK) return r.books.find((c) => c.bookId === out.sourceId)?.validTo ?? null;
    return null;
  }
}
