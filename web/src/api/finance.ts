import type {
  AgingGroupBy,
  AgingReport,
  CreditAccountDto,
  CreditConsistencyDto,
  CreditMode,
  PageQuery,
  Paged,
  ReceiptDto,
  ReceiptMethod,
  ReceiptStatus,
  ReceivableDto,
  SettlementMethod,
  StatementDto,
  StatementStatus,
  StatementView,
} from '@drp/shared';
import type { AxiosRequestConfig } from 'axios';
import { downloadFile } from '@/utils/download';
import { http } from './http';

/** 信用额度、收款、应收、账龄与对账单 (finance module: `/api/credit`, `/api/receipts`, `/api/finance`, `/api/statements`). */

// ---- credit ----

export interface CreditAccountQuery extends PageQuery {
  branchId?: string;
  mode?: CreditMode;
  /** only accounts whose exposure is above the limit */
  overLimit?: 'true';
}

export interface UpdateCreditInput {
  /** decimal string, 2 decimals at most, >= 0 */
  limit: string;
  mode: CreditMode;
  /** 0..3650 */
  creditDays: number;
  blockOnOverdue?: boolean;
  settlementMethod?: SettlementMethod;
  version?: number;
}

// ---- receipts ----

export interface ReceiptQuery extends PageQuery {
  dealerId?: string;
  status?: ReceiptStatus;
  method?: ReceiptMethod;
  /** YYYY-MM-DD business dates, inclusive */
  from?: string;
  to?: string;
}

export interface AllocationInput {
  receivableId: string;
  amount: string;
}

export interface CreateReceiptInput {
  dealerId: string;
  amount: string;
  method: ReceiptMethod;
  bankRef?: string;
  businessDate?: string;
  remark?: string;
  /** omitted: set against open receivables oldest first; what is left is a prepayment */
  allocations?: AllocationInput[];
}

// ---- receivables, ledger, aging ----

export interface ReceivableQuery extends PageQuery {
  dealerId?: string;
  branchId?: string;
  salesRepId?: string;
  open?: 'true' | 'false';
  overdue?: 'true' | 'false';
}

export interface LedgerQuery {
  dealerId: string;
  /** YYYY-MM-DD, both required */
  from: string;
  to: string;
}

export interface AgingQuery {
  groupBy: AgingGroupBy;
  /** upper bounds, comma separated: "30,60,90" */
  buckets?: string;
  asOf?: string;
  branchId?: string;
}

// ---- statements ----

export interface StatementQuery extends PageQuery {
  dealerId?: string;
  status?: StatementStatus;
  from?: string;
  to?: string;
}

export interface StatementPeriodInput {
  dealerId: string;
  from: string;
  to: string;
}

export type ComputedStatement = StatementView & { saved: StatementDto | null };

export interface MonthEndResult {
  month: string;
  generated: number;
  skipped: number;
}

export const creditApi = {
  list: (query: CreditAccountQuery = {}) => http.get<Paged<CreditAccountDto>>('/credit/accounts', { params: query }).then((r) => r.data),
  get: (dealerId: string) => http.get<CreditAccountDto>(`/credit/accounts/${dealerId}`).then((r) => r.data),
  update: (dealerId: string, input: UpdateCreditInput, config?: AxiosRequestConfig) =>
    http.put<CreditAccountDto>(`/credit/accounts/${dealerId}`, input, config).then((r) => r.data),
  consistency: () => http.get<CreditConsistencyDto>('/credit/consistency').then((r) => r.data),
};

export const receiptsApi = {
  list: (query: ReceiptQuery = {}) => http.get<Paged<ReceiptDto>>('/receipts', { params: query }).then((r) => r.data),
  get: (id: string, config?: AxiosRequestConfig) => http.get<ReceiptDto>(`/receipts/${id}`, config).then((r) => r.data),
  /** `idempotencyKey`: one per opened form, so a double click or a retry cannot record the money twice. */
  create: (input: CreateReceiptInput, idempotencyKey: string, config?: AxiosRequestConfig) =>
    http
      .post<ReceiptDto>('/receipts', input, { ...config, headers: { ...config?.headers, 'Idempotency-Key': idempotencyKey } })
      .then((r) => r.data),
  /** allocations omitted: the unallocated rest goes to open receivables oldest first */
  allocate: (id: string, allocations?: AllocationInput[], config?: AxiosRequestConfig) =>
    http.post<ReceiptDto>(`/receipts/${id}/allocate`, allocations ? { allocations } : {}, config).then((r) => r.data),
  reverse: (id: string, reason: string, config?: AxiosRequestConfig) =>
    http.post<ReceiptDto>(`/receipts/${id}/reverse`, { reason }, config).then((r) => r.data),
};

export const financeApi = {
  receivables: (query: ReceivableQuery = {}, config?: AxiosRequestConfig) =>
    http.get<Paged<ReceivableDto>>('/finance/receivables', { ...config, params: query }).then((r) => r.data),
  ledger: (query: LedgerQuery) => http.get<StatementView>('/finance/ledger', { params: query }).then((r) => r.data),
  aging: (query: AgingQuery) => http.get<AgingReport>('/finance/aging', { params: query }).then((r) => r.data),
};

export const statementsApi = {
  /** the statement of a period computed now, with the saved one of that period if any */
  compute: (query: StatementPeriodInput) => http.get<ComputedStatement>('/statements', { params: query }).then((r) => r.data),
  list: (query: StatementQuery = {}) => http.get<Paged<StatementDto>>('/statements/list', { params: query }).then((r) => r.data),
  get: (id: string, config?: AxiosRequestConfig) => http.get<StatementDto>(`/statements/${id}`, config).then((r) => r.data),
  create: (input: StatementPeriodInput, config?: AxiosRequestConfig) => http.post<StatementDto>('/statements', input, config).then((r) => r.data),
  monthEnd: (month?: string) => http.post<MonthEndResult>('/statements/month-end', month ? { month } : {}).then((r) => r.data),
  confirm: (id: string, comment?: string) =>
    http.post<StatementDto>(`/statements/${id}/confirm`, comment ? { comment } : {}).then((r) => r.data),
  dispute: (id: string, comment: string) => http.post<StatementDto>(`/statements/${id}/dispute`, { comment }).then((r) => r.data),
  exportFile: (statement: Pick<StatementDto, 'id' | 'number'>) =>
    downloadFile(`/statements/${statement.id}/export`, {}, `对账单-${statement.number}.xlsx`),
};
