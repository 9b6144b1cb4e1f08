/** Credit control, receivables, receipts, aging and statements: enums, wire types and pure rules. */
import { Dec, fmt } from './money';
import type { SettlementMethod } from './org';

export enum CreditMode {
  /** no check */
  NONE = 'NONE',
  /** the order passes and carries a warning */
  WARN = 'WARN',
  /** the order is refused with CREDIT_LIMIT_EXCEEDED */
  BLOCK = 'BLOCK',
}

export interface CreditAccountDto {
  dealerId: string;
  dealerCode: string;
  dealerName: string;
  branchName: string | null;
  settlementMethod: SettlementMethod | null;
  limit: string;
  creditDays: number;
  mode: CreditMode;
  blockOnOverdue: boolean;
  /** open (unpaid) receivables */
  openReceivables: string;
  /** orders awaiting approval or approved and not yet shipped */
  openOrders: string;
  /** unallocated receipts and return credits (预收款) */
  prepayment: string;
  /** openReceivables + openOrders - prepayment */
  exposure: string;
  /** limit - exposure (may be negative) */
  available: string;
  overdueAmount: string;
  version: number;
  updatedAt: string | null;
}

/** Exposure = open receivables + open orders - prepayments (ARCHITECTURE §6). */
export function creditExposure(a: { openReceivables: string; openOrders: string; prepayment: string }): string {
  return fmt(new Dec(a.openReceivables).plus(a.openOrders).minus(a.prepayment));
}

export interface CreditDriftDto {
  dealerId: string;
  dealerCode: string;
  field: 'openReceivables' | 'openOrders' | 'prepayment' | 'receivableOpenAmount' | 'creditUnallocated';
  stored: string;
  computed: string;
}

export interface CreditConsistencyDto {
  checkedAccounts: number;
  ok: boolean;
  drifts: CreditDriftDto[];
}

export enum ReceiptMethod {
  BANK_TRANSFER = 'BANK_TRANSFER',
  CASH = 'CASH',
  ALIPAY = 'ALIPAY',
  WECHAT = 'WECHAT',
  BANK_ACCEPTANCE = 'BANK_ACCEPTANCE',
  OTHER = 'OTHER',
}

export enum ReceiptStatus {
  ACTIVE = 'ACTIVE',
  REVERSED = 'REVERSED',
}

export interface AllocationDto {
  id: string;
  receivableId: string;
  receivableNumber: string;
  /** the receipt or return that paid it */
  creditType: 'RECEIPT' | 'RETURN';
  creditId: string;
  creditNumber: string;
  amount: string;
  reversed: boolean;
  createdAt: string;
}

export interface ReceiptDto {
  id: string;
  number: string;
  dealerId: string;
  dealerCode: string;
  dealerName: string;
  method: ReceiptMethod;
  bankRef: string | null;
  amount: string;
  allocated: string;
  unallocated: string;
  businessDate: string;
  status: ReceiptStatus;
  remark: string | null;
  reversalReason: string | null;
  reversedAt: string | null;
  reversedByName: string | null;
  createdByName: string | null;
  createdAt: string;
  allocations: AllocationDto[];
  /** a requested reversal: waiting for approval (the receipt stays in force) or rejected; null when none */
  reversalStatus: ReceiptReversalStatus | null;
  reversalRequestedByName: string | null;
  reversalRequestedAt: string | null;
}

/** A reversal that goes through approval (RECEIPT_REVERSAL) before it takes effect. */
export type ReceiptReversalStatus = 'PENDING_APPROVAL' | 'REJECTED';

export interface ReceivableDto {
  id: string;
  /** the shipment number it was posted from */
  number: string;
  shipmentId: string;
  orderId: string;
  orderNumber: string;
  dealerId: string;
  dealerCode: string;
  dealerName: string;
  branchName: string | null;
  salesRepName: string | null;
  businessDate: string;
  dueDate: string;
  amount: string;
  openAmount: string;
  /** today minus the due date: negative while not yet due */
  daysOverdue: number;
  /** the invoices issued for its shipment (数电 number, else code + number); absent when none */
  invoiceNumbers?: string[];
}

export enum LedgerEntryType {
  SHIPMENT = 'SHIPMENT',
  RETURN = 'RETURN',
  RECEIPT = 'RECEIPT',
  RECEIPT_REVERSAL = 'RECEIPT_REVERSAL',
}

