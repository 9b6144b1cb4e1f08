import type { ReadyReportByKey, ReadyReportKey, ReadyReportQuery } from '@drp/shared';
import { http } from '@/api/http';
import { compact } from '@/utils/format';

/** `GET /api/reports/ready/:key` (the shapes are defined once, in @drp/shared ready-reports). */
export const readyReportsApi = {
  get: <K extends ReadyReportKey>(key: K, q: ReadyReportQuery) => http.get<ReadyReportByKey[K]>(`/reports/ready/${key}`, { params: compact(q) }).then((r) => r.data),
};
