import type { PageQuery, Paged } from '@drp/shared';
import type { AxiosProgressEvent, AxiosRequestConfig } from 'axios';
import { downloadFile } from '@/utils/download';
import { http } from './http';

/**
 * 发票 (invoicing module: `/api/invoices`, `/api/invoice-reconciliations`, `/api/mall/invoices`).
 * The wire shapes follow the contract the server helper builds to (/tmp/briefs/invoice-api.md):
 * amounts are decimal strings (2 dp), quantities 3 dp, unit prices 4 dp, tax rates like "0.13".
 */

// ---- codes on the wire ----

export const INVOICE_TYPES = ['81', '82', '01', '04', '08', '10', '11', '85', '86'] as const;
export type InvoiceType = (typeof INVOICE_TYPES)[number];
export const INVOICE_STATUSES = ['NORMAL', 'VOIDED', 'RED_FULL', 'RED_PARTIAL'] as const;
export type InvoiceStatus = (typeof INVOICE_STATUSES)[number];
export const INVOICE_KINDS = ['BLUE', 'RED'] as const;
export type InvoiceKind = (typeof INVOICE_KINDS)[number];
export const INVOICE_SOURCES = ['ISSUED', 'SUPPLEMENTARY', 'PLATFORM', 'IMPORTED'] as const;
export type InvoiceSource = (typeof INVOICE_SOURCES)[number];
export const RED_REASONS = ['01', '02', '03', '04'] as const;
export type RedReason = (typeof RED_REASONS)[number];
export const FINDING_CATEGORIES = [
  'MATCHED',
  'MISSING_IN_SYSTEM',
  'MISSING_ON_PLATFORM',
  'AMOUNT_MISMATCH',
  'STATUS_MISMATCH',
  'DUPLICATE',
  'INVALID_TAX_ID',
  'RED_WITHOUT_BLUE',
] as const;
export type FindingCategory = (typeof FINDING_CATEGORIES)[number];
export const SUPPLEMENT_STATUSES = ['PENDING_APPROVAL', 'APPROVED', 'REJECTED'] as const;
export type SupplementStatus = (typeof SUPPLEMENT_STATUSES)[number] | string;

/** The number of an invoice: the 20-digit 数电 number, or the old code + 8-digit number. */
export interface InvoiceNumbers {
  elecNumber?: string | null;
  code?: string | null;
  number?: string | null;
}

// ---- the register ----

export interface InvoiceListItem extends InvoiceNumbers {
  id: string;
  type: InvoiceType;
  kind: InvoiceKind;
  issueDate: string;
  sellerName: string;
  buyerName: string;
  buyerTaxId: string | null;
  dealerId: string | null;
  dealerName: string | null;
  branchName: string | null;
  amount: string;
  tax: string;
  total: string;
  status: InvoiceStatus;
  source: InvoiceSource;
  invalidTaxId: boolean;
  notReceived: boolean;
  /** the 数电 number, else "code number" */
  label?: string;
}

export interface InvoiceLine {
  id: string;
  name: string;
  spec: string | null;
  unit: string | null;
  qty: string | null;
  unitPrice: string | null;
  /** 金额, before tax */
  amount: string;
  taxRate: string;
  tax: string;
  /** 价税合计 of the line */
  total: string;
  lineNo?: number;
  shipmentLineId: string | null;
  shipmentId?: string | null;
  shipmentNumber: string | null;
  /** a red line: the blue line it cancels */
  blueLineId?: string | null;
  /** what of a blue line is left to red-letter (tax-inclusive total, qty); null on red lines */
  redLeft?: { total: string; qty: string | null } | null;
}

export interface InvoiceAttachment {
  id: string;
  fileName: string;
  size: number;
  contentType: string;
}

export interface Money3 {
  amount: string;
  tax: string;
  total: string;
}

