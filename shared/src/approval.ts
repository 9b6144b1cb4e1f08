/** Approval workflows: document types and their facts, conditions, steps, flows, tasks, notifications (issue: approvals). */
import { Dec, isDecimalString } from './money';

/** Document types that can be routed through approval. Modules register a handler per type on the server. */
export enum ApprovalDocType {
  SALES_ORDER = 'SALES_ORDER',
  /** an order submitted past a credit refusal (credit:override): routed on its own, as well as the order */
  CREDIT_OVERRIDE = 'CREDIT_OVERRIDE',
  /** an order with manual prices below the floor: routed on its own, as well as the order */
  BELOW_FLOOR_PRICE = 'BELOW_FLOOR_PRICE',
  /** a count adjustment (盘点单): stock changes only once approved */
  STOCK_ADJUSTMENT = 'STOCK_ADJUSTMENT',
  /** reversing a receipt: the receipt stays in force until approved */
  RECEIPT_REVERSAL = 'RECEIPT_REVERSAL',
  /** a supplementary invoice entry (发票补录): in the register only once approved */
  INVOICE_SUPPLEMENT = 'INVOICE_SUPPLEMENT',
}

export type FactType = 'number' | 'boolean' | 'string' | 'level';

export interface FactDefinition {
  key: string;
  type: FactType;
}

/** The facts a condition may test, per document type. */
export const APPROVAL_FACTS: Record<ApprovalDocType, FactDefinition[]> = {
  [ApprovalDocType.SALES_ORDER]: [
    { key: 'amount', type: 'number' },
    { key: 'discountRate', type: 'number' },
    { key: 'belowFloor', type: 'boolean' },
    { key: 'overCredit', type: 'boolean' },
    { key: 'dealerLevel', type: 'level' },
    { key: 'branchCode', type: 'string' },
    { key: 'source', type: 'string' },
  ],
  [ApprovalDocType.CREDIT_OVERRIDE]: [
    { key: 'amount', type: 'number' },
    /** how far the order goes past the available credit */
    { key: 'excess', type: 'number' },
    /** the dealer's overdue receivables */
    { key: 'overdue', type: 'number' },
    { key: 'dealerLevel', type: 'level' },
    { key: 'branchCode', type: 'string' },
    { key: 'source', type: 'string' },
  ],
  [ApprovalDocType.BELOW_FLOOR_PRICE]: [
    { key: 'amount', type: 'number' },
    /** sum over the below-floor lines of (floor - net unit price) x qty */
    { key: 'belowFloorGap', type: 'number' },
    { key: 'discountRate', type: 'number' },
    { key: 'dealerLevel', type: 'level' },
    { key: 'branchCode', type: 'string' },
    { key: 'source', type: 'string' },
  ],
  [ApprovalDocType.STOCK_ADJUSTMENT]: [
    /** the value of the change (sum of |qty| x base price) */
    { key: 'amount', type: 'number' },
    /** the value of the decreases alone (盘亏) */
    { key: 'lossAmount', type: 'number' },
    { key: 'branchCode', type: 'string' },
    { key: 'warehouseCode', type: 'string' },
  ],
  [ApprovalDocType.RECEIPT_REVERSAL]: [
    { key: 'amount', type: 'number' },
    /** how much of the receipt is set against receivables */
    { key: 'allocatedAmount', type: 'number' },
    /** days since the receipt's business date */
    { key: 'ageDays', type: 'number' },
    { key: 'dealerLevel', type: 'level' },
    { key: 'branchCode', type: 'string' },
  ],
  [ApprovalDocType.INVOICE_SUPPLEMENT]: [
    /** the invoice's 价税合计 */
    { key: 'amount', type: 'number' },
    /** the invoice type code (81, 82, 01 ...) */
    { key: 'invoiceType', type: 'string' },
    /** true when filed from a reconciliation finding */
    { key: 'fromReconciliation', type: 'boolean' },
    { key: 'branchCode', type: 'string' },
  ],
};

export type Operator = 'gt' | 'gte' | 'lt' | 'lte' | 'eq' | 'neq' | 'in';

/** Which operators fit which fact type. */
export const OPERATORS_BY_TYPE: Record<FactType, Operator[]> = {
  number: ['gt', 'gte', 'lt', 'lte', 'eq', 'neq'],
  level: ['gt', 'gte', 'lt', 'lte', 'eq', 'neq', 'in'],
  boolean: ['eq'],
  string: ['eq', 'neq', 'in'],
};

export interface Comparison {
  fact: string;
  operator: Operator;
  /** number/level: a decimal string; boolean: true/false; string: text; `in`: a list */
  value: string | boolean | string[];
}

/** all: every item holds; any: at least one. Items are comparisons or nested groups. */
export interface ConditionGroup {
  op: 'all' | 'any';
  items: (Comparison | ConditionGroup)[];
}

export type FactValues = Record<string, string | number | boolean | null>;

export function isGroup(x: Comparison | ConditionGroup): x is ConditionGroup {
  return (x as ConditionGroup).op !== undefined;
}

