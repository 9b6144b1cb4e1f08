import { Inject, Injectable } from '@nestjs/common';
import { Dec, ErrorCode, fmt, OrgRef, OrgType, Paged, PriceBookDto, quantityBreakProblems } from '@drp/shared';
import { APP_CONFIG, AppConfig } from '../../config/config';
import { RequestContext } from '../../common/context/request-context';
import { DomainError, notFound, staleVersion } from '../../common/errors/domain-error';
import { applyOrgScope } from '../../common/scope/data-scope';
import { resolvePage, escapeLike } from '../../common/http/pagination';
import { DbService } from '../../database/db.service';
import { businessDate } from '../../database/business-date';
import { AuditService } from '../audit/audit.service';
import { ProductService } from '../catalog/product.service';
import { OrgService } from '../org/org.service';
import { CreatePriceBookDto, PriceBookItemInput, PriceBookQueryDto, UpdatePriceBookDto } from './pricing.dto';

interface BookRow {
  id: string;
  code: string;
  name: string;
  org_id: string;
  valid_from: string;
  valid_to: string | null;
  status: 'ACTIVE' | 'DISABLED';
  remark: string | null;
  version: number;
  created_at: Date;
  updated_at: Date;
}

const BOOK_COLUMNS = `b.id, b.code, b.name, b.org_id, to_char(b.valid_from, 'YYYY-MM-DD') AS valid_from, to_char(b.valid_to, 'YYYY-MM-DD') AS valid_to, b.status, b.remark, b.version, b.created_at, b.updated_at`;

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
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private visible(ctx: RequestContext) {
    const qb = this.db.manager(ctx).createQueryBuilder().from('price_book', 'b');
    if (ctx.isSystem || ctx.actor.scope.all) return qb;
    const owner = applyOrgScope(this.db.manager(ctx).createQueryBuilder().select('1').from('organization', 'oo').where('oo.id = b.org_id'), ctx, 'oo.id');
    const dealer = applyOrgScope(this.db.manager(ctx).createQueryBuilder().select('1').from('price_book_dealer', 'bd').where('bd.price_book_id = b.id'), ctx, 'bd.dealer_id');
    return qb.where(`(EXISTS (${owner.getQuery()}) OR EXISTS (${dealer.getQuery()}))`, { ...owner.getParameters(), ...dealer.getParameters() });
  }

  async list(ctx: RequestContext, q: PriceBookQueryDto): Promise<Paged<PriceBookDto>> {
    const qb = this.visible(ctx);
    if (q.dealerId) qb.andWhere('EXISTS (SELECT 1 FROM price_book_dealer x WHERE x.price_book_id = b.id AND x.dealer_id = :dealerId)', { dealerId: q.dealerId });
    if (q.status) qb.andWhere('b.status = :status', { status: q.status });
    if (q.validOn) qb.andWhere('b.valid_from <= :on::date AND (b.valid_to IS NULL OR b.valid_to >= :on::date)', { on: q.validOn });
    if (q.q) qb.andWhere('(b.code ILIKE :q OR b.name ILIKE :q)', { q: `%${escapeLike(q.q)}%` });
    const { page, pageSize, column, direction, offset } = resolvePage(q, { code: 'b.code', name: 'b.name', validFrom: 'b.valid_from', createdAt: 'b.created_at' }, '-createdAt');
    const [{ n }] = await qb.clone().select('count(*)::int', 'n').getRawMany<{ n: number }>();
    const rows = await qb.select(BOOK_COLUMNS).orderBy(column, direction).addOrderBy('b.id').offset(offset).limit(pageSize).getRawMany<BookRow>();
    return { items: await this.toDtos(ctx, rows), total: n, page, pageSize };
  }

  async get(ctx: RequestContext, id: string): Promise<PriceBookDto> {
    const row = await this.visible(ctx).select(BOOK_COLUMNS).andWhere('b.id = :id', { id }).getRawOne<BookRow>();
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
      const [{ taken }] = await this.db.query<{ taken: boolean }>(tx, 'SELECT EXISTS (SELECT 1 FROM price_book WHERE lower(code) = lower($1)) AS taken', [dto.code]);
      if (taken) throw new DomainError(ErrorCode.DUPLICATE, `The price book code ${dto.code} is taken`, { field: 'code' });
      const [{ id: bookId }] = await this.db.query<{ id: string }>(
        tx,
        'INSERT INTO price_book (code, name, org_id, valid_from, valid_to, remark) VALUES ($1,$2,$3,$4,$5,$6) RETURNING id',
        [dto.code, dto.name.trim(), ownerId, dto.validFrom, dto.validTo ?? null, dto.remark ?? null],
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
      const [row] = await this.db.query<BookRow>(tx, `SELECT ${BOOK_COLUMNS} FROM price_book b WHERE b.id = $1 FOR UPDATE`, [id]);
      if (row.version !== dto.version) throw staleVersion('price book', dto.version, row.version);
      const validFrom = dto.validFrom ?? row.valid_from;
      const validTo = dto.validTo !== undefined ? dto.validTo : row.valid_to;
      if (dto.validFrom !== undefined || dto.validTo !== undefined) this.assertDates(validFrom, validTo);
      const beforeItems = await this.items(tx, id);
      const beforeDealers = (await this.db.query<{ dealer_id: string }>(tx, 'SELECT dealer_id FROM price_book_dealer WHERE price_book_id = $1 ORDER BY dealer_id', [id])).map((d) => d.dealer_id);
      if (dto.dealerIds) {
        await this.assertDealers(tx, dto.dealerIds);
        await this.db.query(tx, 'DELETE FROM price_book_dealer WHERE price_book_id = $1', [id]);
        await this.writeDealers(tx, id, dto.dealerIds);
      }
      if (dto.items) {
        const ownerPath = await this.orgs.pathOf(tx, row.org_id);
        const items = await this.checkItems(tx, dto.items, ownerPath);
        await this.db.query(tx, 'DELETE FROM price_book_item WHERE price_book_id = $1', [id]);
        await this.writeItems(tx, id, items);
        await this.recordHistory(tx, id, dto.name ?? row.name, beforeItems, items, validFrom);
      }
      await this.db.query(tx, 'UPDATE price_book SET name = $2, valid_from = $3, valid_to = $4, remark = $5, version = version + 1 WHERE id = $1', [
        id, dto.name?.trim() ?? row.name, validFrom, validTo, dto.remark !== undefined ? dto.remark : row.remark,
      ]);
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
        await this.db.query(tx, 'UPDATE price_book SET status = $2, version = version + 1 WHERE id = $1', [id, status]);
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
      if (seen.has(key)) throw new DomainError(ErrorCode.VALIDATION_FAILED, 'A product appears twice with the same minimum quantity', { productId: i.productId, minQty: i.minQty });
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
    await this.db.query(tx, 'INSERT INTO price_book_dealer (price_book_id, dealer_id) SELECT $1, unnest($2::uuid[])', [id, dealerIds]);
  }

  private async writeItems(tx: RequestContext, id: string, items: { productId: string; minQty: string; price: string }[]): Promise<void> {
    await this.db.query(tx, 'INSERT INTO price_book_item (price_book_id, product_id, min_qty, price) SELECT $1, unnest($2::uuid[]), unnest($3::numeric[]), unnest($4::numeric[])', [
      id, items.map((i) => i.productId), items.map((i) => i.minQty), items.map((i) => i.price),
    ]);
  }

  private async items(tx: RequestContext, id: string) {
    return this.db.query<{ productId: string; minQty: string; price: string }>(tx, 'SELECT product_id AS "productId", min_qty AS "minQty", price FROM price_book_item WHERE price_book_id = $1 ORDER BY product_id, min_qty', [id]);
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
      await this.products.recordPriceChanges(tx, productId, changes, effectiveDate < businessDate(new Date(), this.config.companyTz) ? undefined : effectiveDate);
    }
  }

  private async toDtos(ctx: RequestContext, rows: BookRow[]): Promise<PriceBookDto[]> {
    if (!rows.length) return [];
    const ids = rows.map((r) => r.id);
    const dealerQb = this.db.manager(ctx).createQueryBuilder().select(['bd.price_book_id AS book_id', 'o.id AS id', 'o.code AS code', 'o.name AS name', 'o.type AS type'])
      .from('price_book_dealer', 'bd').innerJoin('organization', 'o', 'o.id = bd.dealer_id').where('bd.price_book_id = ANY(:ids)', { ids }).orderBy('o.code');
    // among a book's dealers, show only those the caller may see
    applyOrgScope(dealerQb, ctx, 'o.id');
    const [dealers, items] = await Promise.all([
      dealerQb.getRawMany<OrgRef & { book_id: string }>(),
      this.db.query<{ book_id: string; product_id: string; code: string; name: string; min_qty: string; price: string }>(
        ctx,
        'SELECT i.price_book_id AS book_id, i.product_id, p.code, p.name, i.min_qty, i.price FROM price_book_item i JOIN product p ON p.id = i.product_id WHERE i.price_book_id = ANY($1) ORDER BY p.code, i.min_qty',
        [ids],
      ),
    ]);
    return rows.map((r) => ({
      id: r.id,
      code: r.code,
      name: r.name,
      orgId: r.org_id,
      validFrom: r.valid_from,
      validTo: r.valid_to,
      status: r.status,
      remark: r.remark,
      dealers: dealers.filter((d) => d.book_id === r.id).map(({ id, code, name, type }) => ({ id, code, name, type })),
      items: items.filter((i) => i.book_id === r.id).map((i) => ({ productId: i.product_id, productCode: i.code, productName: i.name, minQty: i.min_qty, price: i.price })),
      version: r.version,
      createdAt: new Date(r.created_at).toISOString(),
      updatedAt: new Date(r.updated_at).toISOString(),
    }));
  }
}
