import { Injectable, Logger } from '@nestjs/common';
import {
  ApprovalDocType, ApprovalEventDto, ApprovalInstanceDto, ApprovalStatus, ApprovalStep, ApprovalSummary, ApprovalTaskDto, ApproverSpec, ErrorCode, evaluateCondition, FactValues,
  fmtGrouped, Paged, TaskStatus,
} from '@drp/shared';
import { RequestContext } from '../../common/context/request-context';
import { DomainError, notFound } from '../../common/errors/domain-error';
import { resolvePage } from '../../common/http/pagination';
import { applyOrgScope, assertInScope } from '../../common/scope/data-scope';
import { DbService } from '../../database/db.service';
import { AuditService } from '../audit/audit.service';
import { JobsService } from '../jobs/jobs.service';
import { NotificationService } from '../notifications/notification.service';
import { ApprovalFlowService, Definition } from './approval-flow.service';
import { ApprovalRegistry } from './approval-registry';
import { DelegationDto, TaskQueryDto } from './approval.dto';

export const ESCALATION_JOB = 'approval.escalate-overdue';

/** The inbox line in Chinese, kept with the values for SMS / e-mail and older clients (the web words the values itself). */
const SUMMARY_ZH: Record<ApprovalDocType, (s: ApprovalSummary, amount: string) => string> = {
  [ApprovalDocType.SALES_ORDER]: (s, amount) => `${s.party} ¥${amount}`,
  [ApprovalDocType.CREDIT_OVERRIDE]: (s, amount) => `${s.party} 超额 ¥${amount}`,
  [ApprovalDocType.BELOW_FLOOR_PRICE]: (s, amount) => `${s.party} 低于底价 ¥${amount}`,
  [ApprovalDocType.STOCK_ADJUSTMENT]: (s, amount) => `${s.party} 盘点 ${s.lines ?? 0} 行 ¥${amount}`,
  [ApprovalDocType.RECEIPT_REVERSAL]: (s, amount) => `${s.party} 冲销 ¥${amount}`,
};

function summaryZh(docType: ApprovalDocType, s: ApprovalSummary): string {
  return SUMMARY_ZH[docType](s, fmtGrouped(s.amount)).slice(0, 200);
}

/** What a module hands over when one of its documents is submitted. */
export interface ApprovalRequest {
  docType: ApprovalDocType;
  docId: string;
  docNumber: string;
  /** what the inbox line says, as values (each client words them for the document type) */
  summary: ApprovalSummary;
  /** whose scope decides who may see it (an order: its dealer) */
  scopeOrgId: string;
  /** the branch approvers are found relative to */
  branchId: string;
  facts: FactValues;
  /** web route of the document, for notifications */
  link: string;
}

interface InstanceRow {
  id: string;
  doc_type: ApprovalDocType;
  doc_id: string;
  doc_number: string;
  doc_summary: string;
  summary: ApprovalSummary | null;
  scope_org_id: string;
  branch_id: string;
  flow_id: string | null;
  flow_version: number | null;
  status: ApprovalStatus;
  current_step: number | null;
  routing: { stepIndex: number; stepName: string; holds: boolean; matched: string[] }[];
  submitted_by: string | null;
}

/**
 * The approval engine (审批). On submit it picks the flow of the document's branch, evaluates
 * every step's condition once against the document's facts (recorded with the flow version), and
 * opens the first step that applies; approvers are found through the organisation tree when a
 * step opens. Decisions lock the approval row first, so two approvers acting at once serialise
 * and exactly one decides. The document module's handler runs in the same transaction.
 */
@Injectable()
export class ApprovalService {
  private readonly logger = new Logger('Approval');

  constructor(
    private readonly db: DbService,
    private readonly audit: AuditService,
    private readonly flows: ApprovalFlowService,
    private readonly registry: ApprovalRegistry,
    private readonly notifications: NotificationService,
    jobs: JobsService,
  ) {
    jobs.register(ESCALATION_JOB, async () => void (await this.escalateOverdue(RequestContext.system())), '*/10 * * * *');
  }

