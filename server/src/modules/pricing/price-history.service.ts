import { Inject, Injectable } from '@nestjs/common';
import { ErrorCode, PriceHistoryDto } from '@drp/shared';
import { sql } from 'kysely';
import { APP_CONFIG, AppConfig } from '../../config/config';
import { RequestContext } from '../../common/context/request-context';
import { DomainError } from '../../common/errors/domain-error';
import { DbService } from '../../database/db.service';
import { businessDate } from '../../database/business-date';
import { EventBus } from '../../kernel/events';
import '../catalog/catalog.events';
import { ProductService } from '../catalog/product.service';

/** One history row to write: a catalog price (BASE / LEVEL / FLOOR) or a price book's / promotion's price of a product. */
export interface PriceHistoryEntry {
  productId: string;
  kind: PriceHistoryDto['kind'];
  level?: number | null;
  refId?: string | null;
  refName?: string | null;
  oldPrice: string | null;
  newPrice: string | null;
}

/** Rows per INSERT: an import of 20,000 products with ten levels changes up to 240,000 prices. */
const CHUNK = 20000;

/**
 * 调价记录: every price change of a product, whoever made it. Pricing owns price_history: its own
 * price books write here directly; the catalog's base / level / floor changes arrive as
 * `ProductPricesChanged` and are written in the catalog command's transaction.
 */
@Injectable()
export class PriceHistoryService {
  constructor(
    private readonly db: DbService,
    private readonly products: ProductService,
    events: EventBus,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    events.onFinal('ProductPricesChanged', (tx, e) =>
      this.record(tx, e.changes.map((c) => ({ productId: c.productId, kind: c.kind, level: c.level ?? null, oldPrice: c.old, newPrice: c.new })), e.effectiveDate),
    );
  }

  /** Writes history rows in bulk (set-based: one statement per chunk), dated `effectiveDate` or the business day, by the acting user. */
  async record(tx: RequestContext, entries: PriceHistoryEntry[], effectiveDate?: string): Promise<void> {
    if (!entries.length) return;
    const day = effectiveDate ?? businessDate(new Date(), this.config.companyTz);
    const by = tx.user?.id ?? null;
    const byName = tx.user?.displayName ?? (tx.isSystem ? 'system' : null);
    for (let i = 0; i < entries.length; i += CHUNK) {
      const part = entries.slice(i, i + CHUNK);
      const col = <T>(f: (e: PriceHistoryEntry) => T) => part.map(f);
      await this.db.rows(
        tx,
        this.db.k.insertInto('price_history').columns(['product_id', 'kind', 'level', 'ref_id', 'ref_name', 'old_price', 'new_price', 'effective_date', 'changed_by', 'changed_by_name']).expression(
          this.db.k
            .selectFrom(
              sql<{ product_id: string; kind: string; level: number | null; ref_id: string | null; ref_name: string | null; old_price: string | null; new_price: string | null }>`unnest(${col((e) => e.productId)}::uuid[], ${col((e) => e.kind)}::text[], ${col((e) => e.level ?? null)}::smallint[], ${col((e) => e.refId ?? null)}::uuid[], ${col((e) => e.refName ?? null)}::text[], ${col((e) => e.oldPrice)}::numeric[], ${col((e) => e.newPrice)}::numeric[])`.as<'x'>(
                sql`x(product_id, kind, level, ref_id, ref_name, old_price, new_price)`,
              ),
            )
            .select([
              'x.product_id', 'x.kind', 'x.level', 'x.ref_id', 'x.ref_name', 'x.old_price', 'x.new_price',
              sql<string>`${day}::date`.as('effective_date'), sql<string | null>`${by}::uuid`.as('changed_by'), sql<string | null>`${byName}::text`.as('changed_by_name'),
            ]),
        ),
      );
    }
  }

  /** A product's price history, newest first (the last 500 changes); internal to HQ and branches. */
  async forProduct(ctx: RequestContext, productId: string): Promise<PriceHistoryDto[]> {
    await this.products.get(ctx, productId);
    if ((await this.products.priceView(ctx)).dealerLevel !== undefined) throw new DomainError(ErrorCode.FORBIDDEN, 'Price history is internal to headquarters and branches');
    const rows = await this.db.rows(
      ctx,
      this.db.k
        .selectFrom('price_history')
        .select(['id', 'product_id', 'kind', 'level', 'ref_id', 'ref_name', 'old_price', 'new_price', sql<string>`to_char(effective_date, 'YYYY-MM-DD')`.as('effective_date'), 'changed_by', 'changed_by_name', 'created_at'])
        .where('product_id', '=', productId)
        .orderBy('created_at', 'desc')
        .orderBy('kind')
        .orderBy('level')
        .limit(500),
    );
    return rows.map((r) => ({
      id: r.id,
      productId: r.product_id,
      kind: r.kind as PriceHistoryDto['kind'],
      level: r.level,
      refId: r.ref_id,
      refName: r.ref_name,
      oldPrice: r.old_price,
      newPrice: r.new_price,
      effectiveDate: r.effective_date,
      changedBy: r.changed_by,
      changedByName: r.changed_by_name,
      createdAt: r.created_at.toISOString(),
    }));
  }
}
