import type { CreateUserInput, PageQuery, Paged, UpdateUserInput, UserDto, UserStatus } from '@drp/shared';
import { http } from './http';

export interface UserQuery extends PageQuery {
  orgId?: string;
  status?: UserStatus;
  roleId?: string;
}

export const usersApi = {
  list: (query: UserQuery = {}) => http.get<Paged<UserDto>>('/users', { params: query }).then((r) => r.data),
  get: (id: string) => http.get<UserDto>(`/users/${id}`).then((r) => r.data),
  create: (input: CreateUserInput) => http.post<UserDto>('/users', input).then((r) => r.data),
  update: (id: string, input: UpdateUserInput) => http.patch<UserDto>(`/users/${id}`, input).then((r) => r.data),
  resetPassword: (id: string, newPassword: string) =>
    http.post<void>(`/users/${id}/reset-password`, { newPassword }).then(() => undefined),
  disable: (id: string) => http.post<UserDto>(`/users/${id}/disable`).then((r) => r.data),
  enable: (id: string) => http.post<UserDto>(`/users/${id}/enable`).then((r) => r.data),
  assignDealers: (id: string, dealerIds: string[]) =>
    http.put<UserDto>(`/users/${id}/dealers`, { dealerIds }).then((r) => r.data),
};
