import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ALLOWED_PARENT_TYPES, ErrorCode, OrgDto, OrgStatus, OrgTreeNode, OrgType, Paged, sellingBranch, SettlementMethod } from '@drp/shared';
import { QueryFailedError } from 'typeorm';
import { RequestContext } from '../../common/context/request-context';
import { DomainError, notFound, staleVersion } from '../../common/errors/domain-error';
import { applyOrgScope } from '../../common/scope/data-scope';
import { paginate, escapeLike } from '../../common/http/pagination';
import { DbService } from '../../database/db.service';
import { AuditService } from '../audit/audit.service';
import { Organization } from './organization.entity';
import { CreateOrgDto, MoveOrgDto, OrgQueryDto, UpdateOrgDto } from './org.dto';

const DEALER_ONLY = ['priceLevel', 'settlementMethod'] as const;

/**
 * The SQL twin of `sellingBranch` (@drp/shared org.ts) for list queries that need it per row: a
 * scalar subquery answering `column` ('id', 'name', 'code') of the nearest BRANCH above the
 * organisation whose path is `pathExpr`, else the HQ. Change it and `sellingBranch` together.
 */
export function sellingBranchSql(pathExpr: string, column: 'id' | 'name' | 'code'): string {
  return `(SELECT sb.${column} FROM organization sb WHERE ${pathExpr} LIKE sb.path || '%' AND sb.type IN ('BRANCH','HQ') ORDER BY (sb.type = 'BRANCH') DESC, sb.depth DESC LIMIT 1)`;
}

/**
 * The organisation tree: HQ, branches (nestable) and dealers (with sub-dealers). Structural
 * changes (create, move, delete) take one advisory lock so concurrent moves cannot interleave
 * their path rewrites.
 */
@Injectable()
export class OrgService {
  constructor(
    private readonly db: DbService,
    private readonly audit: AuditService,
  ) {}

  private scoped(ctx: RequestContext) {
    const qb = this.db
      .repo(ctx, Organization)
      .createQueryBuilder('o')
      .addSelect('(SELECT count(*) FROM organization c WHERE c.parent_id = o.id)::int', 'child_count');
    return applyOrgScope(qb, ctx, 'o.id');
  }

  async list(ctx: RequestContext, q: OrgQueryDto): Promise<Paged<OrgDto>> {
    const qb = applyOrgScope(this.db.repo(ctx, Organization).createQueryBuilder('o'), ctx, 'o.id');
    if (q.type) qb.andWhere('o.type = :type', { type: q.type });
    if (q.status) qb.andWhere('o.status = :status', { status: q.status });
    if (q.parentId) qb.andWhere('o.parent_id = :parentId', { parentId: q.parentId });
    if (q.priceLevel) qb.andWhere('o.price_level = :priceLevel', { priceLevel: q.priceLevel });
    if (q.within) {
      const root = await this.get(ctx, q.within);
      qb.andWhere('o.path LIKE :within', { within: `${(await this.pathOf(ctx, root.id))}%` });
    }
    if (q.q) {
      qb.andWhere('(o.code ILIKE :q OR o.name ILIKE :q OR o.contact ILIKE :q OR o.phone ILIKE :q OR o.region ILIKE :q)', { q: `%${escapeLike(q.q)}%` });
    }
    const page = await paginate(qb, q, { code: 'o.code', name: 'o.name', createdAt: 'o.created_at', updatedAt: 'o.updated_at', type: 'o.type', path: 'o.path' }, 'code', (o) => o);
    // child counts for the page only (a per-row subquery would run for every row OFFSET skips)
    const counts = await this.db.query<{ parent_id: string; n: number }>(
      ctx,
      'SELECT parent_id, count(*)::int AS n FROM organization WHERE parent_id = ANY($1) GROUP BY parent_id',
      [page.items.map((o) => o.id)],
    );
    return { ...page, items: page.items.map((o) => toDto(o, { child_count: counts.find((c) => c.parent_id === o.id)?.n ?? 0 })) };
  }

