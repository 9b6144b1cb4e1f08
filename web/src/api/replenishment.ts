import type { DealerReportResult, DealerReportRowDto, DealerReportSource, EffectiveReplenishmentSettings, PageQuery, Paged, ReplenishmentLineDto, ReplenishmentLineStatus, ReplenishmentParams, ReplenishmentRunDto } from '@drp/shared';

// the wire types are defined once, in @drp/shared (the server answers them)
export type { DealerReportResult, DealerReportRowDto, DealerReportSource, EffectiveReplenishmentSettings, ReplenishmentLineDto, ReplenishmentLineStatus, ReplenishmentOverride, ReplenishmentRunDto } from '@drp/shared';
import type { AxiosRequestConfig } from 'axios';
import { downloadFile } from '@/utils/download';
import { http } from './http';

/** 智能补货 (`/api/replenishment`, `/api/mall/replenishment`) and dealer reports (`/api/dealer-reports`, `/api/mall/reports`). */

export interface ReplenishmentSettingsInput extends ReplenishmentParams {
  orgId?: string;
  productId?: string;
}

export interface LineQuery extends PageQuery {
  dealerId?: string;
  status?: ReplenishmentLineStatus;
  q?: string;
}

export interface RunInput {
  dealerIds?: string[];
  branchId?: string;
}

export interface CreatedOrders {
  orders: { id: string; number: string | null; dealerId: string; lineCount: number }[];
}

export interface DealerReportQuery extends PageQuery {
  dealerId?: string;
  productId?: string;
  from?: string;
  to?: string;
}

export interface DealerReportLine {
  productId: string;
  stock: string;
  sold: string;
  received?: string;
}

export interface DealerReportHistoryEntry {
  at: string;
  source: DealerReportSource;
  byName: string | null;
  before: { stock?: number | string; sold?: number | string; received?: number | string | null } | null;
  after: { stock?: number | string; sold?: number | string; received?: number | string | null } | null;
}

export interface MallReportFormRow {
  productId: string;
  productCode: string;
  productName: string;
  unit: string;
  lastDate: string | null;
  lastStock: string | null;
  lastSold: string | null;
  today: { stock: string; sold: string } | null;
}

export const replenishmentApi = {
  /** the dealer's current suggestion (sent to its mall, else the latest run's): the rep's field app shows it */
  currentForDealer: (dealerId: string, config?: AxiosRequestConfig) =>
    http.get<{ items: ReplenishmentLineDto[]; runId: string | null }>(`/replenishment/dealers/${dealerId}/current`, config).then((r) => r.data),
  settings: (orgId?: string | null, productId?: string | null, config?: AxiosRequestConfig) =>
    http
      .get<EffectiveReplenishmentSettings>('/replenishment/settings', { ...config, params: { ...(orgId ? { orgId } : {}), ...(productId ? { productId } : {}) } })
      .then((r) => r.data),
  saveSettings: (input: ReplenishmentSettingsInput, config?: AxiosRequestConfig) => http.put('/replenishment/settings', input, config).then((r) => r.data),
  removeSettings: (id: string, config?: AxiosRequestConfig) => http.delete(`/replenishment/settings/${id}`, config).then(() => undefined),
  run: (input: RunInput, config?: AxiosRequestConfig) => http.post<ReplenishmentRunDto>('/replenishment/runs', input, config).then((r) => r.data),
  runs: (query: PageQuery = {}) => http.get<Paged<ReplenishmentRunDto>>('/replenishment/runs', { params: query }).then((r) => r.data),
  getRun: (id: string, config?: AxiosRequestConfig) => http.get<ReplenishmentRunDto>(`/replenishment/runs/${id}`, config).then((r) => r.data),
  lines: (runId: string, query: LineQuery = {}) => http.get<Paged<ReplenishmentLineDto>>(`/replenishment/runs/${runId}/lines`, { params: query }).then((r) => r.data),
  updateLine: (id: string, body: { qty?: string; drop?: boolean; version?: number }, config?: AxiosRequestConfig) =>
    http.patch<ReplenishmentLineDto>(`/replenishment/lines/${id}`, body, config).then((r) => r.data),
  createOrders: (runId: string, body: { lineIds?: string[]; warehouseId?: string } = {}, config?: AxiosRequestConfig) =>
    http.post<CreatedOrders>(`/replenishment/runs/${runId}/orders`, body, config).then((r) => r.data),
  send: (runId: string, body: { lineIds?: string[] } = {}, config?: AxiosRequestConfig) =>
    http.post<{ sent: number }>(`/replenishment/runs/${runId}/send`, body, config).then((r) => r.data),
  exportLines: (runId: string, query: LineQuery = {}) => downloadFile(`/replenishment/runs/${runId}/export`, query, 'replenishment.xlsx'),
};

export const dealerReportsApi = {
  list: (query: DealerReportQuery = {}) => http.get<Paged<DealerReportRowDto>>('/dealer-reports', { params: query }).then((r) => r.data),
  history: (id: string) => http.get<DealerReportHistoryEntry[]>(`/dealer-reports/${id}/history`).then((r) => r.data),
  submit: (body: { dealerId: string; date: string; lines: DealerReportLine[] }, config?: AxiosRequestConfig) =>
    http.post<DealerReportResult>('/dealer-reports', body, config).then((r) => r.data),
};

export const mallReplenishmentApi = {
  suggestion: (config?: AxiosRequestConfig) => http.get<{ items: ReplenishmentLineDto[]; sentAt: string | null }>('/mall/replenishment', config).then((r) => r.data),
  toCart: (lineIds?: string[], config?: AxiosRequestConfig) => http.post<{ added: number }>('/mall/replenishment/cart', lineIds ? { lineIds } : {}, config).then((r) => r.data),
  reportForm: (date?: string, config?: AxiosRequestConfig) =>
    http.get<{ date: string; items: MallReportFormRow[] }>('/mall/reports/form', { ...config, params: date ? { date } : {} }).then((r) => r.data),
  submitReport: (body: { date: string; lines: DealerReportLine[] }, config?: AxiosRequestConfig) => http.post<DealerReportResult>('/mall/reports', body, config).then((r) => r.data),
  reports: (query: DealerReportQuery = {}, config?: AxiosRequestConfig) => http.get<Paged<DealerReportRowDto>>('/mall/reports', { ...config, params: query }).then((r) => r.data),
};
