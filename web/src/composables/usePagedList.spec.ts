import { describe, expect, it, vi } from 'vitest';
import type { Paged } from '@drp/shared';
import { usePagedList } from './usePagedList';

const page = <T>(items: T[], total = items.length): Paged<T> => ({ items, total, page: 1, pageSize: 20 });
const flush = () => new Promise((r) => setTimeout(r, 0));

describe('usePagedList', () => {
  it('loads on creation, leaving empty filters out of the query', async () => {
    const fetcher = vi.fn().mockResolvedValue(page(['a', 'b'], 42));
    const list = usePagedList(fetcher, { filters: () => ({ q: '', orgId: null as string | null, status: 'ACTIVE' }) });
    expect(list.loading.value).toBe(true);
    await flush();
    expect(fetcher).toHaveBeenCalledWith({ status: 'ACTIVE', page: 1, pageSize: 20 });
    expect(list.items.value).toEqual(['a', 'b']);
    expect(list.total.value).toBe(42);
    expect(list.loading.value).toBe(false);
  });

  it('search goes back to page 1; reset restores the initial filters', async () => {
    const fetcher = vi.fn().mockResolvedValue(page([1]));
    const list = usePagedList(fetcher, { filters: () => ({ q: '' }), immediate: false });
    await list.onPageChange(3);
    expect(fetcher).toHaveBeenLastCalledWith({ page: 3, pageSize: 20 });
    list.filters.q = 'bj';
    await list.onSearch();
    expect(fetcher).toHaveBeenLastCalledWith({ q: 'bj', page: 1, pageSize: 20 });
    await list.onSizeChange(50);
    expect(fetcher).toHaveBeenLastCalledWith({ q: 'bj', page: 1, pageSize: 50 });
    await list.onReset();
    expect(list.filters.q).toBe('');
    expect(fetcher).toHaveBeenLastCalledWith({ page: 1, pageSize: 50 });
  });

  it('ignores the answer of a request that a newer one superseded', async () => {
    let resolveSlow!: (v: Paged<string>) => void;
    const fetcher = vi
      .fn()
      .mockImplementationOnce(() => new Promise<Paged<string>>((r) => (resolveSlow = r)))
      .mockResolvedValueOnce(page(['new']));
    const list = usePagedList(fetcher, { filters: () => ({}) });
    await list.load();
    resolveSlow(page(['old']));
    await flush();
    expect(list.items.value).toEqual(['new']);
    expect(list.loading.value).toBe(false);
  });

  it('keeps the error and empties the table when the load fails', async () => {
    const fetcher = vi.fn().mockRejectedValue(new Error('boom'));
    const list = usePagedList(fetcher, { filters: () => ({}) });
    await flush();
    expect(list.error.value?.message).toBe('boom');
    expect(list.items.value).toEqual([]);
  });
});
