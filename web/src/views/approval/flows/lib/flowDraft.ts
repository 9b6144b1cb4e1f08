import {
  APPROVAL_FACTS,
  ApprovalDocType,
  CODE_PATTERN,
  OPERATORS_BY_TYPE,
  OrderSource,
  conditionProblems,
  evaluateCondition,
  isGroup,
  type ApprovalFlowDto,
  type ApprovalFlowInput,
  type ApprovalStep,
  type ApproverSpec,
  type Comparison,
  type ConditionGroup,
  type FactType,
  type MissingApproverPolicy,
  type Operator,
} from '@drp/shared';

/**
 * The approval-flow editor's model: a flow as the form holds it (every step, condition row and
 * approver with a stable `key` for v-for), its conversion to and from the wire types, the edits
 * that keep a condition row consistent (a new fact resets an operator that does not fit it, `in`
 * turns the value into a list), and the checks run before saving.
 */

let lastKey = 0;
/** a key for v-for, unique in this page's life */
export const nextKey = (): number => ++lastKey;

export type ComparisonValue = Comparison['value'];
export interface ComparisonDraft {
  key: number;
  fact: string;
  operator: Operator;
  value: ComparisonValue;
}
export interface GroupDraft {
  key: number;
  op: 'all' | 'any';
  items: ConditionItemDraft[];
}
export type ConditionItemDraft = ComparisonDraft | GroupDraft;

export type RelativeTo = 'DOC_BRANCH' | 'PARENT_BRANCH' | 'HQ';
export interface RoleApproverDraft {
  key: number;
  kind: 'ROLE';
  role: string;
  relativeTo: RelativeTo;
}
export interface UsersApproverDraft {
  key: number;
  kind: 'USERS';
  userIds: string[];
}
export type ApproverDraft = RoleApproverDraft | UsersApproverDraft;

export interface StepDraft {
  key: number;
  name: string;
  /** null: the step always applies */
  condition: GroupDraft | null;
  approvers: ApproverDraft[];
  mode: 'ANY' | 'ALL';
  timeLimitHours: number | null;
}

export interface FlowDraft {
  code: string;
  name: string;
  docType: ApprovalDocType;
  orgId: string | null;
  onMissingApprover: MissingApproverPolicy;
  steps: StepDraft[];
}

/** the server's limits (approval.dto.ts) */
export const MAX_STEPS = 10;
export const MAX_APPROVERS = 20;
export const MAX_HOURS = 720;
export const MAX_NAME = 100;
/** how deep the editor lets conditions nest: the step's group and one level of groups inside it */
export const MAX_GROUP_DEPTH = 1;

export const DOC_TYPES = Object.values(ApprovalDocType);
export const RELATIVE_TO: RelativeTo[] = ['DOC_BRANCH', 'PARENT_BRANCH', 'HQ'];
export const MISSING_POLICIES: MissingApproverPolicy[] = ['ESCALATE_HQ_ADMIN', 'REJECT'];
export const LEVELS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10'];

/** Facts whose values come from a fixed list. */
export const FACT_CHOICES: Record<string, string[]> = {
  source: Object.values(OrderSource),
};

export function isGroupDraft(item: ConditionItemDraft): item is GroupDraft {
  return (item as GroupDraft).op !== undefined;
}

// ---- facts and operators ----

export function factsOf(docType: ApprovalDocType) {
  return APPROVAL_FACTS[docType] ?? [];
}

export function factType(docType: ApprovalDocType, fact: string): FactType | null {
  return factsOf(docType).find((f) => f.key === fact)?.type ?? null;
}

export function operatorsFor(docType: ApprovalDocType, fact: string): Operator[] {
  const type = factType(docType, fact);
  return type ? OPERATORS_BY_TYPE[type] : [];
}

/** Which value box a row shows: a number, 是/否, level(s) 1-10, a choice (or several) from a list, text (or several). */
export type ValueKind = 'number' | 'boolean' | 'level' | 'levels' | 'choice' | 'choices' | 'text' | 'texts';

export function valueKind(docType: ApprovalDocType, fact: string, operator: Operator): ValueKind {
  const type = factType(docType, fact);
  const many = operator === 'in';
  if (type === 'boolean') return 'boolean';
  if (type === 'number') return 'number';
  if (type === 'level') return many ? 'levels' : 'level';
  if (FACT_CHOICES[fact]) return many ? 'choices' : 'choice';
  return many ? 'texts' : 'text';
}

