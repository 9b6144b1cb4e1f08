import { computed, ref, shallowRef, watch } from 'vue';

type Value = string | string[] | null;

interface RemoteSelectProps<T> {
  modelValue: string | string[] | null | undefined;
  multiple?: boolean;
  known?: T[];
}

interface RemoteSelectEmit<T> {
  (e: 'update:modelValue', value: Value): void;
  (e: 'change', value: Value): void;
  (e: 'pick', records: T[]): void;
}

/**
 * The logic of a searching picker (dealers, products, ...): server search with late answers of
 * superseded searches dropped, a cache of every record seen so chosen values keep their labels
 * (`known` seeds it for saved records), and a v-model that also reports the chosen records.
 */
export function useRemoteSelect<T extends { id: string }>(
  props: RemoteSelectProps<T>,
  emit: RemoteSelectEmit<T>,
  fetch: (query: string | undefined) => Promise<{ items: T[] }>,
) {
  const results = shallowRef<T[]>([]);
  const loading = ref(false);
  const cache = new Map<string, T>();
  // bumped when the cache learns labels, so the options follow
  const cacheVersion = ref(0);
  let seq = 0;

  watch(
    () => props.known ?? [],
    (list) => {
      list.forEach((r) => cache.has(r.id) || cache.set(r.id, r));
      cacheVersion.value += 1;
    },
    { immediate: true },
  );

  const selectedIds = computed<string[]>(() => {
    const v = props.modelValue;
    if (!v) return [];
    return Array.isArray(v) ? v : [v];
  });

  /** search results first, then chosen records the search did not return (so their labels show) */
  const options = computed<T[]>(() => {
    void cacheVersion.value;
    const ids = new Set(results.value.map((r) => r.id));
    const extra = selectedIds.value.filter((id) => !ids.has(id) && cache.has(id)).map((id) => cache.get(id)!);
    return [...results.value, ...extra];
  });

  async function search(query: string): Promise<void> {
    const mine = ++seq;
    loading.value = true;
    try {
      const page = await fetch(query.trim() || undefined);
      if (mine !== seq) return;
      page.items.forEach((r) => cache.set(r.id, r));
      results.value = page.items;
    } catch {
      if (mine === seq) results.value = [];
    } finally {
      if (mine === seq) loading.value = false;
    }
  }

  /** The first opening lists the first page; once the user has typed, their search stands. */
  function onVisible(open: boolean): void {
    if (open && seq === 0) void search('');
  }

  const value = computed({
    get: () => (props.multiple ? selectedIds.value : ((props.modelValue as string | null) ?? undefined)),
    set: (v: string | string[] | undefined) => {
      const out: Value = props.multiple ? ((v as string[] | undefined) ?? []) : ((v as string | undefined) ?? null);
      emit('update:modelValue', out);
      emit('change', out);
      const ids = out === null ? [] : Array.isArray(out) ? out : [out];
      emit('pick', ids.map((id) => cache.get(id)).filter((r): r is T => !!r));
    },
  });

  /** the full record of a chosen value, when known */
  const get = (id: string): T | undefined => cache.get(id);

  return { results, loading, selectedIds, options, search, onVisible, value, get };
}
