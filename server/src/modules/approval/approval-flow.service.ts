import { Injectable } from '@nestjs/common';
import { ApprovalFlowDto, ApprovalFlowInput, ApprovalStep, conditionProblems, ErrorCode, OrgType, Paged } from '@drp/shared';
import { sql } from 'kysely';
import { RequestContext } from '../../common/context/request-context';
import { DomainError, notFound, staleVersion } from '../../common/errors/domain-error';
import { escapeLike, pageIdsOf } from '../../common/http/pagination';
import { DbService } from '../../database/db.service';
import { AuditService } from '../audit/audit.service';
import { OrgService } from '../org/org.service';
import { RolesService } from '../roles/roles.service';
import { FlowQueryDto, SaveFlowDto } from './approval.dto';

/**
 * Approval flows (审批流): per document type and organisation subtree, ordered steps with
 * conditions and approvers. Every save is a new immutable version; a running approval keeps the
 * version it started with.
 */
@Injectable()
export class ApprovalFlowService {
  constructor(
    private readonly db: DbService,
    private readonly audit: AuditService,
    private readonly orgs: OrgService,
    private readonly roles: RolesService,
  ) {}

  async list(ctx: RequestContext, q: FlowQueryDto): Promise<Paged<ApprovalFlowDto>> {
    let query = this.db.k.selectFrom('approval_flow as f');
    if (q.docType) query = query.where('f.doc_type', '=', q.docType);
    if (q.q) {
      const like = `%${escapeLike(q.q)}%`;
      query = query.where((eb) => eb.or([eb('f.code', 'ilike', like), eb('f.name', 'ilike', like)]));
    }
    const { ids, ...page } = await pageIdsOf(this.db, ctx, query, q, { code: { notNull: 'f.code' }, updatedAt: { notNull: 'f.updated_at' } }, 'code', 'f.id');
    return { items: await this.load(ctx, ids), ...page };
  }

  async get(ctx: RequestContext, id: string): Promise<ApprovalFlowDto> {
    const [f] = await this.load(ctx, [id]);
    if (!f) throw notFound('approval flow', id);
    return f;
  }

  async create(ctx: RequestContext, dto: SaveFlowDto): Promise<ApprovalFlowDto> {
    await this.check(ctx, dto);
    const id = await this.db.tx(ctx, async (tx) => {
      const dup = await this.db.first(tx, this.db.k.selectFrom('approval_flow').select('id').where('code', '=', dto.code));
      if (dup) throw new DomainError(ErrorCode.DUPLICATE, `Flow code ${dto.code} is taken`, { field: 'code' });
      await this.assertNoOtherActive(tx, dto, null);
      const f = await this.db.one(tx, this.db.k.insertInto('approval_flow').values({ code: dto.code, name: dto.name, doc_type: dto.docType, org_id: dto.orgId }).returning('id'));
      await this.writeVersion(tx, f.id, 1, dto);
      await this.audit.record(tx, { action: 'create', entity: 'approval_flow', entityId: f.id, summary: `approval flow ${dto.code} (${dto.docType}), ${dto.steps.length} step(s)`, after: definition(dto) });
      return f.id;
    });
    return this.get(ctx, id);
  }

  /** Saves a new version; approvals already running keep theirs. */
  async update(ctx: RequestContext, id: string, dto: SaveFlowDto & { version: number }): Promise<ApprovalFlowDto> {
    await this.check(ctx, dto);
    await this.db.tx(ctx, async (tx) => {
      const f = await this.db.first(tx, this.db.k.selectFrom('approval_flow').select(['version', 'code']).where('id', '=', id).forUpdate());
      if (!f) throw notFound('approval flow', id);
      if (f.version !== dto.version) throw staleVersion('approval flow', dto.version, f.version);
      if (dto.code !== f.code) throw new DomainError(ErrorCode.VALIDATION_FAILED, 'A flow keeps its code', { field: 'code' });
      await this.assertNoOtherActive(tx, dto, id);
      const before = await this.get(tx, id);
      await this.db.rows(tx, this.db.k.updateTable('approval_flow').set({ name: dto.name, doc_type: dto.docType, org_id: dto.orgId, version: sql`version + 1` }).where('id', '=', id));
      await this.writeVersion(tx, id, f.version + 1, dto);
      await this.audit.record(tx, { action: 'update', entity: 'approval_flow', entityId: id, summary: `approval flow ${f.code} version ${f.version + 1}`, before: definition(before), after: definition(dto) });
    });
    return this.get(ctx, id);
  }

