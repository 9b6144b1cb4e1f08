import { describe, expect, it } from 'vitest';
import { ApprovalDocType, ErrorCode, RECON_CATEGORIES } from '@drp/shared';
import zh from '@/i18n/locales/invoice.zh-CN';
import en from '@/i18n/locales/invoice.en';
import approvalZh from '@/i18n/locales/approval.zh-CN';
import approvalEn from '@/i18n/locales/approval.en';
import { FINDING_CATEGORIES, INVOICE_SOURCES, INVOICE_STATUSES, INVOICE_TYPES, RED_REASONS } from '@/api/invoicing';

type Tree = { [key: string]: string | Tree };
const keys = (tree: Tree, prefix = ''): string[] => Object.entries(tree).flatMap(([k, v]) => (typeof v === 'string' ? [prefix + k] : keys(v, `${prefix}${k}.`)));
const leaves = (tree: Tree): string[] => Object.values(tree).flatMap((v) => (typeof v === 'string' ? [v] : leaves(v)));

describe('invoice messages', () => {
  it('have the same keys in both languages, none empty, no vue-i18n syntax characters outside parameters', () => {
    expect(keys(en as Tree).sort()).toEqual(keys(zh as Tree).sort());
    for (const tree of [zh, en]) {
      expect(leaves(tree as Tree).filter((m) => !m.trim())).toEqual([]);
      expect(leaves(tree as Tree).filter((m) => /[@|$]/.test(m) || /\{(?!\w+\})|(?<!\{\w+)\}/.test(m))).toEqual([]);
    }
  });

  it('word every code the screens show', () => {
    for (const tree of [zh, en]) {
      expect(Object.keys(tree.type).sort()).toEqual([...INVOICE_TYPES].sort());
      expect(Object.keys(tree.status).sort()).toEqual([...INVOICE_STATUSES].sort());
      expect(Object.keys(tree.source).sort()).toEqual([...INVOICE_SOURCES].sort());
      expect(Object.keys(tree.redReason).sort()).toEqual([...RED_REASONS].sort());
      expect(Object.keys(tree.category).sort()).toEqual([...RECON_CATEGORIES].sort());
      expect(Object.keys(tree.categoryDesc).sort()).toEqual([...FINDING_CATEGORIES].sort());
    }
  });

  it('the approval inbox words the supplementary entry, the invoice errors exist in shared', () => {
    expect(approvalZh.docType[ApprovalDocType.INVOICE_SUPPLEMENT]).toBe('发票补录');
    expect(approvalEn.summary[ApprovalDocType.INVOICE_SUPPLEMENT]).toContain('{amount}');
    for (const code of ['TAX_ID_INVALID', 'INVOICE_NUMBER_INVALID', 'INVOICE_DUPLICATE', 'INVOICE_RED_EXCEEDS_BLUE', 'INVOICE_DIGITAL_NOT_VOIDABLE', 'PLATFORM_EXPORT_COLUMNS_MISSING']) {
      expect(Object.values(ErrorCode)).toContain(code);
    }
  });
});
