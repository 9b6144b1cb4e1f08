import { describe, expect, it } from 'vitest';
import { effectScope, nextTick, ref } from 'vue';
import { flushPromises } from '@vue/test-utils';
import { useDrawerRecord } from './useDrawerRecord';

type Rec = { id: string; full: boolean };

/** A fetch whose answers the test releases one by one, in any order. */
function controlledFetch() {
  const pending = new Map<string, (r: Rec) => void>();
  const calls: string[] = [];
  const fetch = (id: string) => {
    calls.push(id);
    return new Promise<Rec>((resolve) => pending.set(id, resolve));
  };
  const answer = async (id: string) => {
    pending.get(id)!({ id, full: true });
    await flushPromises();
  };
  return { fetch, calls, answer };
}

function drawer(opts: { alwaysFetch?: boolean } = {}) {
  const visible = ref(false);
  const id = ref<string | null>(null);
  const given = ref<Rec | null>(null);
  const f = controlledFetch();
  const rec = effectScope().run(() => useDrawerRecord({ visible, id: () => id.value, given: () => given.value, fetch: f.fetch, ...opts }))!;
  return { visible, id, given, rec, ...f };
}

describe('useDrawerRecord', () => {
  it('shows the list row at once without a read; reads by id when there is no row', async () => {
    const d = drawer();
    d.given.value = { id: 'a', full: false };
    d.id.value = 'a';
    d.visible.value = true;
    await nextTick();
    expect(d.rec.current.value).toEqual({ id: 'a', full: false });
    expect(d.calls).toEqual([]);

    d.given.value = null;
    d.id.value = 'b';
    await nextTick();
    expect(d.rec.current.value).toBeNull();
    expect(d.rec.loading.value).toBe(true);
    await d.answer('b');
    expect(d.rec.current.value).toEqual({ id: 'b', full: true });
    expect(d.rec.loading.value).toBe(false);
  });

  it('drops an answer that arrives after a newer read started', async () => {
    const d = drawer();
    d.visible.value = true;
    d.id.value = 'a';
    await nextTick();
    d.id.value = 'b';
    await nextTick();
    await d.answer('b');
    await d.answer('a'); // late: must not replace b
    expect(d.rec.current.value).toEqual({ id: 'b', full: true });
  });

  it('with alwaysFetch shows the row, then replaces it with the full record', async () => {
    const d = drawer({ alwaysFetch: true });
    d.given.value = { id: 'a', full: false };
    d.id.value = 'a';
    d.visible.value = true;
    await nextTick();
    expect(d.rec.current.value).toEqual({ id: 'a', full: false });
    await d.answer('a');
    expect(d.rec.current.value).toEqual({ id: 'a', full: true });
  });

  it('reads nothing while closed', async () => {
    const d = drawer();
    d.id.value = 'a';
    await nextTick();
    expect(d.calls).toEqual([]);
  });
});
