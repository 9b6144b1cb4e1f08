import { watch, type Ref } from 'vue';
import { useLatestLoad } from './useLatestLoad';

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
  const { data: current, loading, error, run, set } = useLatestLoad<T | null>(null);
  const load = (id: string) => run(() => opts.fetch(id)).then(() => undefined);

  watch(
    () => [opts.visible.value, opts.id(), opts.given?.()] as const,
    ([open, id, given]) => {
      if (!open || !id) return;
      const row = given && given.id === id ? given : null;
      if (row) {
        set(row);
        if (opts.alwaysFetch) void load(id);
      } else if (current.value?.id !== id || opts.alwaysFetch) {
        set(null);
        void load(id);
      }
    },
    { immediate: true },
  );

  return { current, loading, error, load };
}
