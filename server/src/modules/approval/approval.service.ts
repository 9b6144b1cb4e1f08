import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import {
  ApprovalDocType, ApprovalEventDto, ApprovalInstanceDto, ApprovalStatus, ApprovalStep, ApprovalSummary, ApprovalTaskDto, ApproverSpec, ErrorCode, evaluateCondition, FactValues,
  fmtGrouped, OrgType, Paged, TaskStatus,
} from '@drp/shared';
import { Selectable, sql } from 'kysely';
import { RequestContext } from '../../common/context/request-context';
import { DomainError, notFound } from '../../common/errors/domain-error';
import { pageIdsOf } from '../../common/http/pagination';
import { orgScope, userScopeContains } from '../../common/scope/data-scope';
import { AFTER_NUMBER_STAGE, DbService, TIMELINE_STAGE } from '../../database/db.service';
import type { DB } from '../../database/schema';
import { DocumentKernel, TimelineWriter, TransitionInput } from '../../kernel/document-kernel.service';
import { DocumentMachine } from '../../kernel/document-machine';
import { DomainEvents, EventBus } from '../../kernel/events';
import { AuditService } from '../audit/audit.service';
import { JobsService } from '../jobs/jobs.service';
import { NotificationService } from '../notifications/notification.service';
import { WarningsService } from '../notifications/warnings.service';
import { RolesService } from '../roles/roles.service';
import { UsersService } from '../users/users.service';
import { ApplicableFlow, ApprovalFlowService, Definition } from './approval-flow.service';
import { ApprovalRegistry } from './approval-registry';
import { DelegationDto, TaskQueryDto } from './approval.dto';
import { APPROVAL } from './approval.events';

export const ESCALATION_JOB = 'approval.escalate-overdue';

/**
 * The approval's state machine (the document kernel writes every status change, with its
 * approval_event row). A new approval starts PENDING; it ends APPROVED (every applying step
 * approved, or none applies), REJECTED (by an approver, or no approver could be found),
 * RETURNED for changes, or WITHDRAWN (by the submitter, or closed by its document: edited,
 * cancelled, resubmitted). Tasks are rows of the approval, not a machine of their own: they are
 * opened and closed in bulk with a step, always under the approval's row lock, and have no
 * timeline but the approval's.
 */
export const APPROVAL_MACHINE: DocumentMachine<ApprovalStatus> = {
  type: APPROVAL,
  table: 'approval_instance',
  states: [ApprovalStatus.PENDING, ApprovalStatus.APPROVED, ApprovalStatus.REJECTED, ApprovalStatus.RETURNED, ApprovalStatus.WITHDRAWN],
  initial: [ApprovalStatus.PENDING],
  transitions: { [ApprovalStatus.PENDING]: [ApprovalStatus.APPROVED, ApprovalStatus.REJECTED, ApprovalStatus.RETURNED, ApprovalStatus.WITHDRAWN] },
  versioned: true,
};

/** The inbox line in Chinese, kept with the values for SMS / e-mail and older clients (the web words the values itself). */
const SUMMARY_ZH: Record<ApprovalDocType, (s: ApprovalSummary, amount: string) => string> = {
  [ApprovalDocType.SALES_ORDER]: (s, amount) => `${s.party} ¥${amount}`,
  [ApprovalDocType.CREDIT_OVERRIDE]: (s, amount) => `${s.party} 超额 ¥${amount}`,
  [ApprovalDocType.BELOW_FLOOR_PRICE]: (s, amount) => `${s.party} 低于底价 ¥${amount}`,
  [ApprovalDocType.STOCK_ADJUSTMENT]: (s, amount) => `${s.party} 盘点 ${s.lines ?? 0} 行 ¥${amount}`,
  [ApprovalDocType.RECEIPT_REVERSAL]: (s, amount) => `${s.party} 冲销 ¥${amount}`,
  [ApprovalDocType.INVOICE_SUPPLEMENT]: (s, amount) => `${s.party} 发票补录 ¥${amount}`,
};

function summaryZh(docType: ApprovalDocType, s: ApprovalSummary): string {
  return SUMMARY_ZH[docType](s, fmtGrouped(s.amount)).slice(0, 200);
}

/** What a module hands over when one of its documents is submitted. */
/** an approval_event row as written */
interface EventRow {
  instance_id: string;
  action: ApprovalEventDto['action'];
  step_index: number | null;
  step_name: string | null;
  actor_id: string | null;
  note: string | null;
}

export interface ApprovalRequest {
  docType: ApprovalDocType;
  docId: string;
  /**
   * the document's number; null for a document numbered at the end of its transaction (an order
   * created and submitted at once): the approval takes it from `DocumentNumbered`
   */
  docNumber: string | null;
  /** what the inbox line says, as values (each client words them for the document type) */
  summary: ApprovalSummary;
  /** whose scope decides who may see it (an order: its dealer) */
  scopeOrgId: string;
  /** the branch approvers are found relative to */
  branchId: string;
  facts: FactValues;
  /** web route of the document (notices use the link its module's registered handler gives) */
  link: string;
  /** the flow, when the caller looked it up before its locks (`flowsFor`; null: none applies); else looked up here */
  flow?: ApplicableFlow | null;
}

type Routing = ApprovalInstanceDto['routing'][number];
type InstanceRow = Omit<Selectable<DB['approval_instance']>, 'doc_type' | 'status' | 'routing' | 'summary' | 'facts'> & {
  doc_type: ApprovalDocType;
  status: ApprovalStatus;
  routing: Routing[];
  summary: ApprovalSummary | null;
  facts: FactValues;
};
type TaskRow = Selectable<DB['approval_task']> & { status: TaskStatus };