  /** Starts the approval of a submitted document: APPROVED when no step applies, else PENDING (or REJECTED by policy). */
  async start(tx: RequestContext, req: ApprovalRequest): Promise<ApprovalStatus.APPROVED | ApprovalStatus.PENDING | ApprovalStatus.REJECTED> {
    // a resubmitted document replaces the approval it had open
    await this.close(tx, req.docType, req.docId, 'superseded by a new submission');
    const flow = await this.flows.applicable(tx, req.docType, req.branchId);
    const routing = flow ? flow.def.steps.map((s, i) => ({ stepIndex: i, stepName: s.name, ...evaluateCondition(req.docType, s.condition, req.facts) })) : [];
    const [inst] = await this.db.query<InstanceRow>(
      tx,
      `INSERT INTO approval_instance (doc_type, doc_id, doc_number, doc_summary, summary, scope_org_id, branch_id, flow_id, flow_version, status, facts, routing, submitted_by)
       VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, $8, $9, 'PENDING', $10::jsonb, $11::jsonb, $12) RETURNING *`,
      [
        req.docType, req.docId, req.docNumber, summaryZh(req.docType, req.summary), JSON.stringify(req.summary), req.scopeOrgId, req.branchId, flow?.id ?? null, flow?.version ?? null,
        JSON.stringify(req.facts), JSON.stringify(routing), tx.user?.id ?? null,
      ],
    );
    await this.event(tx, inst.id, 'SUBMIT', null, null, flow ? `${flow.name} v${flow.version}` : 'no flow applies');
    const outcome = await this.openNext(tx, inst, flow?.def ?? null, 0, req.link);
    if (outcome === ApprovalStatus.APPROVED && !routing.some((r) => r.holds)) await this.event(tx, inst.id, 'AUTO_APPROVE', null, null, null);
    return outcome;
  }

  /**
   * A document numbered at the end of its transaction (orders) gives its final number here: the
   * approval and the notifications written in this same transaction (now() is the transaction's
   * start) are corrected.
   */
  async renumber(tx: RequestContext, docType: ApprovalDocType, docId: string, from: string, to: string): Promise<void> {
    await this.db.query(tx, 'UPDATE approval_instance SET doc_number = $3 WHERE doc_type = $1 AND doc_id = $2 AND doc_number = $4', [docType, docId, to, from]);
    await this.db.query(
      tx,
      `UPDATE notification SET title = replace(title, $1, $2),
              message = CASE WHEN message #>> '{params,number}' = $1 THEN jsonb_set(message, '{params,number}', to_jsonb($2::text)) ELSE message END
        WHERE created_at = now() AND position($1 in title) > 0`,
      [from, to],
    );
  }

  /** Closes a document's open approval (edited, cancelled, resubmitted) without a verdict. */
  async close(tx: RequestContext, docType: ApprovalDocType, docId: string, note: string): Promise<void> {
    const [open] = await this.db.query<{ id: string }>(tx, `SELECT id FROM approval_instance WHERE doc_type = $1 AND doc_id = $2 AND status = 'PENDING' FOR UPDATE`, [docType, docId]);
    if (!open) return;
    await this.db.query(tx, `UPDATE approval_task SET status = 'CLOSED', acted_at = now() WHERE instance_id = $1 AND status = 'PENDING'`, [open.id]);
    await this.db.query(tx, `UPDATE approval_instance SET status = 'WITHDRAWN', current_step = NULL, version = version + 1 WHERE id = $1`, [open.id]);
    await this.event(tx, open.id, 'WITHDRAW', null, null, note);
    await this.clearTaskNotices(tx, open.id);
  }

  async approve(ctx: RequestContext, taskId: string, comment?: string): Promise<ApprovalInstanceDto> {
    const id = await this.db.tx(ctx, async (tx) => {
      const { inst, task } = await this.lockTask(tx, taskId);
      await this.db.query(tx, `UPDATE approval_task SET status = 'APPROVED', comment = $2, acted_at = now() WHERE id = $1`, [task.id, comment?.trim() || null]);
      await this.event(tx, inst.id, 'APPROVE', task.step_index, task.step_name, comment?.trim() || null);
      const def = await this.flows.definitionOf(tx, inst.flow_id!, inst.flow_version!);
      const step = def.steps[task.step_index];
      const [{ open }] = await this.db.query<{ open: number }>(tx, `SELECT count(*)::int AS open FROM approval_task WHERE instance_id = $1 AND step_index = $2 AND status = 'PENDING'`, [inst.id, task.step_index]);
      if (step.mode === 'ANY' || open === 0) {
        await this.db.query(tx, `UPDATE approval_task SET status = 'CLOSED', acted_at = now() WHERE instance_id = $1 AND step_index = $2 AND status = 'PENDING'`, [inst.id, task.step_index]);
        const outcome = await this.openNext(tx, inst, def, task.step_index + 1, this.registry.handler(inst.doc_type).link(inst.doc_id));
        if (outcome === ApprovalStatus.APPROVED) await this.registry.handler(inst.doc_type).onApproved(tx, inst.doc_id);
        if (outcome === ApprovalStatus.REJECTED) await this.registry.handler(inst.doc_type).onRejected(tx, inst.doc_id, 'no approver could be found');
      }
      await this.clearTaskNotices(tx, inst.id);
      await this.audit.record(tx, { action: 'approve', entity: 'approval', entityId: inst.id, orgId: inst.scope_org_id, summary: `${inst.doc_number}: step ${task.step_index + 1} approved`, after: { taskId, comment: comment ?? null } });
      return inst.id;
    });
    return this.instance(ctx, id);
  }

