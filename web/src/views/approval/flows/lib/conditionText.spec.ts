import { describe, expect, it } from 'vitest';
import { ApprovalDocType } from '@drp/shared';
import zhCN from '@/i18n/locales/zh-CN';
import en from '@/i18n/locales/en';
import { approverText, comparisonText, conditionText, type Translate } from './conditionText';

type Tree = { [key: string]: string | Tree };

/** a translator over the real message files, with {name} parameters */
function translator(messages: unknown): Translate {
  return (key, params = {}) => {
    const text = key.split('.').reduce<unknown>((node, part) => (node && typeof node === 'object' ? (node as Tree)[part] : undefined), messages);
    if (typeof text !== 'string') return key;
    return text.replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? ''));
  };
}

const SO = ApprovalDocType.SALES_ORDER;
const zh = translator(zhCN);

describe('conditions in words', () => {
  it('labels facts, operators and values in Chinese', () => {
    expect(comparisonText(SO, { fact: 'amount', operator: 'gt', value: '3000' }, zh)).toBe('单据金额 大于 3000');
    expect(comparisonText(SO, { fact: 'belowFloor', operator: 'eq', value: true }, zh)).toBe('低于底价 等于 是');
    expect(comparisonText(SO, { fact: 'dealerLevel', operator: 'in', value: ['8', '9', '10'] }, zh)).toBe('经销商等级 属于 8 级、9 级、10 级');
    expect(comparisonText(SO, { fact: 'source', operator: 'neq', value: 'MALL' }, zh)).toBe('订单来源 不等于 订货商城');
    expect(comparisonText(SO, { fact: 'branchCode', operator: 'in', value: [] }, zh)).toBe('分支机构编码 属于 —');
  });

  it('joins a group with 且 / 或 and brackets a nested group', () => {
    const text = conditionText(
      SO,
      {
        op: 'all',
        items: [
          { fact: 'amount', operator: 'gte', value: '5000' },
          { op: 'any', items: [{ fact: 'belowFloor', operator: 'eq', value: true }, { fact: 'overCredit', operator: 'eq', value: true }] },
        ],
      },
      zh,
    );
    expect(text).toBe('单据金额 大于等于 5000 且 (低于底价 等于 是 或 超信用额度 等于 是)');
    expect(conditionText(SO, null, zh)).toBe('始终适用');
  });

  it('describes approvers', () => {
    const names = { role: (code: string) => (code === 'BRANCH_MANAGER' ? '分支机构经理' : code), user: (id: string) => ({ u1: '陈海', u2: '王强' })[id] ?? id };
    expect(approverText({ kind: 'ROLE', role: 'BRANCH_MANAGER', relativeTo: 'DOC_BRANCH' }, names, zh)).toBe('单据所属机构的分支机构经理');
    expect(approverText({ kind: 'USERS', userIds: ['u1', 'u2'] }, names, zh)).toBe('指定人员：陈海、王强');
    expect(approverText({ kind: 'ROLE', role: 'BRANCH_MANAGER', relativeTo: 'HQ' }, names, translator(en))).toBe('分支机构经理 of Headquarters');
  });
});
