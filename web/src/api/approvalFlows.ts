import type { ApprovalDocType, ApprovalFlowDto, ApprovalFlowInput, PageQuery, Paged, UserDto } from '@drp/shared';
import type { AxiosRequestConfig } from 'axios';
import { http } from './http';

/** 审批流程 (approval flow configuration, `/api/approvals/flows`; permission approvals:configure). */

export interface ApprovalFlowQuery extends PageQuery {
  docType?: ApprovalDocType;
}

/** A save of an existing flow: the whole definition and the version it was loaded at. */
export type UpdateApprovalFlowInput = ApprovalFlowInput & { version: number };

export const approvalFlowsApi = {
  list: (query: ApprovalFlowQuery = {}, config?: AxiosRequestConfig) =>
    http.get<Paged<ApprovalFlowDto>>('/approvals/flows', { ...config, params: query }).then((r) => r.data),
  get: (id: string, config?: AxiosRequestConfig) => http.get<ApprovalFlowDto>(`/approvals/flows/${id}`, config).then((r) => r.data),
  create: (input: ApprovalFlowInput, config?: AxiosRequestConfig) => http.post<ApprovalFlowDto>('/approvals/flows', input, config).then((r) => r.data),
  /** a new version; approvals already running keep the version they started with (the code cannot change) */
  update: (id: string, input: UpdateApprovalFlowInput, config?: AxiosRequestConfig) =>
    http.put<ApprovalFlowDto>(`/approvals/flows/${id}`, input, config).then((r) => r.data),
  disable: (id: string, config?: AxiosRequestConfig) => http.post<ApprovalFlowDto>(`/approvals/flows/${id}/disable`, undefined, config).then((r) => r.data),
  enable: (id: string, config?: AxiosRequestConfig) => http.post<ApprovalFlowDto>(`/approvals/flows/${id}/enable`, undefined, config).then((r) => r.data),
  /** the users a flow names as approvers, for their labels (GET /api/users/:id each; ones not found are left out, no toast) */
  approverUsers: (ids: string[]) =>
    Promise.allSettled([...new Set(ids)].map((id) => http.get<UserDto>(`/users/${id}`, { silent: true }).then((r) => r.data))).then((results) =>
      results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : [])),
    ),
};
