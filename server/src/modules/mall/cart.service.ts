import { Inject, Injectable } from '@nestjs/common';
import { availableCredit, Dec, ErrorCode, fmt, MallAccountDto, MallCartDto, MallCartLineDto, MallReorderResult, orderLineMoney, quantityProblem, roundToMultiple } from '@drp/shared';
import { APP_CONFIG, AppConfig } from '../../config/config';
import { RequestContext } from '../../common/context/request-context';
import { DomainError } from '../../common/errors/domain-error';
import { businessDate } from '../../database/business-date';
import { sql } from 'kysely';
import { DbService } from '../../database/db.service';
import { AuditService } from '../audit/audit.service';
import { CreditService } from '../finance/credit.service';
import { overdue } from '../finance/receivable.service';
import { MAX_ORDER_LINES } from '../sales/sales.dto';
import { MallCatalogService, MallProductRow } from './mall-catalog.service';
import { MallDealer, MallDealerService } from './mall-dealer';

/**
 * The dealer's server-side cart (one per dealer organisation, shared by its staff, kept across
 * logins and devices). Only quantities are stored; every read prices it anew through the
 * resolver, in one call for the whole cart.
 */
@Injectable()
export class CartService {
  constructor(
    private readonly db: DbService,
    private readonly audit: AuditService,
    private readonly dealers: MallDealerService,
    private readonly catalog: MallCatalogService,
    private readonly credit: CreditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async get(ctx: RequestContext): Promise<MallCartDto> {
    return this.build(ctx, await this.dealers.requireDealer(ctx));
  }

  async count(ctx: RequestContext, dealer: MallDealer): Promise<number> {
    const { n } = await this.db.one(ctx, this.db.k.selectFrom('mall_cart_item').select(sql<number>`count(*)::int`.as('n')).where('dealer_id', '=', dealer.id));
    return n;
  }

  /** Adds to the line's quantity; the resulting quantity must meet the minimum and multiple. */
  async add(ctx: RequestContext, productId: string, qty: string): Promise<MallCartDto> {
    return this.write(ctx, productId, qty, 'add');
  }

  /** Sets the line's quantity (creating the line when there is none). */
  async set(ctx: RequestContext, productId: string, qty: string): Promise<MallCartDto> {
    return this.write(ctx, productId, qty, 'set');
  }

  async remove(ctx: RequestContext, productId: string): Promise<MallCartDto> {
    const dealer = await this.dealers.requireDealer(ctx);
    await this.db.tx(ctx, async (tx) => {
      const gone = await this.db.rows(tx, this.db.k.deleteFrom('mall_cart_item').where('dealer_id', '=', dealer.id).where('product_id', '=', productId).returning('qty'));
      if (gone.length) {
        await this.audit.record(tx, { action: 'remove_item', entity: 'mall_cart', entityId: dealer.id, orgId: dealer.id, summary: `cart: removed a product`, before: { productId, qty: gone[0].qty }, after: null });
      }
    });
    return this.build(ctx, dealer);
  }

  async clear(ctx: RequestContext): Promise<MallCartDto> {
    const dealer = await this.dealers.requireDealer(ctx);
    await this.db.tx(ctx, async (tx) => {
      const gone = await this.db.rows(tx, this.db.k.deleteFrom('mall_cart_item').where('dealer_id', '=', dealer.id).returning('product_id'));
      if (gone.length) await this.audit.record(tx, { action: 'clear', entity: 'mall_cart', entityId: dealer.id, orgId: dealer.id, summary: `cart emptied (${gone.length} line(s))` });
    });
    return this.build(ctx, dealer);
  }

  private async write(ctx: RequestContext, productId: string, qty: string, mode: 'add' | 'set'): Promise<MallCartDto> {
    const dealer = await this.dealers.requireDealer(ctx);
    if (!new Dec(qty).greaterThan(0)) throw new DomainError(ErrorCode.INVALID_QUANTITY, 'The quantity must be above 0', { field: 'qty' });
    await this.db.tx(ctx, async (tx) => {
      const row = this.catalog.assertOrderable((await this.catalog.productRows(tx, dealer, [productId])).get(productId), productId);
      const r = await this.db.one(
        tx,
        this.db.k
          .insertInto('mall_cart_item')
          .values({ dealer_id: dealer.id, product_id: productId, qty: fmt(qty, 'qty'), updated_by: tx.user?.id ?? null })
          .onConflict((oc) =>
            oc.columns(['dealer_id', 'product_id']).doUpdateSet((eb) => ({
              qty: mode === 'add' ? sql<string>`mall_cart_item.qty + EXCLUDED.qty` : eb.ref('excluded.qty'),
              updated_by: eb.ref('excluded.updated_by'),
            })),
          )
          .returning(['qty', sql<boolean>`(xmax = 0)`.as('inserted')]),
      );
      assertQty(row, r.qty);
      if (r.inserted) await this.assertLineCount(tx, dealer);
      await this.audit.record(tx, {
        action: mode === 'add' ? 'add_item' : 'set_item', entity: 'mall_cart', entityId: dealer.id, orgId: dealer.id,
        summary: `cart: ${row.code} ${mode === 'add' ? `+${fmt(qty, 'qty')}` : `= ${fmt(qty, 'qty')}`} -> ${fmt(r.qty, 'qty')}`,
        after: { productId, qty: fmt(r.qty, 'qty') },
      });
    });
    return this.build(ctx, dealer);
  }

  /**
   * Adds lines (a reorder) in one transaction, each raised to the product's minimum and multiple;
   * lines that cannot be ordered are skipped with the reason. Answers what was added.
   */
  async addRounded(tx: RequestContext, dealer: MallDealer, lines: { productId: string; productName: string; qty: string }[]): Promise<Omit<MallReorderResult, 'cart'>> {
    const rows = await this.catalog.productRows(tx, dealer, lines.map((l) => l.productId));
    const skipped: MallReorderResult['skipped'] = [];
    const adjusted: MallReorderResult['adjusted'] = [];
    let added = 0;
    for (const l of lines) {
      const row = rows.get(l.productId);
      const problem = row ? this.catalog.problem(row) : { code: ErrorCode.NOT_FOUND, message: 'The product no longer exists' };
      if (problem) {
        skipped.push({ productId: l.productId, productCode: row?.code ?? null, productName: l.productName, code: problem.code, reason: problem.message });
        continue;
      }
      const cur = await this.db.first(tx, this.db.k.selectFrom('mall_cart_item').select('qty').where('dealer_id', '=', dealer.id).where('product_id', '=', l.productId).forUpdate());
      const wanted = fmt(new Dec(cur?.qty ?? '0').plus(l.qty), 'qty');
      const qty = roundToMultiple(wanted, { minOrderQty: row!.min_order_qty, orderMultiple: row!.order_multiple });
      if (!new Dec(qty).equals(wanted)) {
        adjusted.push({ productId: l.productId, productName: l.productName, from: wanted, to: qty, minOrderQty: fmt(row!.min_order_qty, 'qty'), orderMultiple: fmt(row!.order_multiple, 'qty') });
      }
      await this.db.rows(
        tx,
        this.db.k
          .insertInto('mall_cart_item')
          .values({ dealer_id: dealer.id, product_id: l.productId, qty, updated_by: tx.user?.id ?? null })
          .onConflict((oc) => oc.columns(['dealer_id', 'product_id']).doUpdateSet((eb) => ({ qty: eb.ref('excluded.qty'), updated_by: eb.ref('excluded.updated_by') }))),
      );
      added++;
    }
    if (added) await this.assertLineCount(tx, dealer);
    return { added, skipped, adjusted };
  }

  private async assertLineCount(tx: RequestContext, dealer: MallDealer): Promise<void> {
    if ((await this.count(tx, dealer)) > MAX_ORDER_LINES) {
      throw new DomainError(ErrorCode.VALIDATION_FAILED, `A cart holds at most ${MAX_ORDER_LINES} products`, { field: 'productId', max: MAX_ORDER_LINES });
    }
  }

  /** The cart priced now, each line with the problem that would stop checkout (or null), and the dealer's credit. */
  async build(ctx: RequestContext, dealer: MallDealer, opts: { lock?: boolean } = {}): Promise<MallCartDto> {
    const query = this.db.k.selectFrom('mall_cart_item').select(['product_id', 'qty']).where('dealer_id', '=', dealer.id).orderBy('created_at').orderBy('product_id');
    const items = await this.db.rows(ctx, opts.lock ? query.forUpdate() : query);
    const { cards, rows } = await this.catalog.loadCards(ctx, dealer, items.map((i) => ({ productId: i.product_id, qty: fmt(i.qty, 'qty') })));
    const byId = new Map(cards.map((c) => [c.id, c]));
    const lines: MallCartLineDto[] = items
      .filter((i) => byId.has(i.product_id))
      .map((i) => {
        const row = rows.get(i.product_id)!;
        const product = byId.get(i.product_id)!;
        const qty = fmt(i.qty, 'qty');
        return {
          productId: i.product_id,
          product,
          qty,
          amount: orderLineMoney(qty, product.unitPrice, '0', row.tax_rate).amount,
          problem: this.catalog.problem(row) ?? qtyProblemOf(row, qty),
        };
      });
    const total = fmt(lines.reduce((s, l) => s.plus(l.amount), new Dec(0)));
    return { lines, lineCount: lines.length, total, credit: (await this.account(ctx, dealer)).credit };
  }

  /** The dealer's credit as the mall shows it, and its open and overdue receivables. */
  async account(ctx: RequestContext, dealer: MallDealer): Promise<MallAccountDto> {
    const check = await this.credit.preview(ctx, dealer.id, '0');
    // receivable is finance's: an allowed read (table-owners.ts), with finance's overdue rule
    const r = await this.db.one(
      ctx,
      this.db.k
        .selectFrom('receivable as r')
        .select([
          sql<string>`COALESCE(sum(r.open_amount), 0)`.as('open'),
          sql<string>`COALESCE(sum(r.open_amount) FILTER (WHERE ${overdue('r', businessDate(new Date(), this.config.companyTz))}), 0)`.as('overdue'),
        ])
        .where('r.dealer_id', '=', dealer.id)
        .where('r.open_amount', '>', '0'),
    );
    // no limit in force (mode NONE): the mall shows "unlimited"
    const available = check.mode === 'NONE' ? null : availableCredit(check);
    return {
      credit: { mode: check.mode, limit: check.limit, available, exposure: check.exposure, overdue: fmt(r.overdue) },
      openReceivables: fmt(r.open),
      overdueReceivables: fmt(r.overdue),
    };
  }
}

function qtyProblemOf(row: MallProductRow, qty: string): { code: string; message: string } | null {
  const problem = quantityProblem(qty, row.min_order_qty, row.order_multiple);
  return problem ? { code: problem, message: `${row.code}: the quantity ${qty} must be at least ${fmt(row.min_order_qty, 'qty')} and a multiple of ${fmt(row.order_multiple, 'qty')}` } : null;
}

function assertQty(row: MallProductRow, qty: string): void {
  const p = qtyProblemOf(row, fmt(qty, 'qty'));
  if (p) {
    throw new DomainError(ErrorCode[p.code as keyof typeof ErrorCode], p.message, {
      productId: row.id, field: 'qty', qty: fmt(qty, 'qty'), minOrderQty: fmt(row.min_order_qty, 'qty'), orderMultiple: fmt(row.order_multiple, 'qty'),
    });
  }
}
