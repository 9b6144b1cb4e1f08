import { Dec, fmt, type CreditCheckDto } from '@drp/shared';
import type { CreditExceededDetails } from '@/api/sales';

/**
 * The credit panel of the order form and the refusal of a submit, in figures people read:
 * limit, exposure before the order, this order, what is available before and after it.
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
  level: CreditLevel;
}

const positive = (v: string | null | undefined) => !!v && new Dec(v).greaterThan(0);

export function creditView(c: CreditCheckDto): CreditView {
  const available = fmt(new Dec(c.limit).minus(c.exposure));
  const after = fmt(new Dec(available).minus(c.orderTotal));
  let level: CreditLevel = 'ok';
  if (c.mode === 'NONE') level = 'none';
  else if (positive(c.excess)) level = c.mode === 'BLOCK' ? 'block' : 'warn';
  return { mode: c.mode, limit: c.limit, exposure: c.exposure, orderTotal: c.orderTotal, available, after, excess: c.excess, overdue: c.overdue, level };
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
  const available = str(d.available) ?? fmt(new Dec(limit).minus(exposure));
  const excess = str(d.excess) ?? fmt(Dec.max(0, new Dec(exposure).plus(orderTotal).minus(limit)));
  return { limit, exposure, orderTotal, available, excess };
}