  /** Reject (the document's module decides what that means) or return for changes; both need a reason. */
  async decideAgainst(ctx: RequestContext, taskId: string, verdict: 'REJECT' | 'RETURN', reason?: string): Promise<ApprovalInstanceDto> {
    const why = reason?.trim();
    if (!why) throw new DomainError(ErrorCode.APPROVAL_REASON_REQUIRED, verdict === 'REJECT' ? 'A rejection needs a reason' : 'Returning for changes needs a reason', { field: 'reason' });
    const id = await this.db.tx(ctx, async (tx) => {
      const { inst, task } = await this.lockTask(tx, taskId);
      const status = verdict === 'REJECT' ? ApprovalStatus.REJECTED : ApprovalStatus.RETURNED;
      await this.db.query(tx, `UPDATE approval_task SET status = $2, comment = $3, acted_at = now() WHERE id = $1`, [task.id, verdict === 'REJECT' ? 'REJECTED' : 'RETURNED', why]);
      await this.db.query(tx, `UPDATE approval_task SET status = 'CLOSED', acted_at = now() WHERE instance_id = $1 AND status = 'PENDING'`, [inst.id]);
      await this.db.query(tx, 'UPDATE approval_instance SET status = $2, current_step = NULL, version = version + 1 WHERE id = $1', [inst.id, status]);
      await this.event(tx, inst.id, verdict, task.step_index, task.step_name, why);
      const handler = this.registry.handler(inst.doc_type);
      if (verdict === 'REJECT') await handler.onRejected(tx, inst.doc_id, why);
      else await handler.onReopened(tx, inst.doc_id, 'RETURN', why);
      await this.notifications.notify(tx, [inst.submitted_by], {
        kind: verdict === 'REJECT' ? 'REJECTED' : 'RETURNED',
        title: `${inst.doc_number} ${verdict === 'REJECT' ? '被驳回' : '被退回修改'}`,
        body: why,
        link: this.registry.handler(inst.doc_type).link(inst.doc_id),
        message: { key: verdict === 'REJECT' ? 'rejected' : 'returned', params: { number: inst.doc_number } },
      });
      await this.clearTaskNotices(tx, inst.id);
      await this.audit.record(tx, { action: verdict.toLowerCase(), entity: 'approval', entityId: inst.id, orgId: inst.scope_org_id, summary: `${inst.doc_number}: ${verdict.toLowerCase()} at step ${task.step_index + 1}: ${why}`, after: { taskId, reason: why } });
      return inst.id;
    });
    return this.instance(ctx, id);
  }

  /** The submitter takes the document back; it is editable again. */
  async withdraw(ctx: RequestContext, instanceId: string): Promise<ApprovalInstanceDto> {
    await this.instance(ctx, instanceId);
    await this.db.tx(ctx, async (tx) => {
      const [head] = await this.db.query<{ doc_type: ApprovalDocType; doc_id: string }>(tx, 'SELECT doc_type, doc_id FROM approval_instance WHERE id = $1', [instanceId]);
      await this.registry.handler(head.doc_type).lock(tx, head.doc_id);
      const [inst] = await this.db.query<InstanceRow>(tx, 'SELECT * FROM approval_instance WHERE id = $1 FOR UPDATE', [instanceId]);
      if (inst.submitted_by !== ctx.actor.id) throw new DomainError(ErrorCode.FORBIDDEN, 'Only the submitter can withdraw', {});
      if (inst.status !== ApprovalStatus.PENDING) throw new DomainError(ErrorCode.INVALID_STATE, `The approval is ${inst.status}`, { status: inst.status });
      await this.db.query(tx, `UPDATE approval_task SET status = 'CLOSED', acted_at = now() WHERE instance_id = $1 AND status = 'PENDING'`, [inst.id]);
      await this.db.query(tx, `UPDATE approval_instance SET status = 'WITHDRAWN', current_step = NULL, version = version + 1 WHERE id = $1`, [inst.id]);
      await this.event(tx, inst.id, 'WITHDRAW', null, null, null);
      await this.registry.handler(inst.doc_type).onReopened(tx, inst.doc_id, 'WITHDRAW', null);
      await this.clearTaskNotices(tx, inst.id);
      await this.audit.record(tx, { action: 'withdraw', entity: 'approval', entityId: inst.id, orgId: inst.scope_org_id, summary: `${inst.doc_number} withdrawn from approval` });
    });
    return this.instance(ctx, instanceId);
  }

  // ---- inbox and reads ----