/** Problems with a condition for a document type (unknown facts, operators that do not fit, bad values); [] when fine. */
export function conditionProblems(docType: ApprovalDocType, cond: ConditionGroup | null, path = 'condition'): { path: string; code: 'UNKNOWN_FACT' | 'BAD_OPERATOR' | 'BAD_VALUE' | 'BAD_GROUP'; message: string }[] {
  if (cond === null) return [];
  if (!cond || !['all', 'any'].includes(cond.op) || !Array.isArray(cond.items)) return [{ path, code: 'BAD_GROUP', message: 'a group needs op all|any and items' }];
  const facts = APPROVAL_FACTS[docType];
  return cond.items.flatMap((item, i) => {
    const p = `${path}.items.${i}`;
    if (isGroup(item)) return conditionProblems(docType, item, p);
    const def = facts.find((f) => f.key === item.fact);
    if (!def) return [{ path: p, code: 'UNKNOWN_FACT' as const, message: `unknown fact ${String(item.fact)}` }];
    if (!OPERATORS_BY_TYPE[def.type].includes(item.operator)) return [{ path: p, code: 'BAD_OPERATOR' as const, message: `${item.operator} does not fit ${def.key} (${def.type})` }];
    const values = item.operator === 'in' ? item.value : [item.value];
    if (!Array.isArray(values) || !values.length) return [{ path: p, code: 'BAD_VALUE' as const, message: '`in` needs a non-empty list' }];
    const ok = values.every((v) =>
      def.type === 'boolean' ? typeof v === 'boolean' : def.type === 'string' ? typeof v === 'string' && v.length > 0 : typeof v === 'string' && isDecimalString(v, 4),
    );
    return ok ? [] : [{ path: p, code: 'BAD_VALUE' as const, message: `bad value for ${def.key} (${def.type})` }];
  });
}

function compare(c: Comparison, type: FactType, actual: string | number | boolean | null | undefined): boolean {
  if (actual === null || actual === undefined) return false;
  const want = c.operator === 'in' ? (c.value as string[]) : [c.value as string | boolean];
  if (type === 'boolean') return actual === want[0];
  if (type === 'string') return c.operator === 'neq' ? String(actual) !== want[0] : want.includes(String(actual));
  if (typeof actual === 'boolean') return false;
  const a = new Dec(actual);
  const b = new Dec(want[0] as string);
  switch (c.operator) {
    case 'gt': return a.greaterThan(b);
    case 'gte': return a.greaterThanOrEqualTo(b);
    case 'lt': return a.lessThan(b);
    case 'lte': return a.lessThanOrEqualTo(b);
    case 'eq': return a.equals(b);
    case 'neq': return !a.equals(b);
    case 'in': return want.some((w) => a.equals(w as string));
  }
}

/** Human-readable form of a comparison, recorded with an approval ("amount gt 5000"). */
export function describeComparison(c: Comparison): string {
  return `${c.fact} ${c.operator} ${Array.isArray(c.value) ? c.value.join('|') : String(c.value)}`;
}

/**
 * Evaluates a condition over a document's facts (decimal comparison, never floats). A null
 * condition always holds. Returns whether it holds and the comparisons that were true.
 */
export function evaluateCondition(docType: ApprovalDocType, cond: ConditionGroup | null, facts: FactValues): { holds: boolean; matched: string[] } {
  if (cond === null) return { holds: true, matched: [] };
  const matched: string[] = [];
  const results = cond.items.map((item) => {
    if (isGroup(item)) {
      const r = evaluateCondition(docType, item, facts);
      if (r.holds) matched.push(...r.matched);
      return r.holds;
    }
    const def = APPROVAL_FACTS[docType].find((f) => f.key === item.fact);
    const ok = !!def && compare(item, def.type, facts[item.fact]);
    if (ok) matched.push(describeComparison(item));
    return ok;
  });
  const holds = cond.op === 'all' ? results.every(Boolean) : results.some(Boolean);
  return { holds, matched: holds ? matched : [] };
}

/** Approvers relative to the document's branch, or named users. */
export type ApproverSpec =
  | { kind: 'ROLE'; role: string; relativeTo: 'DOC_BRANCH' | 'PARENT_BRANCH' | 'HQ' }
  | { kind: 'USERS'; userIds: string[] };

export interface ApprovalStep {
  name: string;
  condition: ConditionGroup | null;
  approvers: ApproverSpec[];
  /** ANY: one approval closes the step; ALL: every approver must approve */
  mode: 'ANY' | 'ALL';
  /** hours before the step escalates to the next level (the parent branch's same role, then HQ admins) */
  timeLimitHours: number | null;
}

export type MissingApproverPolicy = 'ESCALATE_HQ_ADMIN' | 'REJECT';

export interface ApprovalFlowInput {
  code: string;
  name: string;
  docType: ApprovalDocType;
  /** the organisation subtree the flow applies to (HQ: everything) */
  orgId: string;
  onMissingApprover: MissingApproverPolicy;
  steps: ApprovalStep[];
}

export interface ApprovalFlowDto extends ApprovalFlowInput {
  id: string;
  orgName: string;
  status: 'ACTIVE' | 'DISABLED';
  version: number;
  updatedAt: string;
}