export interface InvoiceDetail extends InvoiceListItem {
  issuer: string | null;
  remark: string | null;
  sellerTaxId: string | null;
  lines: InvoiceLine[];
  attachments: InvoiceAttachment[];
  blue: { id: string; label: string } | null;
  reds: { id: string; label: string; total: string; issueDate: string }[];
  redReason: RedReason | null;
  redConfirmationNo: string | null;
  redLeft: Money3 | null;
  version: number;
  /** the dealer's not-received note (flags) */
  notReceivedNote?: string | null;
}

export interface InvoiceQuery extends PageQuery {
  from?: string;
  to?: string;
  dealerId?: string;
  branchId?: string;
  status?: InvoiceStatus;
  type?: InvoiceType;
  source?: InvoiceSource;
  kind?: InvoiceKind;
  minTotal?: string;
  maxTotal?: string;
}

// ---- invoicing shipments ----

export interface UninvoicedLine {
  shipmentLineId: string;
  shipmentId: string;
  shipmentNumber: string;
  shippedOn: string;
  dealerId: string;
  dealerName: string;
  productId: string;
  productCode: string;
  productName: string;
  unit: string | null;
  shippedQty: string;
  returnedQty: string;
  invoicedQty: string;
  invoicedAmount?: string;
  uninvoicedQty: string;
  unitPrice: string;
  taxRate: string;
  uninvoicedAmount: string;
}

export interface UninvoicedQuery extends PageQuery {
  dealerId?: string;
  branchId?: string;
  /** YYYY-MM */
  month?: string;
}

export type UninvoicedPage = Paged<UninvoicedLine> & { totals?: { uninvoicedQty?: string; uninvoicedAmount: string } };

export interface CreateInvoiceInput extends InvoiceNumbers {
  dealerId: string;
  type: InvoiceType;
  issueDate: string;
  issuer?: string;
  remark?: string;
  /** amount: the line's tax-inclusive value; default qty x the shipment line's unit price */
  lines: { shipmentLineId: string; qty: string; amount?: string }[];
}

export interface RedInput extends InvoiceNumbers {
  issueDate: string;
  reason: RedReason;
  confirmationNo: string;
  full: boolean;
  /** partial: amount is the tax-inclusive value to cancel on the line, positive */
  lines?: { invoiceLineId: string; qty?: string; amount: string }[];
  remark?: string;
}

// ---- supplementary entries ----

export interface SupplementData extends InvoiceNumbers {
  type: InvoiceType;
  issueDate: string;
  sellerName: string;
  sellerTaxId: string;
  buyerName: string;
  buyerTaxId: string;
  amount: string;
  tax: string;
  total: string;
  reason: string;
  /** BLUE | RED (default by the sign of total) */
  kind?: InvoiceKind;
  /** the platform's status: the invoice enters the register with it */
  status?: InvoiceStatus;
  remark?: string;
  findingId?: string;
  lines?: unknown[];
}

export interface SupplementCreated {
  id: string;
  trackingNumber: string;
  status: SupplementStatus;
}

export interface SupplementItem extends SupplementCreated, InvoiceNumbers {
  type: InvoiceType;
  label?: string;
  issueDate: string;
  sellerName: string;
  sellerTaxId: string | null;
  buyerName: string;
  buyerTaxId: string | null;
  dealerId?: string | null;
  amount: string;
  tax: string;
  total: string;
  platformStatus?: string | null;
  remark?: string | null;
  reason: string;
  findingId?: string | null;
  runId?: string | null;
  invoiceId?: string | null;
  rejectedReason?: string | null;
  createdAt: string;
  createdByName: string | null;
  attachments?: InvoiceAttachment[];
  version?: number;
}

// ---- import, problems ----

export interface ImportSummary {
  imported: number;
  linkedToDealers: number;
  invalidTaxIds: number;
}

export interface RowProblem {
  row: number;
  column?: string;
  field?: string;
  code: string;
  params?: Record<string, unknown>;
}

export interface TaxIdProblem {
  dealerId: string;
  code: string;
  name: string;
  taxId: string | null;
  problem: 'MISSING' | 'INVALID';
  branchName?: string | null;
}

export interface NotReceivedItem extends InvoiceListItem {
  notReceivedNote?: string | null;
  notReceivedAt?: string | null;
  notReceivedByName?: string | null;
}

