import type { ImportResult, PageQuery, Paged, PriceBookDto, PromotionDto, PromotionKind, ResolvedPrice } from '@drp/shared';
import type { AxiosRequestConfig } from 'axios';
import { downloadFile } from '@/utils/download';
import { http } from './http';
import type { ProductQuery } from './catalog';

export type ActiveStatus = 'ACTIVE' | 'DISABLED';

export interface PriceBookQuery extends PageQuery {
  dealerId?: string;
  status?: ActiveStatus;
  /** YYYY-MM-DD: only books valid that day */
  validOn?: string;
}

export interface PriceBookItemInput {
  productId: string;
  /** the quantity from which the price applies (quantity breaks); default 0 */
  minQty?: string;
  price: string;
}

export interface CreatePriceBookInput {
  code: string;
  name: string;
  /** owner (HQ or a branch); default the caller's organisation */
  orgId?: string;
  validFrom: string;
  validTo?: string | null;
  dealerIds: string[];
  items: PriceBookItemInput[];
  remark?: string | null;
}

/** dealerIds and items, when given, replace the old ones */
export interface UpdatePriceBookInput {
  name?: string;
  validFrom?: string;
  validTo?: string | null;
  dealerIds?: string[];
  items?: PriceBookItemInput[];
  remark?: string | null;
  version: number;
}

export interface PromotionQuery extends PageQuery {
  status?: ActiveStatus;
  /** ISO instant: only promotions running then */
  activeAt?: string;
}

export interface PromotionFieldsInput {
  name: string;
  value: string;
  minQty?: string;
  startsAt: string;
  endsAt: string;
  productIds?: string[];
  categoryIds?: string[];
  branchIds?: string[];
  levels?: number[];
  dealerIds?: string[];
  remark?: string | null;
}

export interface CreatePromotionInput extends PromotionFieldsInput {
  code: string;
  kind: PromotionKind;
  orgId?: string;
}

export type UpdatePromotionInput = Partial<PromotionFieldsInput> & { version: number };

export interface ResolveQuery {
  dealerId: string;
  productIds: string[];
  qty?: string;
  /** ISO instant; default now */
  at?: string;
  /** also check each product's minimum order quantity and order multiple, as an order would */
  strict?: boolean;
}

export const priceBooksApi = {
  list: (query: PriceBookQuery = {}) => http.get<Paged<PriceBookDto>>('/price-books', { params: query }).then((r) => r.data),
  get: (id: string) => http.get<PriceBookDto>(`/price-books/${id}`).then((r) => r.data),
  create: (input: CreatePriceBookInput, config?: AxiosRequestConfig) => http.post<PriceBookDto>('/price-books', input, config).then((r) => r.data),
  update: (id: string, input: UpdatePriceBookInput, config?: AxiosRequestConfig) =>
    http.patch<PriceBookDto>(`/price-books/${id}`, input, config).then((r) => r.data),
  disable: (id: string) => http.post<PriceBookDto>(`/price-books/${id}/disable`).then((r) => r.data),
  enable: (id: string) => http.post<PriceBookDto>(`/price-books/${id}/enable`).then((r) => r.data),
};

export const promotionsApi = {
  list: (query: PromotionQuery = {}) => http.get<Paged<PromotionDto>>('/promotions', { params: query }).then((r) => r.data),
  get: (id: string) => http.get<PromotionDto>(`/promotions/${id}`).then((r) => r.data),
  create: (input: CreatePromotionInput, config?: AxiosRequestConfig) => http.post<PromotionDto>('/promotions', input, config).then((r) => r.data),
  update: (id: string, input: UpdatePromotionInput, config?: AxiosRequestConfig) =>
    http.patch<PromotionDto>(`/promotions/${id}`, input, config).then((r) => r.data),
  disable: (id: string) => http.post<PromotionDto>(`/promotions/${id}/disable`).then((r) => r.data),
  enable: (id: string) => http.post<PromotionDto>(`/promotions/${id}/enable`).then((r) => r.data),
};

export const pricesApi = {
  /** the price each product costs this dealer, naming where it came from */
  resolve: ({ productIds, strict, ...rest }: ResolveQuery, config?: AxiosRequestConfig) =>
    http
      .get<ResolvedPrice[]>('/prices/resolve', { params: { ...rest, productIds: productIds.join(','), ...(strict ? { strict: 'true' } : {}) }, ...config })
      .then((r) => r.data),
  downloadTemplate: () => downloadFile('/prices/import-template', {}, '价格导入模板.xlsx'),
  exportFile: (query: Omit<ProductQuery, 'page' | 'pageSize'> = {}) => downloadFile('/prices/export', query, '价格表.xlsx'),
  /** all or nothing: 422 IMPORT_REJECTED with `details.errors` when any row is bad */
  importFile: (file: File, config?: AxiosRequestConfig) => {
    const form = new FormData();
    form.append('file', file);
    return http.post<ImportResult>('/prices/import', form, { timeout: 300_000, ...config }).then((r) => r.data);
  },
};
