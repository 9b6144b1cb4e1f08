import { Injectable } from '@nestjs/common';
import { ErrorCode, OrgType, Paged, WarehouseDto } from '@drp/shared';
import { RequestContext } from '../../common/context/request-context';
import { DomainError, notFound, staleVersion } from '../../common/errors/domain-error';
import { paginate, escapeLike } from '../../common/http/pagination';
import { applyOrgScope } from '../../common/scope/data-scope';
import { DbService } from '../../database/db.service';
import { AuditService } from '../audit/audit.service';
import { OrgService } from '../org/org.service';
import { Warehouse } from './inventory.entities';
import { CreateWarehouseDto, UpdateWarehouseDto, WarehouseQueryDto } from './inventory.dto';

/** What a stock document needs to know about one of its warehouses. */
export interface DocWarehouse {
  id: string;
  code: string;
  name: string;
  orgId: string;
  orgPath: string;
}

/**
 * Warehouses of HQ and the branches. Each belongs to one organisation and is visible exactly
 * where that organisation is (applyOrgScope on w.org_id); everything stock-related is scoped
 * through its warehouse.
 */
@Injectable()
export class WarehouseService {
  constructor(
    private readonly db: DbService,
    private readonly audit: AuditService,
    private readonly orgs: OrgService,
  ) {}

  private scoped(ctx: RequestContext) {
    const qb = this.db
      .repo(ctx, Warehouse)
      .createQueryBuilder('w')
      .innerJoin('organization', 'wo', 'wo.id = w.org_id')
      .addSelect('wo.code', 'org_code')
      .addSelect('wo.name', 'org_name')
      .addSelect('wo.type', 'org_type');
    return applyOrgScope(qb, ctx, 'w.org_id');
  }

  /**
   * The ids of the warehouses the caller may see, as a subquery (`w.id IN <sql>`), for queries
   * that must match a warehouse on either side (transfers).
   */
  visibleIdsSql(ctx: RequestContext): { sql: string; params: Record<string, unknown> } {
    const sub = applyOrgScope(this.db.manager(ctx).createQueryBuilder().select('vw.id').from('warehouse', 'vw'), ctx, 'vw.org_id');
    return { sql: `(${sub.getQuery()})`, params: sub.getParameters() };
  }

  async list(ctx: RequestContext, q: WarehouseQueryDto): Promise<Paged<WarehouseDto>> {
    const qb = this.scoped(ctx);
    if (q.orgId) qb.andWhere('w.org_id = :orgId', { orgId: q.orgId });
    if (q.status) qb.andWhere('w.status = :status', { status: q.status });
    if (q.q) qb.andWhere('(w.code ILIKE :q OR w.name ILIKE :q OR w.address ILIKE :q OR wo.name ILIKE :q)', { q: `%${escapeLike(q.q)}%` });
    return paginate(qb, q, { code: 'w.code', name: 'w.name', status: 'w.status', createdAt: 'w.created_at', updatedAt: 'w.updated_at' }, 'code', toDto);
  }

  async get(ctx: RequestContext, id: string): Promise<WarehouseDto> {
    const { entities, raw } = await this.scoped(ctx).andWhere('w.id = :id', { id }).getRawAndEntities();
    if (!entities[0]) throw notFound('warehouse', id);
    return toDto(entities[0], raw[0]);
  }

  async create(ctx: RequestContext, dto: CreateWarehouseDto): Promise<WarehouseDto> {
    const id = await this.db.tx(ctx, async (tx) => {
      const org = await this.orgs.assertVisible(tx, dto.orgId);
      if (org.type !== OrgType.HQ && org.type !== OrgType.BRANCH) {
        throw new DomainError(ErrorCode.VALIDATION_FAILED, 'A warehouse belongs to headquarters or a branch, not a dealer', { field: 'orgId' });
      }
      // the unique index is case-sensitive; this lock makes the case-insensitive check race-free
      await this.db.query(tx, `SELECT pg_advisory_xact_lock(hashtext('warehouse-code:' || lower($1)))`, [dto.code]);
      const [taken] = await this.db.query(tx, 'SELECT 1 FROM warehouse WHERE lower(code) = lower($1)', [dto.code]);
      if (taken) throw new DomainError(ErrorCode.DUPLICATE, `The warehouse code ${dto.code} is already used`, { field: 'code' });
      const repo = this.db.repo(tx, Warehouse);
      const w = await repo.save(repo.create({ code: dto.code, name: dto.name.trim(), orgId: org.id, address: dto.address ?? null, status: 'ACTIVE' }));
      await this.audit.record(tx, { action: 'create', entity: 'warehouse', entityId: w.id, orgId: org.id, summary: `created warehouse ${w.code} ${w.name}`, after: w });
      return w.id;
    });
    return this.get(ctx, id);
  }

