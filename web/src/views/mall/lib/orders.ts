import type { MallTimelineStep } from '@drp/shared';

/** The order list's tabs and the statuses each one asks for (a comma list goes to `?status=`). */
export const ORDER_TABS = [
  { key: 'all', status: '' },
  { key: 'review', status: 'PENDING_REVIEW' },
  { key: 'approval', status: 'PENDING_APPROVAL' },
  { key: 'toShip', status: 'APPROVED,PARTIALLY_SHIPPED' },
  { key: 'shipped', status: 'SHIPPED' },
  { key: 'completed', status: 'COMPLETED' },
] as const;

export type OrderTabKey = (typeof ORDER_TABS)[number]['key'];

export function tabStatus(key: string): string {
  return ORDER_TABS.find((tab) => tab.key === key)?.status ?? '';
}

export function isTabKey(value: unknown): value is OrderTabKey {
  return typeof value === 'string' && ORDER_TABS.some((tab) => tab.key === value);
}

/** Tag colour of an order status in the mall. */
export function statusType(status: string): 'primary' | 'success' | 'warning' | 'danger' | 'info' {
  switch (status) {
    case 'PENDING_REVIEW':
    case 'PENDING_APPROVAL':
      return 'warning';
    case 'APPROVED':
    case 'PARTIALLY_SHIPPED':
    case 'SHIPPED':
      return 'primary';
    case 'COMPLETED':
      return 'success';
    case 'REJECTED':
    case 'CANCELLED':
      return 'danger';
    default:
      return 'info';
  }
}

export interface TimelineStepView {
  key: MallTimelineStep['key'];
  at: string | null;
  note: string | null;
  /** a coded reason (credit notes) the page words */
  reason: MallTimelineStep['reason'];
  /** approved by the approval flow without a person (the server's note "auto") */
  auto: boolean;
  status: 'success' | 'process' | 'wait' | 'error';
}

export interface TimelineView {
  steps: TimelineStepView[];
  /** index of the step in progress (el-steps `active`) */
  active: number;
  /** the order ended early (rejected or cancelled) */
  stopped: boolean;
}

/**
 * The server's timeline as el-steps wants it: done steps are finished, a done REJECTED or
 * CANCELLED step is an error and ends the line (the steps after it are dropped), the first step
 * not done is the one in progress, the rest wait. Steps of an end that did not happen
 * (REJECTED / CANCELLED not done) are not shown.
 */
export function timelineView(timeline: MallTimelineStep[]): TimelineView {
  const ends = new Set(['REJECTED', 'CANCELLED']);
  const visible = timeline.filter((s) => !ends.has(s.key) || s.done);
  const stopIdx = visible.findIndex((s) => ends.has(s.key) && s.done);
  const kept = stopIdx >= 0 ? visible.filter((s, i) => i <= stopIdx && (s.done || i === stopIdx)) : visible;
  let active = kept.findIndex((s) => !s.done);
  if (active < 0) active = kept.length;
  const steps = kept.map<TimelineStepView>((s, i) => ({
    key: s.key,
    at: s.at,
    note: isAutoNote(s.key, s.note) ? null : s.note,
    reason: s.reason ?? null,
    auto: isAutoNote(s.key, s.note),
    status: ends.has(s.key) ? 'error' : s.done ? 'success' : i === active ? 'process' : 'wait',
  }));
  return { steps, active: stopIdx >= 0 ? kept.length - 1 : active, stopped: stopIdx >= 0 };
}

/** The server marks an approval nobody had to give with the note "auto" (shown as 自动审批). */
export function isAutoNote(keyOrAction: string, note: string | null | undefined): boolean {
  return note === 'auto' && (keyOrAction === 'APPROVED' || keyOrAction === 'APPROVE');
}

/**
 * Notifications point at console pages; in the mall the same thing has its own page:
 * /sales/orders/<id> -> /mall/orders/<id>, /finance/statements?id=<id> -> /mall/me/statements/<id>.
 * Anything else stays as it is (null when there is nowhere to go).
 */
export function mallLink(link: string | null | undefined): string | null {
  if (!link || !link.startsWith('/')) return null;
  if (link.startsWith('/mall')) return link;
  const order = /^\/sales\/orders\/([0-9a-f-]{36})/i.exec(link);
  if (order) return `/mall/orders/${order[1]}`;
  const statement = /^\/finance\/statements(?:\/|\?id=)([0-9a-f-]{36})/i.exec(link);
  if (statement) return `/mall/me/statements/${statement[1]}`;
  return null;
}