/** One line of a dealer's account: debits raise what the dealer owes, credits lower it. */
export interface LedgerEntryDto {
  date: string;
  type: LedgerEntryType;
  docId: string;
  docNumber: string;
  summary: string;
  debit: string;
  credit: string;
  /** running balance after this line (owed by the dealer; negative = prepaid) */
  balance: string;
  /** a shipment's invoices (数电 number, else code + number); absent when none */
  invoiceNumbers?: string[];
}

export interface StatementView {
  dealerId: string;
  dealerCode: string;
  dealerName: string;
  from: string;
  to: string;
  openingBalance: string;
  shipments: string;
  returns: string;
  receipts: string;
  closingBalance: string;
  lines: LedgerEntryDto[];
}

export enum StatementStatus {
  PENDING = 'PENDING',
  CONFIRMED = 'CONFIRMED',
  DISPUTED = 'DISPUTED',
}

export interface StatementDto extends StatementView {
  id: string;
  number: string;
  status: StatementStatus;
  /** MANUAL or MONTH_END (the pg-boss job) */
  origin: 'MANUAL' | 'MONTH_END';
  responseComment: string | null;
  respondedByName: string | null;
  respondedAt: string | null;
  createdByName: string | null;
  createdAt: string;
  version: number;
}

export type AgingGroupBy = 'dealer' | 'branch' | 'salesRep';

export interface AgingBucket {
  /** e.g. "0-30", "31-60", "90+" (days past due) */
  label: string;
  from: number;
  /** null: open-ended */
  to: number | null;
}

export interface AgingRow {
  key: string | null;
  code: string | null;
  name: string;
  /** open amount not yet due */
  current: string;
  /** per bucket, in the order of `buckets` */
  buckets: string[];
  overdue: string;
  total: string;
}

export interface AgingReport {
  asOf: string;
  groupBy: AgingGroupBy;
  buckets: AgingBucket[];
  rows: AgingRow[];
  totals: Omit<AgingRow, 'key' | 'code' | 'name'>;
}

export const DEFAULT_AGING_BOUNDS = [30, 60, 90] as const;

/**
 * Buckets of days past due from upper bounds: [30, 60, 90] -> 0-30, 31-60, 61-90, 90+. A
 * receivable is past due the day after its due date (as everywhere: overdue lists, the credit
 * check), so "0-30" holds 1 to 30 days; those due today or later are reported apart (current).
 * Bounds must rise strictly and be positive.
 */
export function agingBuckets(bounds: readonly number[]): AgingBucket[] {
  if (!bounds.length || bounds.some((b, i) => !Number.isInteger(b) || b <= 0 || (i > 0 && b <= bounds[i - 1]))) {
    throw new RangeError('aging bounds must be positive integers in rising order');
  }
  const out: AgingBucket[] = [];
  let from = 1;
  for (const b of bounds) {
    out.push({ label: `${from === 1 ? 0 : from}-${b}`, from, to: b });
    from = b + 1;
  }
  out.push({ label: `${bounds[bounds.length - 1]}+`, from, to: null });
  return out;
}

/** The bucket index for days past due (as-of date minus due date), or -1 when not yet past due (0 or less). */
export function bucketIndex(buckets: AgingBucket[], daysOverdue: number): number {
  if (!isPastDue(daysOverdue)) return -1;
  return buckets.findIndex((b) => daysOverdue >= b.from && (b.to === null || daysOverdue <= b.to));
}

/** Document-number prefixes: SK 收款单, DZ 对账单. */
export const FINANCE_DOC_PREFIX = { receipt: 'SK', statement: 'DZ' } as const;

/**
 * A receivable is past due the day after its due date (ARCHITECTURE §6: credit check, overdue
 * lists, aging, sign-in warnings alike). Dates are business dates 'YYYY-MM-DD'. An open amount of
 * zero (settled) is never overdue. The server's SQL twins are `overdue` / `overdueSql` in finance's
 * overdue-sql.ts: change them together.
 */
export function isOverdue(dueDate: string, today: string, openAmount?: string): boolean {
  if (openAmount !== undefined && !new Dec(openAmount).greaterThan(0)) return false;
  return daysOverdue(dueDate, today) > 0;
}

/** Days past due: today minus the due date (0 on the due date, negative before it). */
export function daysOverdue(dueDate: string, today: string): number {
  const day = (d: string) => Date.UTC(Number(d.slice(0, 4)), Number(d.slice(5, 7)) - 1, Number(d.slice(8, 10)));
  return Math.round((day(today) - day(dueDate)) / 86_400_000);
}

/** Past due by a count of days (a receivable's `daysOverdue`): more than zero. */
export function isPastDue(days: number): boolean {
  return days > 0;
}
