import { Injectable } from '@nestjs/common';
import { ErrorCode, OrgType, Paged, WarehouseDto } from '@drp/shared';
import { sql } from 'kysely';
import { RequestContext } from '../../common/context/request-context';
import { DomainError, notFound, staleVersion } from '../../common/errors/domain-error';
import { escapeLike, pageIdsOf, Sortable } from '../../common/http/pagination';
import { orgScope } from '../../common/scope/data-scope';
import { DbService } from '../../database/db.service';
import { AuditService } from '../audit/audit.service';
import { OrgService } from '../org/org.service';
import { CreateWarehouseDto, UpdateWarehouseDto, WarehouseQueryDto } from './inventory.dto';

/** What a stock document needs to know about one of its warehouses. */
export interface DocWarehouse {
  id: string;
  code: string;
  name: string;
  orgId: string;
  orgPath: string;
}

const SORT: Sortable = { code: { notNull: 'w.code' }, name: { notNull: 'w.name' }, status: { notNull: 'w.status' }, createdAt: { notNull: 'w.created_at' }, updatedAt: { notNull: 'w.updated_at' } };

/**
 * Warehouses of HQ and the branches. Each belongs to one organisation and is visible exactly
 * where that organisation is (orgScope on w.org_id); everything stock-related is scoped
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
    return this.db.k.selectFrom('warehouse as w').innerJoin('organization as wo', 'wo.id', 'w.org_id').where(orgScope(ctx, 'w.org_id'));
  }

  /**
   * The ids of the warehouses the caller may see, as a subquery (`w.id IN (...)`), for queries
   * that must match a warehouse on either side (transfers).
   */
  visibleIds(ctx: RequestContext) {
    return this.db.k.selectFrom('warehouse as vw').select('vw.id').where(orgScope(ctx, 'vw.org_id'));
  }

  async list(ctx: RequestContext, q: WarehouseQueryDto): Promise<Paged<WarehouseDto>> {
    let query = this.scoped(ctx);
    if (q.orgId) query = query.where('w.org_id', '=', q.orgId);
    if (q.status) query = query.where('w.status', '=', q.status);
    if (q.q) {
      const like = `%${escapeLike(q.q)}%`;
      query = query.where((eb) => eb.or([eb('w.code', 'ilike', like), eb('w.name', 'ilike', like), eb('w.address', 'ilike', like), eb('wo.name', 'ilike', like)]));
    }
    const { ids, ...page } = await pageIdsOf(this.db, ctx, query, q, SORT, 'code', 'w.id');
    return { ...page, items: await this.load(ctx, ids) };
  }

  async get(ctx: RequestContext, id: string): Promise<WarehouseDto> {
    const [w] = await this.load(ctx, [id], true);
    if (!w) throw notFound('warehouse', id);
    return w;
  }

  async create(ctx: RequestContext, dto: CreateWarehouseDto): Promise<WarehouseDto> {
    const id = await this.db.tx(ctx, async (tx) => {
      const org = await this.orgs.assertVisible(tx, dto.orgId);
      if (org.type !== OrgType.HQ && org.type !== OrgType.BRANCH) {
        throw new DomainError(ErrorCode.VALIDATION_FAILED, 'A warehouse belongs to headquarters or a branch, not a dealer', { field: 'orgId' });
      }
      // the unique index is case-sensitive; this lock makes the case-insensitive check race-free
      await this.db.rows(tx, this.db.k.selectNoFrom(sql<null>`pg_advisory_xact_lock(hashtext(${'warehouse-code:' + dto.code.toLowerCase()}))`.as('locked')));
      const taken = await this.db.first(tx, this.db.k.selectFrom('warehouse').select('id').where(sql<string>`lower(code)`, '=', dto.code.toLowerCase()));
      if (taken) throw new DomainError(ErrorCode.DUPLICATE, `The warehouse code ${dto.code} is already used`, { field: 'code' });
      const w = await this.db.one(
        tx,
        this.db.k.insertInto('warehouse').values({ code: dto.code, name: dto.name.trim(), org_id: org.id, address: dto.address ?? null, status: 'ACTIVE' }).returning(['id', 'code', 'name', 'org_id', 'address', 'status', 'version']),
      );
      await this.audit.record(tx, { action: 'create', entity: 'warehouse', entityId: w.id, orgId: org.id, summary: `created warehouse ${w.code} ${w.name}`, after: auditView(w) });
      return w.id;
    });
    return this.get(ctx, id);
  }

  async update(ctx: RequestContext, id: string, dto: UpdateWarehouseDto): Promise<WarehouseDto> {
    await this.db.tx(ctx, async (tx) => {
      const w = await this.lockVisible(tx, id);
      if (w.version !== dto.version) throw staleVersion('warehouse', dto.version, w.version);
      const name = dto.name !== undefined ? dto.name.trim() : w.name;
      const address = dto.address !== undefined ? dto.address : w.address;
      // as the entity's save did: the row (and its version) changes only when a field does
      const changed = name !== w.name || address !== w.address;
      const after = { ...w, name, address, version: changed ? w.version + 1 : w.version };
      if (changed) await this.db.rows(tx, this.db.k.updateTable('warehouse').set({ name, address, version: after.version, updated_at: sql`now()` }).where('id', '=', id));
      await this.audit.record(tx, { action: 'update', entity: 'warehouse', entityId: id, orgId: w.org_id, summary: `edited warehouse ${w.code}`, before: auditView(w), after: auditView(after) });
    });
    return this.get(ctx, id);
  }

  /** A disabled warehouse keeps its stock and history but takes no new documents. */
  async setStatus(ctx: RequestContext, id: string, status: 'ACTIVE' | 'DISABLED'): Promise<WarehouseDto> {
    await this.db.tx(ctx, async (tx) => {
      const w = await this.lockVisible(tx, id);
      if (w.status === status) return;
      await this.db.rows(tx, this.db.k.updateTable('warehouse').set({ status, version: sql`version + 1`, updated_at: sql`now()` }).where('id', '=', id));
      await this.audit.record(tx, {
        action: status === 'DISABLED' ? 'disable' : 'enable',
        entity: 'warehouse',
        entityId: id,
        orgId: w.org_id,
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
    // visible (the scope's join) and locked in one statement
    const w = await this.db.first(tx, this.scoped(tx).select(['w.id', 'w.code', 'w.name', 'w.org_id', 'w.status', 'wo.path as org_path']).where('w.id', '=', id).forShare('w'));
    if (!w) throw notFound('warehouse', id);
    if (w.status !== 'ACTIVE') throw new DomainError(ErrorCode.WAREHOUSE_DISABLED, `The warehouse ${w.code} ${w.name} is disabled`, { warehouseId: id });
    return { id: w.id, code: w.code, name: w.name, orgId: w.org_id, orgPath: w.org_path };
  }

  /** The warehouse with its organisation's path, for product-scope checks; 404 when out of scope. */
  async visibleWithPath(ctx: RequestContext, id: string): Promise<DocWarehouse> {
    const w = await this.db.first(ctx, this.scoped(ctx).select(['w.id', 'w.code', 'w.name', 'w.org_id', 'wo.path as org_path']).where('w.id', '=', id));
    if (!w) throw notFound('warehouse', id);
    return { id: w.id, code: w.code, name: w.name, orgId: w.org_id, orgPath: w.org_path };
  }

  private async assertVisible(ctx: RequestContext, id: string): Promise<void> {
    const visible = await this.db.first(ctx, this.scoped(ctx).select('w.id').where('w.id', '=', id));
    if (!visible) throw notFound('warehouse', id);
  }

  private async lockVisible(tx: RequestContext, id: string) {
    await this.assertVisible(tx, id);
    return this.db.one(tx, this.db.k.selectFrom('warehouse').select(['id', 'code', 'name', 'org_id', 'address', 'status', 'version']).where('id', '=', id).forUpdate());
  }

  /** Warehouses by id, in that order, with their organisation (scoped when asked: a single `get`). */
  private async load(ctx: RequestContext, ids: string[], scoped = false): Promise<WarehouseDto[]> {
    if (!ids.length) return [];
    const base = scoped ? this.scoped(ctx) : this.db.k.selectFrom('warehouse as w').innerJoin('organization as wo', 'wo.id', 'w.org_id');
    const rows = await this.db.rows(
      ctx,
      base.select(['w.id', 'w.code', 'w.name', 'w.org_id', 'wo.code as org_code', 'wo.name as org_name', 'wo.type as org_type', 'w.address', 'w.status', 'w.version']).where('w.id', 'in', ids),
    );
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.flatMap((id) => {
      const w = byId.get(id);
      return w
        ? [{ id: w.id, code: w.code, name: w.name, org: { id: w.org_id, code: w.org_code, name: w.org_name, type: w.org_type as OrgType }, address: w.address, status: w.status as 'ACTIVE' | 'DISABLED', version: w.version }]
        : [];
    });
  }
}

/** The audited fields of a warehouse, named as the entity named them. */
function auditView(w: { id: string; code: string; name: string; org_id: string; address: string | null; status: string; version: number }) {
  return { id: w.id, code: w.code, name: w.name, orgId: w.org_id, address: w.address, status: w.status, version: w.version };
}
