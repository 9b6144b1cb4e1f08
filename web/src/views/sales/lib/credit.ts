import { availableCredit, creditDecision, type CreditCheckDto, type CreditPreviewDto } from '@drp/shared';
import type { CreditExceededDetails } from '@/api/sales';

/**
 * The credit panel of the order form and the refusal of a submit, in figures people read:
 * limit, exposure before the order, this order, what is available before and after it. The
 * decision itself is the server's (`creditDecision` in @drp/shared), re-run here on the previewed
 * figures so the panel says what submitting will meet.
 */

export type CreditLevel = 'none' | 'ok' | 'warn' | 'block';

export interface CreditView {
  mode: CreditCheckDto['mode'];
  limit: string;
  exposure: string;
  orderTotal: string;
  /** limit - exposure (may be negative) */
  available: string;
  /** limit - exposure - this order (may be negative) */
  after: string;
  /** > 0 when the order goes past the limit */
  excess: string;
  overdue: boolean;
  /** the limit's verdict: none (no limit in force), ok, warn (WARN past the limit) or block (BLOCK past the limit) */
  level: CreditLevel;
  /** submitting is refused because of overdue receivables (the account blocks on overdue) */
  overdueBlocked: boolean;
}

export function creditView(c: CreditCheckDto | CreditPreviewDto): CreditView {
  const preview = c as Partial<CreditPreviewDto>;
  const d = creditDecision({
    mode: c.mode,
    limit: c.limit,
    exposure: c.exposure,
    adding: c.orderTotal,
    committed: preview.committed ?? '0',
    blockOnOverdue: preview.blockOnOverdue ?? false,
    overdue: c.overdue,
  });
  let level: CreditLevel = c.mode === 'NONE' ? 'none' : 'ok';
  if (d.reason === 'LIMIT') level = d.outcome === 'BLOCK' ? 'block' : 'warn';
  return {
    mode: c.mode,
    limit: c.limit,
    exposure: c.exposure,
    orderTotal: c.orderTotal,
    available: d.available,
    after: d.after,
    excess: d.excess,
    overdue: c.overdue,
    level,
    overdueBlocked: d.code === 'CREDIT_OVERDUE_BLOCKED',
  };
}

function str(v: unknown): string | null {
  if (typeof v === 'string' && v.trim() !== '') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return null;
}

/** The figures of a 422 CREDIT_LIMIT_EXCEEDED (`error.details`), or null when they are missing. */
export function creditRefusal(details: unknown): CreditExceededDetails | null {
  if (!details || typeof details !== 'object') return null;
  const d = details as Record<string, unknown>;
  const limit = str(d.limit);
  const exposure = str(d.exposure);
  const orderTotal = str(d.orderTotal);
  if (limit === null || exposure === null || orderTotal === null) return null;
  const available = str(d.available) ?? availableCredit({ limit, exposure });
  const excess = str(d.excess) ?? creditDecision({ mode: 'BLOCK', limit, exposure, adding: orderTotal }).excess;
  return { limit, exposure, orderTotal, available, excess };
}
