import type { AnalysisCell, AnalysisDocument, AnalysisDocumentKind, AnalysisQuery, AnalysisResult, AnalysisView, Paged } from '@drp/shared';
import { downloadFile } from '@/utils/download';
import { wireParams } from '@/views/reports/lib/query';
import { http } from './http';

/**
 * 多维分析 (`/api/reports/analysis`, issue #16): the engine's answer, the documents behind a cell,
 * the Excel export of the same query, and the user's saved views. Types from @drp/shared.
 */

/**
 * A drill-down: the query plus the cell (its dimension keys, sent as one JSON parameter), the
 * compared period's side when asked, one document kind, paged.
 */
export type DocumentsQuery = AnalysisQuery & { cell: AnalysisCell; side?: 'current' | 'prev'; kind?: AnalysisDocumentKind; page?: number; pageSize?: number };

export interface SaveViewInput {
  name: string;
  query: AnalysisView['query'];
}

export const reportsApi = {
  analysis: (query: AnalysisQuery) => http.get<AnalysisResult>('/reports/analysis', { params: wireParams(query) }).then((r) => r.data),
  documents: ({ cell, side, kind, page, pageSize, ...query }: DocumentsQuery) =>
    http
      .get<Paged<AnalysisDocument>>('/reports/analysis/documents', {
        params: { ...wireParams(query), cell: JSON.stringify(cell), ...(side === 'prev' ? { side } : {}), ...(kind ? { kind } : {}), page: page ?? 1, pageSize: pageSize ?? 20 },
      })
      .then((r) => r.data),
  /** the lines the page shows (the same query, in the page's sort: `-netSales`, `netSales` or '') as a workbook in the reader's language */
  exportXlsx: (query: AnalysisQuery, lang: 'zh-CN' | 'en', sort = '') => downloadFile('/reports/analysis/export', { ...wireParams(query), lang, ...(sort ? { sort } : {}) }, 'analysis.xlsx'),
  views: () => http.get<AnalysisView[]>('/reports/analysis/views').then((r) => r.data),
  saveView: (input: SaveViewInput) => http.post<AnalysisView>('/reports/analysis/views', input).then((r) => r.data),
  deleteView: (id: string) => http.delete<void>(`/reports/analysis/views/${id}`).then(() => undefined),
};