/** A task with what the inbox shows about its approval. */
interface TaskView {
  id: string;
  instance_id: string;
  doc_type: string;
  doc_id: string;
  doc_number: string | null;
  doc_summary: string;
  summary: unknown;
  step_index: number;
  step_name: string;
  approver_id: string;
  approver_name: string;
  delegated_from_name: string | null;
  status: string;
  comment: string | null;
  due_at: Date | null;
  submitted_by_name: string | null;
  created_at: Date;
  acted_at: Date | null;
}

/**
 * The approval engine (审批). On submit it picks the flow of the document's branch, evaluates
 * every step's condition once against the document's facts (recorded with the flow version), and
 * opens the first step that applies; approvers are found through the organisation tree when a
 * step opens. Decisions lock the approval row first, so two approvers acting at once serialise
 * and exactly one decides. The document module's handler runs in the same transaction. Notices
 * (to approvers, and the verdict to the submitter) are written at the end of the transaction,
 * after the document took its number, through the module's own events.
 */
@Injectable()
export class ApprovalService {
  private readonly logger = new Logger('Approval');
  /** the step a move is about, for its approval_event row (set around `kernel.transition`, read by the timeline writer) */
  private readonly stepOfMove = new WeakMap<RequestContext, { index: number; name: string }>();

  constructor(
    private readonly db: DbService,
    private readonly audit: AuditService,
    private readonly flows: ApprovalFlowService,
    private readonly registry: ApprovalRegistry,
    private readonly notifications: NotificationService,
    private readonly kernel: DocumentKernel,
    private readonly users: UsersService,
    private readonly roles: RolesService,
    private readonly events: EventBus,
    warnings: WarningsService,
    jobs: JobsService,
  ) {
    jobs.register(ESCALATION_JOB, async () => void (await this.escalateOverdue(RequestContext.system())), '*/10 * * * *');
    this.kernel.register(APPROVAL_MACHINE, this.timeline);
    // a document numbered at the end of its transaction names its approvals (runs before the notices below)
    events.onFinal('DocumentNumbered', (tx, p) => this.numbered(tx, p));
    events.onFinal('ApprovalTasksOpened', (tx, p) => this.tellApprovers(tx, p));
    events.onFinal('ApprovalDecided', (tx, p) => this.tellSubmitter(tx, p));
    warnings.countPendingApprovalsWith((ctx) => this.pendingTaskCount(ctx));
  }

  /** Starts the approval of a submitted document: APPROVED when no step applies, else PENDING (or REJECTED by policy). */
  async start(
    tx: RequestContext,
    req: ApprovalRequest,
    opts: { supersede?: boolean } = {},
  ): Promise<ApprovalStatus.APPROVED | ApprovalStatus.PENDING | ApprovalStatus.REJECTED> {
    // a resubmitted document replaces the approval it had open (the caller may have closed them all at once: supersede false)
    if (opts.supersede !== false) await this.close(tx, req.docType, req.docId, 'superseded by a new submission');
    return this.startSteps(tx, req);
  }

  private async startSteps(tx: RequestContext, req: ApprovalRequest): Promise<ApprovalStatus.APPROVED | ApprovalStatus.PENDING | ApprovalStatus.REJECTED> {
    const flow = req.flow !== undefined ? req.flow : await this.flows.applicable(tx, req.docType, req.branchId);
    const routing = flow ? flow.def.steps.map((s, i) => ({ stepIndex: i, stepName: s.name, ...evaluateCondition(req.docType, s.condition, req.facts) })) : [];
    // no step's condition holds (or no flow applies): approved at once, written so by the INSERT itself
    const atOnce = !routing.some((r) => r.holds);
    const values = {
      doc_type: req.docType, doc_id: req.docId, doc_number: req.docNumber || null, doc_summary: summaryZh(req.docType, req.summary), summary: JSON.stringify(req.summary),
      scope_org_id: req.scopeOrgId, branch_id: req.branchId, flow_id: flow?.id ?? null, flow_version: flow?.version ?? null, status: atOnce ? ApprovalStatus.APPROVED : ApprovalStatus.PENDING,
      facts: JSON.stringify(req.facts), routing: JSON.stringify(routing), submitted_by: tx.user?.id ?? null,
    };
    // decided at once, the row is only a record (no task, no later read in the transaction): it goes in
    // the end-of-transaction statement with its own timeline rows (the parent first: the foreign keys are
    // checked at the end of that statement), not as one more statement under the dealer's credit lock
    const inst: Pick<InstanceRow, 'id'> = atOnce
      ? { id: randomUUID() }
      : ((await this.db.one(tx, this.db.k.insertInto('approval_instance').values(values).returningAll())) as unknown as InstanceRow);
    if (atOnce) await this.db.insertAtEnd(tx, 'approval_instance', { ...values, id: inst.id }, { stage: TIMELINE_STAGE });
    await this.move(tx, inst.id, { from: null, to: ApprovalStatus.PENDING, action: 'SUBMIT', note: flow ? `${flow.name} v${flow.version}` : 'no flow applies' });
    if (atOnce) {
      // the timeline of openNext's walk over skipped steps, without its UPDATE
      const steps = flow?.def.steps ?? [];
      for (let i = 0; i < steps.length; i++) await this.event(tx, inst.id, 'STEP_SKIPPED', i, steps[i].name, null);
      await this.move(tx, inst.id, { from: ApprovalStatus.PENDING, to: ApprovalStatus.APPROVED, action: 'APPROVED', written: true });
      await this.event(tx, inst.id, 'AUTO_APPROVE', null, null, null);
      return ApprovalStatus.APPROVED;
    }
    return this.openNext(tx, inst as InstanceRow, flow?.def ?? null, 0);
  }