  async tasks(ctx: RequestContext, q: TaskQueryDto): Promise<Paged<ApprovalTaskDto> & { counts: { todo: number; done: number; submitted: number } }> {
    const box = q.box ?? 'todo';
    const qb = this.db.manager(ctx).createQueryBuilder().from('approval_task', 't').innerJoin('approval_instance', 'i', 'i.id = t.instance_id');
    applyOrgScope(qb, ctx, 'i.scope_org_id');
    const counts = (await qb
      .clone()
      .select(`count(*) FILTER (WHERE t.approver_id = :me AND t.status = 'PENDING')::int`, 'todo')
      .addSelect(`count(*) FILTER (WHERE t.approver_id = :me AND t.status IN ('APPROVED','REJECTED','RETURNED'))::int`, 'done')
      .addSelect(`count(*) FILTER (WHERE i.submitted_by = :me AND t.status = 'PENDING')::int`, 'submitted')
      .setParameter('me', ctx.actor.id)
      .getRawOne<{ todo: number; done: number; submitted: number }>())!;
    if (box === 'todo') qb.andWhere(`t.approver_id = :me AND t.status = 'PENDING'`, { me: ctx.actor.id });
    else if (box === 'done') qb.andWhere(`t.approver_id = :me AND t.status IN ('APPROVED','REJECTED','RETURNED')`, { me: ctx.actor.id });
    else qb.andWhere(`i.submitted_by = :me AND t.status = 'PENDING'`, { me: ctx.actor.id });
    const { page, pageSize, column, direction, offset } = resolvePage(q, { createdAt: 't.created_at', actedAt: 't.acted_at' }, box === 'done' ? '-actedAt' : '-createdAt');
    const { n } = (await qb.clone().select('count(*)::int', 'n').getRawOne<{ n: number }>())!;
    const ids = await qb.select('t.id', 'id').orderBy(column, direction, 'NULLS LAST').addOrderBy('t.id').offset(offset).limit(pageSize).getRawMany<{ id: string }>();
    return { items: await this.loadTasks(ctx, ids.map((r) => r.id)), total: n, page, pageSize, counts };
  }

  /** One approval with its tasks, routing and timeline; 404 outside the caller's scope. */
  async instance(ctx: RequestContext, id: string): Promise<ApprovalInstanceDto> {
    await assertInScope(this.db.manager(ctx), ctx, 'approval_instance', 'scope_org_id', id, 'approval');
    return (await this.loadInstances(ctx, [id]))[0];
  }

  /** Every approval of a document, newest first (the panel and timeline on document pages). */
  async forDocument(ctx: RequestContext, docType: ApprovalDocType | undefined, docId: string): Promise<ApprovalInstanceDto[]> {
    const qb = this.db.manager(ctx).createQueryBuilder().from('approval_instance', 'i').select('i.id', 'id').where('i.doc_id = :docId', { docId }).orderBy('i.created_at', 'DESC').addOrderBy('i.id', 'DESC');
    if (docType) qb.andWhere('i.doc_type = :docType', { docType });
    applyOrgScope(qb, ctx, 'i.scope_org_id');
    const rows = await qb.getRawMany<{ id: string }>();
    return this.loadInstances(ctx, rows.map((r) => r.id));
  }

  // ---- delegation ----

  async delegations(ctx: RequestContext) {
    return this.db.query(
      ctx,
      `SELECT d.id, d.delegate_id AS "delegateId", u.display_name AS "delegateName", d.starts_at AS "startsAt", d.ends_at AS "endsAt"
         FROM approval_delegation d JOIN app_user u ON u.id = d.delegate_id WHERE d.user_id = $1 AND d.ends_at > now() ORDER BY d.starts_at`,
      [ctx.actor.id],
    );
  }

  async delegate(ctx: RequestContext, dto: DelegationDto) {
    if (dto.delegateId === ctx.actor.id) throw new DomainError(ErrorCode.VALIDATION_FAILED, 'Delegate to someone else', { field: 'delegateId' });
    if (new Date(dto.endsAt) <= new Date(dto.startsAt)) throw new DomainError(ErrorCode.VALIDATION_FAILED, 'The period ends before it starts', { field: 'endsAt' });
    return this.db.tx(ctx, async (tx) => {
      const [u] = await this.db.query(tx, `SELECT 1 FROM app_user WHERE id = $1 AND status = 'ACTIVE'`, [dto.delegateId]);
      if (!u) throw new DomainError(ErrorCode.NOT_FOUND, 'delegate not found', { entity: 'user', field: 'delegateId' });
      const [d] = await this.db.query<{ id: string }>(tx, 'INSERT INTO approval_delegation (user_id, delegate_id, starts_at, ends_at) VALUES ($1, $2, $3, $4) RETURNING id', [ctx.actor.id, dto.delegateId, dto.startsAt, dto.endsAt]);
      await this.audit.record(tx, { action: 'delegate', entity: 'approval', entityId: d.id, summary: `approvals delegated ${dto.startsAt} .. ${dto.endsAt}`, after: { ...dto } });
      return { id: d.id };
    });
  }

  async endDelegation(ctx: RequestContext, id: string): Promise<void> {
    // one not started yet is simply removed; a running one ends now
    await this.db.query(ctx, 'DELETE FROM approval_delegation WHERE id = $1 AND user_id = $2 AND starts_at > now()', [id, ctx.actor.id]);
    await this.db.query(ctx, 'UPDATE approval_delegation SET ends_at = now() WHERE id = $1 AND user_id = $2 AND starts_at <= now() AND ends_at > now()', [id, ctx.actor.id]);
  }