/** what a value box starts with: a list for `in`, 是 for a flag, empty text otherwise */
export function defaultValue(type: FactType | null, operator: Operator): ComparisonValue {
  if (operator === 'in') return [];
  return type === 'boolean' ? true : '';
}

export function newComparison(docType: ApprovalDocType, fact?: string): ComparisonDraft {
  const key = fact ?? factsOf(docType)[0]?.key ?? '';
  const operator = operatorsFor(docType, key)[0] ?? 'eq';
  return { key: nextKey(), fact: key, operator, value: defaultValue(factType(docType, key), operator) };
}

export function newGroup(docType: ApprovalDocType, op: 'all' | 'any' = 'all'): GroupDraft {
  return { key: nextKey(), op, items: [newComparison(docType)] };
}

/** Another fact: keeps the operator when it fits the fact's type, starts the value afresh. */
export function setFact(cmp: ComparisonDraft, docType: ApprovalDocType, fact: string): void {
  const ops = operatorsFor(docType, fact);
  cmp.fact = fact;
  if (!ops.includes(cmp.operator)) cmp.operator = ops[0] ?? 'eq';
  cmp.value = defaultValue(factType(docType, fact), cmp.operator);
}

/** Another operator: `in` turns the value into a list (keeping what was typed), leaving `in` keeps its first entry. */
export function setOperator(cmp: ComparisonDraft, docType: ApprovalDocType, operator: Operator): void {
  const type = factType(docType, cmp.fact);
  const was = cmp.value;
  cmp.operator = operator;
  if (type === 'boolean') {
    cmp.value = typeof was === 'boolean' ? was : true;
  } else if (operator === 'in') {
    cmp.value = Array.isArray(was) ? was : typeof was === 'string' && was.trim() ? [was.trim()] : [];
  } else if (Array.isArray(was)) {
    cmp.value = was[0] ?? '';
  } else if (typeof was !== 'string') {
    cmp.value = defaultValue(type, operator);
  }
}

// ---- to and from the wire ----

function cleanValue(value: ComparisonValue): ComparisonValue {
  if (Array.isArray(value)) return [...new Set(value.map((v) => String(v).trim()).filter(Boolean))];
  return typeof value === 'string' ? value.trim() : value;
}

export function toCondition(group: GroupDraft | null): ConditionGroup | null {
  if (!group) return null;
  return {
    op: group.op,
    items: group.items.map((item) => (isGroupDraft(item) ? toCondition(item)! : { fact: item.fact, operator: item.operator, value: cleanValue(item.value) })),
  };
}

export function fromCondition(cond: ConditionGroup | null | undefined): GroupDraft | null {
  if (!cond) return null;
  return {
    key: nextKey(),
    op: cond.op === 'any' ? 'any' : 'all',
    items: (cond.items ?? []).map((item) =>
      isGroup(item)
        ? fromCondition(item)!
        : { key: nextKey(), fact: item.fact, operator: item.operator, value: Array.isArray(item.value) ? [...item.value] : item.value },
    ),
  };
}

function fromApprover(a: ApproverSpec): ApproverDraft {
  return a.kind === 'ROLE' ? { key: nextKey(), kind: 'ROLE', role: a.role, relativeTo: a.relativeTo } : { key: nextKey(), kind: 'USERS', userIds: [...a.userIds] };
}

function toApprover(a: ApproverDraft): ApproverSpec {
  return a.kind === 'ROLE' ? { kind: 'ROLE', role: a.role, relativeTo: a.relativeTo } : { kind: 'USERS', userIds: [...new Set(a.userIds)] };
}

export function newApprover(kind: 'ROLE' | 'USERS'): ApproverDraft {
  return kind === 'ROLE' ? { key: nextKey(), kind: 'ROLE', role: '', relativeTo: 'DOC_BRANCH' } : { key: nextKey(), kind: 'USERS', userIds: [] };
}

export function emptyStep(): StepDraft {
  return { key: nextKey(), name: '', condition: null, approvers: [], mode: 'ANY', timeLimitHours: null };
}

export function emptyDraft(docType: ApprovalDocType = ApprovalDocType.SALES_ORDER): FlowDraft {
  return { code: '', name: '', docType, orgId: null, onMissingApprover: 'ESCALATE_HQ_ADMIN', steps: [emptyStep()] };
}