// ---- reconciliation ----

export type CategoryCounts = Record<FindingCategory, number>;

export interface ReconciliationRun {
  id: string;
  fileName: string;
  createdAt: string;
  createdByName: string;
  fileSize?: number;
  platformRows: number;
  /** the file's earliest and latest 开票日期 */
  dateFrom?: string | null;
  dateTo?: string | null;
  counts: CategoryCounts;
  /** findings not resolved yet */
  openFindings?: number;
}

export interface PlatformSide {
  row?: number;
  type?: string | null;
  issueDate?: string | null;
  sellerName?: string | null;
  sellerTaxId?: string | null;
  buyerName?: string | null;
  buyerTaxId?: string | null;
  amount?: string | null;
  tax?: string | null;
  total?: string | null;
  status?: string | null;
  [key: string]: unknown;
}

export interface SystemSide {
  invoiceId: string;
  type?: string | null;
  issueDate?: string | null;
  buyerName?: string | null;
  buyerTaxId?: string | null;
  amount?: string | null;
  tax?: string | null;
  total?: string | null;
  status?: string | null;
  [key: string]: unknown;
}

export interface FindingResolution {
  kind: 'SUPPLEMENTED' | 'STATUS_CORRECTED' | 'EXPLAINED';
  note: string | null;
  byName: string | null;
  at: string;
  trackingNumber?: string | null;
}

export interface Finding extends InvoiceNumbers {
  id: string;
  label?: string;
  invoiceId?: string | null;
  category: FindingCategory;
  platform: PlatformSide | null;
  system: SystemSide | null;
  resolution: FindingResolution | null;
}

export interface FindingQuery extends PageQuery {
  category?: FindingCategory;
  open?: 'true' | 'false';
}

export interface RunComparison {
  a: ReconciliationRun;
  b: ReconciliationRun;
  counts: { category: FindingCategory; a: number; b: number; diff: number }[];
}

// ---- mall ----

export interface MallInvoiceItem extends InvoiceListItem {
  notReceivedNote?: string | null;
}

const multipart = (file: File, fields: Record<string, string> = {}): FormData => {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  form.append('file', file);
  return form;
};

type Progress = (percent: number) => void;
const onProgress = (progress?: Progress) =>
  progress ? { onUploadProgress: (e: AxiosProgressEvent) => progress(e.total ? Math.round((e.loaded / e.total) * 100) : 0) } : {};

export const invoicesApi = {
  list: (query: InvoiceQuery = {}) => http.get<Paged<InvoiceListItem>>('/invoices', { params: query }).then((r) => r.data),
  exportFile: (query: Omit<InvoiceQuery, 'page' | 'pageSize'> = {}) => downloadFile('/invoices/export', query, '发票台账.xlsx'),
  get: (id: string, config?: AxiosRequestConfig) => http.get<InvoiceDetail>(`/invoices/${id}`, config).then((r) => r.data),
  update: (id: string, body: { remark?: string; issuer?: string; version: number }, config?: AxiosRequestConfig) =>
    http.patch<InvoiceDetail>(`/invoices/${id}`, body, config).then((r) => r.data),
  create: (body: CreateInvoiceInput, config?: AxiosRequestConfig) => http.post<InvoiceDetail>('/invoices', body, config).then((r) => r.data),
  red: (id: string, body: RedInput, config?: AxiosRequestConfig) => http.post<InvoiceDetail>(`/invoices/${id}/red`, body, config).then((r) => r.data),
  void: (id: string, reason: string, config?: AxiosRequestConfig) => http.post<InvoiceDetail>(`/invoices/${id}/void`, { reason }, config).then((r) => r.data),
  uploadAttachment: (id: string, file: File, config?: AxiosRequestConfig) =>
    http.post<InvoiceAttachment>(`/invoices/${id}/attachments`, multipart(file), { timeout: 120_000, ...config }).then((r) => r.data),
  downloadAttachment: (id: string, att: Pick<InvoiceAttachment, 'id' | 'fileName'>) => downloadFile(`/invoices/${id}/attachments/${att.id}`, {}, att.fileName),
  uninvoiced: (query: UninvoicedQuery = {}) => http.get<UninvoicedPage>('/invoices/uninvoiced', { params: query }).then((r) => r.data),
  importFile: (file: File, config?: AxiosRequestConfig) =>
    http.post<ImportSummary>('/invoices/import', multipart(file), { timeout: 300_000, ...config }).then((r) => r.data),
  taxIdProblems: () => http.get<{ items: TaxIdProblem[]; total?: number }>('/invoices/tax-id-problems').then((r) => r.data),
  notReceived: (query: PageQuery = {}) =>
    http.get<Paged<NotReceivedItem> | { items: NotReceivedItem[] }>('/invoices/not-received', { params: query }).then((r) => r.data),
};