  // ---- the steps ----

  /**
   * Opens the first step from `from` whose condition held: its approvers are resolved now,
   * through the organisation tree from the document's branch. No step left: APPROVED. No approver
   * found: the flow's policy (HQ admins, or a rejection).
   */
  private async openNext(tx: RequestContext, inst: InstanceRow, def: Definition | null, from: number, link: string): Promise<ApprovalStatus.APPROVED | ApprovalStatus.PENDING | ApprovalStatus.REJECTED> {
    const steps = def?.steps ?? [];
    for (let i = from; i < steps.length; i++) {
      const route = inst.routing[i];
      if (!route?.holds) {
        await this.event(tx, inst.id, 'STEP_SKIPPED', i, steps[i].name, null);
        continue;
      }
      // an approver who cannot see the document could never act on it (404): such a one does not count
      let approvers = await this.canSee(tx, await this.resolve(tx, steps[i].approvers, inst.branch_id), inst.scope_org_id);
      if (!approvers.length && def!.onMissingApprover === 'ESCALATE_HQ_ADMIN') {
        approvers = await this.canSee(tx, await this.hqAdmins(tx), inst.scope_org_id);
        await this.event(tx, inst.id, 'NO_APPROVER', i, steps[i].name, 'escalated to HQ administrators');
      }
      if (!approvers.length) {
        await this.db.query(tx, `UPDATE approval_instance SET status = 'REJECTED', current_step = NULL, version = version + 1 WHERE id = $1`, [inst.id]);
        await this.event(tx, inst.id, 'NO_APPROVER', i, steps[i].name, 'rejected: no approver could be found');
        return ApprovalStatus.REJECTED;
      }
      await this.openTasks(tx, inst, i, steps[i], approvers);
      await this.db.query(tx, 'UPDATE approval_instance SET current_step = $2, version = version + 1 WHERE id = $1', [inst.id, i]);
      await this.event(tx, inst.id, 'STEP_OPEN', i, steps[i].name, route.matched.join(', ') || null);
      return ApprovalStatus.PENDING;
    }
    await this.db.query(tx, `UPDATE approval_instance SET status = 'APPROVED', current_step = NULL, version = version + 1 WHERE id = $1`, [inst.id]);
    await this.event(tx, inst.id, 'APPROVED', null, null, null);
    if (from > 0) await this.notifications.notify(tx, [inst.submitted_by], {
      kind: 'APPROVED', title: `${inst.doc_number} 审批通过`, body: inst.doc_summary, link,
      message: { key: 'approved', params: { number: inst.doc_number }, ...this.summaryOf(inst) },
    });
    return ApprovalStatus.APPROVED;
  }

  private async openTasks(tx: RequestContext, inst: InstanceRow, stepIndex: number, step: ApprovalStep, approvers: string[]): Promise<void> {
    // a delegation running now sends the task to the delegate
    const dels = await this.db.query<{ user_id: string; delegate_id: string }>(
      tx,
      `SELECT DISTINCT ON (user_id) user_id, delegate_id FROM approval_delegation WHERE user_id = ANY($1) AND starts_at <= now() AND ends_at > now() ORDER BY user_id, starts_at DESC`,
      [approvers],
    );
    // a delegate who cannot see the document leaves the task with the approver
    const seeing = new Set(await this.canSee(tx, dels.map((d) => d.delegate_id), inst.scope_org_id));
    const rows = approvers.map((a) => {
      const d = dels.find((x) => x.user_id === a && seeing.has(x.delegate_id));
      return { approver: d?.delegate_id ?? a, from: d ? a : null };
    });
    const unique = rows.filter((r, i) => rows.findIndex((x) => x.approver === r.approver) === i);
    await this.db.query(
      tx,
      `INSERT INTO approval_task (instance_id, step_index, step_name, approver_id, delegated_from, due_at)
       SELECT $1, $2, $3, t.a, t.f, CASE WHEN $6::int IS NULL THEN NULL ELSE now() + make_interval(hours => $6::int) END FROM unnest($4::uuid[], $5::uuid[]) AS t(a, f)`,
      [inst.id, stepIndex, step.name, unique.map((r) => r.approver), unique.map((r) => r.from), step.timeLimitHours],
    );
    await this.notifications.notify(tx, unique.map((r) => r.approver), {
      kind: 'TASK', title: `待审批：${inst.doc_number}`, body: `${step.name} · ${inst.doc_summary}`, link: '/approvals/inbox',
      message: { key: 'task', params: { number: inst.doc_number, step: step.name }, ...this.summaryOf(inst) },
    });
  }

  /** The summary values a notice about this approval carries (none on approvals started before they existed). */
  private summaryOf(inst: InstanceRow): { summary?: { docType: ApprovalDocType; values: ApprovalSummary } } {
    return inst.summary ? { summary: { docType: inst.doc_type, values: inst.summary } } : {};
  }

