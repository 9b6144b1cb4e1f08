import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ALLOWED_PARENT_TYPES, CompanyHeaderDto, ErrorCode, OrgDto, OrgStatus, OrgTreeNode, OrgType, Paged, sellingBranch, SettlementMethod, normalizeTaxId, taxIdProblem } from '@drp/shared';
import { RawBuilder, Selectable, sql } from 'kysely';
import { QueryFailedError } from 'typeorm';
import { RequestContext } from '../../common/context/request-context';
import { DomainError, notFound, staleVersion } from '../../common/errors/domain-error';
import { orgScope } from '../../common/scope/data-scope';
import { countUpToLimit, escapeLike, pageTotal, resolvePage } from '../../common/http/pagination';
import { DB, DbService } from '../../database/db.service';
import { AuditService } from '../audit/audit.service';
import { Organization } from './organization.entity';
import { CreateOrgDto, MoveOrgDto, OrgQueryDto, UpdateOrgDto } from './org.dto';

const DEALER_ONLY = ['priceLevel', 'settlementMethod'] as const;

type OrgRow = Selectable<DB['organization']>;

/** The entity-shaped view other modules receive (assertVisible). */
function toOrg(r: OrgRow): Organization {
  return {
    id: r.id, code: r.code, name: r.name, type: r.type as OrgType, parentId: r.parent_id, path: r.path, depth: r.depth, status: r.status as OrgStatus,
    contact: r.contact, phone: r.phone, address: r.address, region: r.region, longitude: r.longitude, latitude: r.latitude, priceLevel: r.price_level,
    settlementMethod: r.settlement_method as SettlementMethod | null, remark: r.remark, taxId: r.tax_id, version: r.version, createdAt: new Date(r.created_at), updatedAt: new Date(r.updated_at),
  };
}

/**
 * The SQL twin of `sellingBranch` (@drp/shared org.ts) for list queries that need it per row: a
 * scalar subquery answering `column` ('id', 'name', 'code') of the nearest BRANCH above the
 * organisation whose path is `pathExpr`, else the HQ. Change it and `sellingBranch` together.
 */
export function sellingBranchSql(pathExpr: string, column: 'id' | 'name' | 'code'): string {
  return `(SELECT sb.${column} FROM organization sb WHERE ${pathExpr} LIKE sb.path || '%' AND sb.type IN ('BRANCH','HQ') ORDER BY (sb.type = 'BRANCH') DESC, sb.depth DESC LIMIT 1)`;
}

