import { describe, expect, it } from 'vitest';
import { ApprovalDocType, conditionProblems, type ApprovalFlowDto } from '@drp/shared';
import {
  codeProblem,
  emptyDraft,
  emptyPreviewFacts,
  emptyStep,
  fingerprint,
  fromFlow,
  hasStepProblems,
  moveStep,
  newApprover,
  newComparison,
  newGroup,
  previewFactValues,
  previewRouting,
  serverStepProblems,
  setFact,
  setOperator,
  stepProblems,
  toCondition,
  toInput,
  valueKind,
  type ComparisonDraft,
  type FlowDraft,
  type GroupDraft,
  type StepDraft,
} from './flowDraft';

const SO = ApprovalDocType.SALES_ORDER;

/** the demo flow SO-STANDARD as the server returns it */
const standard: ApprovalFlowDto = {
  id: 'f1',
  code: 'SO-STANDARD',
  name: '销售订单审批',
  docType: SO,
  orgId: 'hq',
  orgName: '总部',
  status: 'ACTIVE',
  version: 3,
  updatedAt: '2026-01-01T00:00:00.000Z',
  onMissingApprover: 'ESCALATE_HQ_ADMIN',
  steps: [
    { name: '低于底价审批', condition: { op: 'all', items: [{ fact: 'belowFloor', operator: 'eq', value: true }] }, approvers: [{ kind: 'ROLE', role: 'BRANCH_MANAGER', relativeTo: 'DOC_BRANCH' }], mode: 'ANY', timeLimitHours: 24 },
    { name: '分支机构经理审批', condition: { op: 'all', items: [{ fact: 'amount', operator: 'gt', value: '5000' }] }, approvers: [{ kind: 'ROLE', role: 'BRANCH_MANAGER', relativeTo: 'DOC_BRANCH' }], mode: 'ANY', timeLimitHours: 24 },
    { name: '总部副总审批', condition: { op: 'all', items: [{ fact: 'amount', operator: 'gt', value: '10000' }] }, approvers: [{ kind: 'USERS', userIds: ['u-vp'] }], mode: 'ANY', timeLimitHours: 48 },
  ],
};

function cmp(fact: string, operator: ComparisonDraft['operator'], value: ComparisonDraft['value']): ComparisonDraft {
  return { key: 0, fact, operator, value };
}

function step(over: Partial<StepDraft> = {}): StepDraft {
  return { ...emptyStep(), name: '步骤', approvers: [{ key: 1, kind: 'ROLE', role: 'BRANCH_MANAGER', relativeTo: 'DOC_BRANCH' }], ...over };
}

describe('flow draft: to and from the wire', () => {
  it('round-trips a saved flow (keys added for the form, stripped again)', () => {
    const draft = fromFlow(standard);
    expect(draft.steps).toHaveLength(3);
    expect(draft.steps.map((s) => s.key)).toEqual([...new Set(draft.steps.map((s) => s.key))]);
    const input = toInput(draft);
    expect(input).toEqual({
      code: 'SO-STANDARD',
      name: '销售订单审批',
      docType: SO,
      orgId: 'hq',
      onMissingApprover: 'ESCALATE_HQ_ADMIN',
      steps: standard.steps,
    });
  });

  it('trims names and values, drops empty and repeated list entries, and keeps numbers as decimal strings', () => {
    const group: GroupDraft = { key: 1, op: 'any', items: [cmp('amount', 'gt', ' 3000 '), cmp('dealerLevel', 'in', ['8', ' 9', '', '9', '10']), { key: 2, op: 'all', items: [cmp('belowFloor', 'eq', true)] }] };
    expect(toCondition(group)).toEqual({
      op: 'any',
      items: [
        { fact: 'amount', operator: 'gt', value: '3000' },
        { fact: 'dealerLevel', operator: 'in', value: ['8', '9', '10'] },
        { op: 'all', items: [{ fact: 'belowFloor', operator: 'eq', value: true }] },
      ],
    });
    const draft: FlowDraft = { ...emptyDraft(), code: ' SO-SH ', name: ' 上海 ', orgId: 'sh', steps: [step({ name: ' 金额超过 3000 ', condition: null })] };
    const input = toInput(draft);
    expect(input.code).toBe('SO-SH');
    expect(input.name).toBe('上海');
    expect(input.steps[0]).toEqual({ name: '金额超过 3000', condition: null, approvers: [{ kind: 'ROLE', role: 'BRANCH_MANAGER', relativeTo: 'DOC_BRANCH' }], mode: 'ANY', timeLimitHours: null });
  });

  it('tells unsaved changes by what would be sent', () => {
    const draft = fromFlow(standard);
    const before = fingerprint(draft);
    draft.steps[1].approvers.push(newApprover('USERS'));
    expect(fingerprint(draft)).not.toBe(before);
    draft.steps[1].approvers.pop();
    expect(fingerprint(draft)).toBe(before);
  });
});

