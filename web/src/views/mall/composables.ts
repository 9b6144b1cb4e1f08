import { ref, shallowRef, type Ref } from 'vue';
import type { Paged } from '@drp/shared';

/**
 * An endless list: `reset()` loads page 1 again, `more()` appends the next page. Answers of a
 * superseded load are dropped (a new search while the old one is still out).
 */
export function useEndlessList<T>(fetcher: (page: number, pageSize: number) => Promise<Paged<T>>, pageSize = 20) {
  const items = shallowRef<T[]>([]) as Ref<T[]>;
  const total = ref(0);
  const page = ref(0);
  const loading = ref(false);
  const error = shallowRef<unknown>(null);
  const done = ref(false);
  let seq = 0;

  async function load(next: number): Promise<void> {
    const mine = ++seq;
    loading.value = true;
    error.value = null;
    try {
      const res = await fetcher(next, pageSize);
      if (mine !== seq) return;
      items.value = next === 1 ? res.items : [...items.value, ...res.items];
      total.value = res.total;
      page.value = next;
      done.value = items.value.length >= res.total || res.items.length === 0;
    } catch (e) {
      if (mine === seq) error.value = e;
    } finally {
      if (mine === seq) loading.value = false;
    }
  }

  const reset = () => load(1);
  const more = () => (loading.value || done.value ? Promise.resolve() : load(page.value + 1));

  return { items, total, page, loading, error, done, reset, more };
}
