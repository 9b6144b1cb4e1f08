import { describe, expect, it } from 'vitest';
import { ApprovalStatus, TaskStatus, APPROVAL_FACTS, ApprovalDocType, OPERATORS_BY_TYPE } from '@drp/shared';
import zh from '@/i18n/locales/approval.zh-CN';
import en from '@/i18n/locales/approval.en';

type Tree = { [key: string]: string | Tree };
const keys = (tree: Tree, prefix = ''): string[] => Object.entries(tree).flatMap(([k, v]) => (typeof v === 'string' ? [prefix + k] : keys(v, `${prefix}${k}.`)));
const leaves = (tree: Tree): string[] => Object.values(tree).flatMap((v) => (typeof v === 'string' ? [v] : leaves(v)));

describe('approval messages', () => {
  it('have the same keys in both languages, none empty, no vue-i18n syntax characters', () => {
    expect(keys(en as Tree).sort()).toEqual(keys(zh as Tree).sort());
    for (const tree of [zh, en]) {
      expect(leaves(tree as Tree).filter((m) => !m.trim())).toEqual([]);
      expect(leaves(tree as Tree).filter((m) => /[@|$]/.test(m))).toEqual([]);
    }
  });

  it('label every status, event, fact and operator the screens show', () => {
    for (const tree of [zh, en]) {
      expect(Object.keys(tree.status).sort()).toEqual(Object.values(ApprovalStatus).sort());
      expect(Object.keys(tree.taskStatus).sort()).toEqual(Object.values(TaskStatus).sort());
      expect(Object.keys(tree.event).sort()).toEqual(
        ['SUBMIT', 'STEP_OPEN', 'STEP_SKIPPED', 'APPROVE', 'REJECT', 'RETURN', 'WITHDRAW', 'ESCALATE', 'AUTO_APPROVE', 'APPROVED', 'NO_APPROVER'].sort(),
      );
      for (const f of APPROVAL_FACTS[ApprovalDocType.SALES_ORDER]) expect(tree.facts).toHaveProperty(f.key);
      for (const op of new Set(Object.values(OPERATORS_BY_TYPE).flat())) expect(tree.operators).toHaveProperty(op);
      for (const d of Object.values(ApprovalDocType)) expect(tree.docType).toHaveProperty(d);
    }
  });
});
