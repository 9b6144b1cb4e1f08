import {
  APPROVAL_FACTS,
  ApprovalDocType,
  ApprovalStatus,
  TaskStatus,
  type ApprovalEventDto,
  type ApprovalInstanceDto,
  type ApprovalTaskDto,
  type Operator,
} from '@drp/shared';

/** Display rules of the approval screens (inbox, the approval panel of a document). */

export type TagType = 'primary' | 'success' | 'info' | 'warning' | 'danger';

/** An open task past its due time. */
export function isOverdue(task: Pick<ApprovalTaskDto, 'status' | 'dueAt'>, now: Date = new Date()): boolean {
  if (task.status !== TaskStatus.PENDING || !task.dueAt) return false;
  const due = new Date(task.dueAt).getTime();
  return Number.isFinite(due) && due < now.getTime();
}

export const TASK_STATUS_TAG: Record<TaskStatus, TagType> = {
  [TaskStatus.PENDING]: 'warning',
  [TaskStatus.APPROVED]: 'success',
  [TaskStatus.REJECTED]: 'danger',
  [TaskStatus.RETURNED]: 'warning',
  [TaskStatus.CLOSED]: 'info',
};

export const APPROVAL_STATUS_TAG: Record<ApprovalStatus, TagType> = {
  [ApprovalStatus.PENDING]: 'warning',
  [ApprovalStatus.APPROVED]: 'success',
  [ApprovalStatus.REJECTED]: 'danger',
  [ApprovalStatus.RETURNED]: 'warning',
  [ApprovalStatus.WITHDRAWN]: 'info',
};

/** Timeline colours: refusals red, approvals green, returns and escalations orange, the rest blue or grey. */
export function approvalEventColor(action: ApprovalEventDto['action']): string {
  switch (action) {
    case 'REJECT':
    case 'NO_APPROVER':
      return 'var(--el-color-danger)';
    case 'APPROVE':
    case 'APPROVED':
    case 'AUTO_APPROVE':
      return 'var(--el-color-success)';
    case 'RETURN':
    case 'ESCALATE':
      return 'var(--el-color-warning)';
    case 'STEP_SKIPPED':
    case 'WITHDRAW':
      return 'var(--el-color-info-light-3)';
    default:
      return 'var(--el-color-primary)';
  }
}

export interface ParsedComparison {
  fact: string;
  operator: Operator;
  /** one value, or the list of an `in` */
  values: string[];
}

const OPERATORS: Operator[] = ['gt', 'gte', 'lt', 'lte', 'eq', 'neq', 'in'];

/**
 * A matched condition as the server records it ("amount gt 5000", "branchCode in BJ|SH",
 * "belowFloor eq true"), taken apart; null for anything else.
 */
export function parseComparison(text: string): ParsedComparison | null {
  const m = /^(\S+) (gt|gte|lt|lte|eq|neq|in) (.+)$/.exec(text.trim());
  if (!m || !OPERATORS.includes(m[2] as Operator)) return null;
  const operator = m[2] as Operator;
  return { fact: m[1], operator, values: operator === 'in' ? m[3].split('|') : [m[3]] };
}

/** The matched conditions of a STEP_OPEN event note ("amount gt 5000, belowFloor eq true"). */
export function splitMatched(note: string | null): string[] {
  if (!note) return [];
  return note
    .split(', ')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** The type of a fact of a document type (for showing its value), if known. */
export function factType(docType: ApprovalDocType, fact: string) {
  return APPROVAL_FACTS[docType]?.find((f) => f.key === fact)?.type;
}

/** What a server note of the approval timeline says, where we know its shape; else the note itself. */
export type ApprovalNote =
  | { kind: 'flow'; name: string; version: string }
  | { kind: 'noFlow' }
  | { kind: 'superseded' }
  | { kind: 'cancelled'; reason: string }
  | { kind: 'timeLimit' }
  | { kind: 'escalatedHq' }
  | { kind: 'noApproverRejected' }
  | { kind: 'matched'; items: string[] }
  | { kind: 'text'; text: string };

export function approvalNote(action: ApprovalEventDto['action'], note: string | null): ApprovalNote | null {
  if (!note) return null;
  if (note === 'no flow applies') return { kind: 'noFlow' };
  if (note === 'superseded by a new submission') return { kind: 'superseded' };
  if (note === 'time limit passed') return { kind: 'timeLimit' };
  if (note === 'escalated to HQ administrators') return { kind: 'escalatedHq' };
  if (note === 'rejected: no approver could be found') return { kind: 'noApproverRejected' };
  const cancelled = /^order cancelled: (.*)$/s.exec(note);
  if (cancelled) return { kind: 'cancelled', reason: cancelled[1] };
  if (action === 'SUBMIT') {
    const flow = /^(.*) v(\d+)$/.exec(note);
    if (flow) return { kind: 'flow', name: flow[1], version: flow[2] };
  }
  if (action === 'STEP_OPEN') {
    const items = splitMatched(note);
    if (items.length && items.every((i) => parseComparison(i))) return { kind: 'matched', items };
  }
  return { kind: 'text', text: note };
}

/** One step of an approval as the panel draws it: its routing, its tasks, whether it is the open one. */
export interface StepView {
  stepIndex: number;
  stepName: string;
  /** the condition held (the step applies) */
  holds: boolean;
  matched: string[];
  tasks: ApprovalTaskDto[];
  state: 'skipped' | 'waiting' | 'current' | 'approved' | 'rejected' | 'returned' | 'closed';
}

export function stepViews(inst: Pick<ApprovalInstanceDto, 'routing' | 'tasks' | 'currentStep' | 'status'>): StepView[] {
  return [...inst.routing]
    .sort((a, b) => a.stepIndex - b.stepIndex)
    .map((r) => {
      const tasks = inst.tasks.filter((t) => t.stepIndex === r.stepIndex);
      let state: StepView['state'];
      if (!r.holds) state = 'skipped';
      else if (inst.status === ApprovalStatus.PENDING && inst.currentStep === r.stepIndex) state = 'current';
      else if (tasks.some((t) => t.status === TaskStatus.REJECTED)) state = 'rejected';
      else if (tasks.some((t) => t.status === TaskStatus.RETURNED)) state = 'returned';
      else if (tasks.some((t) => t.status === TaskStatus.APPROVED)) state = 'approved';
      else if (tasks.length) state = 'closed';
      else state = 'waiting';
      return { stepIndex: r.stepIndex, stepName: r.stepName, holds: r.holds, matched: r.matched, tasks, state };
    });
}

/** The caller's open task on an approval, if any (they may act on it). */
export function myOpenTask(inst: Pick<ApprovalInstanceDto, 'tasks' | 'status'>, userId: string | null | undefined): ApprovalTaskDto | null {
  if (!userId || inst.status !== ApprovalStatus.PENDING) return null;
  return inst.tasks.find((t) => t.approverId === userId && t.status === TaskStatus.PENDING) ?? null;
}

/** The submitter may withdraw while the approval is pending. */
export function canWithdraw(inst: Pick<ApprovalInstanceDto, 'submittedById' | 'status'>, userId: string | null | undefined): boolean {
  return !!userId && inst.status === ApprovalStatus.PENDING && inst.submittedById === userId;
}

/** Approved without anyone deciding: no step's condition held (or no flow applies). */
export function autoApproved(inst: Pick<ApprovalInstanceDto, 'status' | 'routing' | 'tasks'>): boolean {
  return inst.status === ApprovalStatus.APPROVED && !inst.routing.some((r) => r.holds) && inst.tasks.length === 0;
}
