import type { BackorderDto, CompanySettingsDto, OrderApprovalFactsDto, PageQuery, Paged, StockControl } from '@drp/shared';
import type { AxiosRequestConfig } from 'axios';
import { http } from './http';

/**
 * Stock at order time (可用量控制): the company settings (`/api/settings/company`), an order's stock
 * position with its dealer's credit (`/api/sales-orders/:id/stock-position`, what approvers decide
 * on) and the backorder list (`/api/backorders`, 缺货/待补).
 */

export interface CompanySettingsInput {
  stockControl?: StockControl;
  priceScale?: number;
  visitRadiusM?: number;
  reportOverdueDays?: number;
  version?: number;
}

export interface BackorderQuery extends PageQuery {
  warehouseId?: string;
  productId?: string;
  dealerId?: string;
}

export type BackorderPage = Paged<BackorderDto> & { totals: { waiting: string } };

export const settingsApi = {
  get: (config?: AxiosRequestConfig) => http.get<CompanySettingsDto>('/settings/company', config).then((r) => r.data),
  update: (input: CompanySettingsInput, config?: AxiosRequestConfig) => http.put<CompanySettingsDto>('/settings/company', input, config).then((r) => r.data),
};

export const stockControlApi = {
  stockPosition: (orderId: string, config?: AxiosRequestConfig) => http.get<OrderApprovalFactsDto>(`/sales-orders/${orderId}/stock-position`, config).then((r) => r.data),
  backorders: (query: BackorderQuery = {}, config?: AxiosRequestConfig) => http.get<BackorderPage>('/backorders', { ...config, params: query }).then((r) => r.data),
};
