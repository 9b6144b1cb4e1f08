import type { DealerReportImportResult, OverdueDealersAnswer, PageQuery, ReportReminderResult } from '@drp/shared';
import type { AxiosRequestConfig } from 'axios';
import { downloadFile } from '@/utils/download';
import { http } from './http';

/**
 * Dealer stock and sales reports from Excel (template, all-or-nothing upload) for staff
 * (`/api/dealer-reports/import*`) and for a dealer in the mall (`/api/mall/reports/import*`), and
 * 未上报: the dealers without a report within the company's N days and reminding them.
 */
const TEMPLATE_NAME = '库存销量上报模板.xlsx';

const multipart = (file: File): FormData => {
  const form = new FormData();
  form.append('file', file);
  return form;
};

export const reportUploadApi = {
  /** staff: the template, prefilled with a dealer's products when one is named */
  template: (dealerId?: string | null) => downloadFile('/dealer-reports/import-template', dealerId ? { dealerId } : {}, TEMPLATE_NAME),
  upload: (file: File, config?: AxiosRequestConfig) =>
    http.post<DealerReportImportResult>('/dealer-reports/import', multipart(file), { timeout: 300_000, ...config }).then((r) => r.data),
  /** the dealer itself (mall): its products, dated today */
  mallTemplate: () => downloadFile('/mall/reports/import-template', {}, TEMPLATE_NAME),
  mallUpload: (file: File, config?: AxiosRequestConfig) =>
    http.post<DealerReportImportResult>('/mall/reports/import', multipart(file), { timeout: 300_000, ...config }).then((r) => r.data),
};

export const overdueReportsApi = {
  list: (query: PageQuery = {}, config?: AxiosRequestConfig) => http.get<OverdueDealersAnswer>('/dealer-reports/overdue', { ...config, params: query }).then((r) => r.data),
  remind: (dealerIds?: string[], config?: AxiosRequestConfig) =>
    http.post<ReportReminderResult>('/dealer-reports/overdue/remind', dealerIds ? { dealerIds } : {}, config).then((r) => r.data),
};
