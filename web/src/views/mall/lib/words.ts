import { Dec, type MallReorderResult, type MallTimelineStep } from '@drp/shared';
import { qtyText } from './qty';

/** vue-i18n's t / te, passed in so the wording stays pure and tested. */
export interface Words {
  t: (key: string, values?: Record<string, unknown>) => string;
  te: (key: string) => boolean;
}

/** A timeline step's words: its coded reason worded (credit notes), else what a person typed, else nothing. */
export function stepReason(w: Words, step: Pick<MallTimelineStep, 'note' | 'reason'>, money: (v: string) => string): string | null {
  const r = step.reason;
  if (r && w.te(`words.reason.${r.code}`)) {
    const values = Object.fromEntries(Object.entries(r.values).map(([k, v]) => [k, money(v)]));
    return w.t(`words.reason.${r.code}`, values);
  }
  return step.note ?? null;
}

/** The message when a typed quantity was changed to meet the rule (`ruleText`, as the page words it); null when it was kept (or was no number). */
export function qtyRoundedText(w: Words, typed: string, result: string, ruleText: string): string | null {
  const s = typed.trim();
  if (!/^\d+(\.\d+)?$/.test(s) || new Dec(s).equals(result)) return null;
  return w.t('words.qty.rounded', { from: qtyText(s), to: result, rule: ruleText || w.t('words.qty.ruleMin', { min: result }) });
}

export interface ReorderReport {
  /** success: everything asked for was added as asked; warning: some lines skipped or changed; error: nothing added */
  type: 'success' | 'warning' | 'error';
  title: string;
  /** one line per skipped or changed product, saying why */
  details: string[];
}

/** What a reorder did, in words: how many products were added, which could not be and why, which quantities were changed. */
export function reorderReport(w: Words, r: Pick<MallReorderResult, 'added' | 'skipped'> & { adjusted?: MallReorderResult['adjusted'] }): ReorderReport {
  const skipped = r.skipped.map((s) => {
    const code = s.code && w.te(`words.reorder.skipped.${s.code}`) ? s.code : 'other';
    return w.t(`words.reorder.skipped.${code}`, { name: s.productName, code: s.productCode ?? '' });
  });
  const adjusted = (r.adjusted ?? []).map((a) =>
    w.t('words.reorder.adjusted', { name: a.productName, from: qtyText(a.from), to: qtyText(a.to), min: qtyText(a.minOrderQty), multiple: qtyText(a.orderMultiple) }),
  );
  const details = [...(skipped.length ? [w.t('words.reorder.skippedTitle'), ...skipped] : []), ...adjusted];
  if (r.added === 0) return { type: 'error', title: w.t('words.reorder.noneAdded'), details };
  return { type: details.length ? 'warning' : 'success', title: w.t('words.reorder.added', { n: r.added }), details };
}
