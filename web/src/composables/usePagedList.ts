import { reactive, ref, shallowRef, type Ref } from 'vue';
import { DEFAULT_PAGE_SIZE, type Paged, type PageQuery } from '@drp/shared';
import { ApiError } from '@/api/http';
import { compact } from '@/utils/format';

/** Filters as sent: empty strings, nulls and empty lists are left out (see `compact`). */
export type SentFilters<F> = { [K in keyof F]?: Exclude<F[K], null | ''> };

export interface PagedListOptions<F extends object> {
  /** the filters' initial values (also what Reset goes back to) */
  filters: () => F;
  pageSize?: number;
  sort?: string;
  /** load on creation (default true) */
  immediate?: boolean;
}

/**
 * The logic of a paged list page: filters, loading flag, page, page size, total, error, and the
 * handlers the page binds to its search form and pagination. Late answers of superseded
 * requests are ignored.
 */
export function usePagedList<T, F extends object>(
  fetcher: (query: SentFilters<F> & PageQuery) => Promise<Paged<T>>,
  options: PagedListOptions<F>,
) {
  const filters = reactive(options.filters()) as F;
  const items = shallowRef<T[]>([]) as Ref<T[]>;
  const total = ref(0);
  const page = ref(1);
  const pageSize = ref(options.pageSize ?? DEFAULT_PAGE_SIZE);
  const loading = ref(false);
  const error = ref<ApiError | null>(null);
  let seq = 0;

  async function load(): Promise<void> {
    const mine = ++seq;
    loading.value = true;
    error.value = null;
    try {
      const query = {
        ...compact({ ...filters } as F),
        page: page.value,
        pageSize: pageSize.value,
        ...(options.sort ? { sort: options.sort } : {}),
      } as SentFilters<F> & PageQuery;
      const result = await fetcher(query);
      if (mine !== seq) return;
      items.value = result.items;
      total.value = result.total;
      // the page we asked for is past the end (rows were deleted): step back once
      if (result.items.length === 0 && result.total > 0 && page.value > 1) {
        page.value = Math.max(1, Math.ceil(result.total / pageSize.value));
        await load();
      }
    } catch (e) {
      if (mine !== seq) return;
      error.value = ApiError.from(e);
      items.value = [];
      total.value = 0;
    } finally {
      if (mine === seq) loading.value = false;
    }
  }

  function onSearch(): Promise<void> {
    page.value = 1;
    return load();
  }

  function onReset(): Promise<void> {
    Object.assign(filters, options.filters());
    page.value = 1;
    return load();
  }

  function onPageChange(next: number): Promise<void> {
    page.value = next;
    return load();
  }

  function onSizeChange(size: number): Promise<void> {
    pageSize.value = size;
    page.value = 1;
    return load();
  }

  if (options.immediate !== false) void load();

  return { filters, items, total, page, pageSize, loading, error, load, reload: load, onSearch, onReset, onPageChange, onSizeChange };
}
