import { Dec, type LoginWarningsDto } from '@drp/shared';

/** The rules of the sign-in warnings (登录预警): which lines show, where they lead, once per login. */

export type WarningKind = 'pendingApprovals' | 'pendingReviews' | 'overdueReceivables' | 'lowStock';

export interface WarningItem {
  kind: WarningKind;
  count: number;
  /** overdue receivables: their open amount (decimal string) */
  amount?: string;
  /** where "去处理" leads */
  to: string;
}

/** Only the non-zero warnings, in a fixed order; [] when there is nothing to say. */
export function warningItems(w: LoginWarningsDto | null | undefined): WarningItem[] {
  if (!w) return [];
  const items: WarningItem[] = [];
  if (w.pendingApprovals > 0) items.push({ kind: 'pendingApprovals', count: w.pendingApprovals, to: '/approvals/inbox' });
  // mall orders waiting for customer service (an older server leaves the field out)
  if ((w.pendingReviews ?? 0) > 0) items.push({ kind: 'pendingReviews', count: w.pendingReviews, to: '/mall-admin/review' });
  const overdueAmount = w.overdueReceivables?.amount ?? '0';
  if ((w.overdueReceivables?.count ?? 0) > 0 || new Dec(overdueAmount || '0').greaterThan(0)) {
    items.push({ kind: 'overdueReceivables', count: w.overdueReceivables.count, amount: overdueAmount, to: '/finance/receivables?overdue=true' });
  }
  if (w.lowStock > 0) items.push({ kind: 'lowStock', count: w.lowStock, to: '/stock?lowOnly=true' });
  return items;
}

/** sessionStorage: the user the warnings were last shown to in this tab (cleared on logout, so each login shows them once). */
export const WARNINGS_SEEN_KEY = 'drp.loginWarningsSeen';

function storage(): Storage | null {
  try {
    return typeof sessionStorage === 'undefined' ? null : sessionStorage;
  } catch {
    return null;
  }
}

/** True the first time it is asked for a user in this login; marks it. Without storage, never (no repeated popups). */
export function claimWarnings(userId: string): boolean {
  const s = storage();
  if (!s) return false;
  try {
    if (s.getItem(WARNINGS_SEEN_KEY) === userId) return false;
    s.setItem(WARNINGS_SEEN_KEY, userId);
    return true;
  } catch {
    return false;
  }
}

/** The login ended: the next one shows the warnings again. */
export function forgetWarnings(): void {
  try {
    storage()?.removeItem(WARNINGS_SEEN_KEY);
  } catch {
    // storage unavailable
  }
}
