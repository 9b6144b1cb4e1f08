import { ref, shallowRef, watch, type Ref } from 'vue';

export interface DrawerRecordOptions<T extends { id: string }> {
  /** the drawer's v-model */
  visible: Ref<boolean>;
  /** the id of the record to show */
  id: () => string | null;
  /** the list's row for it, when the list has one: shown at once */
  given?: () => T | null | undefined;
  fetch: (id: string) => Promise<T>;
  /** read the record even when the list gave it (the row lacks what the drawer shows, e.g. lines) */
  alwaysFetch?: boolean;
}

/**
 * The record a detail drawer shows: the list's row at once when it has one, otherwise (or also,
 * with `alwaysFetch`) read by id when the drawer opens. An answer that arrives after a newer read
 * started is dropped, so a quick switch between rows never shows the wrong record.
 */
export function useDrawerRecord<T extends { id: string }>(opts: DrawerRecordOptions<T>) {
  const current = shallowRef<T | null>(null);
  const loading = ref(false);
  const error = ref<unknown>(null);
  let seq = 0;

  async function load(id: string): Promise<void> {
    const mine = ++seq;
    loading.value = true;
    error.value = null;
    try {
      const answer = await opts.fetch(id);
      if (mine === seq) current.value = answer;
    } catch (e) {
      if (mine !== seq) return;
      error.value = e;
      current.value = null;
    } finally {
      if (mine === seq) loading.value = false;
    }
  }

  watch(
    () => [opts.visible.value, opts.id(), opts.given?.()] as const,
    ([open, id, given]) => {
      if (!open || !id) return;
      const row = given && given.id === id ? given : null;
      if (row) {
        current.value = row;
        error.value = null;
        if (opts.alwaysFetch) void load(id);
      } else if (current.value?.id !== id || opts.alwaysFetch) {
        current.value = null;
        void load(id);
      }
    },
    { immediate: true },
  );

  return { current, loading, error, load };
}