  /** Users holding an approver role at the organisation the spec names, relative to the document's branch; or the named users. */
  private async resolve(tx: RequestContext, specs: ApproverSpec[], branchId: string): Promise<string[]> {
    const out = new Set<string>();
    for (const spec of specs) {
      if (spec.kind === 'USERS') {
        const rows = await this.db.query<{ id: string }>(tx, `SELECT id FROM app_user WHERE id = ANY($1) AND status = 'ACTIVE'`, [spec.userIds]);
        rows.forEach((r) => out.add(r.id));
        continue;
      }
      const orgId = await this.relativeOrg(tx, branchId, spec.relativeTo);
      if (!orgId) continue;
      const rows = await this.db.query<{ id: string }>(
        tx,
        `SELECT u.id FROM app_user u JOIN user_role ur ON ur.user_id = u.id JOIN role r ON r.id = ur.role_id
          WHERE u.org_id = $1 AND r.code = $2 AND u.status = 'ACTIVE' ORDER BY u.username`,
        [orgId, spec.role],
      );
      rows.forEach((r) => out.add(r.id));
    }
    return [...out];
  }

  private async relativeOrg(tx: RequestContext, branchId: string, rel: 'DOC_BRANCH' | 'PARENT_BRANCH' | 'HQ'): Promise<string | null> {
    if (rel === 'DOC_BRANCH') return branchId;
    if (rel === 'HQ') return (await this.db.query<{ id: string }>(tx, `SELECT id FROM organization WHERE type = 'HQ'`))[0]?.id ?? null;
    const [p] = await this.db.query<{ id: string }>(
      tx,
      `SELECT a.id FROM organization b JOIN organization a ON b.path LIKE a.path || '%' AND a.id <> b.id AND a.type IN ('BRANCH','HQ')
        WHERE b.id = $1 ORDER BY a.depth DESC LIMIT 1`,
      [branchId],
    );
    return p?.id ?? null;
  }

  /**
   * The users among `userIds` whose data scope reaches the organisation (the same rule as
   * `computeScope`: ALL, their own subtree, or their assigned dealers' subtrees and their own org).
   */
  private async canSee(tx: RequestContext, userIds: string[], orgId: string): Promise<string[]> {
    if (!userIds.length) return [];
    const rows = await this.db.query<{ id: string }>(
      tx,
      `SELECT u.id FROM app_user u JOIN organization uo ON uo.id = u.org_id, organization x
        WHERE u.id = ANY($1) AND x.id = $2 AND EXISTS (
          SELECT 1 FROM user_role ur JOIN role r ON r.id = ur.role_id WHERE ur.user_id = u.id AND (
            r.data_scope = 'ALL'
            OR (r.data_scope = 'ORG_SUBTREE' AND x.path LIKE uo.path || '%')
            OR (r.data_scope = 'ASSIGNED_DEALERS' AND (x.id = u.org_id OR EXISTS (
                  SELECT 1 FROM user_dealer ud JOIN organization d ON d.id = ud.dealer_id WHERE ud.user_id = u.id AND x.path LIKE d.path || '%')))))`,
      [userIds, orgId],
    );
    const ok = new Set(rows.map((r) => r.id));
    return userIds.filter((u) => ok.has(u));
  }

  private async hqAdmins(tx: RequestContext): Promise<string[]> {
    const rows = await this.db.query<{ id: string }>(
      tx,
      `SELECT u.id FROM app_user u JOIN user_role ur ON ur.user_id = u.id JOIN role r ON r.id = ur.role_id JOIN organization o ON o.id = u.org_id
        WHERE r.code = 'HQ_ADMIN' AND o.type = 'HQ' AND u.status = 'ACTIVE' ORDER BY u.username`,
    );
    return rows.map((r) => r.id);
  }

