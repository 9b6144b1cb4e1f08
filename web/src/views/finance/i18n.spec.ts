import { describe, expect, it } from 'vitest';
import { CreditMode, LedgerEntryType, ReceiptMethod, ReceiptStatus, SettlementMethod, StatementStatus } from '@drp/shared';
import zhFinance from '@/i18n/locales/finance.zh-CN';
import enFinance from '@/i18n/locales/finance.en';
import zhCN from '@/i18n/locales/zh-CN';

type Tree = { [key: string]: string | Tree };

function lookup(tree: Tree, key: string): unknown {
  return key.split('.').reduce<unknown>((node, part) => (node && typeof node === 'object' ? (node as Tree)[part] : undefined), tree);
}

function keys(tree: Tree, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([k, v]) => (typeof v === 'string' ? [prefix + k] : keys(v, `${prefix}${k}.`)));
}

/** the finance screens' own sources (specs left out), as text */
const sources = import.meta.glob(['./**/*.vue', './**/*.ts', '!./**/*.spec.ts'], { query: '?raw', import: 'default', eager: true }) as Record<string, string>;

describe('finance messages', () => {
  it('have the same keys in Chinese and English, none empty', () => {
    expect(keys(enFinance as Tree).sort()).toEqual(keys(zhFinance as Tree).sort());
    for (const tree of [zhFinance, enFinance]) {
      const empty = keys(tree as Tree).filter((k) => !String(lookup(tree as Tree, k)).trim());
      expect(empty).toEqual([]);
    }
  });

  it('keep vue-i18n syntax characters out of the text', () => {
    for (const tree of [zhFinance, enFinance]) {
      const bad = keys(tree as Tree).filter((k) => /[@|$]/.test(String(lookup(tree as Tree, k))));
      expect(bad).toEqual([]);
    }
  });

  it('label every enum the screens show', () => {
    const missing: string[] = [];
    const need = (key: string) => lookup(zhCN as unknown as Tree, key) === undefined && missing.push(key);
    Object.values(CreditMode).forEach((v) => (need(`finance.creditMode.${v}`), need(`finance.creditModeHint.${v}`)));
    Object.values(ReceiptMethod).forEach((v) => need(`finance.receiptMethod.${v}`));
    Object.values(ReceiptStatus).forEach((v) => need(`finance.receiptStatus.${v}`));
    Object.values(StatementStatus).forEach((v) => need(`finance.statementStatus.${v}`));
    Object.values(LedgerEntryType).forEach((v) => need(`finance.ledgerType.${v}`));
    Object.values(SettlementMethod).forEach((v) => need(`org.settlement.${v}`));
    ['MANUAL', 'MONTH_END'].forEach((v) => need(`finance.statementOrigin.${v}`));
    ['openReceivables', 'openOrders', 'prepayment', 'receivableOpenAmount', 'creditUnallocated'].forEach((v) => need(`finance.credit.driftField.${v}`));
    ['required', 'format', 'scale', 'negative', 'positive', 'tooLarge', 'exceedsOpen'].forEach((v) => need(`finance.amountRules.${v}`));
    ['empty', 'format', 'order', 'tooMany'].forEach((v) => need(`finance.aging.boundsProblem.${v}`));
    ['dealer', 'branch', 'salesRep'].forEach((v) => (need(`finance.aging.group.${v}`), need(`finance.aging.groupName.${v}`)));
    expect(missing).toEqual([]);
  });

  it('exist for every literal key the finance screens use', () => {
    const used = new Set<string>();
    expect(Object.keys(sources).length).toBeGreaterThan(20);
    for (const text of Object.values(sources)) {
      for (const m of text.matchAll(/\$?t\(\s*'([a-zA-Z]+(?:\.[a-zA-Z0-9_]+)+)'/g)) used.add(m[1]);
    }
    expect(used.size).toBeGreaterThan(100);
    const missing = [...used].filter((k) => typeof lookup(zhCN as unknown as Tree, k) !== 'string');
    expect(missing).toEqual([]);
  });
});
