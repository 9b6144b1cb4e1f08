import { describe, expect, it, vi } from 'vitest';
import { nextTick, reactive } from 'vue';
import { useRemoteSelect } from './useRemoteSelect';

type Rec = { id: string; name: string };

describe('useRemoteSelect', () => {
  it('keeps labels of chosen values the latest search did not return, and reports the chosen records', async () => {
    const props = reactive({ modelValue: ['a'] as string[] | null, multiple: true, known: [{ id: 'a', name: 'A' }] as Rec[] });
    const emit = vi.fn();
    const sel = useRemoteSelect<Rec>(props, emit, async () => ({ items: [{ id: 'b', name: 'B' }] }));
    await sel.search('b');
    expect(sel.options.value.map((r) => r.id)).toEqual(['b', 'a']);
    sel.value.value = ['a', 'b'];
    expect(emit).toHaveBeenCalledWith('update:modelValue', ['a', 'b']);
    expect(emit).toHaveBeenCalledWith('pick', [{ id: 'a', name: 'A' }, { id: 'b', name: 'B' }]);
  });

  it('drops the answer of a search that a later one superseded', async () => {
    let release: (v: { items: Rec[] }) => void = () => undefined;
    const fetch = vi.fn((q: string | undefined) => (q === 'slow' ? new Promise<{ items: Rec[] }>((r) => (release = r)) : Promise.resolve({ items: [{ id: 'fast', name: 'F' }] })));
    const sel = useRemoteSelect<Rec>(reactive({ modelValue: null }), vi.fn(), fetch);
    const slow = sel.search('slow');
    await sel.search('fast');
    release({ items: [{ id: 'slow', name: 'S' }] });
    await slow;
    await nextTick();
    expect(sel.options.value.map((r) => r.id)).toEqual(['fast']);
    expect(sel.loading.value).toBe(false);
  });

  it('opening the list after the user typed keeps their search instead of listing the first page', async () => {
    const fetch = vi.fn(async (q: string | undefined) => ({ items: [{ id: q ?? 'first', name: q ?? 'first' }] }));
    const sel = useRemoteSelect<Rec>(reactive({ modelValue: null }), vi.fn(), fetch);
    const typed = sel.search('SP0150');
    sel.onVisible(true);
    await typed;
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(sel.options.value.map((r) => r.id)).toEqual(['SP0150']);
    // a list opened before any typing shows the first page
    const fresh = useRemoteSelect<Rec>(reactive({ modelValue: null }), vi.fn(), fetch);
    fresh.onVisible(true);
    await vi.waitFor(() => expect(fresh.options.value.map((r) => r.id)).toEqual(['first']));
  });

  it('a single select clears to null', () => {
    const emit = vi.fn();
    const sel = useRemoteSelect<Rec>(reactive({ modelValue: 'x' }), emit, async () => ({ items: [] }));
    expect(sel.value.value).toBe('x');
    sel.value.value = undefined;
    expect(emit).toHaveBeenCalledWith('update:modelValue', null);
  });
});
