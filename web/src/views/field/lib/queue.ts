import type { SyncItem, SyncOutcome } from '@/api/visits';

/**
 * The field app's offline queue: actions made without a network are kept in localStorage (one key
 * per user), each with a client id made on the phone, and sent in order when the network returns.
 * The server applies each client id once, so sending the same item twice never duplicates.
 */
const KEY = (userId: string) => `drp.field.queue.${userId}`;

export function newClientId(): string {
  if (typeof crypto !== 'undefined' && 'randomUUID' in crypto) return crypto.randomUUID();
  return `c${Date.now().toString(36)}${Math.random().toString(36).slice(2, 12)}`;
}

export function loadQueue(userId: string, store: Pick<Storage, 'getItem'> = localStorage): SyncItem[] {
  try {
    const raw = store.getItem(KEY(userId));
    const items = raw ? (JSON.parse(raw) as SyncItem[]) : [];
    return Array.isArray(items) ? items : [];
  } catch {
    return [];
  }
}

export function saveQueue(userId: string, items: SyncItem[], store: Pick<Storage, 'setItem'> = localStorage): void {
  store.setItem(KEY(userId), JSON.stringify(items));
}

/** What stays queued after a sync: items not answered, and failures a later send may fix (the visit not yet checked in). */
export function remainingAfter(items: SyncItem[], outcomes: SyncOutcome[]): { left: SyncItem[]; failed: SyncOutcome[] } {
  const byId = new Map(outcomes.map((o) => [o.clientId, o]));
  const left = items.filter((i) => {
    const o = byId.get(i.clientId);
    return !o || (o.status === 'FAILED' && o.code === 'VISIT_NOT_CHECKED_IN');
  });
  return { left, failed: outcomes.filter((o) => o.status === 'FAILED' && o.code !== 'VISIT_NOT_CHECKED_IN') };
}

/** Whether a failed request means "no network" (queue it) rather than a refusal (show it). */
export function isOffline(error: unknown, online = typeof navigator === 'undefined' ? true : navigator.onLine): boolean {
  if (!online) return true;
  const code = (error as { code?: string })?.code;
  return code === 'NETWORK' || code === 'TIMEOUT' || code === 'ERR_NETWORK';
}