  /**
   * A task past its time limit escalates to the next level: the same role one branch up from the
   * approver's organisation, else the HQ administrators. Runs every 10 minutes (pg-boss).
   */
  async escalateOverdue(ctx: RequestContext): Promise<number> {
    const due = await this.db.query<{ id: string }>(ctx, `SELECT id FROM approval_task WHERE status = 'PENDING' AND due_at < now() ORDER BY due_at LIMIT 200`);
    let n = 0;
    for (const { id } of due) {
      await this.db.tx(ctx, async (tx) => {
        const [t0] = await this.db.query<{ instance_id: string }>(tx, 'SELECT instance_id FROM approval_task WHERE id = $1', [id]);
        const [inst] = await this.db.query<InstanceRow>(tx, 'SELECT * FROM approval_instance WHERE id = $1 FOR UPDATE', [t0.instance_id]);
        const [task] = await this.db.query<{ id: string; status: string; step_index: number; step_name: string; approver_id: string }>(tx, 'SELECT * FROM approval_task WHERE id = $1 FOR UPDATE', [id]);
        if (task.status !== 'PENDING' || inst.status !== ApprovalStatus.PENDING) return;
        const [up] = await this.db.query<{ id: string }>(
          tx,
          `SELECT a.id FROM app_user u JOIN organization b ON b.id = u.org_id JOIN organization a ON b.path LIKE a.path || '%' AND a.id <> b.id AND a.type IN ('BRANCH','HQ')
            WHERE u.id = $1 ORDER BY a.depth DESC LIMIT 1`,
          [task.approver_id],
        );
        const roles = await this.db.query<{ code: string }>(tx, 'SELECT r.code FROM user_role ur JOIN role r ON r.id = ur.role_id WHERE ur.user_id = $1', [task.approver_id]);
        let next: string[] = [];
        if (up) next = await this.resolve(tx, roles.map((r) => ({ kind: 'ROLE' as const, role: r.code, relativeTo: 'DOC_BRANCH' as const })), up.id);
        if (!next.length) next = await this.hqAdmins(tx);
        next = (await this.canSee(tx, next, inst.scope_org_id)).filter((u) => u !== task.approver_id);
        if (!next.length) return;
        await this.db.query(tx, `UPDATE approval_task SET status = 'CLOSED', acted_at = now() WHERE id = $1`, [id]);
        const def = await this.flows.definitionOf(tx, inst.flow_id!, inst.flow_version!);
        await this.openTasks(tx, inst, task.step_index, def.steps[task.step_index], next);
        await this.event(tx, inst.id, 'ESCALATE', task.step_index, task.step_name, 'time limit passed');
        await this.clearTaskNotices(tx, inst.id);
        n++;
      });
    }
    if (n) this.logger.log({ escalated: n }, 'approval tasks escalated');
    return n;
  }

  /** Locks the approval, then the task (same order for everyone: two approvers serialise), and checks it is open and the caller's. */
  private async lockTask(tx: RequestContext, taskId: string) {
    const qb = this.db.manager(tx).createQueryBuilder().from('approval_task', 't').innerJoin('approval_instance', 'i', 'i.id = t.instance_id').select('t.instance_id', 'instance_id').where('t.id = :taskId', { taskId });
    applyOrgScope(qb, tx, 'i.scope_org_id');
    const found = await qb.getRawOne<{ instance_id: string }>();
    if (!found) throw notFound('approval task', taskId);
    // the document's own locks first (an order: its dealer's credit account, then the order), in
    // the order its module takes them, so a decision and a cancel of the same order cannot deadlock
    const [head] = await this.db.query<{ doc_type: ApprovalDocType; doc_id: string }>(tx, 'SELECT doc_type, doc_id FROM approval_instance WHERE id = $1', [found.instance_id]);
    await this.registry.handler(head.doc_type).lock(tx, head.doc_id);
    const [inst] = await this.db.query<InstanceRow>(tx, 'SELECT * FROM approval_instance WHERE id = $1 FOR UPDATE', [found.instance_id]);
    const [task] = await this.db.query<{ id: string; status: TaskStatus; step_index: number; step_name: string; approver_id: string }>(tx, 'SELECT * FROM approval_task WHERE id = $1 FOR UPDATE', [taskId]);
    if (task.approver_id !== tx.actor.id) throw new DomainError(ErrorCode.APPROVAL_TASK_NOT_YOURS, 'This task is assigned to someone else', { taskId });
    if (task.status !== TaskStatus.PENDING || inst.status !== ApprovalStatus.PENDING) {
      throw new DomainError(ErrorCode.APPROVAL_TASK_NOT_OPEN, `The task is already ${task.status === TaskStatus.PENDING ? inst.status : task.status}`, { taskId, status: task.status, approvalStatus: inst.status });
    }
    return { inst, task };
  }

  /** "待审批" notices of approvers who no longer have an open task on this approval are marked read. */
  private async clearTaskNotices(tx: RequestContext, instanceId: string): Promise<void> {
    await this.db.query(
      tx,
      `UPDATE notification n SET read_at = now()
         FROM approval_task t JOIN approval_instance i ON i.id = t.instance_id
        WHERE t.instance_id = $1 AND t.status <> 'PENDING' AND n.user_id = t.approver_id AND n.kind = 'TASK' AND n.read_at IS NULL
          AND n.title = '待审批：' || i.doc_number
          AND NOT EXISTS (SELECT 1 FROM approval_task p WHERE p.instance_id = $1 AND p.approver_id = t.approver_id AND p.status = 'PENDING')`,
      [instanceId],
    );
  }

  private async event(tx: RequestContext, instanceId: string, action: ApprovalEventDto['action'], stepIndex: number | null, stepName: string | null, note: string | null): Promise<void> {
    await this.db.query(tx, 'INSERT INTO approval_event (instance_id, action, step_index, step_name, actor_id, note) VALUES ($1, $2, $3, $4, $5, $6)', [instanceId, action, stepIndex, stepName, tx.user?.id ?? null, note?.slice(0, 500) ?? null]);
  }