  /** The flows that would route these document types for a branch, in one read (pass each as `ApprovalRequest.flow`). */
  flowsFor(tx: RequestContext, docTypes: readonly ApprovalDocType[], branchId: string): Promise<Map<string, ApplicableFlow | null>> {
    return this.flows.applicableMany(tx, docTypes, branchId);
  }

  /** Closes a document's open approval (edited, cancelled, resubmitted) without a verdict. */
  async close(tx: RequestContext, docType: ApprovalDocType | readonly ApprovalDocType[], docId: string, note: string): Promise<void> {
    // several types in one locking read: an order closes its three kinds of approval on every submit
    const types = typeof docType === 'string' ? [docType] : [...docType];
    const open = await this.db.rows(
      tx,
      this.db.k.selectFrom('approval_instance').select('id').where('doc_type', 'in', types).where('doc_id', '=', docId).where('status', '=', ApprovalStatus.PENDING).orderBy('id').forUpdate(),
    );
    for (const { id } of open) {
      await this.closeTasks(tx, id);
      await this.move(tx, id, { from: ApprovalStatus.PENDING, to: ApprovalStatus.WITHDRAWN, action: 'WITHDRAW', note, set: { current_step: null } });
      await this.clearTaskNotices(tx, id);
    }
  }

  async approve(ctx: RequestContext, taskId: string, comment?: string): Promise<ApprovalInstanceDto> {
    const id = await this.db.tx(ctx, async (tx) => {
      const { inst, task } = await this.lockTask(tx, taskId);
      await this.db.rows(tx, this.db.k.updateTable('approval_task').set({ status: TaskStatus.APPROVED, comment: comment?.trim() || null, acted_at: sql`now()` }).where('id', '=', task.id));
      await this.event(tx, inst.id, 'APPROVE', task.step_index, task.step_name, comment?.trim() || null);
      const def = await this.flows.definitionOf(tx, inst.flow_id!, inst.flow_version!);
      const step = def.steps[task.step_index];
      const { open } = await this.db.one(
        tx,
        this.db.k
          .selectFrom('approval_task')
          .select(sql<number>`count(*)::int`.as('open'))
          .where('instance_id', '=', inst.id)
          .where('step_index', '=', task.step_index)
          .where('status', '=', TaskStatus.PENDING),
      );
      if (step.mode === 'ANY' || open === 0) {
        await this.closeTasks(tx, inst.id, task.step_index);
        const outcome = await this.openNext(tx, inst, def, task.step_index + 1);
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
      await this.db.rows(
        tx,
        this.db.k.updateTable('approval_task').set({ status: verdict === 'REJECT' ? TaskStatus.REJECTED : TaskStatus.RETURNED, comment: why, acted_at: sql`now()` }).where('id', '=', task.id),
      );
      await this.closeTasks(tx, inst.id);
      await this.move(tx, inst.id, {
        from: ApprovalStatus.PENDING, to: status, action: verdict, note: why, step: { index: task.step_index, name: task.step_name }, set: { current_step: null },
        audit: { action: verdict.toLowerCase(), entity: 'approval', orgId: inst.scope_org_id, summary: `${inst.doc_number}: ${verdict.toLowerCase()} at step ${task.step_index + 1}: ${why}`, after: { taskId, reason: why } },
      });
      const handler = this.registry.handler(inst.doc_type);
      if (verdict === 'REJECT') await handler.onRejected(tx, inst.doc_id, why);
      else await handler.onReopened(tx, inst.doc_id, 'RETURN', why);
      this.events.publish(tx, 'ApprovalDecided', { instanceId: inst.id, verdict: status, reason: why });
      await this.clearTaskNotices(tx, inst.id);
      return inst.id;
    });
    return this.instance(ctx, id);
  }

  /** The submitter takes the document back; it is editable again. */
  async withdraw(ctx: RequestContext, instanceId: string): Promise<ApprovalInstanceDto> {
    await this.instance(ctx, instanceId);
    await this.db.tx(ctx, async (tx) => {
      const head = await this.db.one(tx, this.db.k.selectFrom('approval_instance').select(['doc_type', 'doc_id']).where('id', '=', instanceId));
      await this.registry.handler(head.doc_type as ApprovalDocType).lock(tx, head.doc_id);
      const inst = await this.lockInstance(tx, instanceId);
      if (inst.submitted_by !== ctx.actor.id) throw new DomainError(ErrorCode.FORBIDDEN, 'Only the submitter can withdraw', {});
      if (inst.status !== ApprovalStatus.PENDING) throw new DomainError(ErrorCode.INVALID_STATE, `The approval is ${inst.status}`, { status: inst.status });
      await this.closeTasks(tx, inst.id);
      await this.move(tx, inst.id, {
        from: ApprovalStatus.PENDING, to: ApprovalStatus.WITHDRAWN, action: 'WITHDRAW', set: { current_step: null },
        audit: { action: 'withdraw', entity: 'approval', orgId: inst.scope_org_id, summary: `${inst.doc_number} withdrawn from approval` },
      });
      await this.registry.handler(inst.doc_type).onReopened(tx, inst.doc_id, 'WITHDRAW', null);
      await this.clearTaskNotices(tx, inst.id);
    });
    return this.instance(ctx, instanceId);
  }

  // ---- inbox and reads ----

  async tasks(ctx: RequestContext, q: TaskQueryDto): Promise<Paged<ApprovalTaskDto> & { counts: { todo: number; done: number; submitted: number } }> {
    const box = q.box ?? 'todo';
    const me = ctx.actor.id;
    const decided = [TaskStatus.APPROVED, TaskStatus.REJECTED, TaskStatus.RETURNED];
    const base = this.db.k.selectFrom('approval_task as t').innerJoin('approval_instance as i', 'i.id', 't.instance_id').where(orgScope(ctx, 'i.scope_org_id'));
    const counts = await this.db.one(
      ctx,
      base.select([
        sql<number>`count(*) FILTER (WHERE t.approver_id = ${me} AND t.status = ${TaskStatus.PENDING})::int`.as('todo'),
        sql<number>`count(*) FILTER (WHERE t.approver_id = ${me} AND t.status = ANY(${decided}::text[]))::int`.as('done'),
        sql<number>`count(*) FILTER (WHERE i.submitted_by = ${me} AND t.status = ${TaskStatus.PENDING})::int`.as('submitted'),
      ]),
    );
    const filtered =
      box === 'todo'
        ? base.where('t.approver_id', '=', me).where('t.status', '=', TaskStatus.PENDING)
        : box === 'done'
          ? base.where('t.approver_id', '=', me).where('t.status', 'in', decided)
          : base.where('i.submitted_by', '=', me).where('t.status', '=', TaskStatus.PENDING);
    const { ids, ...page } = await pageIdsOf(this.db, ctx, filtered, q, { createdAt: { notNull: 't.created_at' }, actedAt: 't.acted_at' }, box === 'done' ? '-actedAt' : '-createdAt', 't.id');
    return { items: await this.loadTasks(ctx, ids), ...page, counts };
  }

  /** One approval with its tasks, routing and timeline; 404 outside the caller's scope. */
  async instance(ctx: RequestContext, id: string): Promise<ApprovalInstanceDto> {
    const seen = await this.db.first(ctx, this.db.k.selectFrom('approval_instance as i').select('i.id').where('i.id', '=', id).where(orgScope(ctx, 'i.scope_org_id')));
    if (!seen) throw notFound('approval', id);
    return (await this.loadInstances(ctx, [id]))[0];
  }

  /** Every approval of a document, newest first (the panel and timeline on document pages). */
  async forDocument(ctx: RequestContext, docType: ApprovalDocType | undefined, docId: string): Promise<ApprovalInstanceDto[]> {
    let q = this.db.k
      .selectFrom('approval_instance as i')
      .select('i.id')
      .where('i.doc_id', '=', docId)
      .where(orgScope(ctx, 'i.scope_org_id'))
      .orderBy('i.created_at', 'desc')
      .orderBy('i.id', 'desc');
    if (docType) q = q.where('i.doc_type', '=', docType);
    const rows = await this.db.rows(ctx, q);
    return this.loadInstances(ctx, rows.map((r) => r.id));
  }

  /** Whether the document has an approval of one of these types still waiting for a decision. */
  async hasPending(tx: RequestContext, docTypes: readonly ApprovalDocType[], docId: string): Promise<boolean> {
    if (!docTypes.length) return false;
    const open = await this.db.first(
      tx,
      this.db.k.selectFrom('approval_instance').select('id').where('doc_id', '=', docId).where('doc_type', 'in', [...docTypes]).where('status', '=', ApprovalStatus.PENDING).limit(1),
    );
    return !!open;
  }

  /** Open tasks assigned to the user (the sign-in warning's count). */
  async pendingTaskCount(ctx: RequestContext): Promise<number> {
    const { n } = await this.db.one(
      ctx,
      this.db.k
        .selectFrom('approval_task as t')
        .innerJoin('approval_instance as i', 'i.id', 't.instance_id')
        .select(sql<number>`count(*)::int`.as('n'))
        .where('t.approver_id', '=', ctx.actor.id)
        .where('t.status', '=', TaskStatus.PENDING),
    );
    return n;
  }

  // ---- delegation ----

  async delegations(ctx: RequestContext) {
    return this.db.rows(
      ctx,
      this.db.k
        .selectFrom('approval_delegation as d')
        .innerJoin('app_user as u', 'u.id', 'd.delegate_id')
        .select(['d.id', 'd.delegate_id as delegateId', 'u.display_name as delegateName', 'd.starts_at as startsAt', 'd.ends_at as endsAt'])
        .where('d.user_id', '=', ctx.actor.id)
        .where('d.ends_at', '>', sql<Date>`now()`)
        .orderBy('d.starts_at'),
    );
  }

  async delegate(ctx: RequestContext, dto: DelegationDto) {
    if (dto.delegateId === ctx.actor.id) throw new DomainError(ErrorCode.VALIDATION_FAILED, 'Delegate to someone else', { field: 'delegateId' });
    if (new Date(dto.endsAt) <= new Date(dto.startsAt)) throw new DomainError(ErrorCode.VALIDATION_FAILED, 'The period ends before it starts', { field: 'endsAt' });
    return this.db.tx(ctx, async (tx) => {
      // an active user the caller can see (its data scope, as the users list): anyone else is not found (§5)
      const u = await this.db.first(
        tx,
        this.db.k
          .selectFrom('app_user as u')
          .innerJoin('organization as o', 'o.id', 'u.org_id')
          .select(['u.id', 'o.type'])
          .where('u.id', '=', dto.delegateId)
          .where('u.status', '=', 'ACTIVE')
          .where(orgScope(tx, 'u.org_id')),
      );
      if (!u) throw new DomainError(ErrorCode.NOT_FOUND, 'delegate not found', { entity: 'user', field: 'delegateId' });
      if (u.type === OrgType.DEALER) throw new DomainError(ErrorCode.VALIDATION_FAILED, "The delegate must be a staff user, not a dealer's", { field: 'delegateId', rule: 'STAFF_ONLY' });
      const d = await this.db.one(
        tx,
        this.db.k.insertInto('approval_delegation').values({ user_id: ctx.actor.id, delegate_id: dto.delegateId, starts_at: dto.startsAt, ends_at: dto.endsAt }).returning('id'),
      );
      await this.audit.record(tx, { action: 'delegate', entity: 'approval', entityId: d.id, summary: `approvals delegated ${dto.startsAt} .. ${dto.endsAt}`, after: { ...dto } });
      return { id: d.id };
    });
  }

  async endDelegation(ctx: RequestContext, id: string): Promise<void> {
    // only one's own delegation (ended already or not: nothing more to do); anyone else's is not found
    const mine = await this.db.first(ctx, this.db.k.selectFrom('approval_delegation').select('id').where('id', '=', id).where('user_id', '=', ctx.actor.id));
    if (!mine) throw notFound('delegation', id);
    // one not started yet is simply removed; a running one ends now
    await this.db.rows(ctx, this.db.k.deleteFrom('approval_delegation').where('id', '=', id).where('user_id', '=', ctx.actor.id).where('starts_at', '>', sql<Date>`now()`));
    await this.db.rows(
      ctx,
      this.db.k
        .updateTable('approval_delegation')
        .set({ ends_at: sql`now()` })
        .where('id', '=', id)
        .where('user_id', '=', ctx.actor.id)
        .where('starts_at', '<=', sql<Date>`now()`)
        .where('ends_at', '>', sql<Date>`now()`),
    );
  }

  // ---- the steps ----

  /**
   * Opens the first step from `from` whose condition held: its approvers are resolved now,
   * through the organisation tree from the document's branch. No step left: APPROVED. No approver
   * found: the flow's policy (HQ admins, or a rejection).
   */
  private async openNext(tx: RequestContext, inst: InstanceRow, def: Definition | null, from: number): Promise<ApprovalStatus.APPROVED | ApprovalStatus.PENDING | ApprovalStatus.REJECTED> {
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
        await this.move(tx, inst.id, {
          from: ApprovalStatus.PENDING, to: ApprovalStatus.REJECTED, action: 'NO_APPROVER', note: 'rejected: no approver could be found', step: { index: i, name: steps[i].name }, set: { current_step: null },
        });
        return ApprovalStatus.REJECTED;
      }
      await this.openTasks(tx, inst, i, steps[i], approvers);
      await this.db.rows(tx, this.db.k.updateTable('approval_instance').set({ current_step: i, version: sql`version + 1` }).where('id', '=', inst.id));
      await this.event(tx, inst.id, 'STEP_OPEN', i, steps[i].name, route.matched.join(', ') || null);
      return ApprovalStatus.PENDING;
    }
    await this.move(tx, inst.id, { from: ApprovalStatus.PENDING, to: ApprovalStatus.APPROVED, action: 'APPROVED', set: { current_step: null } });
    if (from > 0) this.events.publish(tx, 'ApprovalDecided', { instanceId: inst.id, verdict: ApprovalStatus.APPROVED, reason: null });
    return ApprovalStatus.APPROVED;
  }

  private async openTasks(tx: RequestContext, inst: InstanceRow, stepIndex: number, step: ApprovalStep, approvers: string[]): Promise<void> {
    // a delegation running now sends the task to the delegate
    const dels = await this.db.rows(
      tx,
      this.db.k
        .selectFrom('approval_delegation')
        .distinctOn('user_id')
        .select(['user_id', 'delegate_id'])
        .where('user_id', 'in', approvers)
        .where('starts_at', '<=', sql<Date>`now()`)
        .where('ends_at', '>', sql<Date>`now()`)
        .orderBy('user_id')
        .orderBy('starts_at', 'desc'),
    );
    // a delegate who cannot see the document leaves the task with the approver
    const seeing = new Set(await this.canSee(tx, dels.map((d) => d.delegate_id), inst.scope_org_id));
    const rows = approvers.map((a) => {
      const d = dels.find((x) => x.user_id === a && seeing.has(x.delegate_id));
      return { approver: d?.delegate_id ?? a, from: d ? a : null };
    });
    const unique = rows.filter((r, i) => rows.findIndex((x) => x.approver === r.approver) === i);
    const hours = step.timeLimitHours;
    const tasks = await this.db.rows(
      tx,
      this.db.k
        .insertInto('approval_task')
        .values(
          unique.map((r) => ({
            instance_id: inst.id, step_index: stepIndex, step_name: step.name, approver_id: r.approver, delegated_from: r.from,
            due_at: hours == null ? null : sql<Date>`now() + make_interval(hours => ${hours}::int)`,
          })),
        )
        .returning(['id', 'approver_id']),
    );
    // the approvers are told at the end of the transaction, by the document's final number
    const order = new Map(unique.map((r, i) => [r.approver, i]));
    this.events.publish(tx, 'ApprovalTasksOpened', { instanceId: inst.id, taskIds: [...tasks].sort((a, b) => order.get(a.approver_id)! - order.get(b.approver_id)!).map((t) => t.id), stepName: step.name });
  }

  /**
   * `DocumentNumbered`: the document's approvals started before it had its number take it now, in
   * the transaction's one statement after its numbering (with its audit entries), not one more of its own.
   */
  private async numbered(tx: RequestContext, p: DomainEvents['DocumentNumbered']): Promise<void> {
    // the notices written before that statement (onFinal handlers) read the number from here
    if (tx.manager) {
      let given = this.numberedNow.get(tx.manager);
      if (!given) this.numberedNow.set(tx.manager, (given = new Map()));
      given.set(p.docId, p.number);
    }
    await this.db.writeAtEnd(
      tx,
      this.db.k
        .updateTable('approval_instance')
        .set({ doc_number: p.number })
        .where('doc_id', '=', p.docId)
        .where((eb) => eb.or([eb('doc_number', 'is', null), eb('doc_number', '=', '')])),
      { stage: AFTER_NUMBER_STAGE },
    );
  }

  /** `ApprovalTasksOpened`, at the end of the transaction: "待审批" to the approvers whose task is still open. */
  private async tellApprovers(tx: RequestContext, p: DomainEvents['ApprovalTasksOpened']): Promise<void> {
    const inst = await this.noticeHead(tx, p.instanceId);
    const open = await this.db.rows(tx, this.db.k.selectFrom('approval_task').select(['id', 'approver_id']).where('id', 'in', p.taskIds).where('status', '=', TaskStatus.PENDING));
    const approvers = p.taskIds.flatMap((id) => open.filter((t) => t.id === id).map((t) => t.approver_id));
    await this.notifications.notify(tx, approvers, {
      kind: 'TASK', title: `待审批：${inst.doc_number}`, body: `${p.stepName} · ${inst.doc_summary}`, link: '/approvals/inbox',
      message: { key: 'task', params: { number: inst.doc_number, step: p.stepName }, ...this.summaryOf(inst) },
    });
  }

  /** `ApprovalDecided`, at the end of the transaction: the verdict to the submitter. */
  private async tellSubmitter(tx: RequestContext, p: DomainEvents['ApprovalDecided']): Promise<void> {
    const inst = await this.noticeHead(tx, p.instanceId);
    const link = this.registry.has(inst.doc_type) ? this.registry.handler(inst.doc_type).link(inst.doc_id) : null;
    if (p.verdict === 'APPROVED') {
      await this.notifications.notify(tx, [inst.submitted_by], {
        kind: 'APPROVED', title: `${inst.doc_number} 审批通过`, body: inst.doc_summary, link,
        message: { key: 'approved', params: { number: inst.doc_number }, ...this.summaryOf(inst) },
      });
      return;
    }
    const reject = p.verdict === 'REJECTED';
    await this.notifications.notify(tx, [inst.submitted_by], {
      kind: reject ? 'REJECTED' : 'RETURNED', title: `${inst.doc_number} ${reject ? '被驳回' : '被退回修改'}`, body: p.reason, link,
      message: { key: reject ? 'rejected' : 'returned', params: { number: inst.doc_number } },
    });
  }

  /** Numbers the transaction gave documents whose approvals take them in its last statement (`numbered`), by document. */
  private readonly numberedNow = new WeakMap<object, Map<string, string>>();

  /** What a notice says about an approval (read at the end of the transaction: the document's final number). */
  private async noticeHead(tx: RequestContext, instanceId: string) {
    const r = await this.db.one(
      tx,
      this.db.k.selectFrom('approval_instance').select(['doc_type', 'doc_id', 'doc_number', 'doc_summary', 'summary', 'submitted_by']).where('id', '=', instanceId),
    );
    const number = r.doc_number || (tx.manager && this.numberedNow.get(tx.manager)?.get(r.doc_id)) || '';
    return { ...r, doc_type: r.doc_type as ApprovalDocType, doc_number: number, summary: r.summary as ApprovalSummary | null };
  }

  /** The summary values a notice about this approval carries (none on approvals started before they existed). */
  private summaryOf(inst: { doc_type: ApprovalDocType; summary: ApprovalSummary | null }): { summary?: { docType: ApprovalDocType; values: ApprovalSummary } } {
    return inst.summary ? { summary: { docType: inst.doc_type, values: inst.summary } } : {};
  }

  /** Users holding an approver role at the organisation the spec names, relative to the document's branch; or the named users. */
  private async resolve(tx: RequestContext, specs: ApproverSpec[], branchId: string): Promise<string[]> {
    const out = new Set<string>();
    for (const spec of specs) {
      if (spec.kind === 'USERS') {
        if (!spec.userIds.length) continue;
        const rows = await this.db.rows(tx, this.db.k.selectFrom('app_user').select('id').where('id', 'in', spec.userIds).where('status', '=', 'ACTIVE'));
        rows.forEach((r) => out.add(r.id));
        continue;
      }
      const orgId = await this.relativeOrg(tx, branchId, spec.relativeTo);
      if (!orgId) continue;
      (await this.users.activeHoldersAt(tx, orgId, await this.roles.idsByCode(tx, [spec.role]))).forEach((id) => out.add(id));
    }
    return [...out];
  }

  private async relativeOrg(tx: RequestContext, branchId: string, rel: 'DOC_BRANCH' | 'PARENT_BRANCH' | 'HQ'): Promise<string | null> {
    if (rel === 'DOC_BRANCH') return branchId;
    if (rel === 'HQ') return (await this.db.first(tx, this.db.k.selectFrom('organization').select('id').where('type', '=', 'HQ')))?.id ?? null;
    const p = await this.db.first(
      tx,
      this.db.k
        .selectFrom('organization as b')
        .innerJoin('organization as a', (j) => j.on(sql<boolean>`b.path LIKE a.path || '%'`).onRef('a.id', '<>', 'b.id').on('a.type', 'in', ['BRANCH', 'HQ']))
        .select('a.id')
        .where('b.id', '=', branchId)
        .orderBy('a.depth', 'desc')
        .limit(1),
    );
    return p?.id ?? null;
  }

  /** The users among `userIds` whose data scope contains the organisation (the scope module's inverse rule). */
  private async canSee(tx: RequestContext, userIds: string[], orgId: string): Promise<string[]> {
    if (!userIds.length) return [];
    const rows = await this.db.rows(tx, this.db.k.selectFrom('app_user as u').select('u.id').where('u.id', 'in', userIds).where(userScopeContains('u.id', orgId)));
    const ok = new Set(rows.map((r) => r.id));
    return userIds.filter((u) => ok.has(u));
  }

  /** The active HQ administrators of the HQ organisation. */
  private async hqAdmins(tx: RequestContext): Promise<string[]> {
    const hq = await this.relativeOrg(tx, '', 'HQ');
    return hq ? this.users.activeHoldersAt(tx, hq, await this.roles.idsByCode(tx, ['HQ_ADMIN'])) : [];
  }

  /**
   * A task past its time limit escalates to the next level: the same role one branch up from the
   * approver's organisation, else the HQ administrators. Runs every 10 minutes (pg-boss).
   */
  async escalateOverdue(ctx: RequestContext): Promise<number> {
    const due = await this.db.rows(
      ctx,
      this.db.k.selectFrom('approval_task').select('id').where('status', '=', TaskStatus.PENDING).where('due_at', '<', sql<Date>`now()`).orderBy('due_at').limit(200),
    );
    let n = 0;
    for (const { id } of due) {
      await this.db.tx(ctx, async (tx) => {
        const t0 = await this.db.one(tx, this.db.k.selectFrom('approval_task').select('instance_id').where('id', '=', id));
        const inst = await this.lockInstance(tx, t0.instance_id);
        const task = (await this.db.one(tx, this.db.k.selectFrom('approval_task').selectAll().where('id', '=', id).forUpdate())) as TaskRow;
        if (task.status !== TaskStatus.PENDING || inst.status !== ApprovalStatus.PENDING) return;
        const up = await this.db.first(
          tx,
          this.db.k
            .selectFrom('app_user as u')
            .innerJoin('organization as b', 'b.id', 'u.org_id')
            .innerJoin('organization as a', (j) => j.on(sql<boolean>`b.path LIKE a.path || '%'`).onRef('a.id', '<>', 'b.id').on('a.type', 'in', ['BRANCH', 'HQ']))
            .select('a.id')
            .where('u.id', '=', task.approver_id)
            .orderBy('a.depth', 'desc')
            .limit(1),
        );
        const roles = (await this.users.roleCodesOf(tx, [task.approver_id])).get(task.approver_id) ?? [];
        let next: string[] = [];
        if (up) next = await this.resolve(tx, roles.map((role) => ({ kind: 'ROLE' as const, role, relativeTo: 'DOC_BRANCH' as const })), up.id);
        if (!next.length) next = await this.hqAdmins(tx);
        next = (await this.canSee(tx, next, inst.scope_org_id)).filter((u) => u !== task.approver_id);
        if (!next.length) return;
        await this.db.rows(tx, this.db.k.updateTable('approval_task').set({ status: TaskStatus.CLOSED, acted_at: sql`now()` }).where('id', '=', id));
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
    const found = await this.db.first(
      tx,
      this.db.k
        .selectFrom('approval_task as t')
        .innerJoin('approval_instance as i', 'i.id', 't.instance_id')
        .select(['t.instance_id', 'i.doc_type', 'i.doc_id'])
        .where('t.id', '=', taskId)
        .where(orgScope(tx, 'i.scope_org_id')),
    );
    if (!found) throw notFound('approval task', taskId);
    // the document's own locks first (an order: its dealer's credit account, then the order), in
    // the order its module takes them, so a decision and a cancel of the same order cannot deadlock
    await this.registry.handler(found.doc_type as ApprovalDocType).lock(tx, found.doc_id);
    const inst = await this.lockInstance(tx, found.instance_id);
    const task = (await this.db.one(tx, this.db.k.selectFrom('approval_task').selectAll().where('id', '=', taskId).forUpdate())) as TaskRow;
    if (task.approver_id !== tx.actor.id) throw new DomainError(ErrorCode.APPROVAL_TASK_NOT_YOURS, 'This task is assigned to someone else', { taskId });
    if (task.status !== TaskStatus.PENDING || inst.status !== ApprovalStatus.PENDING) {
      throw new DomainError(ErrorCode.APPROVAL_TASK_NOT_OPEN, `The task is already ${task.status === TaskStatus.PENDING ? inst.status : task.status}`, { taskId, status: task.status, approvalStatus: inst.status });
    }
    return { inst, task };
  }

  private async lockInstance(tx: RequestContext, id: string): Promise<InstanceRow> {
    return (await this.db.one(tx, this.db.k.selectFrom('approval_instance').selectAll().where('id', '=', id).forUpdate())) as unknown as InstanceRow;
  }

  /** Closes the open tasks of an approval (of one step, or all) without their approvers acting. */
  private async closeTasks(tx: RequestContext, instanceId: string, stepIndex?: number): Promise<void> {
    let q = this.db.k.updateTable('approval_task').set({ status: TaskStatus.CLOSED, acted_at: sql`now()` }).where('instance_id', '=', instanceId).where('status', '=', TaskStatus.PENDING);
    if (stepIndex !== undefined) q = q.where('step_index', '=', stepIndex);
    await this.db.rows(tx, q);
  }

  /** "待审批" notices of approvers who no longer have an open task on this approval are marked read. */
  private async clearTaskNotices(tx: RequestContext, instanceId: string): Promise<void> {
    const inst = await this.db.one(tx, this.db.k.selectFrom('approval_instance').select('doc_number').where('id', '=', instanceId));
    // not numbered yet: no notice names it (they are written at the end of the numbering transaction, for open tasks only)
    if (!inst.doc_number) return;
    const done = await this.db.rows(
      tx,
      this.db.k
        .selectFrom('approval_task')
        .select('approver_id')
        .where('instance_id', '=', instanceId)
        .groupBy('approver_id')
        .having(sql<boolean>`bool_and(status <> ${TaskStatus.PENDING})`),
    );
    await this.notifications.clear(tx, done.map((d) => d.approver_id), 'TASK', `待审批：${inst.doc_number}`);
  }

  /** A status move of an approval, through the kernel (it writes the approval_event row through `timeline`). */
  private async move(
    tx: RequestContext,
    id: string,
    m: Omit<TransitionInput<ApprovalStatus>, 'id' | 'action'> & { action: ApprovalEventDto['action']; step?: { index: number; name: string } },
  ): Promise<void> {
    const { step, ...input } = m;
    if (step) this.stepOfMove.set(tx, step);
    try {
      await this.kernel.transition<ApprovalStatus>(tx, APPROVAL, { ...input, id });
    } finally {
      this.stepOfMove.delete(tx);
    }
  }

  /** The approval's timeline row of a status move (registered with the kernel). */
  private readonly timeline: TimelineWriter = async (tx, m) => {
    const step = this.stepOfMove.get(tx);
    await this.event(tx, m.id, m.action as ApprovalEventDto['action'], step?.index ?? null, step?.name ?? null, m.note);
  };

  /** A timeline row, written with the transaction's other timeline rows at its end (DbService.insertAtEnd), in order. */
  private async event(tx: RequestContext, instanceId: string, action: ApprovalEventDto['action'], stepIndex: number | null, stepName: string | null, note: string | null): Promise<void> {
    const row: EventRow = { instance_id: instanceId, action, step_index: stepIndex, step_name: stepName, actor_id: tx.user?.id ?? null, note: note?.slice(0, 500) ?? null };
    await this.db.insertAtEnd(tx, 'approval_event', row, { stage: TIMELINE_STAGE, ordered: true });
  }

  /** Tasks with what the inbox shows about their approval. */
  private taskView() {
    return this.db.k
      .selectFrom('approval_task as t')
      .innerJoin('approval_instance as i', 'i.id', 't.instance_id')
      .innerJoin('app_user as a', 'a.id', 't.approver_id')
      .leftJoin('app_user as df', 'df.id', 't.delegated_from')
      .leftJoin('app_user as s', 's.id', 'i.submitted_by')
      .selectAll('t')
      .select(['i.doc_type', 'i.doc_id', 'i.doc_number', 'i.doc_summary', 'i.summary', 'a.display_name as approver_name', 'df.display_name as delegated_from_name', 's.display_name as submitted_by_name']);
  }

  private async loadTasks(ctx: RequestContext, ids: string[]): Promise<ApprovalTaskDto[]> {
    if (!ids.length) return [];
    const rows: TaskView[] = await this.db.rows(ctx, this.taskView().where('t.id', 'in', ids));
    return ids.map((id) => this.toTask(rows.find((r) => r.id === id)!));
  }

  private async loadInstances(ctx: RequestContext, ids: string[]): Promise<ApprovalInstanceDto[]> {
    if (!ids.length) return [];
    const [rows, tasks, events] = await Promise.all([
      this.db.rows(
        ctx,
        this.db.k
          .selectFrom('approval_instance as i')
          .leftJoin('approval_flow as f', 'f.id', 'i.flow_id')
          .leftJoin('app_user as s', 's.id', 'i.submitted_by')
          .selectAll('i')
          .select(['f.name as flow_name', 's.display_name as submitted_by_name'])
          .where('i.id', 'in', ids),
      ),
      this.db.rows(ctx, this.taskView().where('t.instance_id', 'in', ids).orderBy('t.step_index').orderBy('t.created_at').orderBy('a.display_name')),
      this.db.rows(
        ctx,
        this.db.k
          .selectFrom('approval_event as e')
          .leftJoin('app_user as u', 'u.id', 'e.actor_id')
          .selectAll('e')
          .select('u.display_name')
          .where('e.instance_id', 'in', ids)
          .orderBy('e.created_at')
          .orderBy('e.id'),
      ),
    ]);
    return ids.map((id) => {
      const r = rows.find((x) => x.id === id)!;
      return {
        id,
        docType: r.doc_type as ApprovalDocType,
        docId: r.doc_id,
        docNumber: r.doc_number ?? '',
        flowId: r.flow_id ?? null,
        flowName: r.flow_name ?? null,
        flowVersion: r.flow_version ?? null,
        status: r.status as ApprovalStatus,
        currentStep: r.current_step ?? null,
        facts: r.facts as FactValues,
        routing: r.routing as ApprovalInstanceDto['routing'],
        submittedById: r.submitted_by ?? null,
        submittedByName: r.submitted_by_name ?? null,
        createdAt: new Date(r.created_at).toISOString(),
        tasks: tasks.filter((t) => t.instance_id === id).map((t) => this.toTask(t)),
        events: events
          .filter((e) => e.instance_id === id)
          .map((e) => ({
            id: e.id,
            action: e.action as ApprovalEventDto['action'],
            stepIndex: e.step_index ?? null,
            stepName: e.step_name ?? null,
            actorName: e.display_name ?? null,
            note: e.note ?? null,
            at: new Date(e.created_at).toISOString(),
          })),
      };
    });
  }

  private toTask(t: TaskView): ApprovalTaskDto {
    const iso = (v: Date | null) => (v ? new Date(v).toISOString() : null);
    const docType = t.doc_type as ApprovalDocType;
    return {
      id: t.id,
      instanceId: t.instance_id,
      docType,
      docId: t.doc_id,
      docNumber: t.doc_number ?? '',
      docSummary: t.doc_summary,
      summary: (t.summary as ApprovalSummary | null) ?? null,
      docLink: this.registry.has(docType) ? this.registry.handler(docType).link(t.doc_id) : null,
      stepIndex: t.step_index,
      stepName: t.step_name,
      approverId: t.approver_id,
      approverName: t.approver_name,
      delegatedFromName: t.delegated_from_name ?? null,
      status: t.status as TaskStatus,
      comment: t.comment ?? null,
      dueAt: iso(t.due_at),
      submittedByName: t.submitted_by_name ?? null,
      createdAt: iso(t.created_at)!,
      actedAt: iso(t.acted_at),
    };
  }
}
