import { Injectable } from '@nestjs/common';
import { Selectable, sql } from 'kysely';
import { Dec, ErrorCode, OrgType, Paged, PromotionDto, PromotionKind } from '@drp/shared';
import { RequestContext } from '../../common/context/request-context';
import { DomainError, notFound, staleVersion } from '../../common/errors/domain-error';
import { orgScope } from '../../common/scope/data-scope';
import { resolvePage, escapeLike } from '../../common/http/pagination';
import { DB, DbService } from '../../database/db.service';
import { AuditService } from '../audit/audit.service';
import { CategoryService } from '../catalog/category.service';
import { ProductService } from '../catalog/product.service';
import { OrgService } from '../org/org.service';
import { CreatePromotionDto, PromotionQueryDto, UpdatePromotionDto } from './pricing.dto';

type PromotionRow = Selectable<DB['promotion']>;

const SORT = { startsAt: 'pr.starts_at', endsAt: 'pr.ends_at', code: 'pr.code', name: 'pr.name' };

type PromotionFields = Omit<CreatePromotionDto, 'code' | 'orgId'>;

/**
 * Time-boxed promotions: a special price or a percent off, optionally from a minimum quantity, for
 * chosen products or categories (with sub-categories), for chosen branches, levels or dealers
 * (each non-empty list narrows the audience; all empty means every dealer).
 */
@Injectable()
export class PromotionService {
  constructor(
    private readonly db: DbService,
    private readonly audit: AuditService,
    private readonly orgs: OrgService,
    private readonly products: ProductService,
    private readonly categories: CategoryService,
  ) {}

  private scoped(ctx: RequestContext) {
    return this.db.k.selectFrom('promotion as pr').where(orgScope(ctx, 'pr.org_id'));
  }

  async list(ctx: RequestContext, q: PromotionQueryDto): Promise<Paged<PromotionDto>> {
    let query = this.scoped(ctx);
    if (q.status) query = query.where('pr.status', '=', q.status);
    if (q.activeAt) query = query.where('pr.starts_at', '<=', sql<Date>`${q.activeAt}::timestamptz`).where('pr.ends_at', '>', sql<Date>`${q.activeAt}::timestamptz`);
    if (q.q) {
      const like = `%${escapeLike(q.q)}%`;
      query = query.where((eb) => eb.or([eb('pr.code', 'ilike', like), eb('pr.name', 'ilike', like)]));
    }
    const { page, pageSize, column, direction, offset } = resolvePage(q, SORT, '-startsAt');
    const [{ n }, rows] = await Promise.all([
      this.db.one(ctx, query.select(sql<number>`count(*)::int`.as('n'))),
      this.db.rows(ctx, query.selectAll('pr').orderBy(sql`${sql.raw(column)} ${sql.raw(direction)}`).orderBy('pr.id').offset(offset).limit(pageSize)),
    ]);
    return { items: rows.map(toDto), total: n, page, pageSize };
  }

  async get(ctx: RequestContext, id: string): Promise<PromotionDto> {
    const row = await this.db.first(ctx, this.scoped(ctx).selectAll('pr').where('pr.id', '=', id));
    if (!row) throw notFound('promotion', id);
    return toDto(row);
  }

  async create(ctx: RequestContext, dto: CreatePromotionDto): Promise<PromotionDto> {
    const id = await this.db.tx(ctx, async (tx) => {
      const ownerId = dto.orgId ?? tx.actor.orgId;
      const owner = await this.orgs.assertVisible(tx, ownerId);
      if (owner.type === OrgType.DEALER) throw new DomainError(ErrorCode.VALIDATION_FAILED, 'A promotion belongs to HQ or a branch', { field: 'orgId' });
      const taken = await this.db.first(tx, this.db.k.selectFrom('promotion').select('id').where(sql<string>`lower(code)`, '=', dto.code.toLowerCase()));
      if (taken) throw new DomainError(ErrorCode.DUPLICATE, `The promotion code ${dto.code} is taken`, { field: 'code' });
      await this.check(tx, dto, owner.path);
      const { id: newId } = await this.db.one(
        tx,
        this.db.k
          .insertInto('promotion')
          .values({
            code: dto.code, name: dto.name.trim(), org_id: ownerId, kind: dto.kind, value: dto.value, min_qty: dto.minQty ?? '0', starts_at: dto.startsAt, ends_at: dto.endsAt,
            product_ids: dto.productIds ?? [], category_ids: dto.categoryIds ?? [], branch_ids: dto.branchIds ?? [], levels: dto.levels ?? [], dealer_ids: dto.dealerIds ?? [], remark: dto.remark ?? null,
          })
          .returning('id'),
      );
      await this.audit.record(tx, { action: 'create', entity: 'promotion', entityId: newId, orgId: ownerId, summary: `created promotion ${dto.code} ${dto.name}`, after: { ...dto } });
      return newId;
    });
    return this.get(ctx, id);
  }

