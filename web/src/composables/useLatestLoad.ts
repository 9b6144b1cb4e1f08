import { ref, shallowRef, type Ref } from 'vue';

/**
 * A value the page loads again and again (a report for new filters, the record of a drawer): only
 * the newest request's answer is kept, so a slow answer to an earlier question never replaces the
 * current one. A failure empties `data` and leaves the reason in `error`.
 */
export function useLatestLoad<T>(empty: T) {
  const data = shallowRef(empty) as Ref<T>;
  const loading = ref(false);
  const error = ref<unknown>(null);
  let seq = 0;

  /** Loads; resolves true when this answer was kept (no newer load started meanwhile). */
  async function run(fetch: () => Promise<T>): Promise<boolean> {
    const mine = ++seq;
    loading.value = true;
    error.value = null;
    try {
      const answer = await fetch();
      if (mine !== seq) return false;
      data.value = answer;
      return true;
    } catch (e) {
      if (mine === seq) {
        error.value = e;
        data.value = empty;
      }
      return false;
    } finally {
      if (mine === seq) loading.value = false;
    }
  }

  /** Shows `value` at once and forgets any load still out. */
  function set(value: T): void {
    seq++;
    data.value = value;
    loading.value = false;
    error.value = null;
  }

  return { data, loading, error, run, set };
}
