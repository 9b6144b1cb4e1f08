import { computed, reactive } from 'vue';
import type { SyncItem, SyncOutcome, VisitDto } from '@/api/visits';
import { visitsApi } from '@/api/visits';
import { loadQueue, remainingAfter, saveQueue } from './queue';

/** An offline-made visit the server has not seen yet: what the visit page needs to show it. */
export interface LocalVisit {
  clientId: string;
  dealerId: string;
  dealerName: string;
  checkInAt: string;
  visitId: string | null;
  checkedOut: boolean;
}

const state = reactive({
  userId: '',
  online: typeof navigator === 'undefined' ? true : navigator.onLine,
  items: [] as SyncItem[],
  syncing: false,
  failed: [] as SyncOutcome[],
  local: {} as Record<string, LocalVisit>,
});

const LOCAL_KEY = (u: string) => `drp.field.visits.${u}`;

function persist() {
  saveQueue(state.userId, state.items);
  localStorage.setItem(LOCAL_KEY(state.userId), JSON.stringify(state.local));
}

let started = false;

/**
 * The field app's shared state: the offline queue (kept in localStorage, sent in order when the
 * network returns, each item once by its client id) and the visits made offline.
 */
export function useField() {
  function start(userId: string) {
    if (state.userId !== userId) {
      state.userId = userId;
      state.items = loadQueue(userId);
      try {
        state.local = JSON.parse(localStorage.getItem(LOCAL_KEY(userId)) ?? '{}') as Record<string, LocalVisit>;
      } catch {
        state.local = {};
      }
    }
    if (started) return;
    started = true;
    window.addEventListener('online', () => {
      state.online = true;
      void sync();
    });
    window.addEventListener('offline', () => (state.online = false));
    if (state.online && state.items.length) void sync();
  }

  function enqueue(item: SyncItem) {
    state.items.push(item);
    persist();
  }

  function remember(v: LocalVisit) {
    state.local[v.clientId] = v;
    persist();
  }

  async function sync(): Promise<void> {
    if (state.syncing || !state.items.length) return;
    state.syncing = true;
    try {
      const sent = [...state.items];
      const res = await visitsApi.sync(sent);
      for (const o of res.items) {
        if (o.kind === 'CHECK_IN' && o.visitId && state.local[o.clientId]) state.local[o.clientId].visitId = o.visitId;
      }
      const { left, failed } = remainingAfter(sent, res.items);
      // items queued while this batch was on its way stay too
      state.items = [...left, ...state.items.slice(sent.length)];
      state.failed = failed;
      persist();
      state.online = true;
    } catch {
      // still no network: the items wait for the next 'online'
    } finally {
      state.syncing = false;
    }
  }

  /** Keeps the route as last loaded in step with what happened since (for the page shown offline). */
  function patchRoute(dealerId: string, patch: Partial<VisitDto> & { dealerId: string }) {
    const key = `drp.field.route.${state.userId}`;
    try {
      const r = JSON.parse(localStorage.getItem(key) ?? 'null') as { stops: { dealerId: string; visit: Partial<VisitDto> | null }[] } | null;
      const stop = r?.stops.find((s) => s.dealerId === dealerId && (!s.visit || !s.visit.checkOutAt || s.visit.id === patch.id));
      if (!r || !stop) return;
      stop.visit = { ...(stop.visit ?? {}), ...patch };
      localStorage.setItem(key, JSON.stringify(r));
    } catch {
      // nothing cached: nothing to keep in step
    }
  }

  function localVisit(clientId: string): LocalVisit | undefined {
    return state.local[clientId];
  }

  return { state, pending: computed(() => state.items.length), start, enqueue, remember, sync, localVisit, patchRoute };
}

/** Minutes of a visit, for display. */
export function minutesOf(v: Pick<VisitDto, 'durationS'>): number {
  return Math.round((v.durationS ?? 0) / 60);
}