  /** Every organisation in scope as a forest: a node whose parent is out of scope is a root. */
  async tree(ctx: RequestContext): Promise<OrgTreeNode[]> {
    const qb = applyOrgScope(this.db.repo(ctx, Organization).createQueryBuilder('o'), ctx, 'o.id').orderBy('o.depth').addOrderBy('o.code');
    const rows = await qb.getMany();
    const nodes = new Map<string, OrgTreeNode>();
    for (const o of rows) nodes.set(o.id, { id: o.id, code: o.code, name: o.name, type: o.type, parentId: o.parentId, status: o.status, children: [] });
    const roots: OrgTreeNode[] = [];
    for (const n of nodes.values()) {
      const parent = n.parentId ? nodes.get(n.parentId) : undefined;
      (parent ? parent.children : roots).push(n);
    }
    return roots;
  }

  async get(ctx: RequestContext, id: string): Promise<OrgDto> {
    const { entities, raw } = await this.scoped(ctx).andWhere('o.id = :id', { id }).getRawAndEntities();
    if (!entities[0]) throw notFound('organization', id);
    return toDto(entities[0], raw[0]);
  }

  /** For other modules: whether an organisation is visible to the caller (404 if not). */
  async assertVisible(ctx: RequestContext, id: string): Promise<Organization> {
    const org = await this.scoped(ctx).andWhere('o.id = :id', { id }).getOne();
    if (!org) throw notFound('organization', id);
    return org;
  }

  /** For other modules: which of these organisations the caller may see, and their types (one query). */
  async visibleTypes(ctx: RequestContext, ids: string[]): Promise<Map<string, OrgType>> {
    if (!ids.length) return new Map();
    const rows = await applyOrgScope(this.db.repo(ctx, Organization).createQueryBuilder('o').select(['o.id', 'o.type']), ctx, 'o.id').andWhere('o.id = ANY(:ids)', { ids }).getMany();
    return new Map(rows.map((o) => [o.id, o.type]));
  }

  async create(ctx: RequestContext, dto: CreateOrgDto): Promise<OrgDto> {
    const id = await this.db.tx(ctx, async (tx) => {
      await this.lockTree(tx);
      const parent = await this.lockVisible(tx, dto.parentId);
      this.assertMayChangeUnder(tx, parent);
      assertParentType(dto.type, parent.type);
      if (parent.status !== OrgStatus.ACTIVE) throw new DomainError(ErrorCode.ORG_PARENT_DISABLED, `The parent ${parent.name} is disabled; enable it first`);
      const fields = dealerFields(dto.type, dto);
      await this.assertCodeFree(tx, dto.code);
      const newId = randomUUID();
      const org = this.db.repo(tx, Organization).create({
        id: newId,
        code: dto.code,
        name: dto.name.trim(),
        type: dto.type,
        parentId: parent.id,
        path: `${parent.path}${newId}/`,
        depth: parent.depth + 1,
        status: OrgStatus.ACTIVE,
        contact: dto.contact ?? null,
        phone: dto.phone ?? null,
        address: dto.address ?? null,
        region: dto.region ?? null,
        longitude: dto.longitude ?? null,
        latitude: dto.latitude ?? null,
        remark: dto.remark ?? null,
        ...fields,
      });
      await this.db.repo(tx, Organization).insert(org);
      await this.audit.record(tx, { action: 'create', entity: 'org', entityId: newId, orgId: newId, summary: `created ${dto.type} ${dto.code} ${dto.name}`, after: org });
      return newId;
    });
    return this.get(ctx, id);
  }

