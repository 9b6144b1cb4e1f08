import { CreditMode, isPastDue, LedgerEntryType, ReceiptStatus, StatementStatus } from '@drp/shared';

/** Element Plus tag colours. */
export type TagType = 'primary' | 'success' | 'info' | 'warning' | 'danger';

const CREDIT_MODE: Record<CreditMode, TagType> = {
  [CreditMode.NONE]: 'info',
  [CreditMode.WARN]: 'warning',
  [CreditMode.BLOCK]: 'danger',
};

const STATEMENT_STATUS: Record<StatementStatus, TagType> = {
  [StatementStatus.PENDING]: 'warning',
  [StatementStatus.CONFIRMED]: 'success',
  [StatementStatus.DISPUTED]: 'danger',
};

const RECEIPT_STATUS: Record<ReceiptStatus, TagType> = {
  [ReceiptStatus.ACTIVE]: 'success',
  [ReceiptStatus.REVERSED]: 'info',
};

const LEDGER_TYPE: Record<LedgerEntryType, TagType> = {
  [LedgerEntryType.SHIPMENT]: 'primary',
  [LedgerEntryType.RETURN]: 'warning',
  [LedgerEntryType.RECEIPT]: 'success',
  [LedgerEntryType.RECEIPT_REVERSAL]: 'danger',
};

/** 不控制 grey, 预警 orange, 禁止 red. */
export function creditModeTagType(mode: string): TagType {
  return CREDIT_MODE[mode as CreditMode] ?? 'info';
}

/** 待确认 orange, 已确认 green, 有异议 red. */
export function statementStatusTagType(status: string): TagType {
  return STATEMENT_STATUS[status as StatementStatus] ?? 'info';
}

/** 有效 green, 已冲销 grey. */
export function receiptStatusTagType(status: string): TagType {
  return RECEIPT_STATUS[status as ReceiptStatus] ?? 'info';
}

export function ledgerTypeTagType(type: string): TagType {
  return LEDGER_TYPE[type as LedgerEntryType] ?? 'info';
}

/**
 * How late a receivable is, for colouring: not yet due, due today, overdue (1..30 days), long
 * overdue (over 30 days). `daysOverdue` is today minus the due date (negative while not due).
 */
export type OverdueLevel = 'notDue' | 'dueToday' | 'overdue' | 'longOverdue';

export function overdueLevel(daysOverdue: number, longAfter = 30): OverdueLevel {
  // past due the day after the due date: the shared rule (isPastDue)
  if (!isPastDue(daysOverdue)) return daysOverdue === 0 ? 'dueToday' : 'notDue';
  return daysOverdue > longAfter ? 'longOverdue' : 'overdue';
}