  async setStatus(ctx: RequestContext, id: string, status: 'ACTIVE' | 'DISABLED'): Promise<ApprovalFlowDto> {
    const flow = await this.get(ctx, id);
    await this.db.tx(ctx, async (tx) => {
      if (status === 'ACTIVE') await this.assertNoOtherActive(tx, flow, id);
      await this.db.rows(tx, this.db.k.updateTable('approval_flow').set({ status }).where('id', '=', id));
      await this.audit.record(tx, { action: status === 'ACTIVE' ? 'enable' : 'disable', entity: 'approval_flow', entityId: id, summary: `approval flow ${flow.code} ${status}`, before: { status: flow.status }, after: { status } });
    });
    return this.get(ctx, id);
  }

  /** The flow that applies to a document of a branch: the active one of the deepest organisation above it. */
  async applicable(tx: RequestContext, docType: string, branchId: string): Promise<ApplicableFlow | null> {
    return (await this.applicableMany(tx, [docType], branchId)).get(docType) ?? null;
  }

  /** `applicable` for several document types in one read (a document that may need several approvals looks them up before its locks). */
  async applicableMany(tx: RequestContext, docTypes: readonly string[], branchId: string): Promise<Map<string, ApplicableFlow | null>> {
    const rows = await this.db.rows(
      tx,
      this.db.k
        .selectFrom('approval_flow as f')
        .innerJoin('organization as o', 'o.id', 'f.org_id')
        .innerJoin('approval_flow_version as v', (j) => j.onRef('v.flow_id', '=', 'f.id').onRef('v.version', '=', 'f.version'))
        .distinctOn('f.doc_type')
        .select(['f.doc_type', 'f.id', 'f.name', 'f.version', 'v.definition'])
        .where('f.doc_type', 'in', [...docTypes])
        .where('f.status', '=', 'ACTIVE')
        .where(sql<boolean>`(SELECT path FROM organization WHERE id = ${branchId}) LIKE o.path || '%'`)
        .orderBy('f.doc_type')
        .orderBy('o.depth', 'desc'),
    );
    const found = new Map<string, ApplicableFlow | null>(docTypes.map((t) => [t, null]));
    for (const f of rows) found.set(f.doc_type, { id: f.id, name: f.name, version: f.version, def: f.definition as unknown as Definition });
    return found;
  }

  async definitionOf(tx: RequestContext, flowId: string, version: number): Promise<Definition> {
    const v = await this.db.one(tx, this.db.k.selectFrom('approval_flow_version').select('definition').where('flow_id', '=', flowId).where('version', '=', version));
    return v.definition as unknown as Definition;
  }