  async update(ctx: RequestContext, id: string, dto: UpdateOrgDto): Promise<OrgDto> {
    await this.db.tx(ctx, async (tx) => {
      const org = await this.lockVisible(tx, id);
      this.assertMayChange(tx, org);
      if (org.version !== dto.version) throw staleVersion('organization', dto.version, org.version);
      const before = { ...org };
      const { version: _v, ...changes } = dto;
      if (org.type !== OrgType.DEALER) {
        for (const f of DEALER_ONLY) if (changes[f] !== undefined && changes[f] !== null) throw new DomainError(ErrorCode.VALIDATION_FAILED, `${f} applies to dealers only`, { field: f });
      }
      if (changes.name !== undefined) changes.name = changes.name.trim();
      Object.assign(org, changes);
      await this.db.repo(tx, Organization).save(org);
      await this.audit.record(tx, { action: 'update', entity: 'org', entityId: id, orgId: id, summary: `edited ${org.code} ${org.name}`, before, after: org });
    });
    return this.get(ctx, id);
  }

  /** Moves an organisation and its whole subtree under another parent. */
  async move(ctx: RequestContext, id: string, dto: MoveOrgDto): Promise<OrgDto> {
    await this.db.tx(ctx, async (tx) => {
      await this.lockTree(tx);
      const org = await this.lockVisible(tx, id);
      this.assertMayChange(tx, org);
      if (!org.parentId) throw new DomainError(ErrorCode.ORG_IS_ROOT, 'Headquarters cannot be moved');
      if (org.version !== dto.version) throw staleVersion('organization', dto.version, org.version);
      const parent = await this.lockVisible(tx, dto.parentId);
      this.assertMayChangeUnder(tx, parent);
      if (parent.path.startsWith(org.path)) throw new DomainError(ErrorCode.ORG_MOVE_INTO_OWN_SUBTREE, 'An organisation cannot move under itself or its own descendants');
      assertParentType(org.type, parent.type);
      if (parent.id === org.parentId) return;
      const oldPath = org.path;
      const newPath = `${parent.path}${org.id}/`;
      const delta = parent.depth + 1 - org.depth;
      await this.db.query(
        tx,
        `UPDATE organization SET path = $2 || substr(path, length($1) + 1), depth = depth + $3,
                parent_id = CASE WHEN id = $4 THEN $5::uuid ELSE parent_id END,
                version = CASE WHEN id = $4 THEN version + 1 ELSE version END
          WHERE path LIKE $6`,
        [oldPath, newPath, delta, org.id, parent.id, `${oldPath}%`],
      );
      await this.audit.record(tx, {
        action: 'move',
        entity: 'org',
        entityId: id,
        orgId: id,
        summary: `moved ${org.code} under ${parent.code}`,
        before: { parentId: org.parentId },
        after: { parentId: parent.id },
      });
    });
    return this.get(ctx, id);
  }

  /** Disables an organisation and everything below it; its users can no longer sign in. */
  async setStatus(ctx: RequestContext, id: string, status: OrgStatus): Promise<OrgDto> {
    await this.db.tx(ctx, async (tx) => {
      const org = await this.lockVisible(tx, id);
      this.assertMayChange(tx, org);
      if (!org.parentId && status === OrgStatus.DISABLED) throw new DomainError(ErrorCode.ORG_IS_ROOT, 'Headquarters cannot be disabled');
      if (org.status === status) return;
      if (status === OrgStatus.ACTIVE && org.parentId) {
        const [parent] = await this.db.query<{ status: OrgStatus; name: string }>(tx, 'SELECT status, name FROM organization WHERE id = $1', [org.parentId]);
        if (parent.status !== OrgStatus.ACTIVE) throw new DomainError(ErrorCode.ORG_PARENT_DISABLED, `The parent ${parent.name} is disabled; enable it first`);
      }
      const changed =
        status === OrgStatus.DISABLED
          ? await this.db.query<{ id: string }>(tx, `UPDATE organization SET status = 'DISABLED', version = version + 1 WHERE path LIKE $1 AND status <> 'DISABLED' RETURNING id`, [`${org.path}%`])
          : await this.db.query<{ id: string }>(tx, `UPDATE organization SET status = 'ACTIVE', version = version + 1 WHERE id = $1 RETURNING id`, [org.id]);
      await this.audit.record(tx, {
        action: status === OrgStatus.DISABLED ? 'disable' : 'enable',
        entity: 'org',
        entityId: id,
        orgId: id,
        summary: `${status === OrgStatus.DISABLED ? 'disabled' : 'enabled'} ${org.code} ${org.name}${changed.length > 1 ? ` and ${changed.length - 1} below it` : ''}`,
        before: { status: org.status },
        after: { status },
      });
    });
    return this.get(ctx, id);
  }