export enum ApprovalStatus {
  PENDING = 'PENDING',
  APPROVED = 'APPROVED',
  REJECTED = 'REJECTED',
  RETURNED = 'RETURNED',
  WITHDRAWN = 'WITHDRAWN',
}

export enum TaskStatus {
  PENDING = 'PENDING',
  APPROVED = 'APPROVED',
  REJECTED = 'REJECTED',
  RETURNED = 'RETURNED',
  /** closed without the approver acting: another approver decided, withdrawn, escalated */
  CLOSED = 'CLOSED',
}

export interface ApprovalEventDto {
  id: string;
  action: 'SUBMIT' | 'STEP_OPEN' | 'STEP_SKIPPED' | 'APPROVE' | 'REJECT' | 'RETURN' | 'WITHDRAW' | 'ESCALATE' | 'AUTO_APPROVE' | 'APPROVED' | 'NO_APPROVER';
  stepIndex: number | null;
  stepName: string | null;
  actorName: string | null;
  note: string | null;
  at: string;
}

/**
 * What an approval is about, as values each client words for its document type and language
 * (approval.summary.<docType>): the party, the amount that type is about, a count's lines.
 */
export interface ApprovalSummary {
  /** the dealer; for a stock count the warehouse */
  party: string;
  /** order: its total; credit override: the excess over the limit; below floor: the gap under the floor; reversal: the receipt's amount; count: the loss value */
  amount: string;
  /** a stock count's lines */
  lines?: number;
}

export interface ApprovalTaskDto {
  id: string;
  instanceId: string;
  docType: ApprovalDocType;
  docId: string;
  docNumber: string;
  /** e.g. the dealer and amount of an order, in Chinese (SMS, e-mail, older clients) */
  docSummary: string;
  /** the same as values, worded by the client; null on approvals started before summaries had values */
  summary: ApprovalSummary | null;
  /** the web page of the document (its module says where) */
  docLink: string | null;
  stepIndex: number;
  stepName: string;
  approverId: string;
  approverName: string;
  /** set when the task reached this approver by delegation */
  delegatedFromName: string | null;
  status: TaskStatus;
  comment: string | null;
  dueAt: string | null;
  submittedByName: string | null;
  createdAt: string;
  actedAt: string | null;
}

export interface ApprovalInstanceDto {
  id: string;
  docType: ApprovalDocType;
  docId: string;
  docNumber: string;
  flowId: string | null;
  flowName: string | null;
  flowVersion: number | null;
  status: ApprovalStatus;
  currentStep: number | null;
  facts: FactValues;
  /** per step: whether its condition held and which comparisons matched */
  routing: { stepIndex: number; stepName: string; holds: boolean; matched: string[] }[];
  submittedById: string | null;
  submittedByName: string | null;
  createdAt: string;
  tasks: ApprovalTaskDto[];
  events: ApprovalEventDto[];
}

/**
 * What a notification says, as a message key and its values, so each client words it in its
 * user's language (the stored title and body are the Chinese wording, for SMS / e-mail).
 */
export interface NotificationMessage {
  key: 'orderStatus' | 'logistics' | 'approved' | 'rejected' | 'returned' | 'task' | 'invoiceReminder' | 'reportReminder' | 'reportNever' | 'reportOverdue';
  /** `number` of the document; `status` an order status code; `step` the approval step's name */
  params: Record<string, string>;
  /** the body is the system's own note (not a person's words): the client words it */
  note?: 'autoApproved' | 'noApprover';
  /** the body is the summary of an approval of this document type (after the step's name for a task): the client words it */
  summary?: { docType: ApprovalDocType; values: ApprovalSummary };
}

export interface NotificationDto {
  id: string;
  kind: 'TASK' | 'APPROVED' | 'REJECTED' | 'RETURNED' | 'ORDER_STATUS' | 'INVOICE_REMINDER' | 'REPORT_REMINDER';
  title: string;
  body: string | null;
  /** null on notifications written before messages had keys */
  message: NotificationMessage | null;
  link: string | null;
  readAt: string | null;
  createdAt: string;
}

/**
 * The unread count the notification answers carry (`unread`: the bell's badge, 消息中心's count) is
 * counted up to this many: a larger answer means "more than UNREAD_COUNT_LIMIT" (shown as 1000+), so
 * a user who never reads costs no more to poll than one with a thousand unread notices.
 */
export const UNREAD_COUNT_LIMIT = 1000;

/** `unread` of a notification answer as a count in words shows it ("{n} 条未读"): `UNREAD_COUNT_LIMIT+` above the limit. */
export function unreadText(unread: number): string {
  return unread > UNREAD_COUNT_LIMIT ? `${UNREAD_COUNT_LIMIT}+` : String(unread);
}

export interface LoginWarningsDto {
  pendingApprovals: number;
  /** mall orders waiting for customer service's review (PENDING_REVIEW), for users with orders:review */
  pendingReviews: number;
  overdueReceivables: { count: number; amount: string };
  lowStock: number;
}