export function fromStep(step: ApprovalStep): StepDraft {
  return {
    key: nextKey(),
    name: step.name,
    condition: fromCondition(step.condition),
    approvers: (step.approvers ?? []).map(fromApprover),
    mode: step.mode === 'ALL' ? 'ALL' : 'ANY',
    timeLimitHours: step.timeLimitHours ?? null,
  };
}

export function toStep(step: StepDraft): ApprovalStep {
  return {
    name: step.name.trim(),
    condition: toCondition(step.condition),
    approvers: step.approvers.map(toApprover),
    mode: step.mode,
    timeLimitHours: step.timeLimitHours ?? null,
  };
}

export function fromFlow(flow: ApprovalFlowDto): FlowDraft {
  return {
    code: flow.code,
    name: flow.name,
    docType: flow.docType,
    orgId: flow.orgId,
    onMissingApprover: flow.onMissingApprover,
    steps: flow.steps.map(fromStep),
  };
}

export function toInput(draft: FlowDraft): ApprovalFlowInput {
  return {
    code: draft.code.trim(),
    name: draft.name.trim(),
    docType: draft.docType,
    orgId: draft.orgId ?? '',
    onMissingApprover: draft.onMissingApprover,
    steps: draft.steps.map(toStep),
  };
}

/** What is saved, for telling whether the form has unsaved changes. */
export function fingerprint(draft: FlowDraft): string {
  return JSON.stringify(toInput(draft));
}

/** Moves a step up (-1) or down (+1); false when it is already at that end. */
export function moveStep(steps: StepDraft[], index: number, delta: -1 | 1): boolean {
  const to = index + delta;
  if (index < 0 || index >= steps.length || to < 0 || to >= steps.length) return false;
  const [step] = steps.splice(index, 1);
  steps.splice(to, 0, step);
  return true;
}

// ---- checks ----

export type ConditionProblemCode = 'UNKNOWN_FACT' | 'BAD_OPERATOR' | 'BAD_VALUE' | 'BAD_GROUP' | 'EMPTY_GROUP';
export type ApproverProblemCode = 'noRole' | 'noUsers';

/** What is wrong with one step; condition problems are keyed by path ("condition", "condition.items.0", ...). */
export interface StepProblems {
  name?: 'required' | 'tooLong';
  condition: Record<string, ConditionProblemCode>;
  approvers?: 'none' | 'tooMany';
  /** by the approver's position in the step */
  approverRows: Record<number, ApproverProblemCode>;
  timeLimit?: 'range';
}

export const noStepProblems = (): StepProblems => ({ condition: {}, approverRows: {} });

export function hasStepProblems(p: StepProblems): boolean {
  return !!(p.name || p.approvers || p.timeLimit || Object.keys(p.condition).length || Object.keys(p.approverRows).length);
}

function emptyGroups(group: GroupDraft, path: string, out: Record<string, ConditionProblemCode>): void {
  if (!group.items.length) out[path] = 'EMPTY_GROUP';
  group.items.forEach((item, i) => isGroupDraft(item) && emptyGroups(item, `${path}.items.${i}`, out));
}

/** The condition's problems as the server would find them (conditionProblems), plus groups left empty. */
export function conditionProblemMap(docType: ApprovalDocType, condition: GroupDraft | null): Record<string, ConditionProblemCode> {
  const out: Record<string, ConditionProblemCode> = {};
  if (!condition) return out;
  for (const p of conditionProblems(docType, toCondition(condition), 'condition')) out[p.path] ??= p.code;
  emptyGroups(condition, 'condition', out);
  return out;
}

export function stepProblems(docType: ApprovalDocType, step: StepDraft): StepProblems {
  const problems = noStepProblems();
  const name = step.name.trim();
  if (!name) problems.name = 'required';
  else if (name.length > MAX_NAME) problems.name = 'tooLong';
  problems.condition = conditionProblemMap(docType, step.condition);
  if (!step.approvers.length) problems.approvers = 'none';
  else if (step.approvers.length > MAX_APPROVERS) problems.approvers = 'tooMany';
  step.approvers.forEach((a, i) => {
    if (a.kind === 'ROLE' && !a.role) problems.approverRows[i] = 'noRole';
    if (a.kind === 'USERS' && !a.userIds.length) problems.approverRows[i] = 'noUsers';
  });
  const hours = step.timeLimitHours;
  if (hours !== null && (!Number.isInteger(hours) || hours < 1 || hours > MAX_HOURS)) problems.timeLimit = 'range';
  return problems;
}