  /** Only an organisation without children, users or documents can be deleted; otherwise disable it. */
  async remove(ctx: RequestContext, id: string): Promise<void> {
    await this.db.tx(ctx, async (tx) => {
      await this.lockTree(tx);
      const org = await this.lockVisible(tx, id);
      this.assertMayChange(tx, org);
      if (!org.parentId) throw new DomainError(ErrorCode.ORG_IS_ROOT, 'Headquarters cannot be deleted');
      const [{ n }] = await this.db.query<{ n: number }>(tx, 'SELECT count(*)::int AS n FROM organization WHERE parent_id = $1', [id]);
      if (n > 0) throw new DomainError(ErrorCode.ORG_HAS_CHILDREN, `${org.name} has ${n} subordinate organisation(s); disable it instead of deleting`, { children: n });
      try {
        // Foreign keys from users and every later document table refuse the delete when referenced.
        await this.db.query(tx, 'DELETE FROM organization WHERE id = $1', [id]);
      } catch (e) {
        if (e instanceof QueryFailedError && (e.driverError as { code?: string }).code === '23503') {
          throw new DomainError(ErrorCode.ORG_HAS_DOCUMENTS, `${org.name} has users or documents; disable it instead of deleting`, { constraint: (e.driverError as { constraint?: string }).constraint });
        }
        throw e;
      }
      await this.audit.record(tx, { action: 'delete', entity: 'org', entityId: id, orgId: org.parentId, summary: `deleted ${org.code} ${org.name}`, before: org });
    });
  }

  /**
   * The selling branch of a dealer (`sellingBranch`: the nearest branch above it, else HQ) from
   * its materialised path; no scope applies (the caller has checked the dealer).
   */
  async sellingBranchOf(ctx: RequestContext, dealerPath: string): Promise<{ id: string; code: string; name: string }> {
    const ids = dealerPath.split('/').filter(Boolean);
    const rows = await this.db.query<{ id: string; code: string; name: string; type: OrgType }>(ctx, 'SELECT id, code, name, type FROM organization WHERE id = ANY($1::uuid[])', [ids]);
    const byId = new Map(rows.map((r) => [r.id, r]));
    const b = sellingBranch(ids.map((id) => byId.get(id)).filter((r): r is NonNullable<typeof r> => !!r));
    if (!b) throw notFound('selling branch of organization', ids[ids.length - 1] ?? dealerPath);
    return { id: b.id, code: b.code, name: b.name };
  }

  async pathOf(ctx: RequestContext, id: string): Promise<string> {
    const [row] = await this.db.query<{ path: string }>(ctx, 'SELECT path FROM organization WHERE id = $1', [id]);
    if (!row) throw notFound('organization', id);
    return row.path;
  }

  private async lockTree(tx: RequestContext): Promise<void> {
    await this.db.query(tx, `SELECT pg_advisory_xact_lock(hashtext('organization-tree'))`);
  }

  /** Locks a visible organisation row; out of scope answers 404 like a missing one. */
  private async lockVisible(tx: RequestContext, id: string): Promise<Organization> {
    const visible = await applyOrgScope(this.db.repo(tx, Organization).createQueryBuilder('o').select('o.id'), tx, 'o.id').andWhere('o.id = :id', { id }).getOne();
    if (!visible) throw notFound('organization', id);
    const org = await this.db.repo(tx, Organization).createQueryBuilder('o').where('o.id = :id', { id }).setLock('pessimistic_write').getOne();
    if (!org) throw notFound('organization', id);
    return org;
  }

