import { Injectable } from '@nestjs/common';
import { Dec, ErrorCode, OrgType, Paged, PromotionDto, PromotionKind } from '@drp/shared';
import { RequestContext } from '../../common/context/request-context';
import { DomainError, notFound, staleVersion } from '../../common/errors/domain-error';
import { applyOrgScope } from '../../common/scope/data-scope';
import { resolvePage, escapeLike } from '../../common/http/pagination';
import { DbService } from '../../database/db.service';
import { AuditService } from '../audit/audit.service';
import { ProductService } from '../catalog/product.service';
import { OrgService } from '../org/org.service';
import { CreatePromotionDto, PromotionQueryDto, UpdatePromotionDto } from './pricing.dto';

interface PromotionRow {
  id: string; code: string; name: string; org_id: string; kind: PromotionKind; value: string; min_qty: string; starts_at: Date; ends_at: Date;
  status: 'ACTIVE' | 'DISABLED'; product_ids: string[]; category_ids: string[]; branch_ids: string[]; levels: number[]; dealer_ids: string[]; remark: string | null; version: number;
}

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
  ) {}

  async list(ctx: RequestContext, q: PromotionQueryDto): Promise<Paged<PromotionDto>> {
    const qb = applyOrgScope(this.db.manager(ctx).createQueryBuilder().from('promotion', 'pr'), ctx, 'pr.org_id');
    if (q.status) qb.andWhere('pr.status = :status', { status: q.status });
    if (q.activeAt) qb.andWhere('pr.starts_at <= :at AND pr.ends_at > :at', { at: q.activeAt });
    if (q.q) qb.andWhere('(pr.code ILIKE :q OR pr.name ILIKE :q)', { q: `%${escapeLike(q.q)}%` });
    const { page, pageSize, column, direction, offset } = resolvePage(q, { startsAt: 'pr.starts_at', endsAt: 'pr.ends_at', code: 'pr.code', name: 'pr.name' }, '-startsAt');
    const [{ n }] = await qb.clone().select('count(*)::int', 'n').getRawMany<{ n: number }>();
    const rows = await qb.select('pr.*').orderBy(column, direction).addOrderBy('pr.id').offset(offset).limit(pageSize).getRawMany<PromotionRow>();
    return { items: rows.map(toDto), total: n, page, pageSize };
  }

  async get(ctx: RequestContext, id: string): Promise<PromotionDto> {
    const row = await applyOrgScope(this.db.manager(ctx).createQueryBuilder().from('promotion', 'pr'), ctx, 'pr.org_id').select('pr.*').andWhere('pr.id = :id', { id }).getRawOne<PromotionRow>();
    if (!row) throw notFound('promotion', id);
    return toDto(row);
  }

  async create(ctx: RequestContext, dto: CreatePromotionDto): Promise<PromotionDto> {
    const id = await this.db.tx(ctx, async (tx) => {
      const ownerId = dto.orgId ?? tx.actor.orgId;
      const owner = await this.orgs.assertVisible(tx, ownerId);
      if (owner.type === OrgType.DEALER) throw new DomainError(ErrorCode.VALIDATION_FAILED, 'A promotion belongs to HQ or a branch', { field: 'orgId' });
      const [{ taken }] = await this.db.query<{ taken: boolean }>(tx, 'SELECT EXISTS (SELECT 1 FROM promotion WHERE lower(code) = lower($1)) AS taken', [dto.code]);
      if (taken) throw new DomainError(ErrorCode.DUPLICATE, `The promotion code ${dto.code} is taken`, { field: 'code' });
      await this.check(tx, dto, owner.path);
      const [{ id: newId }] = await this.db.query<{ id: string }>(
        tx,
        `INSERT INTO promotion (code, name, org_id, kind, value, min_qty, starts_at, ends_at, product_ids, category_ids, branch_ids, levels, dealer_ids, remark)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14) RETURNING id`,
        [dto.code, dto.name.trim(), ownerId, dto.kind, dto.value, dto.minQty ?? '0', dto.startsAt, dto.endsAt, dto.productIds ?? [], dto.categoryIds ?? [], dto.branchIds ?? [], dto.levels ?? [], dto.dealerIds ?? [], dto.remark ?? null],
      );
      await this.audit.record(tx, { action: 'create', entity: 'promotion', entityId: newId, orgId: ownerId, summary: `created promotion ${dto.code} ${dto.name}`, after: { ...dto } });
      return newId;
    });
    return this.get(ctx, id);
  }

  async update(ctx: RequestContext, id: string, dto: UpdatePromotionDto): Promise<PromotionDto> {
    await this.db.tx(ctx, async (tx) => {
      await this.get(tx, id);
      const [row] = await this.db.query<PromotionRow>(tx, 'SELECT * FROM promotion WHERE id = $1 FOR UPDATE', [id]);
      if (row.version !== dto.version) throw staleVersion('promotion', dto.version, row.version);
      const merged: PromotionFields = {
        name: dto.name ?? row.name,
        kind: row.kind,
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
      await this.db.query(
        tx,
        `UPDATE promotion SET name=$2, value=$3, min_qty=$4, starts_at=$5, ends_at=$6, product_ids=$7, category_ids=$8, branch_ids=$9, levels=$10, dealer_ids=$11, remark=$12, version = version + 1 WHERE id = $1`,
        [id, merged.name, merged.value, merged.minQty, merged.startsAt, merged.endsAt, merged.productIds, merged.categoryIds, merged.branchIds, merged.levels, merged.dealerIds, merged.remark],
      );
      await this.audit.record(tx, { action: 'update', entity: 'promotion', entityId: id, orgId: row.org_id, summary: `edited promotion ${row.code}`, before: toDto(row), after: { ...toDto(row), ...merged } });
    });
    return this.get(ctx, id);
  }

  async setStatus(ctx: RequestContext, id: string, status: 'ACTIVE' | 'DISABLED'): Promise<PromotionDto> {
    const p = await this.get(ctx, id);
    if (p.status !== status) {
      await this.db.tx(ctx, async (tx) => {
        await this.db.query(tx, 'UPDATE promotion SET status = $2, version = version + 1 WHERE id = $1', [id, status]);
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
    const cats = await this.db.query<{ id: string }>(tx, 'SELECT id FROM category WHERE id = ANY($1)', [categoryIds]);
    const missingCats = categoryIds.filter((c) => !cats.some((x) => x.id === c));
    if (missingCats.length) throw new DomainError(ErrorCode.NOT_FOUND, 'Unknown categories', { entity: 'category', ids: missingCats });
    for (const [ids, type] of [[dto.branchIds ?? [], OrgType.BRANCH], [dto.dealerIds ?? [], OrgType.DEALER]] as const) {
      const rows = await this.db.query<{ id: string; type: OrgType }>(tx, 'SELECT id, type FROM organization WHERE id = ANY($1)', [ids]);
      const bad = ids.filter((id) => rows.find((r) => r.id === id)?.type !== type);
      if (bad.length) throw new DomainError(ErrorCode.NOT_FOUND, `Unknown ${type.toLowerCase()}(s)`, { entity: type.toLowerCase(), ids: bad });
    }
  }
}

function toDto(r: PromotionRow): PromotionDto {
  return {
    id: r.id, code: r.code, name: r.name, orgId: r.org_id, kind: r.kind, value: r.value, minQty: r.min_qty,
    startsAt: new Date(r.starts_at).toISOString(), endsAt: new Date(r.ends_at).toISOString(), status: r.status,
    productIds: r.product_ids, categoryIds: r.category_ids, branchIds: r.branch_ids, levels: r.levels.map(Number), dealerIds: r.dealer_ids, remark: r.remark, version: r.version,
  };
}
