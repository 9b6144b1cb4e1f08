import { describe, expect, it } from 'vitest';
import { APPROVAL_FACTS, ApprovalDocType, OrderSource, OPERATORS_BY_TYPE } from '@drp/shared';
import zhFlow from '@/i18n/locales/approvalFlow.zh-CN';
import enFlow from '@/i18n/locales/approvalFlow.en';
import zhCN from '@/i18n/locales/zh-CN';
import { MISSING_POLICIES, RELATIVE_TO } from './lib/flowDraft';

type Tree = { [key: string]: string | Tree };

function lookup(tree: Tree, key: string): unknown {
  return key.split('.').reduce<unknown>((node, part) => (node && typeof node === 'object' ? (node as Tree)[part] : undefined), tree);
}

function keys(tree: Tree, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([k, v]) => (typeof v === 'string' ? [prefix + k] : keys(v, `${prefix}${k}.`)));
}

/** the flow screens' own sources (specs left out), as text */
const sources = import.meta.glob(['./**/*.vue', './**/*.ts', '!./**/*.spec.ts'], { query: '?raw', import: 'default', eager: true }) as Record<string, string>;

describe('approval flow messages', () => {
  it('have the same keys in Chinese and English, none empty, the menu keys kept', () => {
    expect(keys(enFlow as Tree).sort()).toEqual(keys(zhFlow as Tree).sort());
    for (const tree of [zhFlow, enFlow]) {
      const empty = keys(tree as Tree).filter((k) => !String(lookup(tree as Tree, k)).trim());
      expect(empty).toEqual([]);
    }
    expect(zhFlow.menu).toEqual({ flows: '审批流程', create: '新建审批流程', edit: '编辑审批流程' });
  });

  it('keep vue-i18n syntax characters out of the text (braces only around parameters)', () => {
    for (const tree of [zhFlow, enFlow]) {
      const bad = keys(tree as Tree).filter((k) => {
        const text = String(lookup(tree as Tree, k));
        return /[@|$]/.test(text) || /\{(?!\w+\})|(?<!\{\w+)\}/.test(text);
      });
      expect(bad).toEqual([]);
    }
  });

  it('label every document type, fact, operator, approver kind and policy', () => {
    const missing: string[] = [];
    const need = (key: string) => lookup(zhCN as unknown as Tree, key) === undefined && missing.push(key);
    Object.values(ApprovalDocType).forEach((d) => {
      need(`approvalFlow.docType.${d}`);
      APPROVAL_FACTS[d].forEach((f) => need(`approvalFlow.fact.${f.key}`));
    });
    new Set(Object.values(OPERATORS_BY_TYPE).flat()).forEach((op) => need(`approvalFlow.operator.${op}`));
    RELATIVE_TO.forEach((r) => need(`approvalFlow.relativeTo.${r}`));
    MISSING_POLICIES.forEach((p) => (need(`approvalFlow.missing.${p}`), need(`approvalFlow.missingHint.${p}`)));
    ['ANY', 'ALL'].forEach((m) => (need(`approvalFlow.mode.${m}`), need(`approvalFlow.modeHint.${m}`)));
    ['ROLE', 'USERS'].forEach((k) => need(`approvalFlow.approver.kind.${k}`));
    ['none', 'tooMany', 'noRole', 'noUsers'].forEach((p) => need(`approvalFlow.approver.problem.${p}`));
    ['UNKNOWN_FACT', 'BAD_OPERATOR', 'BAD_VALUE', 'BAD_GROUP', 'EMPTY_GROUP'].forEach((c) => need(`approvalFlow.conditionProblem.${c}`));
    ['required', 'tooLong'].forEach((p) => need(`approvalFlow.step.problem.${p}`));
    ['required', 'format'].forEach((p) => need(`approvalFlow.form.rules.code_${p}`));
    ['applies', 'skipped', 'incomplete'].forEach((s) => need(`approvalFlow.preview.state.${s}`));
    Object.values(OrderSource).forEach((s) => need(`sales.source.${s}`));
    ['DUPLICATE', 'STALE_VERSION', 'APPROVAL_CONDITION_INVALID', 'APPROVAL_STEP_NO_APPROVERS'].forEach((c) => need(`errors.${c}`));
    expect(missing).toEqual([]);
  });

  it('exist for every literal key the flow screens use', () => {
    const used = new Set<string>();
    expect(Object.keys(sources).length).toBeGreaterThan(10);
    for (const text of Object.values(sources)) {
      for (const m of text.matchAll(/\$?t\(\s*'([a-zA-Z]+(?:\.[a-zA-Z0-9_]+)+)'/g)) used.add(m[1]);
    }
    expect(used.size).toBeGreaterThan(60);
    const missing = [...used].filter((k) => typeof lookup(zhCN as unknown as Tree, k) !== 'string');
    expect(missing).toEqual([]);
  });
});