describe('flow draft: editing a condition row', () => {
  it('starts a row with the first fact, an operator that fits and an empty value', () => {
    const row = newComparison(SO);
    expect(row).toMatchObject({ fact: 'amount', operator: 'gt', value: '' });
    expect(newComparison(SO, 'belowFloor')).toMatchObject({ operator: 'eq', value: true });
    expect(newGroup(SO, 'any').items).toHaveLength(1);
  });

  it('a new fact keeps an operator that fits and resets one that does not, and starts the value afresh', () => {
    const row = cmp('amount', 'gte', '100');
    setFact(row, SO, 'dealerLevel');
    expect(row).toMatchObject({ operator: 'gte', value: '' });
    setFact(row, SO, 'belowFloor');
    expect(row).toMatchObject({ operator: 'eq', value: true });
    setFact(row, SO, 'source');
    expect(row).toMatchObject({ operator: 'eq', value: '' });
  });

  it('属于 turns the value into a list keeping what was typed; leaving it keeps the first entry', () => {
    const row = cmp('dealerLevel', 'eq', '8');
    setOperator(row, SO, 'in');
    expect(row.value).toEqual(['8']);
    (row.value as string[]).push('9');
    setOperator(row, SO, 'gte');
    expect(row.value).toBe('8');
    const empty = cmp('branchCode', 'eq', ' ');
    setOperator(empty, SO, 'in');
    expect(empty.value).toEqual([]);
  });

  it('picks the value box by the fact type and operator', () => {
    expect(valueKind(SO, 'amount', 'gt')).toBe('number');
    expect(valueKind(SO, 'belowFloor', 'eq')).toBe('boolean');
    expect(valueKind(SO, 'dealerLevel', 'eq')).toBe('level');
    expect(valueKind(SO, 'dealerLevel', 'in')).toBe('levels');
    expect(valueKind(SO, 'source', 'eq')).toBe('choice');
    expect(valueKind(SO, 'source', 'in')).toBe('choices');
    expect(valueKind(SO, 'branchCode', 'neq')).toBe('text');
    expect(valueKind(SO, 'branchCode', 'in')).toBe('texts');
  });
});

describe('flow draft: steps', () => {
  it('moves a step up and down, not past either end', () => {
    const steps = fromFlow(standard).steps;
    const names = () => steps.map((s) => s.name);
    expect(moveStep(steps, 2, -1)).toBe(true);
    expect(names()).toEqual(['低于底价审批', '总部副总审批', '分支机构经理审批']);
    expect(moveStep(steps, 0, -1)).toBe(false);
    expect(moveStep(steps, 2, 1)).toBe(false);
    expect(moveStep(steps, 0, 1)).toBe(true);
    expect(names()).toEqual(['总部副总审批', '低于底价审批', '分支机构经理审批']);
  });
});