/** `sellingBranchSql` for typed queries: `pathColumn` is a column reference from code (e.g. 'd.path'), never input. */
export function sellingBranchExpr(pathColumn: string, column: 'id' | 'name' | 'code'): RawBuilder<string> {
  return sql<string>`${sql.raw(sellingBranchSql(pathColumn, column))}`;
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
    return this.db.k.selectFrom('organization as o').where(orgScope(ctx, 'o.id'));
  }

  /**
   * The paged list (benched: e2e/bench/org-list.bench.ts), in one statement: the filter counted up
   * to EXACT_TOTAL_LIMIT + 1 rows, and the page (one row more than its size, to know whether
   * another follows) with its child counts. The page's ids are sorted on their own and its rows
   * read by id after (a deep page sorts ids and sort keys, not whole rows). Beyond the limit the
   * total is the planner's estimate (`pageTotal`: one EXPLAIN more), flagged `totalIsEstimate`.
   */
  async list(ctx: RequestContext, q: OrgQueryDto): Promise<Paged<OrgDto>> {
    let query = this.scoped(ctx);
    if (q.type) query = query.where('o.type', '=', q.type);
    if (q.status) query = query.where('o.status', '=', q.status);
    if (q.parentId) query = query.where('o.parent_id', '=', q.parentId);
    if (q.priceLevel) query = query.where('o.price_level', '=', q.priceLevel);
    if (q.within) {
      // out of scope answers 404 like a missing organisation
      const root = await this.db.first(ctx, this.scoped(ctx).select('o.path').where('o.id', '=', q.within));
      if (!root) throw notFound('organization', q.within);
      query = query.where('o.path', 'like', `${root.path}%`);
    }
    if (q.q) {
      const like = `%${escapeLike(q.q)}%`;
      query = query.where((eb) => eb.or([eb('o.code', 'ilike', like), eb('o.name', 'ilike', like), eb('o.contact', 'ilike', like), eb('o.phone', 'ilike', like), eb('o.region', 'ilike', like)]));
    }
    // column and direction come from resolvePage's allow-list (bare column names: the page is sorted inside and outside)
    const { page, pageSize, column, direction, offset } = resolvePage(q, { code: 'code', name: 'name', createdAt: 'created_at', updatedAt: 'updated_at', type: 'type', path: 'path' }, 'code');
    const ids = query
      .select('o.id')
      .orderBy(sql`${sql.ref(`o.${column}`)} ${sql.raw(direction)} NULLS LAST`)
      .orderBy('o.id')
      .limit(pageSize + 1)
      .offset(offset);
    const rows = await this.db.rows(
      ctx,
      this.db.k
        .selectFrom(countUpToLimit(this.db, query).as('t'))
        .leftJoin(
          (eb) =>
            eb
              .selectFrom(ids.as('k'))
              .innerJoin('organization as r', 'r.id', 'k.id')
              .selectAll('r')
              .select(sql<number>`(SELECT count(*) FROM organization c WHERE c.parent_id = r.id)::int`.as('child_count'))
              .as('p'),
          (join) => join.onTrue(),
        )
        .selectAll('p')
        .select('t.n as counted_up_to')
        .orderBy(sql`${sql.ref(`p.${column}`)} ${sql.raw(direction)} NULLS LAST`)
        .orderBy('p.id'),
    );
    const found = rows.filter((r): r is typeof r & OrgRow & { child_count: number } => r.id !== null);
    const total = await pageTotal(this.db, ctx, query, { countedUpTo: rows[0].counted_up_to, offset, pageSize, fetched: found.length });
    return { items: found.slice(0, pageSize).map(listDto), ...total, page, pageSize };
  }

  /** Every organisation in scope as a forest: a node whose parent is out of scope is a root. */
  async tree(ctx: RequestContext): Promise<OrgTreeNode[]> {
    const rows = await this.db.rows(ctx, this.scoped(ctx).select(['o.id', 'o.code', 'o.name', 'o.type', 'o.parent_id', 'o.status']).orderBy('o.depth').orderBy('o.code'));
    const nodes = new Map<string, OrgTreeNode>();
    for (const o of rows) nodes.set(o.id, { id: o.id, code: o.code, name: o.name, type: o.type as OrgType, parentId: o.parent_id, status: o.status as OrgStatus, children: [] });
    const roots: OrgTreeNode[] = [];
    for (const n of nodes.values()) {
      const parent = n.parentId ? nodes.get(n.parentId) : undefined;
      (parent ? parent.children : roots).push(n);
    }
    return roots;
  }

  async get(ctx: RequestContext, id: string): Promise<OrgDto> {
    const row = await this.db.first(
      ctx,
      this.scoped(ctx)
        .selectAll('o')
        .select(sql<number>`(SELECT count(*) FROM organization c WHERE c.parent_id = o.id)::int`.as('child_count'))
        .where('o.id', '=', id),
    );
    if (!row) throw notFound('organization', id);
    return toDto(toOrg(row), { child_count: row.child_count });
  }

  /**
   * The company's letterhead for printed documents (the HQ organisation: name, address, phone):
   * the seller on every order, shipment, receipt and statement, so any signed-in user reads it,
   * dealers too, whatever their scope; `taxId` is the HQ's tax id (null until HQ enters one).
   */
  async company(ctx: RequestContext): Promise<CompanyHeaderDto> {
    const row = await this.db.first(
      ctx,
      this.db.k.selectFrom('organization').select(['name', 'address', 'phone', 'tax_id']).where('type', '=', OrgType.HQ).orderBy('depth').orderBy('created_at').limit(1),
    );
    if (!row) throw notFound('organization', 'HQ');
    return { name: row.name, address: row.address, phone: row.phone, taxId: row.tax_id };
  }

  /** For other modules: whether an organisation is visible to the caller (404 if not). */
  async assertVisible(ctx: RequestContext, id: string): Promise<Organization> {
    const row = await this.db.first(ctx, this.scoped(ctx).selectAll('o').where('o.id', '=', id));
    if (!row) throw notFound('organization', id);
    return toOrg(row);
  }

  /**
   * assertVisible and the organisation's selling branch (sellingBranchOf) in one round trip, for
   * the order path. The branch is read by the path's ids (primary key), like sellingBranchOf, and
   * ordered as `sellingBranch` picks: the nearest BRANCH above, else the HQ.
   */
  async assertVisibleWithBranch(ctx: RequestContext, id: string): Promise<{ org: Organization; branchId: string }> {
    const row = await this.db.first(
      ctx,
      this.scoped(ctx)
        .selectAll('o')
        .select(
          sql<string | null>`(SELECT sb.id FROM organization sb WHERE sb.id = ANY(array_remove(string_to_array(o.path, '/'), '')::uuid[])
            AND sb.type IN ('BRANCH','HQ') ORDER BY (sb.type = 'BRANCH') DESC, sb.depth DESC LIMIT 1)`.as('selling_branch_id'),
        )
        .where('o.id', '=', id),
    );
    if (!row) throw notFound('organization', id);
    const { selling_branch_id: branchId, ...org } = row;
    if (!branchId) throw notFound('selling branch of organization', id);
    return { org: toOrg(org), branchId };
  }

  /** For other modules: which of these organisations the caller may see, and their types (one query). */
  async visibleTypes(ctx: RequestContext, ids: string[]): Promise<Map<string, OrgType>> {
    if (!ids.length) return new Map();
    const rows = await this.db.rows(ctx, this.scoped(ctx).select(['o.id', 'o.type']).where('o.id', 'in', ids));
    return new Map(rows.map((o) => [o.id, o.type as OrgType]));
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
      const org = toOrg(
        await this.db.one(
          tx,
          this.db.k
            .insertInto('organization')
            .values({
              id: newId,
              code: dto.code,
              name: dto.name.trim(),
              type: dto.type,
              parent_id: parent.id,
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
              tax_id: checkedTaxId(dto.taxId),
              price_level: fields.priceLevel,
              settlement_method: fields.settlementMethod,
            })
            .returningAll(),
        ),
      );
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
      if (changes.taxId !== undefined) changes.taxId = checkedTaxId(changes.taxId);
      Object.assign(org, changes);
      const saved = toOrg(
        await this.db.one(
          tx,
          this.db.k
            .updateTable('organization')
            .set((eb) => ({
              name: org.name, contact: org.contact, phone: org.phone, address: org.address, region: org.region, longitude: org.longitude, latitude: org.latitude,
              price_level: org.priceLevel, settlement_method: org.settlementMethod, remark: org.remark, tax_id: org.taxId, version: eb('version', '+', 1),
            }))
            .where('id', '=', id)
            .returningAll(),
        ),
      );
      await this.audit.record(tx, { action: 'update', entity: 'org', entityId: id, orgId: id, summary: `edited ${saved.code} ${saved.name}`, before, after: saved });
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
      // the whole subtree: paths re-rooted, depths shifted; the moved organisation gets its new parent
      await this.db.rows(
        tx,
        this.db.k
          .updateTable('organization')
          .set({
            path: sql<string>`${newPath} || substr(path, length(${oldPath}) + 1)`,
            depth: sql<number>`depth + ${delta}`,
            parent_id: sql<string>`CASE WHEN id = ${org.id} THEN ${parent.id}::uuid ELSE parent_id END`,
            version: sql<number>`CASE WHEN id = ${org.id} THEN version + 1 ELSE version END`,
          })
          .where('path', 'like', `${oldPath}%`),
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
        const parent = await this.db.one(tx, this.db.k.selectFrom('organization').select(['status', 'name']).where('id', '=', org.parentId));
        if (parent.status !== OrgStatus.ACTIVE) throw new DomainError(ErrorCode.ORG_PARENT_DISABLED, `The parent ${parent.name} is disabled; enable it first`);
      }
      const changed =
        status === OrgStatus.DISABLED
          ? await this.db.rows(
              tx,
              this.db.k
                .updateTable('organization')
                .set((eb) => ({ status: OrgStatus.DISABLED, version: eb('version', '+', 1) }))
                .where('path', 'like', `${org.path}%`)
                .where('status', '<>', OrgStatus.DISABLED)
                .returning('id'),
            )
          : await this.db.rows(tx, this.db.k.updateTable('organization').set((eb) => ({ status: OrgStatus.ACTIVE, version: eb('version', '+', 1) })).where('id', '=', org.id).returning('id'));
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
      const { n } = await this.db.one(tx, this.db.k.selectFrom('organization').select(sql<number>`count(*)::int`.as('n')).where('parent_id', '=', id));
      if (n > 0) throw new DomainError(ErrorCode.ORG_HAS_CHILDREN, `${org.name} has ${n} subordinate organisation(s); disable it instead of deleting`, { children: n });
      try {
        // Foreign keys from users and every later document table refuse the delete when referenced.
        await this.db.rows(tx, this.db.k.deleteFrom('organization').where('id', '=', id));
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
    const rows = ids.length ? await this.db.rows(ctx, this.db.k.selectFrom('organization').select(['id', 'code', 'name', 'type']).where('id', 'in', ids)) : [];
    const byId = new Map(rows.map((r) => [r.id, { ...r, type: r.type as OrgType }]));
    const b = sellingBranch(ids.map((id) => byId.get(id)).filter((r): r is NonNullable<typeof r> => !!r));
    if (!b) throw notFound('selling branch of organization', ids[ids.length - 1] ?? dealerPath);
    return { id: b.id, code: b.code, name: b.name };
  }

  async pathOf(ctx: RequestContext, id: string): Promise<string> {
    const row = await this.db.first(ctx, this.db.k.selectFrom('organization').select('path').where('id', '=', id));
    if (!row) throw notFound('organization', id);
    return row.path;
  }

  private async lockTree(tx: RequestContext): Promise<void> {
    await this.db.rows(tx, this.db.k.selectNoFrom(sql<unknown>`pg_advisory_xact_lock(hashtext('organization-tree'))`.as('locked')));
  }

  /** Locks a visible organisation row; out of scope answers 404 like a missing one. */
  private async lockVisible(tx: RequestContext, id: string): Promise<Organization> {
    const visible = await this.db.first(tx, this.scoped(tx).select('o.id').where('o.id', '=', id));
    if (!visible) throw notFound('organization', id);
    const org = await this.db.first(tx, this.db.k.selectFrom('organization').selectAll().where('id', '=', id).forUpdate());
    if (!org) throw notFound('organization', id);
    return toOrg(org);
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
    const row = await this.db.first(tx, this.db.k.selectFrom('organization').select('id').where(sql<boolean>`lower(code) = lower(${code})`));
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

/**
 * THE check of an organisation's tax id (统一社会信用代码, GB 32100-2015 check character, shared
 * taxIdProblem): a bad one is a 400 naming the field; empty or null clears it. Dealers' tax ids are
 * the buyer ids of their invoices.
 */
export function checkedTaxId(value: string | null | undefined): string | null {
  if (value === undefined || value === null || !value.trim()) return null;
  const problem = taxIdProblem(value);
  if (problem) throw new DomainError(ErrorCode.TAX_ID_INVALID, `taxId is not a valid 统一社会信用代码 / tax id (${problem.toLowerCase()})`, { field: 'taxId', reason: problem });
  return normalizeTaxId(value);
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
    taxId: o.taxId,
    childCount: Number(raw.child_count ?? 0),
    version: o.version,
    createdAt: o.createdAt.toISOString(),
    updatedAt: o.updatedAt.toISOString(),
  };
}

/** A list row as the answer's item (`toDto` without the entity in between: the list's hot path). */
function listDto(r: OrgRow & { child_count: number }): OrgDto {
  return {
    id: r.id, code: r.code, name: r.name, type: r.type as OrgType, parentId: r.parent_id, depth: r.depth, status: r.status as OrgStatus,
    contact: r.contact, phone: r.phone, address: r.address, region: r.region, longitude: r.longitude, latitude: r.latitude, priceLevel: r.price_level,
    settlementMethod: r.settlement_method as SettlementMethod | null, remark: r.remark, taxId: r.tax_id, childCount: r.child_count, version: r.version,
    createdAt: new Date(r.created_at).toISOString(), updatedAt: new Date(r.updated_at).toISOString(),
  };
}
