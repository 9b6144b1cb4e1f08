import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import type { NotificationDto } from '@drp/shared';
import { notificationsApi } from '@/api/notifications';
import { useAuthStore } from './auth';

/** How many of the latest unread notifications the bell's popover shows. */
export const BELL_LATEST = 6;

/**
 * The bell's state, shared with the notification centre so both show the same unread count:
 * the unread count and the latest unread notifications (GET /api/notifications?unread=true).
 */
export const useNotificationStore = defineStore('notifications', () => {
  const unread = ref(0);
  const latest = shallowRef<NotificationDto[]>([]);
  const loaded = ref(false);
  /** the user whose notifications these are */
  const owner = ref<string | null>(null);
  let seq = 0;

  /** Asks the server again; quiet on failure (the bell keeps what it had). */
  async function refresh(): Promise<void> {
    const mine = ++seq;
    const who = useAuthStore().me?.id ?? null;
    try {
      const page = await notificationsApi.list({ unread: 'true', pageSize: BELL_LATEST }, { silent: true });
      if (mine !== seq) return;
      unread.value = page.unread;
      latest.value = page.items;
      loaded.value = true;
      owner.value = who;
    } catch {
      // offline or the session is ending: try again at the next poll
    }
  }

  /** Marks one read and updates the bell at once (then refreshes it). */
  async function markRead(id: string): Promise<void> {
    const res = await notificationsApi.markRead(id);
    unread.value = res.unread;
    latest.value = latest.value.filter((n) => n.id !== id);
    void refresh();
  }

  async function markAllRead(): Promise<void> {
    const res = await notificationsApi.markAllRead();
    unread.value = res.unread;
    latest.value = [];
    void refresh();
  }

  /** After logout: nothing of the previous user stays. */
  function reset(): void {
    seq++;
    unread.value = 0;
    latest.value = [];
    loaded.value = false;
    owner.value = null;
  }

  return { unread, latest, loaded, owner, refresh, markRead, markAllRead, reset };
});
