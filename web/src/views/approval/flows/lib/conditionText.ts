import { isGroup, type ApprovalDocType, type ApproverSpec, type Comparison, type ConditionGroup } from '@drp/shared';
import { FACT_CHOICES, factType } from './flowDraft';

/**
 * Conditions and approvers in words ("单据金额 大于 3000 且 低于底价 等于 是"), for step
 * headers, the flow list and the preview. The translator is passed in (vue-i18n's `t`), so
 * these stay pure.
 */
export type Translate = (key: string, params?: Record<string, unknown>) => string;

/** Where the labels of a fixed-list fact's values are. */
const CHOICE_LABELS: Record<string, string> = { source: 'sales.source' };

export function choiceLabel(fact: string, value: string, t: Translate): string {
  return CHOICE_LABELS[fact] ? t(`${CHOICE_LABELS[fact]}.${value}`) : value;
}

export function factLabel(fact: string, t: Translate): string {
  return t(`approvalFlow.fact.${fact}`);
}

export function operatorLabel(operator: string, t: Translate): string {
  return t(`approvalFlow.operator.${operator}`);
}

export function valueLabel(docType: ApprovalDocType, fact: string, value: string | boolean, t: Translate): string {
  if (typeof value === 'boolean') return t(value ? 'approvalFlow.condition.yes' : 'approvalFlow.condition.no');
  if (FACT_CHOICES[fact]?.includes(value)) return choiceLabel(fact, value, t);
  if (factType(docType, fact) === 'level') return t('approvalFlow.condition.levelN', { n: value });
  return value;
}

export function comparisonText(docType: ApprovalDocType, cmp: Comparison, t: Translate): string {
  const values = Array.isArray(cmp.value) ? cmp.value : [cmp.value];
  const shown = values.map((v) => valueLabel(docType, cmp.fact, v, t)).join(t('approvalFlow.condition.listSeparator'));
  return `${factLabel(cmp.fact, t)} ${operatorLabel(cmp.operator, t)} ${shown || '—'}`;
}

/** The whole condition in one line; nested groups in brackets; null: 始终适用. */
export function conditionText(docType: ApprovalDocType, cond: ConditionGroup | null, t: Translate, nested = false): string {
  if (!cond) return t('approvalFlow.condition.alwaysShort');
  if (!cond.items.length) return '—';
  const joiner = ` ${t(cond.op === 'any' ? 'approvalFlow.condition.or' : 'approvalFlow.condition.and')} `;
  const text = cond.items.map((item) => (isGroup(item) ? conditionText(docType, item, t, true) : comparisonText(docType, item, t))).join(joiner);
  return nested && cond.items.length > 1 ? `(${text})` : text;
}

/** "单据所属机构 · 分支机构经理" or "指定人员：陈海、王强". */
export function approverText(a: ApproverSpec, names: { role: (code: string) => string; user: (id: string) => string }, t: Translate): string {
  if (a.kind === 'ROLE') return t('approvalFlow.approver.roleText', { org: t(`approvalFlow.relativeTo.${a.relativeTo}`), role: a.role ? names.role(a.role) : '—' });
  return t('approvalFlow.approver.usersText', { users: a.userIds.map(names.user).join(t('approvalFlow.condition.listSeparator')) || '—' });
}
