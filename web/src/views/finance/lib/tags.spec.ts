import { describe, expect, it } from 'vitest';
import { CreditMode, LedgerEntryType, ReceiptStatus, StatementStatus } from '@drp/shared';
import { creditModeTagType, ledgerTypeTagType, overdueLevel, receiptStatusTagType, statementStatusTagType } from './tags';

describe('finance tag colours', () => {
  it('colours credit modes from calm to alarming', () => {
    expect(creditModeTagType(CreditMode.NONE)).toBe('info');
    expect(creditModeTagType(CreditMode.WARN)).toBe('warning');
    expect(creditModeTagType(CreditMode.BLOCK)).toBe('danger');
    expect(creditModeTagType('SOMETHING_NEW')).toBe('info');
  });

  it('colours statement and receipt statuses', () => {
    expect(statementStatusTagType(StatementStatus.PENDING)).toBe('warning');
    expect(statementStatusTagType(StatementStatus.CONFIRMED)).toBe('success');
    expect(statementStatusTagType(StatementStatus.DISPUTED)).toBe('danger');
    expect(receiptStatusTagType(ReceiptStatus.ACTIVE)).toBe('success');
    expect(receiptStatusTagType(ReceiptStatus.REVERSED)).toBe('info');
  });

  it('has a colour for every ledger line type', () => {
    for (const type of Object.values(LedgerEntryType)) expect(ledgerTypeTagType(type)).not.toBe('info');
  });

  it('grades how late a receivable is', () => {
    expect(overdueLevel(-3)).toBe('notDue');
    expect(overdueLevel(0)).toBe('dueToday');
    expect(overdueLevel(1)).toBe('overdue');
    expect(overdueLevel(30)).toBe('overdue');
    expect(overdueLevel(31)).toBe('longOverdue');
    expect(overdueLevel(31, 60)).toBe('overdue');
  });
});
