import type { AxiosRequestConfig } from 'axios';
import type { Achievement, Dashboard, ImportResult, PageQuery, Paged, SalesTarget } from '@drp/shared';
import { downloadFile } from '@/utils/download';
import { http } from './http';

// the wire types are defined once, in @drp/shared
export type { Achievement, Dashboard, DashboardTile, SalesTarget } from '@drp/shared';

/** 销售计划 and 达成 (`/api/reports/targets`, `/api/reports/achievement`) and the home page's KPIs (`/api/reports/dashboard`). */

export type TargetKind = 'ORG' | 'REP';

export interface TargetQuery extends PageQuery {
  month?: string;
  year?: number;
  kind?: TargetKind;
  q?: string;
}

export interface TargetInput {
  month: string;
  orgId?: string;
  repId?: string;
  salesTarget: string;
  collectionTarget: string;
}

const multipart = (file: File): FormData => {
  const form = new FormData();
  form.append('file', file);
  return form;
};

export const targetsApi = {
  list: (q: TargetQuery) => http.get<Paged<SalesTarget>>('/reports/targets', { params: q }).then((r) => r.data),
  create: (input: TargetInput) => http.post<SalesTarget>('/reports/targets', input).then((r) => r.data),
  update: (id: string, input: { salesTarget: string; collectionTarget: string; version: number }) => http.put<SalesTarget>(`/reports/targets/${id}`, input).then((r) => r.data),
  remove: (id: string) => http.delete(`/reports/targets/${id}`).then(() => undefined),
  import: (file: File, config?: AxiosRequestConfig) => http.post<ImportResult>('/reports/targets/import', multipart(file), { timeout: 300_000, ...config }).then((r) => r.data),
  downloadTemplate: () => downloadFile('/reports/targets/import-template', {}, '销售计划导入模板.xlsx'),
  exportYear: (year: number) => downloadFile('/reports/targets/export', { year }, `销售计划-${year}.xlsx`),
  achievement: (month: string, kind?: TargetKind) => http.get<Achievement[]>('/reports/achievement', { params: { month, kind } }).then((r) => r.data),
};

export const dashboardApi = {
  get: (config?: AxiosRequestConfig) => http.get<Dashboard>('/reports/dashboard', config).then((r) => r.data),
};