  private async loadTasks(ctx: RequestContext, ids: string[]): Promise<ApprovalTaskDto[]> {
    if (!ids.length) return [];
    const rows = await this.db.query<Record<string, unknown>>(
      ctx,
      `SELECT t.*, i.doc_type, i.doc_id, i.doc_number, i.doc_summary, i.summary, a.display_name AS approver_name, df.display_name AS delegated_from_name, s.display_name AS submitted_by_name
         FROM approval_task t JOIN approval_instance i ON i.id = t.instance_id JOIN app_user a ON a.id = t.approver_id
         LEFT JOIN app_user df ON df.id = t.delegated_from LEFT JOIN app_user s ON s.id = i.submitted_by
        WHERE t.id = ANY($1)`,
      [ids],
    );
    return ids.map((id) => this.toTask(rows.find((r) => r.id === id)!));
  }

  private async loadInstances(ctx: RequestContext, ids: string[]): Promise<ApprovalInstanceDto[]> {
    if (!ids.length) return [];
    const [rows, tasks, events] = await Promise.all([
      this.db.query<Record<string, unknown>>(ctx, `SELECT i.*, f.name AS flow_name, s.display_name AS submitted_by_name FROM approval_instance i LEFT JOIN approval_flow f ON f.id = i.flow_id LEFT JOIN app_user s ON s.id = i.submitted_by WHERE i.id = ANY($1)`, [ids]),
      this.db.query<Record<string, unknown>>(
        ctx,
        `SELECT t.*, i.doc_type, i.doc_id, i.doc_number, i.doc_summary, i.summary, a.display_name AS approver_name, df.display_name AS delegated_from_name, s.display_name AS submitted_by_name
           FROM approval_task t JOIN approval_instance i ON i.id = t.instance_id JOIN app_user a ON a.id = t.approver_id
           LEFT JOIN app_user df ON df.id = t.delegated_from LEFT JOIN app_user s ON s.id = i.submitted_by
          WHERE t.instance_id = ANY($1) ORDER BY t.step_index, t.created_at, a.display_name`,
        [ids],
      ),
      this.db.query<Record<string, unknown>>(ctx, 'SELECT e.*, u.display_name FROM approval_event e LEFT JOIN app_user u ON u.id = e.actor_id WHERE e.instance_id = ANY($1) ORDER BY e.created_at, e.id', [ids]),
    ]);
    return ids.map((id) => {
      const r = rows.find((x) => x.id === id)!;
      return {
        id,
        docType: r.doc_type as ApprovalDocType,
        docId: r.doc_id as string,
        docNumber: r.doc_number as string,
        flowId: (r.flow_id as string | null) ?? null,
        flowName: (r.flow_name as string | null) ?? null,
        flowVersion: (r.flow_version as number | null) ?? null,
        status: r.status as ApprovalStatus,
        currentStep: (r.current_step as number | null) ?? null,
        facts: r.facts as FactValues,
        routing: r.routing as ApprovalInstanceDto['routing'],
        submittedById: (r.submitted_by as string | null) ?? null,
        submittedByName: (r.submitted_by_name as string | null) ?? null,
        createdAt: new Date(r.created_at as Date).toISOString(),
        tasks: tasks.filter((t) => t.instance_id === id).map((t) => this.toTask(t)),
        events: events
          .filter((e) => e.instance_id === id)
          .map((e) => ({
            id: e.id as string,
            action: e.action as ApprovalEventDto['action'],
            stepIndex: (e.step_index as number | null) ?? null,
            stepName: (e.step_name as string | null) ?? null,
            actorName: (e.display_name as string | null) ?? null,
            note: (e.note as string | null) ?? null,
            at: new Date(e.created_at as Date).toISOString(),
          })),
      };
    });
  }

  private toTask(t: Record<string, unknown>): ApprovalTaskDto {
    const iso = (v: unknown) => (v ? new Date(v as Date).toISOString() : null);
    return {
      id: t.id as string,
      instanceId: t.instance_id as string,
      docType: t.doc_type as ApprovalDocType,
      docId: t.doc_id as string,
      docNumber: t.doc_number as string,
      docSummary: t.doc_summary as string,
      summary: (t.summary as ApprovalSummary | null) ?? null,
      docLink: this.registry.has(t.doc_type as ApprovalDocType) ? this.registry.handler(t.doc_type as ApprovalDocType).link(t.doc_id as string) : null,
      stepIndex: t.step_index as number,
      stepName: t.step_name as string,
      approverId: t.approver_id as string,
      approverName: t.approver_name as string,
      delegatedFromName: (t.delegated_from_name as string | null) ?? null,
      status: t.status as TaskStatus,
      comment: (t.comment as string | null) ?? null,
      dueAt: iso(t.due_at),
      submittedByName: (t.submitted_by_name as string | null) ?? null,
      createdAt: iso(t.created_at)!,
      actedAt: iso(t.acted_at),
    };
  }
}