export const supplementsApi = {
  create: (data: SupplementData, file: File | null, config?: AxiosRequestConfig) => {
    const form = new FormData();
    form.append('data', JSON.stringify(data));
    if (file) form.append('file', file);
    return http.post<SupplementCreated>('/invoices/supplementary', form, { timeout: 120_000, ...config }).then((r) => r.data);
  },
  list: (query: PageQuery & { status?: string } = {}) => http.get<Paged<SupplementItem>>('/invoices/supplementary', { params: query }).then((r) => r.data),
  get: (id: string, config?: AxiosRequestConfig) => http.get<SupplementItem>(`/invoices/supplementary/${id}`, config).then((r) => r.data),
};

export const reconciliationsApi = {
  upload: (file: File, progress?: Progress, config?: AxiosRequestConfig) =>
    http.post<ReconciliationRun>('/invoice-reconciliations', multipart(file), { timeout: 600_000, ...onProgress(progress), ...config }).then((r) => r.data),
  list: (query: PageQuery = {}) => http.get<Paged<ReconciliationRun>>('/invoice-reconciliations', { params: query }).then((r) => r.data),
  get: (id: string, config?: AxiosRequestConfig) => http.get<ReconciliationRun>(`/invoice-reconciliations/${id}`, config).then((r) => r.data),
  findings: (id: string, query: FindingQuery = {}) =>
    http.get<Paged<Finding>>(`/invoice-reconciliations/${id}/findings`, { params: query }).then((r) => r.data),
  explain: (id: string, findingId: string, note: string, config?: AxiosRequestConfig) =>
    http.post<Finding>(`/invoice-reconciliations/${id}/findings/${findingId}/explain`, { note }, config).then((r) => r.data),
  correctStatus: (id: string, findingId: string, config?: AxiosRequestConfig) =>
    http.post<Finding>(`/invoice-reconciliations/${id}/findings/${findingId}/correct-status`, {}, config).then((r) => r.data),
  prefill: (id: string, findingId: string) =>
    http.get<Partial<SupplementData>>(`/invoice-reconciliations/${id}/findings/${findingId}/prefill`).then((r) => r.data),
  exportFile: (id: string) => downloadFile(`/invoice-reconciliations/${id}/export`, {}, '发票对账.xlsx'),
  compare: (a: string, b: string) => http.get<RunComparison>('/invoice-reconciliations/compare', { params: { a, b } }).then((r) => r.data),
};

export const mallInvoicesApi = {
  list: (query: PageQuery = {}, config?: AxiosRequestConfig) =>
    http.get<Paged<MallInvoiceItem>>('/mall/invoices', { params: query, ...config }).then((r) => r.data),
  get: (id: string, config?: AxiosRequestConfig) => http.get<InvoiceDetail>(`/mall/invoices/${id}`, config).then((r) => r.data),
  downloadAttachment: (id: string, att: Pick<InvoiceAttachment, 'id' | 'fileName'>) =>
    downloadFile(`/mall/invoices/${id}/attachments/${att.id}`, {}, att.fileName),
  notReceived: (id: string, note: string, config?: AxiosRequestConfig) =>
    http.post<InvoiceDetail>(`/mall/invoices/${id}/not-received`, { note }, config).then((r) => r.data),
};
