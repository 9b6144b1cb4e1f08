import type {
  DealerAccountDto,
  DealerInviteDto,
  MallAddressDto,
  MallCartDto,
  MallCategoryDto,
  MallAccountDto,
  MallCheckoutInput,
  MallHomeDto,
  MallOrderDto,
  MallOrderSummaryDto,
  MallProductCardDto,
  MallProductDetailDto,
  MallReorderResult,
  MallStockRowDto,
  PageQuery,
  Paged,
} from '@drp/shared';
import type { AxiosRequestConfig } from 'axios';
import { http } from './http';

/** 订货商城, the dealer's side (`/api/mall/*`, contract of issue #6). Prices are never sent: the server prices everything. */

export interface CatalogQuery extends PageQuery {
  q?: string;
  categoryId?: string;
  favourites?: 'true';
  frequent?: 'true';
}

export interface MallOrderQuery extends PageQuery {
  /** one status or a comma list */
  status?: string;
}

export interface AddressInput {
  contact: string;
  phone: string;
  region?: string | null;
  address: string;
  isDefault?: boolean;
}

export interface DealerAccountQuery extends PageQuery {
  dealerId?: string;
  q?: string;
}

export interface InviteInput {
  dealerId: string;
  displayName: string;
  phone?: string;
  username?: string;
  role?: 'DEALER_ADMIN' | 'DEALER_STAFF';
}

export interface ActivateInput {
  code: string;
  username?: string;
  password: string;
}

const withKey = (key: string, config?: AxiosRequestConfig): AxiosRequestConfig => ({
  ...config,
  headers: { ...config?.headers, 'Idempotency-Key': key },
});

export const mallApi = {
  home: (config?: AxiosRequestConfig) => http.get<MallHomeDto>('/mall/home', config).then((r) => r.data),
  categories: (config?: AxiosRequestConfig) => http.get<MallCategoryDto[]>('/mall/categories', config).then((r) => r.data),
  catalog: (query: CatalogQuery = {}, config?: AxiosRequestConfig) =>
    http.get<Paged<MallProductCardDto>>('/mall/catalog', { ...config, params: query }).then((r) => r.data),
  product: (id: string, config?: AxiosRequestConfig) => http.get<MallProductDetailDto>(`/mall/products/${id}`, config).then((r) => r.data),
  /** the dealer's own credit and receivables (any mall user, also staff without finance:view) */
  account: (config?: AxiosRequestConfig) => http.get<MallAccountDto>('/mall/account', config).then((r) => r.data),
  stock: (query: { q?: string } & PageQuery = {}, config?: AxiosRequestConfig) =>
    http.get<Paged<MallStockRowDto>>('/mall/stock', { ...config, params: query }).then((r) => r.data),

  favourite: (productId: string, on: boolean, config?: AxiosRequestConfig) =>
    (on ? http.put(`/mall/favourites/${productId}`, {}, config) : http.delete(`/mall/favourites/${productId}`, config)).then(() => undefined),
};

export const mallCartApi = {
  get: (config?: AxiosRequestConfig) => http.get<MallCartDto>('/mall/cart', config).then((r) => r.data),
  /** adds `qty` to the line (creates it) */
  add: (productId: string, qty: string, config?: AxiosRequestConfig) =>
    http.post<MallCartDto>('/mall/cart/items', { productId, qty }, config).then((r) => r.data),
  /** sets the line's qty */
  set: (productId: string, qty: string, config?: AxiosRequestConfig) =>
    http.put<MallCartDto>(`/mall/cart/items/${productId}`, { qty }, config).then((r) => r.data),
  remove: (productId: string, config?: AxiosRequestConfig) => http.delete<MallCartDto>(`/mall/cart/items/${productId}`, config).then((r) => r.data),
  clear: (config?: AxiosRequestConfig) => http.delete<MallCartDto>('/mall/cart', config).then((r) => r.data),
};

export const mallAddressApi = {
  list: (config?: AxiosRequestConfig) => http.get<MallAddressDto[]>('/mall/addresses', config).then((r) => r.data),
  create: (input: AddressInput, config?: AxiosRequestConfig) => http.post<MallAddressDto>('/mall/addresses', input, config).then((r) => r.data),
  update: (id: string, input: AddressInput, config?: AxiosRequestConfig) =>
    http.put<MallAddressDto>(`/mall/addresses/${id}`, input, config).then((r) => r.data),
  remove: (id: string, config?: AxiosRequestConfig) => http.delete(`/mall/addresses/${id}`, config).then(() => undefined),
  makeDefault: (id: string, config?: AxiosRequestConfig) => http.post(`/mall/addresses/${id}/default`, {}, config).then(() => undefined),
};

export const mallOrdersApi = {
  /** `idempotencyKey`: one per checkout page, so a double tap cannot place two orders */
  checkout: (input: MallCheckoutInput, idempotencyKey: string, config?: AxiosRequestConfig) =>
    http.post<MallOrderDto>('/mall/orders', input, withKey(idempotencyKey, config)).then((r) => r.data),
  list: (query: MallOrderQuery = {}, config?: AxiosRequestConfig) =>
    http.get<Paged<MallOrderSummaryDto>>('/mall/orders', { ...config, params: query }).then((r) => r.data),
  get: (id: string, config?: AxiosRequestConfig) => http.get<MallOrderDto>(`/mall/orders/${id}`, config).then((r) => r.data),
  reorder: (id: string, config?: AxiosRequestConfig) => http.post<MallReorderResult>(`/mall/orders/${id}/reorder`, {}, config).then((r) => r.data),
};

/** A dealer admin's own staff (permission `mall:staff`); the server keeps it to the caller's dealer. */
export const mallStaffApi = {
  list: (query: DealerAccountQuery = {}, config?: AxiosRequestConfig) =>
    http.get<Paged<DealerAccountDto>>('/mall/dealer-accounts', { ...config, params: query }).then((r) => r.data),
  invite: (input: InviteInput, config?: AxiosRequestConfig) =>
    http.post<DealerInviteDto>('/mall/dealer-accounts/invite', input, config).then((r) => r.data),
  reinvite: (userId: string, config?: AxiosRequestConfig) =>
    http.post<DealerInviteDto>(`/mall/dealer-accounts/${userId}/reinvite`, {}, config).then((r) => r.data),
  disable: (userId: string, config?: AxiosRequestConfig) =>
    http.post<DealerAccountDto>(`/mall/dealer-accounts/${userId}/disable`, {}, config).then((r) => r.data),
  enable: (userId: string, config?: AxiosRequestConfig) =>
    http.post<DealerAccountDto>(`/mall/dealer-accounts/${userId}/enable`, {}, config).then((r) => r.data),
};

/** Public: an invited dealer user sets a password with the one-time code. */
export const activateApi = {
  activate: (input: ActivateInput, config?: AxiosRequestConfig) => http.post<void>('/auth/activate', input, config).then(() => undefined),
};