export function codeProblem(code: string): 'required' | 'format' | null {
  const c = code.trim();
  if (!c) return 'required';
  return CODE_PATTERN.test(c) ? null : 'format';
}

/**
 * The server's refusal of a save, placed at the steps it names: APPROVAL_CONDITION_INVALID
 * (details.problems with paths "steps.1.condition.items.0"), APPROVAL_STEP_NO_APPROVERS and an
 * approver of the wrong shape (details.field "steps.0.approvers"). Empty when it names no step.
 */
export function serverStepProblems(code: string, details: unknown): Map<number, StepProblems> {
  const out = new Map<number, StepProblems>();
  const at = (i: number) => {
    if (!out.has(i)) out.set(i, noStepProblems());
    return out.get(i)!;
  };
  const d = (details ?? {}) as { problems?: { path?: unknown; code?: unknown }[]; field?: unknown };
  if (code === 'APPROVAL_CONDITION_INVALID' && Array.isArray(d.problems)) {
    for (const p of d.problems) {
      const m = /^steps\.(\d+)\.(condition(?:\.items\.\d+)*)$/.exec(String(p.path ?? ''));
      if (!m) continue;
      const known = ['UNKNOWN_FACT', 'BAD_OPERATOR', 'BAD_VALUE', 'BAD_GROUP'];
      at(Number(m[1])).condition[m[2]] = (known.includes(String(p.code)) ? p.code : 'BAD_VALUE') as ConditionProblemCode;
    }
  }
  if (code === 'APPROVAL_STEP_NO_APPROVERS' || code === 'VALIDATION_FAILED') {
    const m = /^steps\.(\d+)\.approvers/.exec(String(d.field ?? ''));
    if (m) at(Number(m[1])).approvers = 'none';
  }
  return out;
}

// ---- live preview ----

/** The facts typed into the preview panel, by fact key: text for numbers, levels and strings; true/false for flags. */
export type PreviewFacts = Record<string, string | boolean>;

export function emptyPreviewFacts(docType: ApprovalDocType): PreviewFacts {
  return Object.fromEntries(factsOf(docType).map((f) => [f.key, f.type === 'boolean' ? false : '']));
}

/** The preview's facts as conditions see them: a number that is not one, or an empty box, is unknown (null). */
export function previewFactValues(docType: ApprovalDocType, facts: PreviewFacts): Record<string, string | boolean | null> {
  return Object.fromEntries(
    factsOf(docType).map((f) => {
      const raw = facts[f.key];
      if (f.type === 'boolean') return [f.key, typeof raw === 'boolean' ? raw : false];
      const text = typeof raw === 'string' ? raw.trim() : '';
      if (f.type === 'number' || f.type === 'level') return [f.key, /^-?\d{1,16}(\.\d{1,4})?$/.test(text) ? text : null];
      return [f.key, text || null];
    }),
  );
}

/** The comparisons that made a holding condition hold (as evaluateCondition counts them). */
export function matchedComparisons(docType: ApprovalDocType, cond: ConditionGroup, values: Record<string, string | boolean | null>): Comparison[] {
  if (!evaluateCondition(docType, cond, values).holds) return [];
  return cond.items.flatMap((item) => {
    if (isGroup(item)) return matchedComparisons(docType, item, values);
    return evaluateCondition(docType, { op: 'all', items: [item] }, values).holds ? [item] : [];
  });
}

export interface RoutingRow {
  index: number;
  name: string;
  /** applies: the step opens; skipped: its condition fails; incomplete: the condition has problems */
  state: 'applies' | 'skipped' | 'incomplete';
  always: boolean;
  matched: Comparison[];
}

/** Which steps a document with these facts would go through (evaluateCondition, as the server does). */
export function previewRouting(draft: FlowDraft, facts: PreviewFacts): RoutingRow[] {
  const values = previewFactValues(draft.docType, facts);
  return draft.steps.map((step, index) => {
    const base = { index, name: step.name.trim(), always: !step.condition, matched: [] as Comparison[] };
    if (Object.keys(conditionProblemMap(draft.docType, step.condition)).length) return { ...base, state: 'incomplete' as const };
    const cond = toCondition(step.condition);
    if (!cond) return { ...base, state: 'applies' as const };
    const holds = evaluateCondition(draft.docType, cond, values).holds;
    return { ...base, state: holds ? ('applies' as const) : ('skipped' as const), matched: holds ? matchedComparisons(draft.docType, cond, values) : [] };
  });
}
