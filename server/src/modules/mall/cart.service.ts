import { Inject, Injectable } from '@nestjs/common';
import { availableCredit, Dec, ErrorCode, fmt, MallAccountDto, MallCartDto, MallCartLineDto, orderLineMoney, quantityProblem, roundToMultiple } from '@drp/shared';
import { APP_CONFIG, AppConfig } from '../../config/config';
import { RequestContext } from '../../common/context/request-context';
import { DomainError } from '../../common/errors/domain-error';
import { businessDate } from '../../database/business-date';
import { DbService } from '../../database/db.service';
import { AuditService } from '../audit/audit.service';
import { CreditService } from '../finance/credit.service';
import { overdueSql } from '../finance/credit.service';
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
    const [{ n }] = await this.db.query<{ n: number }>(ctx, 'SELECT count(*)::int AS n FROM mall_cart_item WHERE dealer_id = $1', [dealer.id]);
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
      const gone = await this.db.query<{ qty: string }>(tx, 'DELETE FROM mall_cart_item WHERE dealer_id = $1 AND product_id = $2 RETURNING qty', [dealer.id, productId]);
      if (gone.length) {
        await this.audit.record(tx, { action: 'remove_item', entity: 'mall_cart', entityId: dealer.id, orgId: dealer.id, summary: `cart: removed a product`, before: { productId, qty: gone[0].qty }, after: null });
      }
    });
    return this.build(ctx, dealer);
  }

  async clear(ctx: RequestContext): Promise<MallCartDto> {
    const dealer = await this.dealers.requireDealer(ctx);
    await this.db.tx(ctx, async (tx) => {
      const gone = await this.db.query<{ product_id: string }>(tx, 'DELETE FROM mall_cart_item WHERE dealer_id = $1 RETURNING product_id', [dealer.id]);
      if (gone.length) await this.audit.record(tx, { action: 'clear', entity: 'mall_cart', entityId: dealer.id, orgId: dealer.id, summary: `cart emptied (${gone.length} line(s))` });
    });
    return this.build(ctx, dealer);
  }

  private async write(ctx: RequestContext, productId: string, qty: string, mode: 'add' | 'set'): Promise<MallCartDto> {
    const dealer = await this.dealers.requireDealer(ctx);
    if (!new Dec(qty).greaterThan(0)) throw new DomainError(ErrorCode.INVALID_QUANTITY, 'The quantity must be above 0', { field: 'qty' });
    await this.db.tx(ctx, async (tx) => {
      const row = this.catalog.assertOrderable((await this.catalog.productRows(tx, dealer, [productId])).get(productId), productId);
      const [r] = await this.db.query<{ qty: string; inserted: boolean }>(
        tx,
        `INSERT INTO mall_cart_item (dealer_id, product_id, qty, updated_by) VALUES ($1, $2, $3, $4)
         ON CONFLICT (dealer_id, product_id) DO UPDATE SET qty = ${mode === 'add' ? 'mall_cart_item.qty + EXCLUDED.qty' : 'EXCLUDED.qty'}, updated_by = EXCLUDED.updated_by
         RETURNING qty, (xmax = 0) AS inserted`,
        [dealer.id, productId, fmt(qty, 'qty'), tx.user?.id ?? null],
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
  async addRounded(tx: RequestContext, dealer: MallDealer, lines: { productId: string; productName: string; qty: string }[]): Promise<{ added: number; skipped: { productId: string; productName: string; reason: string }[] }> {
    const rows = await this.catalog.productRows(tx, dealer, lines.map((l) => l.productId));
    const skipped: { productId: string; productName: string; reason: string }[] = [];
    let added = 0;
    for (const l of lines) {
      const row = rows.get(l.productId);
      const problem = row ? this.catalog.problem(row) : { code: ErrorCode.NOT_FOUND, message: 'The product no longer exists' };
      if (problem) {
        skipped.push({ productId: l.productId, productName: l.productName, reason: problem.message });
        continue;
      }
      const [cur] = await this.db.query<{ qty: string }>(tx, 'SELECT qty FROM mall_cart_item WHERE dealer_id = $1 AND product_id = $2 FOR UPDATE', [dealer.id, l.productId]);
      const qty = roundToMultiple(fmt(new Dec(cur?.qty ?? '0').plus(l.qty), 'qty'), { minOrderQty: row!.min_order_qty, orderMultiple: row!.order_multiple });
      await this.db.query(
        tx,
        `INSERT INTO mall_cart_item (dealer_id, product_id, qty, updated_by) VALUES ($1, $2, $3, $4)
         ON CONFLICT (dealer_id, product_id) DO UPDATE SET qty = EXCLUDED.qty, updated_by = EXCLUDED.updated_by`,
        [dealer.id, l.productId, qty, tx.user?.id ?? null],
      );
      added++;
    }
    if (added) await this.assertLineCount(tx, dealer);
    return { added, skipped };
  }

  private async assertLineCount(tx: RequestContext, dealer: MallDealer): Promise<void> {
    if ((await this.count(tx, dealer)) > MAX_ORDER_LINES) {
      throw new DomainError(ErrorCode.VALIDATION_FAILED, `A cart holds at most ${MAX_ORDER_LINES} products`, { field: 'productId', max: MAX_ORDER_LINES });
    }
  }

  /** The cart priced now, each line with the problem that would stop checkout (or null), and the dealer's credit. */
  async build(ctx: RequestContext, dealer: MallDealer, opts: { lock?: boolean } = {}): Promise<MallCartDto> {
    const items = await this.db.query<{ product_id: string; qty: string }>(
      ctx,
      `SELECT product_id, qty FROM mall_cart_item WHERE dealer_id = $1 ORDER BY created_at, product_id${opts.lock ? ' FOR UPDATE' : ''}`,
      [dealer.id],
    );
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
    const [r] = await this.db.query<{ open: string; overdue: string }>(
      ctx,
      `SELECT COALESCE(sum(r.open_amount), 0) AS open, COALESCE(sum(r.open_amount) FILTER (WHERE ${overdueSql('r', '$2::date')}), 0) AS overdue
         FROM receivable r WHERE r.dealer_id = $1 AND r.open_amount > 0`,
      [dealer.id, businessDate(new Date(), this.config.companyTz)],
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