describe('flow draft: checks', () => {
  it('a complete step has no problems', () => {
    expect(hasStepProblems(stepProblems(SO, step({ condition: { key: 1, op: 'all', items: [cmp('amount', 'gt', '3000')] } })))).toBe(false);
  });

  it('finds a missing name, no approvers, an approver left empty and a time limit out of range', () => {
    const p = stepProblems(SO, { ...emptyStep(), approvers: [], timeLimitHours: 721 });
    expect(p).toMatchObject({ name: 'required', approvers: 'none', timeLimit: 'range' });
    const rows = stepProblems(SO, step({ approvers: [newApprover('ROLE'), newApprover('USERS')] }));
    expect(rows.approverRows).toEqual({ 0: 'noRole', 1: 'noUsers' });
    expect(stepProblems(SO, step({ timeLimitHours: 1.5 })).timeLimit).toBe('range');
    expect(stepProblems(SO, step({ timeLimitHours: 720 })).timeLimit).toBeUndefined();
  });

  it('finds condition problems at the same paths as conditionProblems(), plus empty groups', () => {
    const condition: GroupDraft = {
      key: 1,
      op: 'all',
      items: [cmp('amount', 'gt', '3,000'), cmp('amount', 'in', ['1']), { key: 2, op: 'any', items: [cmp('dealerLevel', 'in', []), cmp('belowFloor', 'eq', true)] }, { key: 3, op: 'any', items: [] }],
    };
    const p = stepProblems(SO, step({ condition }));
    expect(p.condition).toEqual({
      'condition.items.0': 'BAD_VALUE',
      'condition.items.1': 'BAD_OPERATOR',
      'condition.items.2.items.0': 'BAD_VALUE',
      'condition.items.3': 'EMPTY_GROUP',
    });
    const shared = conditionProblems(SO, toCondition(condition), 'condition').map((x) => x.path);
    expect(shared).toEqual(['condition.items.0', 'condition.items.1', 'condition.items.2.items.0']);
    // more than 4 decimals is refused like the server does
    expect(stepProblems(SO, step({ condition: { key: 1, op: 'all', items: [cmp('discountRate', 'gt', '0.12345')] } })).condition).toEqual({ 'condition.items.0': 'BAD_VALUE' });
  });

  it('checks the code like the server (CODE_PATTERN)', () => {
    expect(codeProblem('')).toBe('required');
    expect(codeProblem('SO-SH')).toBeNull();
    expect(codeProblem('-SO')).toBe('format');
    expect(codeProblem('销售')).toBe('format');
  });

  it('places the server refusals at their steps', () => {
    const cond = serverStepProblems('APPROVAL_CONDITION_INVALID', {
      problems: [
        { path: 'steps.1.condition.items.0', code: 'BAD_VALUE', message: 'bad value' },
        { path: 'steps.1.condition.items.2.items.1', code: 'UNKNOWN_FACT', message: 'unknown fact' },
      ],
    });
    expect([...cond.keys()]).toEqual([1]);
    expect(cond.get(1)!.condition).toEqual({ 'condition.items.0': 'BAD_VALUE', 'condition.items.2.items.1': 'UNKNOWN_FACT' });
    const none = serverStepProblems('APPROVAL_STEP_NO_APPROVERS', { field: 'steps.2.approvers' });
    expect(none.get(2)!.approvers).toBe('none');
    expect(serverStepProblems('DUPLICATE', { field: 'orgId', flow: 'SO-STANDARD' }).size).toBe(0);
  });
});

describe('flow draft: route preview', () => {
  it('shows which steps of SO-STANDARD an order goes through, as the server evaluates them', () => {
    const draft = fromFlow(standard);
    const facts = emptyPreviewFacts(SO);
    const states = () => previewRouting(draft, facts).map((r) => r.state);
    expect(states()).toEqual(['skipped', 'skipped', 'skipped']);
    facts.amount = '7000';
    expect(states()).toEqual(['skipped', 'applies', 'skipped']);
    facts.amount = '12000.50';
    facts.belowFloor = true;
    const rows = previewRouting(draft, facts);
    expect(rows.map((r) => r.state)).toEqual(['applies', 'applies', 'applies']);
    expect(rows[2].matched).toEqual([{ fact: 'amount', operator: 'gt', value: '10000' }]);
    // exactly the limit is not over it (decimal comparison)
    facts.amount = '5000.00';
    facts.belowFloor = false;
    expect(states()).toEqual(['skipped', 'skipped', 'skipped']);
  });

  it('evaluates any-groups and levels, treats a malformed number as unknown and flags incomplete conditions', () => {
    const draft: FlowDraft = {
      ...emptyDraft(),
      steps: [
        step({ name: 'a', condition: { key: 1, op: 'all', items: [cmp('amount', 'gt', '3000')] } }),
        step({ name: 'b', condition: { key: 2, op: 'any', items: [cmp('belowFloor', 'eq', true), cmp('dealerLevel', 'in', ['8', '9', '10'])] } }),
        step({ name: 'c', condition: null }),
        step({ name: 'd', condition: { key: 3, op: 'all', items: [cmp('amount', 'gt', '')] } }),
      ],
    };
    const facts = { ...emptyPreviewFacts(SO), amount: 'abc', dealerLevel: '9' };
    expect(previewFactValues(SO, facts)).toMatchObject({ amount: null, dealerLevel: '9', belowFloor: false, source: null });
    const rows = previewRouting(draft, facts);
    expect(rows.map((r) => r.state)).toEqual(['skipped', 'applies', 'applies', 'incomplete']);
    expect(rows[1].matched).toEqual([{ fact: 'dealerLevel', operator: 'in', value: ['8', '9', '10'] }]);
    expect(rows[2].always).toBe(true);
  });
});
