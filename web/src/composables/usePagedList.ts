import { computed, reactive, ref, shallowRef, type Ref } from 'vue';
import { DEFAULT_PAGE_SIZE, type Paged, type PageQuery } from '@drp/shared';
import { ApiError } from '@/api/http';
import { compact } from '@/utils/format';

/** Filters as sent: empty strings, nulls and empty lists are left out (see `compact`). */
export type SentFilters<F> = { [K in keyof F]?: Exclude<F[K], null | ''> };

/** What an el-table `sort-change` event carries. */
export interface TableSort {
  prop: string | null;
  order: 'ascending' | 'descending' | null;
}

export interface PagedListOptions<F extends object> {
  /** the filters' initial values (also what Reset goes back to) */
  filters: () => F;
  /** first values that differ from the reset values (e.g. read from the address) */
  initial?: Partial<F>;
  /** the first page to show (e.g. read from the address) */
  page?: number;
  pageSize?: number;
  /** the sort sent when the table is not sorted by a column, e.g. '-createdAt' */
  sort?: string;
  /** table column prop -> the sort key the API takes (columns not listed sort by their prop) */
  sortKeys?: Record<string, string>;
  /**
   * Filter values that mean "not filtering" (e.g. `{ kind: 'ALL' }`); any other filter counts as
   * filtering when it is set (not '', null, false or an empty list). See `filtered`.
   */
  unfiltered?: Partial<F>;
  /**
   * Keep the filters in the address too, so coming back to the list finds it as it was: after each
   * search, reset and page change the address becomes `write(filters)` plus `page` past the first.
   */
  address?: {
    router: { replace: (to: { query: Record<string, string> }) => unknown };
    write: (filters: F) => Record<string, string | null | undefined>;
  };
  /** load on creation (default true) */
  immediate?: boolean;
}

function isSet(value: unknown): boolean {
  if (value === '' || value === null || value === undefined || value === false) return false;
  return !(Array.isArray(value) && value.length === 0);
}

/**
 * The logic of a paged list page: filters, loading flag, page, page size, total, sort, error,
 * whether any filter is set, and the handlers the page binds to its search form, table and
 * pagination. `result` is the latest answer as a whole (`X`: what the API sends beside the items,
 * e.g. totals). Late answers of superseded requests are ignored.
 */
export function usePagedList<T, F extends object, X extends object = object>(
  fetcher: (query: SentFilters<F> & PageQuery) => Promise<Paged<T> & X>,
  options: PagedListOptions<F>,
) {
  const filters = reactive({ ...options.filters(), ...options.initial }) as F;
  const items = shallowRef<T[]>([]) as Ref<T[]>;
  const result = shallowRef<(Paged<T> & X) | null>(null) as Ref<(Paged<T> & X) | null>;
  const total = ref(0);
  const page = ref(Math.max(1, options.page ?? 1));
  const pageSize = ref(options.pageSize ?? DEFAULT_PAGE_SIZE);
  const sort = ref(options.sort ?? '');
  const loading = ref(false);
  const error = ref<ApiError | null>(null);
  let seq = 0;

  const filtered = computed(() =>
    (Object.keys(filters) as (keyof F)[]).some((key) => {
      const value = filters[key];
      const unset = options.unfiltered;
      if (unset && key in unset) return value !== unset[key];
      return isSet(value);
    }),
  );

  async function load(): Promise<void> {
    const mine = ++seq;
    loading.value = true;
    error.value = null;
    try {
      const query = {
        ...compact({ ...filters } as F),
        page: page.value,
        pageSize: pageSize.value,
        ...(sort.value ? { sort: sort.value } : {}),
      } as SentFilters<F> & PageQuery;
      const answer = await fetcher(query);
      if (mine !== seq) return;
      result.value = answer;
      items.value = answer.items;
      total.value = answer.total;
      // the page we asked for is past the end (rows were deleted): step back once
      if (answer.items.length === 0 && answer.total > 0 && page.value > 1) {
        page.value = Math.max(1, Math.ceil(answer.total / pageSize.value));
        await load();
      }
    } catch (e) {
      if (mine !== seq) return;
      error.value = ApiError.from(e);
      result.value = null;
      items.value = [];
      total.value = 0;
    } finally {
      if (mine === seq) loading.value = false;
    }
  }

  function writeAddress(): void {
    const address = options.address;
    if (!address) return;
    const query = compact({ ...address.write(filters), page: page.value > 1 ? String(page.value) : '' }) as Record<string, string>;
    void address.router.replace({ query });
  }

  async function loadAndWrite(): Promise<void> {
    await load();
    writeAddress();
  }

  function onSearch(): Promise<void> {
    page.value = 1;
    return loadAndWrite();
  }

  function onReset(): Promise<void> {
    Object.assign(filters, options.filters());
    sort.value = options.sort ?? '';
    page.value = 1;
    return loadAndWrite();
  }

  function onPageChange(next: number): Promise<void> {
    page.value = next;
    return loadAndWrite();
  }

  function onSizeChange(size: number): Promise<void> {
    pageSize.value = size;
    page.value = 1;
    return loadAndWrite();
  }

  /** el-table `sort-change`: sort by the column (its key from `sortKeys`), or back to the default */
  function onSortChange({ prop, order }: TableSort): Promise<void> {
    const key = prop ? (options.sortKeys?.[prop] ?? prop) : '';
    sort.value = key && order ? `${order === 'descending' ? '-' : ''}${key}` : (options.sort ?? '');
    return onSearch();
  }

  if (options.immediate !== false) void load();

  return {
    filters,
    filtered,
    items,
    result,
    total,
    page,
    pageSize,
    sort,
    loading,
    error,
    load,
    reload: load,
    onSearch,
    onReset,
    onPageChange,
    onSizeChange,
    onSortChange,
  };
}
