import type {
  DealerAccountDto,
  DealerInviteDto,
  MallContentDto,
  MallContentInput,
  MallContentKind,
  MallImageUploadDto,
  MallSettingsDto,
  PageQuery,
  Paged,
} from '@drp/shared';
import type { AxiosRequestConfig } from 'axios';
import { http } from './http';

/** The console side of the dealer mall (`/api/mall/settings|publish|contents|dealer-accounts`, issue #6). */

export interface MallContentQuery extends PageQuery {
  kind?: MallContentKind;
  /** ACTIVE / DISABLED, or LIVE (active and valid now), SCHEDULED, EXPIRED */
  status?: 'ACTIVE' | 'DISABLED' | 'LIVE' | 'SCHEDULED' | 'EXPIRED';
}

/** A banner or announcement as written (shared wire type), and an uploaded banner picture. */
export type { MallContentInput, MallImageUploadDto as UploadedImage } from '@drp/shared';

export interface DealerAccountQuery extends PageQuery {
  dealerId?: string;
  status?: DealerAccountDto['status'];
}

export interface InviteInput {
  dealerId: string;
  displayName: string;
  phone?: string;
  username?: string;
  role?: 'DEALER_ADMIN' | 'DEALER_STAFF';
}

const multipart = (file: File): FormData => {
  const form = new FormData();
  form.append('file', file);
  return form;
};

export const mallSettingsApi = {
  get: () => http.get<MallSettingsDto>('/mall/settings').then((r) => r.data),
  update: (input: MallSettingsDto, config?: AxiosRequestConfig) => http.put<MallSettingsDto>('/mall/settings', input, config).then((r) => r.data),
  /** 上架 / 下架 several products at once */
  publish: (productIds: string[], published: boolean) =>
    http.post<{ updated: number }>('/mall/publish', { productIds, published }).then((r) => r.data),
};

export const mallContentsApi = {
  list: (query: MallContentQuery = {}) => http.get<Paged<MallContentDto>>('/mall/contents', { params: query }).then((r) => r.data),
  create: (input: MallContentInput, config?: AxiosRequestConfig) => http.post<MallContentDto>('/mall/contents', input, config).then((r) => r.data),
  update: (id: string, input: MallContentInput, config?: AxiosRequestConfig) =>
    http.put<MallContentDto>(`/mall/contents/${id}`, input, config).then((r) => r.data),
  remove: (id: string) => http.delete<void>(`/mall/contents/${id}`).then(() => undefined),
  uploadImage: (file: File, config?: AxiosRequestConfig) =>
    http.post<MallImageUploadDto>('/mall/contents/images', multipart(file), config).then((r) => r.data),
};

export const dealerAccountsApi = {
  list: (query: DealerAccountQuery = {}) => http.get<Paged<DealerAccountDto>>('/mall/dealer-accounts', { params: query }).then((r) => r.data),
  invite: (input: InviteInput, config?: AxiosRequestConfig) =>
    http.post<DealerInviteDto>('/mall/dealer-accounts/invite', input, config).then((r) => r.data),
  reinvite: (userId: string) => http.post<DealerInviteDto>(`/mall/dealer-accounts/${userId}/reinvite`).then((r) => r.data),
  disable: (userId: string) => http.post<DealerAccountDto>(`/mall/dealer-accounts/${userId}/disable`).then((r) => r.data),
  enable: (userId: string) => http.post<DealerAccountDto>(`/mall/dealer-accounts/${userId}/enable`).then((r) => r.data),
};

/** Where an invited dealer sets its password (the public activation page of the mall). */
export function activationUrl(origin: string = window.location.origin): string {
  return `${origin}/mall/activate`;
}
