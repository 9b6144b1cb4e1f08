import { Injectable } from '@nestjs/common';
import { ApprovalFlowDto, ApprovalFlowInput, ApprovalStep, conditionProblems, ErrorCode, OrgType, Paged } from '@drp/shared';
import { RequestContext } from '../../common/context/request-context';
import { DomainError, notFound, staleVersion } from '../../common/errors/domain-error';
import { escapeLike, pageIds } from '../../common/http/pagination';
import { DbService } from '../../database/db.service';
import { AuditService } from '../audit/audit.service';
import { OrgService } from '../org/org.service';
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
  ) {}

  async list(ctx: RequestContext, q: FlowQueryDto): Promise<Paged<ApprovalFlowDto>> {
    const qb = this.db.manager(ctx).createQueryBuilder().from('approval_flow', 'f');
    if (q.docType) qb.andWhere('f.doc_type = :docType', { docType: q.docType });
    if (q.q) qb.andWhere('(f.code ILIKE :q OR f.name ILIKE :q)', { q: `%${escapeLike(q.q)}%` });
    const { ids, ...page } = await pageIds(qb, q, { code: 'f.code', updatedAt: 'f.updated_at' }, 'code', 'f.id');
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
      const [dup] = await this.db.query(tx, 'SELECT 1 FROM approval_flow WHERE code = $1', [dto.code]);
      if (dup) throw new DomainError(ErrorCode.DUPLICATE, `Flow code ${dto.code} is taken`, { field: 'code' });
      await this.assertNoOtherActive(tx, dto, null);
      const [f] = await this.db.query<{ id: string }>(tx, 'INSERT INTO approval_flow (code, name, doc_type, org_id) VALUES ($1, $2, $3, $4) RETURNING id', [dto.code, dto.name, dto.docType, dto.orgId]);
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
      const [f] = await this.db.query<{ version: number; code: string }>(tx, 'SELECT version, code FROM approval_flow WHERE id = $1 FOR UPDATE', [id]);
      if (!f) throw notFound('approval flow', id);
      if (f.version !== dto.version) throw staleVersion('approval flow', dto.version, f.version);
      if (dto.code !== f.code) throw new DomainError(ErrorCode.VALIDATION_FAILED, 'A flow keeps its code', { field: 'code' });
      await this.assertNoOtherActive(tx, dto, id);
      const before = await this.get(tx, id);
      await this.db.query(tx, 'UPDATE approval_flow SET name = $2, doc_type = $3, org_id = $4, version = version + 1 WHERE id = $1', [id, dto.name, dto.docType, dto.orgId]);
      await this.writeVersion(tx, id, f.version + 1, dto);
      await this.audit.record(tx, { action: 'update', entity: 'approval_flow', entityId: id, summary: `approval flow ${f.code} version ${f.version + 1}`, before: definition(before), after: definition(dto) });
    });
    return this.get(ctx, id);
  }

  async setStatus(ctx: RequestContext, id: string, status: 'ACTIVE' | 'DISABLED'): Promise<ApprovalFlowDto> {
    const flow = await this.get(ctx, id);
    await this.db.tx(ctx, async (tx) => {
      if (status === 'ACTIVE') await this.assertNoOtherActive(tx, flow, id);
      await this.db.query(tx, 'UPDATE approval_flow SET status = $2 WHERE id = $1', [id, status]);
      await this.audit.record(tx, { action: status === 'ACTIVE' ? 'enable' : 'disable', entity: 'approval_flow', entityId: id, summary: `approval flow ${flow.code} ${status}`, before: { status: flow.status }, after: { status } });
    });
    return this.get(ctx, id);
  }

  /** The flow that applies to a document of a branch: the active one of the deepest organisation above it. */
  async applicable(tx: RequestContext, docType: string, branchId: string): Promise<{ id: string; name: string; version: number; def: Definition } | null> {
    const [f] = await this.db.query<{ id: string; name: string; version: number; definition: Definition }>(
      tx,
      `SELECT f.id, f.name, f.version, v.definition
         FROM approval_flow f JOIN organization o ON o.id = f.org_id JOIN approval_flow_version v ON v.flow_id = f.id AND v.version = f.version
        WHERE f.doc_type = $1 AND f.status = 'ACTIVE' AND (SELECT path FROM organization WHERE id = $2) LIKE o.path || '%'
        ORDER BY o.depth DESC LIMIT 1`,
      [docType, branchId],
    );
    return f ? { id: f.id, name: f.name, version: f.version, def: f.definition } : null;
  }

  async definitionOf(tx: RequestContext, flowId: string, version: number): Promise<Definition> {
    const [v] = await this.db.query<{ definition: Definition }>(tx, 'SELECT definition FROM approval_flow_version WHERE flow_id = $1 AND version = $2', [flowId, version]);
    return v.definition;
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
      const found = await this.db.query<{ id: string }>(ctx, 'SELECT id FROM app_user WHERE id = ANY($1)', [userIds]);
      const missing = userIds.filter((u) => !found.some((f) => f.id === u));
      if (missing.length) throw new DomainError(ErrorCode.NOT_FOUND, 'approver not found', { entity: 'user', ids: missing });
    }
    const roles = dto.steps.flatMap((s) => s.approvers.flatMap((a) => (a.kind === 'ROLE' ? [a.role] : [])));
    if (roles.length) {
      const found = await this.db.query<{ code: string }>(ctx, 'SELECT code FROM role WHERE code = ANY($1)', [roles]);
      const missing = roles.filter((r) => !found.some((f) => f.code === r));
      if (missing.length) throw new DomainError(ErrorCode.NOT_FOUND, `unknown role ${missing.join(', ')}`, { entity: 'role', codes: missing });
    }
  }

  private async assertNoOtherActive(tx: RequestContext, dto: { docType: string; orgId: string }, exceptId: string | null): Promise<void> {
    const [other] = await this.db.query<{ code: string }>(tx, `SELECT code FROM approval_flow WHERE doc_type = $1 AND org_id = $2 AND status = 'ACTIVE' AND id IS DISTINCT FROM $3`, [dto.docType, dto.orgId, exceptId]);
    if (other) throw new DomainError(ErrorCode.DUPLICATE, `Flow ${other.code} already applies to this document type and organisation; disable it first`, { field: 'orgId', flow: other.code });
  }

  private async writeVersion(tx: RequestContext, flowId: string, version: number, dto: ApprovalFlowInput): Promise<void> {
    await this.db.query(tx, 'INSERT INTO approval_flow_version (flow_id, version, definition, created_by) VALUES ($1, $2, $3::jsonb, $4)', [flowId, version, JSON.stringify(definition(dto)), tx.user?.id ?? null]);
  }

  private async load(ctx: RequestContext, ids: string[]): Promise<ApprovalFlowDto[]> {
    if (!ids.length) return [];
    const rows = await this.db.query<Record<string, unknown>>(
      ctx,
      `SELECT f.*, o.name AS org_name, v.definition FROM approval_flow f JOIN organization o ON o.id = f.org_id
         JOIN approval_flow_version v ON v.flow_id = f.id AND v.version = f.version WHERE f.id = ANY($1)`,
      [ids],
    );
    return ids.flatMap((id) => {
      const r = rows.find((x) => x.id === id);
      if (!r) return [];
      const def = r.definition as Definition;
      return [{
        id,
        code: r.code as string,
        name: r.name as string,
        docType: r.doc_type as ApprovalFlowDto['docType'],
        orgId: r.org_id as string,
        orgName: r.org_name as string,
        status: r.status as 'ACTIVE' | 'DISABLED',
        version: r.version as number,
        onMissingApprover: def.onMissingApprover,
        steps: def.steps,
        updatedAt: new Date(r.updated_at as Date).toISOString(),
      }];
    });
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface Definition {
  onMissingApprover: ApprovalFlowInput['onMissingApprover'];
  steps: ApprovalStep[];
}

function definition(dto: Pick<ApprovalFlowInput, 'onMissingApprover' | 'steps'>): Definition {
  return { onMissingApprover: dto.onMissingApprover, steps: dto.steps };
}
