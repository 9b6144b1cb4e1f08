import { beforeEach, describe, expect, it, vi } from 'vitest';
import { nextTick } from 'vue';
import { ApprovalDocType, type ApprovalFlowDto } from '@drp/shared';
import { ApiError } from '@/api/http';

const api = vi.hoisted(() => ({
  get: vi.fn(),
  create: vi.fn(),
  update: vi.fn(),
  approverUsers: vi.fn(),
  roles: vi.fn(),
}));
vi.mock('@/api/approvalFlows', () => ({
  approvalFlowsApi: { get: api.get, create: api.create, update: api.update, approverUsers: api.approverUsers },
}));
vi.mock('@/api/roles', () => ({ rolesApi: { list: api.roles } }));

const { useFlowEditor } = await import('./useFlowEditor');

const flow: ApprovalFlowDto = {
  id: 'f1',
  code: 'SO-SH',
  name: '上海分公司销售订单审批',
  docType: ApprovalDocType.SALES_ORDER,
  orgId: 'sh',
  orgName: '上海分公司',
  status: 'ACTIVE',
  version: 4,
  updatedAt: '2026-01-01T00:00:00.000Z',
  onMissingApprover: 'REJECT',
  steps: [
    { name: '金额超过 3000', condition: { op: 'all', items: [{ fact: 'amount', operator: 'gt', value: '3000' }] }, approvers: [{ kind: 'USERS', userIds: ['u-sh'] }], mode: 'ANY', timeLimitHours: null },
  ],
};

beforeEach(() => {
  vi.clearAllMocks();
  api.approverUsers.mockResolvedValue([{ id: 'u-sh', displayName: '陈海', username: 'sh.manager', org: { name: '上海分公司' } }]);
  api.roles.mockResolvedValue({ items: [{ code: 'BRANCH_MANAGER', name: '分支机构经理', nameEn: 'Branch manager' }] });
});

describe('the flow editor', () => {
  it('loads a flow, labels its named approvers and roles, and is clean until edited', async () => {
    api.get.mockResolvedValue(flow);
    const editor = useFlowEditor();
    await editor.loadRoles();
    await editor.load('f1');
    await vi.waitFor(() => expect(editor.userName('u-sh')).toBe('陈海'));
    expect(editor.roleName('BRANCH_MANAGER')).toBe('分支机构经理');
    expect(editor.draft.value.steps).toHaveLength(1);
    expect(editor.dirty.value).toBe(false);
    editor.draft.value.name = '上海审批';
    expect(editor.dirty.value).toBe(true);
  });

  it('saves an edit with the version it was loaded at, and is clean again', async () => {
    api.get.mockResolvedValue(flow);
    api.update.mockResolvedValue({ ...flow, name: '上海审批', version: 5 });
    const editor = useFlowEditor();
    await editor.load('f1');
    editor.draft.value.name = '上海审批';
    const outcome = await editor.save();
    expect(api.update).toHaveBeenCalledWith('f1', expect.objectContaining({ code: 'SO-SH', name: '上海审批', version: 4 }), { silent: true });
    expect(outcome).toMatchObject({ kind: 'saved', created: false, previousVersion: 4 });
    expect(editor.flow.value?.version).toBe(5);
    expect(editor.dirty.value).toBe(false);
  });

  it('does not send a step without approvers, and shows the problem at the step', async () => {
    const editor = useFlowEditor();
    Object.assign(editor.draft.value, { code: 'SO-X', name: 'x', orgId: 'sh' });
    editor.draft.value.steps[0].name = '第一步';
    expect(editor.problemsOf(0).approvers).toBeUndefined();
    const outcome = await editor.save();
    expect(outcome.kind).toBe('invalid');
    expect(api.create).not.toHaveBeenCalled();
    expect(editor.problemsOf(0).approvers).toBe('none');
  });

  it('shows the server refusal at the step until the user changes something', async () => {
    api.create.mockRejectedValue(new ApiError(400, 'APPROVAL_CONDITION_INVALID', 'steps.0.condition.items.0: bad value', { problems: [{ path: 'steps.0.condition.items.0', code: 'BAD_VALUE', message: 'bad' }] }));
    const editor = useFlowEditor();
    Object.assign(editor.draft.value, { code: 'SO-X', name: 'x', orgId: 'sh' });
    Object.assign(editor.draft.value.steps[0], { name: '第一步', approvers: [{ key: 1, kind: 'ROLE', role: 'BRANCH_MANAGER', relativeTo: 'DOC_BRANCH' }] });
    const outcome = await editor.save();
    expect(outcome).toMatchObject({ kind: 'error', placed: true });
    expect(editor.problemsOf(0).condition).toEqual({ 'condition.items.0': 'BAD_VALUE' });
    editor.draft.value.steps[0].name = '第一步（改）';
    await nextTick();
    expect(editor.problemsOf(0).condition).toEqual({});
  });

  it('puts a second active flow for the organisation under the organisation field, naming it', async () => {
    api.create.mockRejectedValue(new ApiError(409, 'DUPLICATE', 'Flow SO-STANDARD already applies', { field: 'orgId', flow: 'SO-STANDARD' }));
    const editor = useFlowEditor();
    Object.assign(editor.draft.value, { code: 'SO-X', name: 'x', orgId: 'hq' });
    Object.assign(editor.draft.value.steps[0], { name: '第一步', approvers: [{ key: 1, kind: 'ROLE', role: 'BRANCH_MANAGER', relativeTo: 'DOC_BRANCH' }] });
    const outcome = await editor.save();
    expect(outcome).toMatchObject({ kind: 'error', placed: true });
    expect(editor.fieldErrors.orgId).toContain('SO-STANDARD');
  });

  it('a stale version asks for a reload', async () => {
    api.get.mockResolvedValue(flow);
    api.update.mockRejectedValue(new ApiError(409, 'STALE_VERSION', 'approval flow was changed by someone else', { expected: 5, given: 4 }));
    const editor = useFlowEditor();
    await editor.load('f1');
    editor.draft.value.name = '上海审批';
    expect(await editor.save()).toEqual({ kind: 'stale' });
    expect(editor.stale.value).toBe(true);
    await editor.load('f1');
    expect(editor.stale.value).toBe(false);
  });
});