  private async check(ctx: RequestContext, dto: SaveFlowDto): Promise<void> {
    const org = await this.orgs.assertVisible(ctx, dto.orgId);
    if (org.type === OrgType.DEALER) throw new DomainError(ErrorCode.VALIDATION_FAILED, 'A flow applies to HQ or a branch subtree', { field: 'orgId' });
    const problems = dto.steps.flatMap((s, i) => conditionProblems(dto.docType, s.condition, `steps.${i}.condition`));
    if (problems.length) throw new DomainError(ErrorCode.APPROVAL_CONDITION_INVALID, problems.map((p) => `${p.path}: ${p.message}`).join('; '), { problems });
    const badShape = dto.steps.findIndex((s) =>
      s.approvers.some((a) =>
        a?.kind === 'ROLE' ? typeof a.role !== 'string' || !['DOC_BRANCH', 'PARENT_BRANCH', 'HQ'].includes(a.relativeTo) : a?.kind === 'USERS' ? !Array.isArray(a.userIds) || a.userIds.some((u) => typeof u !== 'string' || !UUID.test(u)) : true,
      ),
    );
    if (badShape >= 0) throw new DomainError(ErrorCode.VALIDATION_FAILED, `Step ${badShape + 1}: an approver is a role (role, relativeTo DOC_BRANCH|PARENT_BRANCH|HQ) or users (userIds)`, { field: `steps.${badShape}.approvers` });
    const empty = dto.steps.findIndex((s) => !s.approvers.length || s.approvers.some((a) => a.kind === 'USERS' && !a.userIds.length));
    if (empty >= 0) throw new DomainError(ErrorCode.APPROVAL_STEP_NO_APPROVERS, `Step ${empty + 1} has no approvers`, { field: `steps.${empty}.approvers` });
    const userIds = dto.steps.flatMap((s) => s.approvers.flatMap((a) => (a.kind === 'USERS' ? a.userIds : [])));
    if (userIds.length) {
      const found = await this.db.rows(ctx, this.db.k.selectFrom('app_user').select('id').where('id', 'in', userIds));
      const missing = userIds.filter((u) => !found.some((f) => f.id === u));
      if (missing.length) throw new DomainError(ErrorCode.NOT_FOUND, 'approver not found', { entity: 'user', ids: missing });
    }
    const roles = dto.steps.flatMap((s) => s.approvers.flatMap((a) => (a.kind === 'ROLE' ? [a.role] : [])));
    if (roles.length) {
      const known = new Set<string>();
      for (const code of new Set(roles)) if ((await this.roles.idsByCode(ctx, [code])).length) known.add(code);
      const missing = roles.filter((r) => !known.has(r));
      if (missing.length) throw new DomainError(ErrorCode.NOT_FOUND, `unknown role ${missing.join(', ')}`, { entity: 'role', codes: missing });
    }
  }

  private async assertNoOtherActive(tx: RequestContext, dto: { docType: string; orgId: string }, exceptId: string | null): Promise<void> {
    let q = this.db.k.selectFrom('approval_flow').select('code').where('doc_type', '=', dto.docType).where('org_id', '=', dto.orgId).where('status', '=', 'ACTIVE');
    if (exceptId) q = q.where('id', '<>', exceptId);
    const other = await this.db.first(tx, q);
    if (other) throw new DomainError(ErrorCode.DUPLICATE, `Flow ${other.code} already applies to this document type and organisation; disable it first`, { field: 'orgId', flow: other.code });
  }

  private async writeVersion(tx: RequestContext, flowId: string, version: number, dto: ApprovalFlowInput): Promise<void> {
    await this.db.rows(
      tx,
      this.db.k.insertInto('approval_flow_version').values({ flow_id: flowId, version, definition: JSON.stringify(definition(dto)), created_by: tx.user?.id ?? null }),
    );
  }

  private async load(ctx: RequestContext, ids: string[]): Promise<ApprovalFlowDto[]> {
    if (!ids.length) return [];
    const rows = await this.db.rows(
      ctx,
      this.db.k
        .selectFrom('approval_flow as f')
        .innerJoin('organization as o', 'o.id', 'f.org_id')
        .innerJoin('approval_flow_version as v', (j) => j.onRef('v.flow_id', '=', 'f.id').onRef('v.version', '=', 'f.version'))
        .selectAll('f')
        .select(['o.name as org_name', 'v.definition'])
        .where('f.id', 'in', ids),
    );
    return ids.flatMap((id) => {
      const r = rows.find((x) => x.id === id);
      if (!r) return [];
      const def = r.definition as unknown as Definition;
      return [{
        id,
        code: r.code,
        name: r.name,
        docType: r.doc_type as ApprovalFlowDto['docType'],
        orgId: r.org_id,
        orgName: r.org_name,
        status: r.status as 'ACTIVE' | 'DISABLED',
        version: r.version,
        onMissingApprover: def.onMissingApprover,
        steps: def.steps,
        updatedAt: new Date(r.updated_at).toISOString(),
      }];
    });
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The flow a document is routed by: its current version's definition. */
export interface ApplicableFlow {
  id: string;
  name: string;
  version: number;
  def: Definition;
}

export interface Definition {
  onMissingApprover: ApprovalFlowInput['onMissingApprover'];
  steps: ApprovalStep[];
}

function definition(dto: Pick<ApprovalFlowInput, 'onMissingApprover' | 'steps'>): Definition {
  return { onMissingApprover: dto.onMissingApprover, steps: dto.steps };
}
