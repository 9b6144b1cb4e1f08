import { Dec, type OrderEventDto, type WarehouseDto } from '@drp/shared';

/** Small display rules shared by the sales pages (money display: `@/utils/money`). */

/** Is the available stock short of the quantity (both decimal strings; unknown stock is not short)? */
export function stockShort(available: string | null | undefined, qty: string | null | undefined): boolean {
  if (available === null || available === undefined || !qty) return false;
  try {
    return new Dec(available).lessThan(qty);
  } catch {
    return false;
  }
}

/**
 * The warehouse an order for a dealer ships from by default: an active warehouse of the nearest
 * organisation above the dealer (its branch, or the branch's parent for an office), else the only
 * active warehouse the user can see, else none.
 */
export function defaultWarehouse(pathIds: string[], warehouses: Pick<WarehouseDto, 'id' | 'status' | 'org'>[]): string | null {
  const active = warehouses.filter((w) => w.status === 'ACTIVE');
  for (let i = pathIds.length - 1; i >= 0; i--) {
    const found = active.find((w) => w.org.id === pathIds[i]);
    if (found) return found.id;
  }
  return active.length === 1 ? active[0].id : null;
}

/** Timeline colours: refusals red, the end of the road green, the rest the theme's blue. */
export function eventColor(event: Pick<OrderEventDto, 'action' | 'toStatus'>): string {
  switch (event.action) {
    case 'CANCEL':
    case 'REJECT':
    case 'REVIEW_REJECT':
      return 'var(--el-color-danger)';
    case 'COMPLETE':
      return 'var(--el-color-success)';
    case 'SHIP':
      return event.toStatus === 'SHIPPED' ? 'var(--el-color-success)' : 'var(--el-color-primary)';
    case 'RETURN':
      return 'var(--el-color-warning)';
    default:
      return 'var(--el-color-primary)';
  }
}

/**
 * What an event note or a credit warning of the server says, in parts we can put into words:
 * the server writes its credit messages in English ("Credit limit 50000.00 exceeded: exposure
 * 1232.84 + this order 85497.00 is 36729.84 over (overridden: reason)"); anything else is shown
 * as it is (shipment and return numbers, reasons people typed).
 */
export type NoteParts =
  | { kind: 'creditExceeded'; limit: string; exposure: string; orderTotal: string; excess: string; reason: string | null }
  | { kind: 'overdue'; reason: string | null }
  | { kind: 'auto' }
  | { kind: 'text'; text: string };

const CREDIT_NOTE = /^Credit limit (-?[\d.]+) exceeded: exposure (-?[\d.]+) \+ this order (-?[\d.]+) is (-?[\d.]+) over(?: \(overridden: ([\s\S]*)\))?$/;
const OVERDUE_NOTE = /^The dealer has overdue receivables[^(]*(?: \(overridden: ([\s\S]*)\))?$/;

export function noteParts(note: string, action?: string): NoteParts {
  if (action === 'APPROVE' && note === 'auto') return { kind: 'auto' };
  const credit = CREDIT_NOTE.exec(note);
  if (credit) return { kind: 'creditExceeded', limit: credit[1], exposure: credit[2], orderTotal: credit[3], excess: credit[4], reason: credit[5] ?? null };
  const overdue = OVERDUE_NOTE.exec(note);
  if (overdue) return { kind: 'overdue', reason: overdue[1] ?? null };
  return { kind: 'text', text: note };
}
