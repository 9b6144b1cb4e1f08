import type { ApprovalDocType, ApprovalInstanceDto, ApprovalTaskDto, PageQuery, Paged } from '@drp/shared';
import type { AxiosRequestConfig } from 'axios';
import { http } from './http';

/** 审批: the inbox, decisions, the approvals of a document, withdrawal and delegation (`/api/approvals`; contract of issue #5). */

export type InboxBox = 'todo' | 'done' | 'submitted';

export interface TaskQuery extends PageQuery {
  /** todo: open tasks of mine (default); done: ones I decided; submitted: open tasks on documents I submitted */
  box?: InboxBox;
}

export interface InboxCounts {
  todo: number;
  done: number;
  submitted: number;
}

export type TaskPage = Paged<ApprovalTaskDto> & { counts: InboxCounts };

/** A delegation of my approvals to someone else for a period (委托). */
export interface DelegationDto {
  id: string;
  delegateId: string;
  delegateName: string;
  /** ISO date-times */
  startsAt: string;
  endsAt: string;
}

export interface CreateDelegationInput {
  delegateId: string;
  /** ISO date-times; ends after it starts */
  startsAt: string;
  endsAt: string;
}

export const approvalsApi = {
  tasks: (query: TaskQuery = {}, config?: AxiosRequestConfig) => http.get<TaskPage>('/approvals/tasks', { ...config, params: query }).then((r) => r.data),
  /** 同意, with an optional comment */
  approve: (taskId: string, comment?: string, config?: AxiosRequestConfig) =>
    http.post<ApprovalInstanceDto>(`/approvals/tasks/${taskId}/approve`, comment ? { comment } : {}, config).then((r) => r.data),
  /** 驳回: the document is rejected; a reason is required */
  reject: (taskId: string, reason: string, config?: AxiosRequestConfig) =>
    http.post<ApprovalInstanceDto>(`/approvals/tasks/${taskId}/reject`, { reason }, config).then((r) => r.data),
  /** 退回修改: the document goes back to its submitter, editable; a reason is required */
  sendBack: (taskId: string, reason: string, config?: AxiosRequestConfig) =>
    http.post<ApprovalInstanceDto>(`/approvals/tasks/${taskId}/return`, { reason }, config).then((r) => r.data),
  /** every approval of a document (of one type, or of all: docType null), newest first */
  forDocument: (docType: ApprovalDocType | null, docId: string, config?: AxiosRequestConfig) =>
    http.get<ApprovalInstanceDto[]>('/approvals/instances', { ...config, params: docType ? { docType, docId } : { docId } }).then((r) => r.data),
  instance: (id: string, config?: AxiosRequestConfig) => http.get<ApprovalInstanceDto>(`/approvals/instances/${id}`, config).then((r) => r.data),
  /** 撤回: only the submitter, while it is pending; the document is editable again */
  withdraw: (instanceId: string, config?: AxiosRequestConfig) =>
    http.post<ApprovalInstanceDto>(`/approvals/instances/${instanceId}/withdraw`, {}, config).then((r) => r.data),
};

export const delegationsApi = {
  /** my delegations that have not ended */
  list: (config?: AxiosRequestConfig) => http.get<DelegationDto[]>('/approvals/delegations', config).then((r) => r.data),
  create: (input: CreateDelegationInput, config?: AxiosRequestConfig) =>
    http.post<{ id: string }>('/approvals/delegations', input, config).then((r) => r.data),
  /** ends it now */
  end: (id: string, config?: AxiosRequestConfig) => http.delete<void>(`/approvals/delegations/${id}`, config).then(() => undefined),
};
