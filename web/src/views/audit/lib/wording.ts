import type { AuditLogDto } from '@drp/shared';

/** vue-i18n's t / te, passed in so the wording stays a pure function with tests. */
export interface Words {
  t: (key: string, values?: Record<string, unknown>) => string;
  te: (key: string) => boolean;
}

type Values = Record<string, string | number | boolean | null>;

const str = (v: unknown): string | null => (typeof v === 'string' && v ? v : typeof v === 'number' ? String(v) : null);

/** 'org.update' or 'update' -> its label (the console's audit.actions, then words.audit.actions), never the raw code. */
export function actionWord(w: Words, action: string | null | undefined): string {
  const verb = (action ?? '').slice((action ?? '').lastIndexOf('.') + 1).replace(/-/g, '_').toLowerCase();
  if (verb && w.te(`audit.actions.${verb}`)) return w.t(`audit.actions.${verb}`);
  if (verb && w.te(`words.audit.actions.${verb}`)) return w.t(`words.audit.actions.${verb}`);
  return w.t('words.audit.actions.other');
}

export function entityWord(w: Words, entity: string | null | undefined): string {
  if (entity && w.te(`audit.entities.${entity}`)) return w.t(`audit.entities.${entity}`);
  if (entity && w.te(`words.audit.entities.${entity}`)) return w.t(`words.audit.entities.${entity}`);
  return w.t('words.audit.entities.other');
}

export function statusWord(w: Words, status: unknown): string {
  const s = str(status);
  return s && w.te(`words.status.${s}`) ? w.t(`words.status.${s}`) : w.t('words.status.other');
}

function oneOf(w: Words, base: string, code: unknown): string {
  const s = str(code);
  return s && w.te(`${base}.${s}`) ? w.t(`${base}.${s}`) : w.t(`${base}.other`);
}

/**
 * An audit row in the reader's language from its message key and values ("admin 登录系统",
 * "销售订单：待审批 → 已驳回（价格过低）"); a row without a key shows its stored summary.
 */
export function auditLine(w: Words, row: Pick<AuditLogDto, 'messageKey' | 'messageValues' | 'summary' | 'actorName' | 'action' | 'entity'>): string {
  const key = row.messageKey;
  const v: Values = row.messageValues ?? {};
  if (!key) return row.summary ?? '';
  if (key.startsWith('auth.') && w.te(`words.audit.msg.${key}`)) {
    return w.t(`words.audit.msg.${key}`, { name: str(v.name) ?? row.actorName ?? w.t('audit.system') });
  }
  switch (key) {
    case 'transition': {
      const params = { entity: entityWord(w, str(v.entity) ?? row.entity), from: statusWord(w, v.from), to: statusWord(w, v.to), note: str(v.note) };
      return w.t(params.note ? 'words.audit.msg.transitionNote' : 'words.audit.msg.transition', params);
    }
    case 'import':
      return w.t('words.audit.msg.import', { what: oneOf(w, 'words.audit.importWhat', v.what), created: v.created ?? 0, updated: v.updated ?? 0 });
    case 'mall_publish':
    case 'mall_unpublish':
      return w.t(`words.audit.msg.${key}`, { count: v.count ?? 0 });
    case 'settings':
      return w.t('words.audit.msg.settings', { stockControl: oneOf(w, 'words.audit.stockControl', v.stockControl), priceScale: str(v.priceScale) ?? '—' });
    case 'generic': {
      const params = { action: actionWord(w, str(v.action) ?? row.action), entity: entityWord(w, str(v.entity) ?? row.entity), label: str(v.label) };
      return w.t(params.label ? 'words.audit.msg.generic' : 'words.audit.msg.genericNoLabel', params);
    }
    default:
      return row.summary ?? '';
  }
}
