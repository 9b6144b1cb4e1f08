import { computed, reactive, ref, shallowRef, watch, type InjectionKey } from 'vue';
import { ErrorCode, type ApprovalFlowDto, type RoleDto, type UserDto } from '@drp/shared';
import { approvalFlowsApi } from '@/api/approvalFlows';
import { rolesApi } from '@/api/roles';
import { ApiError } from '@/api/http';
import { currentLocale } from '@/i18n';
import {
  emptyDraft,
  fingerprint,
  fromFlow,
  hasStepProblems,
  noStepProblems,
  serverStepProblems,
  stepProblems,
  toInput,
  type FlowDraft,
  type StepProblems,
} from './lib/flowDraft';
import { flowErrorField, flowErrorMessage } from './lib/messages';

/** A user as the approver pickers show them. */
export interface UserLabel {
  id: string;
  displayName: string;
  username?: string;
  orgName?: string;
}

export const toUserLabel = (u: Pick<UserDto, 'id' | 'displayName' | 'username'> & { org?: { name: string } | null }): UserLabel => ({
  id: u.id,
  displayName: u.displayName,
  username: u.username,
  orgName: u.org?.name,
});

export type SaveOutcome =
  | { kind: 'saved'; flow: ApprovalFlowDto; created: boolean; previousVersion: number | null }
  | { kind: 'invalid' }
  | { kind: 'stale' }
  | { kind: 'error'; error: ApiError; message: string; placed: boolean };

/**
 * The state of the flow editor: the draft, the flow it was loaded from (its version is sent
 * back on save), the roles and user labels the approver pickers need, the problems to show per
 * step (the client's own checks once a save was tried, and what the server refused until the
 * next edit), and the save itself.
 */
export function useFlowEditor() {
  const draft = ref<FlowDraft>(emptyDraft());
  const flow = shallowRef<ApprovalFlowDto | null>(null);
  const loading = ref(false);
  const loadError = ref<unknown>(null);
  const saving = ref(false);
  /** someone else saved the flow meanwhile: reload before saving */
  const stale = ref(false);
  const showErrors = ref(false);
  const baseline = ref(fingerprint(draft.value));
  const dirty = computed(() => fingerprint(draft.value) !== baseline.value);

  const roles = shallowRef<RoleDto[]>([]);
  const users = shallowRef<UserLabel[]>([]);
  const serverSteps = shallowRef(new Map<number, StepProblems>());
  const fieldErrors = reactive({ code: '', orgId: '' });

  // what the server refused stays shown until the user changes something
  watch(
    draft,
    () => {
      if (serverSteps.value.size) serverSteps.value = new Map();
    },
    { deep: true },
  );
  watch(
    () => draft.value.code,
    () => (fieldErrors.code = ''),
  );
  watch(
    () => [draft.value.orgId, draft.value.docType],
    () => (fieldErrors.orgId = ''),
  );

  const clientSteps = computed(() => draft.value.steps.map((s) => stepProblems(draft.value.docType, s)));
  const stepsOk = computed(() => clientSteps.value.every((p) => !hasStepProblems(p)));

  function problemsOf(index: number): StepProblems {
    const server = serverSteps.value.get(index);
    const client = showErrors.value ? clientSteps.value[index] : undefined;
    if (!server && !client) return noStepProblems();
    return {
      name: client?.name,
      condition: { ...server?.condition, ...client?.condition },
      approvers: client?.approvers ?? server?.approvers,
      approverRows: { ...client?.approverRows },
      timeLimit: client?.timeLimit,
    };
  }

  // ---- labels ----
  function roleName(code: string): string {
    const role = roles.value.find((r) => r.code === code);
    if (!role) return code;
    return currentLocale() === 'en' ? role.nameEn || role.name : role.name;
  }
  function userName(id: string): string {
    return users.value.find((u) => u.id === id)?.displayName ?? id.slice(0, 8);
  }
  function rememberUsers(list: UserLabel[]): void {
    const known = new Map(users.value.map((u) => [u.id, u]));
    list.forEach((u) => known.set(u.id, u));
    users.value = [...known.values()];
  }
  async function loadRoles(): Promise<void> {
    try {
      roles.value = (await rolesApi.list({ pageSize: 200 })).items;
    } catch {
      roles.value = [];
    }
  }
  async function loadUserLabels(): Promise<void> {
    const ids = draft.value.steps.flatMap((s) => s.approvers.flatMap((a) => (a.kind === 'USERS' ? a.userIds : [])));
    const unknown = ids.filter((id) => !users.value.some((u) => u.id === id));
    if (unknown.length) rememberUsers((await approvalFlowsApi.approverUsers(unknown)).map(toUserLabel));
  }

  // ---- load and save ----
  function apply(saved: ApprovalFlowDto): void {
    flow.value = saved;
    draft.value = fromFlow(saved);
    baseline.value = fingerprint(draft.value);
    stale.value = false;
    showErrors.value = false;
    serverSteps.value = new Map();
    fieldErrors.code = '';
    fieldErrors.orgId = '';
    void loadUserLabels().catch(() => undefined);
  }

  async function load(id: string): Promise<void> {
    loading.value = true;
    loadError.value = null;
    try {
      apply(await approvalFlowsApi.get(id, { silent: true }));
    } catch (e) {
      loadError.value = e;
    } finally {
      loading.value = false;
    }
  }

  async function save(): Promise<SaveOutcome> {
    showErrors.value = true;
    if (!stepsOk.value) return { kind: 'invalid' };
    saving.value = true;
    const current = flow.value;
    try {
      const input = toInput(draft.value);
      const saved = current
        ? await approvalFlowsApi.update(current.id, { ...input, version: current.version }, { silent: true })
        : await approvalFlowsApi.create(input, { silent: true });
      flow.value = saved;
      baseline.value = fingerprint(draft.value);
      return { kind: 'saved', flow: saved, created: !current, previousVersion: current?.version ?? null };
    } catch (e) {
      const error = ApiError.from(e);
      if (error.code === ErrorCode.STALE_VERSION) {
        stale.value = true;
        return { kind: 'stale' };
      }
      const steps = serverStepProblems(error.code, error.details);
      serverSteps.value = steps;
      const message = flowErrorMessage(error);
      const field = flowErrorField(error);
      if (field) fieldErrors[field] = message;
      return { kind: 'error', error, message, placed: steps.size > 0 || !!field };
    } finally {
      saving.value = false;
    }
  }

  /** forget the changes (after leaving was confirmed, or for a fresh form) */
  function markClean(): void {
    baseline.value = fingerprint(draft.value);
  }

  return {
    draft,
    flow,
    loading,
    loadError,
    saving,
    stale,
    showErrors,
    dirty,
    roles,
    users,
    fieldErrors,
    stepsOk,
    clientSteps,
    problemsOf,
    roleName,
    userName,
    rememberUsers,
    loadRoles,
    load,
    save,
    markClean,
  };
}

export type FlowEditor = ReturnType<typeof useFlowEditor>;
export const FLOW_EDITOR: InjectionKey<FlowEditor> = Symbol('flowEditor');
