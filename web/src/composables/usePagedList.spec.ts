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

  it('tells whether any filter is set; values named unfiltered do not count', async () => {
    const fetcher = vi.fn().mockResolvedValue(page([]));
    const list = usePagedList(fetcher, {
      filters: () => ({ q: '', ids: [] as string[], only: false, kind: 'ALL', open: true }),
      unfiltered: { kind: 'ALL', open: true },
      immediate: false,
    });
    expect(list.filtered.value).toBe(false);
    list.filters.ids = ['a'];
    expect(list.filtered.value).toBe(true);
    list.filters.ids = [];
    list.filters.open = false;
    expect(list.filtered.value).toBe(true);
    await list.onReset();
    list.filters.kind = 'NEWS';
    expect(list.filtered.value).toBe(true);
    list.filters.kind = 'ALL';
    list.filters.only = true;
    expect(list.filtered.value).toBe(true);
  });

  it('starts from initial values and page, while reset goes back to the filters', async () => {
    const fetcher = vi.fn().mockResolvedValue(page([1], 100));
    const list = usePagedList(fetcher, { filters: () => ({ q: '', status: '' }), initial: { q: 'bj' }, page: 3 });
    await flush();
    expect(fetcher).toHaveBeenCalledWith({ q: 'bj', page: 3, pageSize: 20 });
    await list.onReset();
    expect(list.filters).toEqual({ q: '', status: '' });
    expect(fetcher).toHaveBeenLastCalledWith({ page: 1, pageSize: 20 });
  });

  it('sorts by a column (mapped key, minus for descending) and back to the default', async () => {
    const fetcher = vi.fn().mockResolvedValue(page([1]));
    const list = usePagedList(fetcher, { filters: () => ({}), sort: '-createdAt', sortKeys: { dealerName: 'dealer' }, immediate: false });
    await list.onPageChange(2);
    expect(fetcher).toHaveBeenLastCalledWith({ page: 2, pageSize: 20, sort: '-createdAt' });
    await list.onSortChange({ prop: 'dealerName', order: 'descending' });
    expect(fetcher).toHaveBeenLastCalledWith({ page: 1, pageSize: 20, sort: '-dealer' });
    await list.onSortChange({ prop: 'total', order: 'ascending' });
    expect(fetcher).toHaveBeenLastCalledWith({ page: 1, pageSize: 20, sort: 'total' });
    await list.onSortChange({ prop: 'total', order: null });
    expect(list.sort.value).toBe('-createdAt');
    await list.onSortChange({ prop: 'total', order: 'ascending' });
    await list.onReset();
    expect(fetcher).toHaveBeenLastCalledWith({ page: 1, pageSize: 20, sort: '-createdAt' });
  });

  it('keeps the whole latest answer (totals beside the items), none after a failure', async () => {
    const fetcher = vi
      .fn()
      .mockResolvedValueOnce({ ...page(['a']), totals: { sum: '1.00' } })
      .mockRejectedValueOnce(new Error('boom'));
    const list = usePagedList<string, object, { totals: { sum: string } }>(fetcher, { filters: () => ({}) });
    await flush();
    expect(list.result.value?.totals.sum).toBe('1.00');
    await list.load();
    expect(list.result.value).toBeNull();
  });

  it('writes the filters and the page into the address after a search, not on the first load', async () => {
    const fetcher = vi.fn().mockResolvedValue(page([1], 100));
    const replace = vi.fn();
    const list = usePagedList(fetcher, {
      filters: () => ({ q: '', mallPublished: '' }),
      address: { router: { replace }, write: (f) => ({ q: f.q, mall: f.mallPublished }) },
    });
    await flush();
    expect(replace).not.toHaveBeenCalled();
    list.filters.q = 'tea';
    await list.onSearch();
    expect(replace).toHaveBeenLastCalledWith({ query: { q: 'tea' } });
    await list.onPageChange(2);
    expect(replace).toHaveBeenLastCalledWith({ query: { q: 'tea', page: '2' } });
    await list.onReset();
    expect(replace).toHaveBeenLastCalledWith({ query: {} });
  });
});
