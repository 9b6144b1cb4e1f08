import type { CreateRoleInput, PageQuery, Paged, Permission, PermissionGroup, RoleDto, UpdateRoleInput } from '@drp/shared';
import type { AxiosRequestConfig } from 'axios';
import { http } from './http';

export interface PermissionInfo {
  code: Permission;
  group: PermissionGroup;
}

export const rolesApi = {
  list: (query: PageQuery = {}) => http.get<Paged<RoleDto>>('/roles', { params: query }).then((r) => r.data),
  get: (id: string) => http.get<RoleDto>(`/roles/${id}`).then((r) => r.data),
  create: (input: CreateRoleInput) => http.post<RoleDto>('/roles', input).then((r) => r.data),
  update: (id: string, input: UpdateRoleInput) => http.patch<RoleDto>(`/roles/${id}`, input).then((r) => r.data),
  remove: (id: string, config?: AxiosRequestConfig) => http.delete<void>(`/roles/${id}`, config).then(() => undefined),
  permissions: () => http.get<PermissionInfo[]>('/permissions').then((r) => r.data),
};
