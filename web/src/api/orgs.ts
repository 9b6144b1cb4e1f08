import type { CompanyHeaderDto, CreateOrgInput, MoveOrgInput, OrgDto, OrgStatus, OrgTreeNode, OrgType, PageQuery, Paged, UpdateOrgInput } from '@drp/shared';
import type { AxiosRequestConfig } from 'axios';
import { http } from './http';

export interface OrgQuery extends PageQuery {
  type?: OrgType;
  status?: OrgStatus;
  parentId?: string;
}

export const orgsApi = {
  list: (query: OrgQuery = {}) => http.get<Paged<OrgDto>>('/orgs', { params: query }).then((r) => r.data),
  tree: () => http.get<OrgTreeNode[]>('/orgs/tree').then((r) => r.data),
  get: (id: string) => http.get<OrgDto>(`/orgs/${id}`).then((r) => r.data),
  /** the company's letterhead (HQ name, address, phone) for printed documents; any signed-in user */
  company: (config?: AxiosRequestConfig) => http.get<CompanyHeaderDto>('/orgs/company', config).then((r) => r.data),
  create: (input: CreateOrgInput) => http.post<OrgDto>('/orgs', input).then((r) => r.data),
  update: (id: string, input: UpdateOrgInput, config?: AxiosRequestConfig) =>
    http.patch<OrgDto>(`/orgs/${id}`, input, config).then((r) => r.data),
  move: (id: string, input: MoveOrgInput) => http.post<OrgDto>(`/orgs/${id}/move`, input).then((r) => r.data),
  disable: (id: string) => http.post<OrgDto>(`/orgs/${id}/disable`).then((r) => r.data),
  enable: (id: string) => http.post<OrgDto>(`/orgs/${id}/enable`).then((r) => r.data),
  remove: (id: string, config?: AxiosRequestConfig) => http.delete<void>(`/orgs/${id}`, config).then(() => undefined),
};