  async update(ctx: RequestContext, id: string, dto: UpdatePromotionDto): Promise<PromotionDto> {
    await this.db.tx(ctx, async (tx) => {
      await this.get(tx, id);
      const row = await this.db.one(tx, this.db.k.selectFrom('promotion').selectAll().where('id', '=', id).forUpdate());
      if (row.version !== dto.version) throw staleVersion('promotion', dto.version, row.version);
      const merged: PromotionFields = {
        name: dto.name ?? row.name,
        kind: row.kind as PromotionKind,
        value: dto.value ?? row.value,
        minQty: dto.minQty ?? row.min_qty,
        startsAt: dto.startsAt ?? row.starts_at.toISOString(),
        endsAt: dto.endsAt ?? row.ends_at.toISOString(),
        productIds: dto.productIds ?? row.product_ids,
        categoryIds: dto.categoryIds ?? row.category_ids,
        branchIds: dto.branchIds ?? row.branch_ids,
        levels: dto.levels ?? row.levels,
        dealerIds: dto.dealerIds ?? row.dealer_ids,
        remark: dto.remark !== undefined ? dto.remark : row.remark,
      };
      await this.check(tx, merged, await this.orgs.pathOf(tx, row.org_id));
      await this.db.rows(
        tx,
        this.db.k
          .updateTable('promotion')
          .set({
            name: merged.name, value: merged.value, min_qty: merged.minQty, starts_at: merged.startsAt, ends_at: merged.endsAt, product_ids: merged.productIds, category_ids: merged.categoryIds,
            branch_ids: merged.branchIds, levels: merged.levels, dealer_ids: merged.dealerIds, remark: merged.remark, version: sql`version + 1`,
          })
          .where('id', '=', id),
      );
      await this.audit.record(tx, { action: 'update', entity: 'promotion', entityId: id, orgId: row.org_id, summary: `edited promotion ${row.code}`, before: toDto(row), after: { ...toDto(row), ...merged } });
    });
    return this.get(ctx, id);
  }

  async setStatus(ctx: RequestContext, id: string, status: 'ACTIVE' | 'DISABLED'): Promise<PromotionDto> {
    const p = await this.get(ctx, id);
    if (p.status !== status) {
      await this.db.tx(ctx, async (tx) => {
        await this.db.rows(tx, this.db.k.updateTable('promotion').set({ status, version: sql`version + 1` }).where('id', '=', id));
        await this.audit.record(tx, { action: status === 'ACTIVE' ? 'enable' : 'disable', entity: 'promotion', entityId: id, orgId: p.orgId, summary: `${status === 'ACTIVE' ? 'enabled' : 'disabled'} promotion ${p.code}`, before: { status: p.status }, after: { status } });
      });
    }
    return this.get(ctx, id);
  }

  private async check(tx: RequestContext, dto: PromotionFields, ownerPath: string): Promise<void> {
    if (Date.parse(dto.endsAt) <= Date.parse(dto.startsAt)) {
      throw new DomainError(ErrorCode.PROMOTION_WINDOW_INVALID, 'A promotion must end after it starts', { startsAt: dto.startsAt, endsAt: dto.endsAt });
    }
    if (dto.kind === PromotionKind.PERCENT_OFF && !(new Dec(dto.value).greaterThan(0) && new Dec(dto.value).lessThan(100))) {
      throw new DomainError(ErrorCode.VALIDATION_FAILED, 'A percent off is above 0 and below 100', { field: 'value' });
    }
    const productIds = dto.productIds ?? [];
    const categoryIds = dto.categoryIds ?? [];
    if (!productIds.length && !categoryIds.length) throw new DomainError(ErrorCode.VALIDATION_FAILED, 'Choose the products or categories the promotion covers', { field: 'productIds' });
    if (productIds.length) await this.products.assertUsable(tx, productIds, { orgPath: ownerPath });
    const cats = await this.categories.existing(tx, categoryIds);
    const missingCats = categoryIds.filter((c) => !cats.has(c));
    if (missingCats.length) throw new DomainError(ErrorCode.NOT_FOUND, 'Unknown categories', { entity: 'category', ids: missingCats });
    for (const [ids, type] of [[dto.branchIds ?? [], OrgType.BRANCH], [dto.dealerIds ?? [], OrgType.DEALER]] as const) {
      const rows = ids.length ? await this.db.rows(tx, this.db.k.selectFrom('organization').select(['id', 'type']).where('id', 'in', ids)) : [];
      const bad = ids.filter((id) => rows.find((r) => r.id === id)?.type !== type);
      if (bad.length) throw new DomainError(ErrorCode.NOT_FOUND, `Unknown ${type.toLowerCase()}(s)`, { entity: type.toLowerCase(), ids: bad });
    }
  }
}

function toDto(r: PromotionRow): PromotionDto {
  return {
    id: r.id, code: r.code, name: r.name, orgId: r.org_id, kind: r.kind as PromotionKind, value: r.value, minQty: r.min_qty,
    startsAt: new Date(r.starts_at).toISOString(), endsAt: new Date(r.ends_at).toISOString(), status: r.status as PromotionDto['status'],
    productIds: r.product_ids, categoryIds: r.category_ids, branchIds: r.branch_ids, levels: r.levels.map(Number), dealerIds: r.dealer_ids, remark: r.remark, version: r.version,
  };
}
