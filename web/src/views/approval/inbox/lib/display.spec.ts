import { describe, expect, it } from 'vitest';
import { ApprovalStatus, TaskStatus, type ApprovalInstanceDto, type ApprovalTaskDto } from '@drp/shared';
import { approvalNote, autoApproved, canWithdraw, isOverdue, myOpenTask, parseComparison, splitMatched, stepViews } from './display';

const task = (over: Partial<ApprovalTaskDto>): ApprovalTaskDto => ({
  id: 't1',
  instanceId: 'i1',
  docType: 'SALES_ORDER' as ApprovalTaskDto['docType'],
  docId: 'o1',
  docNumber: 'SO20260101-0001',
  docSummary: '北京华联 ¥7,000.00',
  summary: { party: '北京华联', amount: '7000.00' },
  docLink: '/sales/orders/o1',
  stepIndex: 1,
  stepName: '分支机构经理审批',
  approverId: 'u-mgr',
  approverName: '王经理',
  delegatedFromName: null,
  status: TaskStatus.PENDING,
  comment: null,
  dueAt: null,
  submittedByName: '李销售',
  createdAt: '2026-01-01T00:00:00.000Z',
  actedAt: null,
  ...over,
});

const routing = [
  { stepIndex: 0, stepName: '低于底价审批', holds: false, matched: [] },
  { stepIndex: 1, stepName: '分支机构经理审批', holds: true, matched: ['amount gt 5000'] },
  { stepIndex: 2, stepName: '总部副总审批', holds: true, matched: ['amount gt 10000'] },
];
const instance = (over: Partial<ApprovalInstanceDto>): ApprovalInstanceDto => ({
  id: 'i1',
  docType: 'SALES_ORDER' as ApprovalInstanceDto['docType'],
  docId: 'o1',
  docNumber: 'SO20260101-0001',
  flowId: 'f1',
  flowName: '销售订单审批',
  flowVersion: 1,
  status: ApprovalStatus.PENDING,
  currentStep: 1,
  facts: { amount: '12000.00' },
  routing,
  submittedById: 'u-sales',
  submittedByName: '李销售',
  createdAt: '2026-01-01T00:00:00.000Z',
  tasks: [task({})],
  events: [],
  ...over,
});

describe('approval display rules', () => {
  it('calls an open task past its due time overdue, nothing else', () => {
    const now = new Date('2026-01-02T00:00:00Z');
    expect(isOverdue(task({ dueAt: '2026-01-01T12:00:00Z' }), now)).toBe(true);
    expect(isOverdue(task({ dueAt: '2026-01-03T00:00:00Z' }), now)).toBe(false);
    expect(isOverdue(task({ dueAt: null }), now)).toBe(false);
    expect(isOverdue(task({ dueAt: '2026-01-01T12:00:00Z', status: TaskStatus.APPROVED }), now)).toBe(false);
  });

  it('takes the recorded comparisons apart', () => {
    expect(parseComparison('amount gt 5000')).toEqual({ fact: 'amount', operator: 'gt', values: ['5000'] });
    expect(parseComparison('branchCode in BJ|SH')).toEqual({ fact: 'branchCode', operator: 'in', values: ['BJ', 'SH'] });
    expect(parseComparison('belowFloor eq true')).toEqual({ fact: 'belowFloor', operator: 'eq', values: ['true'] });
    expect(parseComparison('whatever')).toBeNull();
    expect(splitMatched('amount gt 5000, belowFloor eq true')).toEqual(['amount gt 5000', 'belowFloor eq true']);
    expect(splitMatched(null)).toEqual([]);
  });

  it('recognises the server notes it can translate', () => {
    expect(approvalNote('SUBMIT', '销售订单审批 v3')).toEqual({ kind: 'flow', name: '销售订单审批', version: '3' });
    expect(approvalNote('SUBMIT', 'no flow applies')).toEqual({ kind: 'noFlow' });
    expect(approvalNote('WITHDRAW', 'superseded by a new submission')).toEqual({ kind: 'superseded' });
    expect(approvalNote('WITHDRAW', 'order cancelled: 客户取消')).toEqual({ kind: 'cancelled', reason: '客户取消' });
    expect(approvalNote('STEP_OPEN', 'amount gt 5000, amount gt 1000')).toEqual({ kind: 'matched', items: ['amount gt 5000', 'amount gt 1000'] });
    expect(approvalNote('REJECT', '价格太低')).toEqual({ kind: 'text', text: '价格太低' });
    expect(approvalNote('APPROVE', null)).toBeNull();
  });

  it('draws each step with its routing, tasks and state', () => {
    const views = stepViews(instance({}));
    expect(views.map((v) => v.state)).toEqual(['skipped', 'current', 'waiting']);
    expect(views[1].tasks).toHaveLength(1);
    const decided = stepViews(
      instance({
        status: ApprovalStatus.REJECTED,
        currentStep: null,
        tasks: [task({ status: TaskStatus.APPROVED }), task({ id: 't2', stepIndex: 2, status: TaskStatus.REJECTED, comment: '价格太低' })],
      }),
    );
    expect(decided.map((v) => v.state)).toEqual(['skipped', 'approved', 'rejected']);
  });

  it('offers decisions to the open task holder and withdrawal to the submitter while pending', () => {
    expect(myOpenTask(instance({}), 'u-mgr')?.id).toBe('t1');
    expect(myOpenTask(instance({}), 'u-other')).toBeNull();
    expect(myOpenTask(instance({ status: ApprovalStatus.APPROVED }), 'u-mgr')).toBeNull();
    expect(canWithdraw(instance({}), 'u-sales')).toBe(true);
    expect(canWithdraw(instance({}), 'u-mgr')).toBe(false);
    expect(canWithdraw(instance({ status: ApprovalStatus.REJECTED }), 'u-sales')).toBe(false);
  });

  it('knows an approval nobody had to decide', () => {
    const none = routing.map((r) => ({ ...r, holds: false, matched: [] }));
    expect(autoApproved(instance({ status: ApprovalStatus.APPROVED, routing: none, tasks: [] }))).toBe(true);
    expect(autoApproved(instance({ status: ApprovalStatus.APPROVED, tasks: [task({ status: TaskStatus.APPROVED })] }))).toBe(false);
  });
});