  /** Below HQ, users manage what is under their organisation, not their organisation itself. */
  private assertMayChange(ctx: RequestContext, org: Organization): void {
    if (ctx.isSystem || ctx.actor.scope.all) return;
    if (org.id === ctx.actor.orgId) throw new DomainError(ErrorCode.FORBIDDEN, 'Your own organisation is managed by the level above you');
  }

  private assertMayChangeUnder(ctx: RequestContext, parent: Organization): void {
    if (ctx.isSystem || ctx.actor.scope.all) return;
    // a branch manager may add under their own branch; the parent is in scope already
    if (!parent.path.startsWith(ctx.actor.orgPath)) throw new DomainError(ErrorCode.FORBIDDEN, 'You can only add organisations within your own organisation');
  }

  private async assertCodeFree(tx: RequestContext, code: string): Promise<void> {
    const [row] = await this.db.query(tx, 'SELECT 1 FROM organization WHERE lower(code) = lower($1)', [code]);
    if (row) throw new DomainError(ErrorCode.DUPLICATE, `The code ${code} is already used by another organisation`, { field: 'code' });
  }

  /** A dealer's settlement method (结算方式), set from its credit settings (finance); audited when it changes. */
  async setSettlementMethod(tx: RequestContext, dealerId: string, method: SettlementMethod): Promise<void> {
    const before = await this.db.first(tx, this.db.k.selectFrom('organization').select(['code', 'settlement_method']).where('id', '=', dealerId).forUpdate());
    if (!before || before.settlement_method === method) return;
    await this.db.rows(tx, this.db.k.updateTable('organization').set((eb) => ({ settlement_method: method, version: eb('version', '+', 1) })).where('id', '=', dealerId));
    await this.audit.record(tx, { action: 'update', entity: 'org', entityId: dealerId, orgId: dealerId, summary: `settlement method of ${before.code}: ${method}`, before: { settlementMethod: before.settlement_method }, after: { settlementMethod: method } });
  }
}

function assertParentType(type: OrgType, parentType: OrgType): void {
  if (!ALLOWED_PARENT_TYPES[type].includes(parentType)) {
    throw new DomainError(ErrorCode.ORG_INVALID_PARENT, `A ${type} cannot be placed under a ${parentType}`, { type, parentType, allowed: ALLOWED_PARENT_TYPES[type] });
  }
}

function dealerFields(type: OrgType, dto: CreateOrgDto): Pick<Organization, 'priceLevel' | 'settlementMethod'> {
  if (type === OrgType.DEALER) return { priceLevel: dto.priceLevel ?? 1, settlementMethod: dto.settlementMethod ?? SettlementMethod.CASH };
  for (const f of DEALER_ONLY) {
    if (dto[f] !== undefined && dto[f] !== null) throw new DomainError(ErrorCode.VALIDATION_FAILED, `${f} applies to dealers only`, { field: f });
  }
  return { priceLevel: null, settlementMethod: null };
}

export function toDto(o: Organization, raw: Record<string, unknown> = {}): OrgDto {
  return {
    id: o.id,
    code: o.code,
    name: o.name,
    type: o.type,
    parentId: o.parentId,
    depth: o.depth,
    status: o.status,
    contact: o.contact,
    phone: o.phone,
    address: o.address,
    region: o.region,
    longitude: o.longitude,
    latitude: o.latitude,
    priceLevel: o.priceLevel,
    settlementMethod: o.settlementMethod,
    remark: o.remark,
    childCount: Number(raw.child_count ?? 0),
    version: o.version,
    createdAt: o.createdAt.toISOString(),
    updatedAt: o.updatedAt.toISOString(),
  };
}
