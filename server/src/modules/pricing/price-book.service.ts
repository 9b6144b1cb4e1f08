import { Inject, Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import { Dec, ErrorCode, fmt, OrgRef, OrgType, Paged, PriceBookDto, quantityBreakProblems } from '@drp/shared';
import { APP_CONFIG, AppConfig } from '../../config/config';
import { RequestContext } from '../../common/context/request-context';
import { DomainError, notFound, staleVersion } from '../../common/errors/domain-error';
import { orgScope } from '../../common/scope/data-scope';
import { resolvePage, escapeLike } from '../../common/http/pagination';
import { DbService } from '../../database/db.service';
import { businessDate } from '../../database/business-date';
import { AuditService } from '../audit/audit.service';
import { ProductService } from '../catalog/product.service';
import { OrgService } from '../org/org.service';
import { PriceHistoryService } from './price-history.service';
import { CreatePriceBookDto, PriceBookItemInput, PriceBookQueryDto, UpdatePriceBookDto } from './pricing.dto';

const BOOK_COLUMNS = [
  'b.id', 'b.code', 'b.name', 'b.org_id', sql<string>`to_char(b.valid_from, 'YYYY-MM-DD')`.as('valid_from'), sql<string | null>`to_char(b.valid_to, 'YYYY-MM-DD')`.as('valid_to'),
  'b.status', 'b.remark', 'b.version', 'b.created_at', 'b.updated_at',
] as const;

/** A price book row as listed (dates as YYYY-MM-DD). */
type BookRow = { id: string; code: string; name: string; org_id: string; valid_from: string; valid_to: string | null; status: string; remark: string | null; version: number; created_at: Date; updated_at: Date };

const SORT = { code: 'b.code', name: 'b.name', validFrom: 'b.valid_from', createdAt: 'b.created_at' };

/**
 * 客户价格本: a dealer's (or a group of dealers') own prices with validity dates and optional
 * quantity breaks. A book is visible to whoever sees its owner organisation or one of its
 * dealers; a dealer therefore sees only the books it is in, and only itself among their dealers.
 */
@Injectable()
export class PriceBookService {
  constructor(
    private readonly db: DbService,
    private readonly audit: AuditService,
    private readonly orgs: OrgService,
    private readonly products: ProductService,
    private readonly history: PriceHistoryService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** A book is visible to whoever sees its owner organisation or one of its dealers. */
  private visible(ctx: RequestContext) {
    const q = this.db.k.selectFrom('price_book as b');
    if (ctx.isSystem || ctx.actor.scope.all) return q;
    return q.where((eb) =>
      eb.or([
        eb.exists(eb.selectFrom('organization as oo').select('oo.id').whereRef('oo.id', '=', 'b.org_id').where(orgScope(ctx, 'oo.id'))),
        eb.exists(eb.selectFrom('price_book_dealer as bd').select('bd.dealer_id').whereRef('bd.price_book_id', '=', 'b.id').where(orgScope(ctx, 'bd.dealer_id'))),
      ]),
    );
  }

  async list(ctx: RequestContext, q: PriceBookQueryDto): Promise<Paged<PriceBookDto>> {
    let query = this.visible(ctx);
    const dealerId = q.dealerId;
    if (dealerId) query = query.where((eb) => eb.exists(eb.selectFrom('price_book_dealer as x').select('x.dealer_id').whereRef('x.price_book_id', '=', 'b.id').where('x.dealer_id', '=', dealerId)));
    if (q.status) query = query.where('b.status', '=', q.status);
    if (q.validOn) query = query.where(sql<boolean>`b.valid_from <= ${q.validOn}::date AND (b.valid_to IS NULL OR b.valid_to >= ${q.validOn}::date)`);
    if (q.q) {
      const like = `%${escapeLike(q.q)}%`;
      query = query.where((eb) => eb.or([eb('b.code', 'ilike', like), eb('b.name', 'ilike', like)]));
    }
    const { page, pageSize, column, direction, offset } = resolvePage(q, SORT, '-createdAt');
    const [{ n }, rows] = await Promise.all([
      this.db.one(ctx, query.select(sql<number>`count(*)::int`.as('n'))),
      this.db.rows(ctx, query.select([...BOOK_COLUMNS]).orderBy(sql`${sql.raw(column)} ${sql.raw(direction)}`).orderBy('b.id').offset(offset).limit(pageSize)),
    ]);
    return { items: await this.toDtos(ctx, rows), total: n, page, pageSize };
  }

  async get(ctx: RequestContext, id: string): Promise<PriceBookDto> {
    const row = await this.db.first(ctx, this.visible(ctx).select([...BOOK_COLUMNS]).where('b.id', '=', id));
    if (!row) throw notFound('price book', id);
    return (await this.toDtos(ctx, [row]))[0];
  }

  async create(ctx: RequestContext, dto: CreatePriceBookDto): Promise<PriceBookDto> {
    const id = await this.db.tx(ctx, async (tx) => {
      const ownerId = dto.orgId ?? tx.actor.orgId;
      const owner = await this.orgs.assertVisible(tx, ownerId);
      if (owner.type === OrgType.DEALER) throw new DomainError(ErrorCode.VALIDATION_FAILED, 'A price book belongs to HQ or a branch', { field: 'orgId' });
      this.assertDates(dto.validFrom, dto.validTo ?? null);
      await this.assertDealers(tx, dto.dealerIds);
      const items = await this.checkItems(tx, dto.items, owner.path);
      const taken = await this.db.first(tx, this.db.k.selectFrom('price_book').select('id').where(sql<string>`lower(code)`, '=', dto.code.toLowerCase()));
      if (taken) throw new DomainError(ErrorCode.DUPLICATE, `The price book code ${dto.code} is taken`, { field: 'code' });
      const { id: bookId } = await this.db.one(
        tx,
        this.db.k.insertInto('price_book').values({ code: dto.code, name: dto.name.trim(), org_id: ownerId, valid_from: dto.validFrom, valid_to: dto.validTo ?? null, remark: dto.remark ?? null }).returning('id'),
      );
      await this.writeDealers(tx, bookId, dto.dealerIds);
      await this.writeItems(tx, bookId, items);
      await this.recordHistory(tx, bookId, dto.name, [], items, dto.validFrom);
      await this.audit.record(tx, { action: 'create', entity: 'price_book', entityId: bookId, orgId: ownerId, summary: `created price book ${dto.code} for ${dto.dealerIds.length} dealer(s), ${items.length} item(s)`, after: { ...dto } });
      return bookId;
    });
    return this.get(ctx, id);
  }

  async update(ctx: RequestContext, id: string, dto: UpdatePriceBookDto): Promise<PriceBookDto> {
    await this.db.tx(ctx, async (tx) => {
      await this.get(tx, id);
      const row = await this.db.one(tx, this.db.k.selectFrom('price_book as b').select([...BOOK_COLUMNS]).where('b.id', '=', id).forUpdate());
      if (row.version !== dto.version) throw staleVersion('price book', dto.version, row.version);
      const validFrom = dto.validFrom ?? row.valid_from;
      const validTo = dto.validTo !== undefined ? dto.validTo : row.valid_to;
      if (dto.validFrom !== undefined || dto.validTo !== undefined) this.assertDates(validFrom, validTo);
      const beforeItems = await this.items(tx, id);
      const beforeDealers = (await this.db.rows(tx, this.db.k.selectFrom('price_book_dealer').select('dealer_id').where('price_book_id', '=', id).orderBy('dealer_id'))).map((d) => d.dealer_id);
      if (dto.dealerIds) {
        await this.assertDealers(tx, dto.dealerIds);
        await this.db.rows(tx, this.db.k.deleteFrom('price_book_dealer').where('price_book_id', '=', id));
        await this.writeDealers(tx, id, dto.dealerIds);
      }
      if (dto.items) {
        const ownerPath = await this.orgs.pathOf(tx, row.org_id);
        const items = await this.checkItems(tx, dto.items, ownerPath);
        await this.db.rows(tx, this.db.k.deleteFrom('price_book_item').where('price_book_id', '=', id));
        await this.writeItems(tx, id, items);
        await this.recordHistory(tx, id, dto.name ?? row.name, beforeItems, items, validFrom);
      }
      await this.db.rows(
        tx,
        this.db.k
          .updateTable('price_book')
          .set({ name: dto.name?.trim() ?? row.name, valid_from: validFrom, valid_to: validTo, remark: dto.remark !== undefined ? dto.remark : row.remark, version: sql`version + 1` })
          .where('id', '=', id),
      );
      await this.audit.record(tx, {
        action: 'update', entity: 'price_book', entityId: id, orgId: row.org_id, summary: `edited price book ${row.code}`,
        before: { name: row.name, validFrom: row.valid_from, validTo: row.valid_to, dealerIds: beforeDealers, items: beforeItems },
        after: { name: dto.name ?? row.name, validFrom, validTo, dealerIds: dto.dealerIds ?? beforeDealers, items: dto.items ?? beforeItems },
      });
    });
    return this.get(ctx, id);
  }

  async setStatus(ctx: RequestContext, id: string, status: 'ACTIVE' | 'DISABLED'): Promise<PriceBookDto> {
    const book = await this.get(ctx, id);
    if (book.status !== status) {
      await this.db.tx(ctx, async (tx) => {
        await this.db.rows(tx, this.db.k.updateTable('price_book').set({ status, version: sql`version + 1` }).where('id', '=', id));
        await this.audit.record(tx, { action: status === 'ACTIVE' ? 'enable' : 'disable', entity: 'price_book', entityId: id, orgId: book.orgId, summary: `${status === 'ACTIVE' ? 'enabled' : 'disabled'} price book ${book.code}`, before: { status: book.status }, after: { status } });
      });
    }
    return this.get(ctx, id);
  }

  private assertDates(validFrom: string, validTo: string | null): void {
    if (validTo !== null && validTo < validFrom) throw new DomainError(ErrorCode.PRICE_BOOK_DATES_INVALID, 'The end date precedes the start date', { validFrom, validTo });
    const today = businessDate(new Date(), this.config.companyTz);
    if (validTo !== null && validTo < today) throw new DomainError(ErrorCode.PRICE_BOOK_EXPIRED, `The price book would already have expired on ${validTo}`, { validTo, today });
  }

  private async assertDealers(tx: RequestContext, dealerIds: string[]): Promise<void> {
    const visible = await this.orgs.visibleTypes(tx, dealerIds);
    const bad = dealerIds.filter((d) => visible.get(d) !== OrgType.DEALER);
    if (bad.length) throw new DomainError(ErrorCode.NOT_FOUND, 'Unknown dealer(s)', { entity: 'dealer', ids: bad });
  }

  /** Items: known products within the owner's product range, one price per (product, min qty), breaks that never raise the unit price. */
  private async checkItems(tx: RequestContext, items: PriceBookItemInput[], ownerPath: string) {
    await this.products.assertUsable(tx, items.map((i) => i.productId), { orgPath: ownerPath });
    const norm = items.map((i) => ({ productId: i.productId, minQty: fmt(i.minQty ?? '0', 'qty'), price: fmt(i.price, 'unitPrice') }));
    const seen = new Set<string>();
    for (const i of norm) {
      const key = `${i.productId}@${i.minQty}`;
      if (seen.has(key)) throw new DomainError(ErrorCode.VALIDATION_FAILED, 'A product appears twice with the same minimum quantity', { field: 'items', productId: i.productId, minQty: i.minQty });
      seen.add(key);
    }
    const byProduct = new Map<string, typeof norm>();
    norm.forEach((i) => byProduct.set(i.productId, [...(byProduct.get(i.productId) ?? []), i]));
    for (const [productId, tiers] of byProduct) {
      const problems = quantityBreakProblems(tiers);
      if (problems.length) throw new DomainError(ErrorCode.QUANTITY_BREAK_INVALID, 'Buying more must not cost more per unit', { productId, problems });
    }
    return norm;
  }

  private async writeDealers(tx: RequestContext, id: string, dealerIds: string[]): Promise<void> {
    if (dealerIds.length) await this.db.rows(tx, this.db.k.insertInto('price_book_dealer').values(dealerIds.map((dealerId) => ({ price_book_id: id, dealer_id: dealerId }))));
  }

  private async writeItems(tx: RequestContext, id: string, items: { productId: string; minQty: string; price: string }[]): Promise<void> {
    if (items.length) await this.db.rows(tx, this.db.k.insertInto('price_book_item').values(items.map((i) => ({ price_book_id: id, product_id: i.productId, min_qty: i.minQty, price: i.price }))));
  }

  private async items(tx: RequestContext, id: string) {
    return this.db.rows(tx, this.db.k.selectFrom('price_book_item').select(['product_id as productId', 'min_qty as minQty', 'price']).where('price_book_id', '=', id).orderBy('product_id').orderBy('min_qty'));
  }

  /** One history row per changed (product, min qty) price, named after the book. */
  private async recordHistory(tx: RequestContext, bookId: string, bookName: string, before: { productId: string; minQty: string; price: string }[], after: { productId: string; minQty: string; price: string }[], effectiveDate: string) {
    const key = (i: { productId: string; minQty: string }) => `${i.productId}@${new Dec(i.minQty).toFixed(3)}`;
    const old = new Map(before.map((i) => [key(i), i]));
    const now = new Map(after.map((i) => [key(i), i]));
    const productIds = new Set([...old.values(), ...now.values()].map((i) => i.productId));
    for (const productId of productIds) {
      const changes = [...new Set([...old.keys(), ...now.keys()])]
        .filter((k) => k.startsWith(`${productId}@`))
        .map((k) => ({ minQty: new Dec(k.split('@')[1]), oldPrice: old.get(k)?.price ?? null, newPrice: now.get(k)?.price ?? null }))
        .filter((c) => c.oldPrice === null || c.newPrice === null || !new Dec(c.oldPrice).equals(c.newPrice))
        // a quantity break is named by its tier, so the breaks of one book stay apart in the history
        .map(({ minQty, ...c }) => ({ kind: 'PRICE_BOOK' as const, refId: bookId, refName: minQty.isZero() ? bookName : `${bookName} ≥${minQty.toString()}`, ...c }));
      await this.history.record(tx, changes.map((c) => ({ productId, ...c })), effectiveDate < businessDate(new Date(), this.config.companyTz) ? undefined : effectiveDate);
    }
  }

  private async toDtos(ctx: RequestContext, rows: BookRow[]): Promise<PriceBookDto[]> {
    if (!rows.length) return [];
    const ids = rows.map((r) => r.id);
    const [dealers, items] = await Promise.all([
      this.db.rows(
        ctx,
        this.db.k
          .selectFrom('price_book_dealer as bd')
          .innerJoin('organization as o', 'o.id', 'bd.dealer_id')
          .select(['bd.price_book_id as book_id', 'o.id', 'o.code', 'o.name', 'o.type'])
          .where('bd.price_book_id', 'in', ids)
          // among a book's dealers, show only those the caller may see
          .where(orgScope(ctx, 'o.id'))
          .orderBy('o.code'),
      ),
      this.db.rows(
        ctx,
        this.db.k
          .selectFrom('price_book_item as i')
          .innerJoin('product as p', 'p.id', 'i.product_id')
          .select(['i.price_book_id as book_id', 'i.product_id', 'p.code', 'p.name', 'i.min_qty', 'i.price'])
          .where('i.price_book_id', 'in', ids)
          .orderBy('p.code')
          .orderBy('i.min_qty'),
      ),
    ]);
    return rows.map((r) => ({
      id: r.id,
      code: r.code,
      name: r.name,
      orgId: r.org_id,
      validFrom: r.valid_from,
      validTo: r.valid_to,
      status: r.status as PriceBookDto['status'],
      remark: r.remark,
      dealers: dealers.filter((d) => d.book_id === r.id).map(({ id, code, name, type }): OrgRef => ({ id, code, name, type: type as OrgType })),
      items: items.filter((i) => i.book_id === r.id).map((i) => ({ productId: i.product_id, productCode: i.code, productName: i.name, minQty: i.min_qty, price: i.price })),
      version: r.version,
      createdAt: new Date(r.created_at).toISOString(),
      updatedAt: new Date(r.updated_at).toISOString(),
    }));
  }
}
