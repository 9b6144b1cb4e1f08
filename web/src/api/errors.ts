import { t, te } from '@/i18n';
import { formatAmount, formatQty, groupThousands } from '@/utils/money';
import { ApiError } from './http';

interface ShortageDetail {
  productId?: string;
  productCode?: string;
  productName?: string;
  available?: string;
  requested?: string;
  shortages?: ShortageDetail[];
}

/**
 * INSUFFICIENT_STOCK in words from its details: every short product (code and name) with the
 * quantity asked for and what is available. Null when the details name no quantities.
 */
export function stockErrorText(details: unknown): string | null {
  if (!details || typeof details !== 'object') return null;
  const d = details as ShortageDetail;
  const list = (Array.isArray(d.shortages) && d.shortages.length ? d.shortages : [d]).filter((x) => x && x.requested !== undefined);
  if (!list.length) return null;
  const items = list.map((x) =>
    t('stockControl.errors.stockItem', {
      product: [x.productCode, x.productName].filter(Boolean).join(' ') || '—',
      requested: groupThousands(formatQty(x.requested ?? '0')),
      available: x.available === undefined ? '—' : groupThousands(formatQty(x.available)),
    }),
  );
  return t('stockControl.errors.stockTitle', { items: items.join('；') });
}

/** CREDIT_LIMIT_EXCEEDED / CREDIT_OVERDUE_BLOCKED in words from their figures; null without them. */
export function creditErrorText(code: string, details: unknown): string | null {
  if (!details || typeof details !== 'object') return null;
  const d = details as Record<string, unknown>;
  const money = (k: string) => (typeof d[k] === 'string' ? formatAmount(d[k] as string) : null);
  if (code === 'CREDIT_LIMIT_EXCEEDED' && money('limit') !== null && money('excess') !== null) {
    return t('stockControl.errors.creditLimit', { limit: money('limit'), exposure: money('exposure') ?? '—', available: money('available') ?? '—', orderTotal: money('orderTotal') ?? '—', excess: money('excess') });
  }
  if (code === 'CREDIT_OVERDUE_BLOCKED' && money('limit') !== null) {
    return t('stockControl.errors.creditOverdue', { limit: money('limit'), exposure: money('exposure') ?? '—' });
  }
  return null;
}

/**
 * The user-facing text for an API error: the translation of its `code` (`errors.<CODE>`) when we
 * have one, else the server's own message, else a generic line.
 */
export function errorMessage(error: unknown): string {
  const apiError = ApiError.from(error);
  const key = `errors.${apiError.code}`;
  if (te(key)) {
    const details = (apiError.details ?? {}) as Record<string, unknown>;
    const seconds = typeof details.retryAfterSeconds === 'number' ? details.retryAfterSeconds : 60;
    // a refused password says why (passwordProblem's code, `password.reason.<CODE>`)
    if (apiError.code === 'WEAK_PASSWORD' && typeof details.reason === 'string' && te(`password.reason.${details.reason}`)) {
      return t(`password.reason.${details.reason}`);
    }
    // stock and credit refusals name the products, quantities and figures the server gave
    if (apiError.code === 'INSUFFICIENT_STOCK') {
      const worded = stockErrorText(apiError.details);
      if (worded) return worded;
    }
    if (apiError.code === 'CREDIT_LIMIT_EXCEEDED' || apiError.code === 'CREDIT_OVERDUE_BLOCKED') {
      const worded = creditErrorText(apiError.code, apiError.details);
      if (worded) return worded;
    }
    const text = t(key, { seconds });
    // Validation failures: the server's message names the field; show it after ours.
    if (apiError.code === 'VALIDATION_FAILED' && apiError.message && apiError.message !== text) {
      return `${text}（${apiError.message}）`;
    }
    return text;
  }
  return apiError.message || t('errors.UNKNOWN');
}
