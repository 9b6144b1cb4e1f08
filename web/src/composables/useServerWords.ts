import { useI18n } from 'vue-i18n';
import type { ApprovalDocType, ApprovalSummary, NotificationDto } from '@drp/shared';
import { formatAmount } from '@/utils/money';

/**
 * Words the server leaves to the client, in the reader's language: a notification's title and
 * body from its message key and values, and an approval's summary line from its values. Rows
 * written before they had values show the stored Chinese text.
 */
export function useServerWords() {
  const { t, te } = useI18n();

  /** "北京华联 超额 ¥1,200.00" / "北京华联, ¥1,200.00 over the limit" */
  function summary(docType: ApprovalDocType, values: ApprovalSummary | null | undefined, stored: string): string {
    if (!values || !te(`approval.summary.${docType}`)) return stored;
    return t(`approval.summary.${docType}`, { party: values.party, amount: formatAmount(values.amount), lines: values.lines ?? 0 });
  }

  return {
    summary,
    title(n: NotificationDto): string {
      const m = n.message;
      if (!m || !te(`approval.notify.msg.${m.key}`)) return n.title;
      const params = m.params.status ? { ...m.params, status: t(`sales.status.${m.params.status}`) } : m.params;
      return t(`approval.notify.msg.${m.key}`, params);
    },
    body(n: NotificationDto): string | null {
      const m = n.message;
      if (m?.note) return t(`approval.notify.note.${m.note}`);
      if (m?.summary) {
        const line = summary(m.summary.docType, m.summary.values, n.body ?? '');
        return m.key === 'task' && m.params.step ? `${m.params.step} · ${line}` : line;
      }
      return n.body;
    },
  };
}
