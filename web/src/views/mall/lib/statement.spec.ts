import { describe, expect, it } from 'vitest';
import { LedgerEntryType } from '@drp/shared';
import { i18n, loadLocale } from '@/i18n';
import type { Words } from './words';
import { statementLineText } from './statement';

const w: Words = { t: (k, v) => (v ? i18n.global.t(k, v) : i18n.global.t(k)), te: (k) => i18n.global.te(k) };
const rawCode = /[A-Z]{2,}_[A-Z_]+/;

describe('mall statement lines (issue #12)', () => {
  it('a statement line words the receipt method, keeps the bank reference and texts people typed', async () => {
    await loadLocale('zh-CN');
    expect(statementLineText(w, { type: LedgerEntryType.RECEIPT, summary: 'BANK_TRANSFER ICBC-20261201' })).toBe('银行转账 ICBC-20261201');
    expect(statementLineText(w, { type: LedgerEntryType.RECEIPT_REVERSAL, summary: 'WECHAT 退票' })).toBe('微信支付 退票');
    expect(statementLineText(w, { type: LedgerEntryType.SHIPMENT, summary: 'SO20261123-0005' })).toBe('SO20261123-0005');
    expect(statementLineText(w, { type: LedgerEntryType.SHIPMENT, summary: '' })).not.toMatch(rawCode);
  });
});
