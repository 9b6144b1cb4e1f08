import { describe, expect, it } from 'vitest';
import { LedgerEntryType, ReceiptMethod } from '@drp/shared';
import { ledgerSummary } from './ledger';

const label = (m: ReceiptMethod) => ({ BANK_TRANSFER: '银行转账', WECHAT: '微信支付' })[m as string] ?? m;

describe('ledgerSummary', () => {
  it('shows the receipt method by its label, keeping the bank reference', () => {
    expect(ledgerSummary({ type: LedgerEntryType.RECEIPT, summary: 'BANK_TRANSFER ICBC-001' }, label)).toBe('银行转账 ICBC-001');
    expect(ledgerSummary({ type: LedgerEntryType.RECEIPT, summary: 'WECHAT' }, label)).toBe('微信支付');
  });

  it('leaves other summaries alone', () => {
    expect(ledgerSummary({ type: LedgerEntryType.SHIPMENT, summary: 'SO20261123-0005' }, label)).toBe('SO20261123-0005');
    expect(ledgerSummary({ type: LedgerEntryType.RECEIPT_REVERSAL, summary: 'BANK_TRANSFER 退票' }, label)).toBe('BANK_TRANSFER 退票');
    expect(ledgerSummary({ type: LedgerEntryType.RECEIPT, summary: '预付货款' }, label)).toBe('预付货款');
  });
});