  async update(ctx: RequestContext, id: string, dto: UpdateWarehouseDto): Promise<WarehouseDto> {
    await this.db.tx(ctx, async (tx) => {
      const w = await this.lockVisible(tx, id);
      if (w.version !== dto.version) throw staleVersion('warehouse', dto.version, w.version);
      const before = { ...w };
      if (dto.name !== undefined) w.name = dto.name.trim();
      if (dto.address !== undefined) w.address = dto.address;
      await this.db.repo(tx, Warehouse).save(w);
      await this.audit.record(tx, { action: 'update', entity: 'warehouse', entityId: id, orgId: w.orgId, summary: `edited warehouse ${w.code}`, before, after: w });
    });
    return this.get(ctx, id);
  }

  /** A disabled warehouse keeps its stock and history but takes no new documents. */
  async setStatus(ctx: RequestContext, id: string, status: 'ACTIVE' | 'DISABLED'): Promise<WarehouseDto> {
    await this.db.tx(ctx, async (tx) => {
      const w = await this.lockVisible(tx, id);
      if (w.status === status) return;
      await this.db.query(tx, 'UPDATE warehouse SET status = $2, version = version + 1 WHERE id = $1', [id, status]);
      await this.audit.record(tx, {
        action: status === 'DISABLED' ? 'disable' : 'enable',
        entity: 'warehouse',
        entityId: id,
        orgId: w.orgId,
        summary: `${status === 'DISABLED' ? 'disabled' : 'enabled'} warehouse ${w.code}`,
        before: { status: w.status },
        after: { status },
      });
    });
    return this.get(ctx, id);
  }

  /**
   * For stock documents: the warehouse is visible (else 404) and active (else 409). FOR SHARE
   * holds off a concurrent disable until the document commits, without serialising documents.
   */
  async lockForDocument(tx: RequestContext, id: string): Promise<DocWarehouse> {
    await this.assertVisible(tx, id);
    const [w] = await this.db.query<{ id: string; code: string; name: string; org_id: string; org_path: string; status: string }>(
      tx,
      `SELECT w.id, w.code, w.name, w.org_id, w.status, o.path AS org_path
         FROM warehouse w JOIN organization o ON o.id = w.org_id WHERE w.id = $1 FOR SHARE OF w`,
      [id],
    );
    if (!w) throw notFound('warehouse', id);
    if (w.status !== 'ACTIVE') throw new DomainError(ErrorCode.WAREHOUSE_DISABLED, `The warehouse ${w.code} ${w.name} is disabled`, { warehouseId: id });
    return { id: w.id, code: w.code, name: w.name, orgId: w.org_id, orgPath: w.org_path };
  }

  /** The warehouse with its organisation's path, for product-scope checks; 404 when out of scope. */
  async visibleWithPath(ctx: RequestContext, id: string): Promise<DocWarehouse> {
    await this.assertVisible(ctx, id);
    const [w] = await this.db.query<{ id: string; code: string; name: string; org_id: string; org_path: string }>(
      ctx,
      'SELECT w.id, w.code, w.name, w.org_id, o.path AS org_path FROM warehouse w JOIN organization o ON o.id = w.org_id WHERE w.id = $1',
      [id],
    );
    return { id: w.id, code: w.code, name: w.name, orgId: w.org_id, orgPath: w.org_path };
  }

  private async assertVisible(ctx: RequestContext, id: string): Promise<void> {
    const visible = await applyOrgScope(this.db.repo(ctx, Warehouse).createQueryBuilder('w').select('w.id'), ctx, 'w.org_id').andWhere('w.id = :id', { id }).getOne();
    if (!visible) throw notFound('warehouse', id);
  }

  private async lockVisible(tx: RequestContext, id: string): Promise<Warehouse> {
    await this.assertVisible(tx, id);
    return this.db.repo(tx, Warehouse).createQueryBuilder('w').where('w.id = :id', { id }).setLock('pessimistic_write').getOneOrFail();
  }
}

function toDto(w: Warehouse, raw: Record<string, unknown>): WarehouseDto {
  return {
    id: w.id,
    code: w.code,
    name: w.name,
    org: { id: w.orgId, code: raw.org_code as string, name: raw.org_name as string, type: raw.org_type as OrgType },
    address: w.address,
    status: w.status,
    version: w.version,
  };
}
