import { useI18n } from 'vue-i18n';
import type { NotificationDto } from '@drp/shared';

/**
 * A notification's title and body in the reader's language: worded from its message key when it
 * has one; otherwise (rows written before messages had keys) the stored Chinese text.
 */
export function useNotificationText() {
  const { t, te } = useI18n();
  return {
    title(n: NotificationDto): string {
      const m = n.message;
      if (!m || !te(`approval.notify.msg.${m.key}`)) return n.title;
      const params = m.params.status ? { ...m.params, status: t(`sales.status.${m.params.status}`) } : m.params;
      return t(`approval.notify.msg.${m.key}`, params);
    },
    body(n: NotificationDto): string | null {
      return n.message?.note ? t(`approval.notify.note.${n.message.note}`) : n.body;
    },
  };
}
