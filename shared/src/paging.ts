/** The paged-list convention of ARCHITECTURE §9: `?page=1&pageSize=20&q=&sort=-createdAt`. */
export interface Paged<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
  /**
   * true when `total` is the database planner's estimate, not a count: lists that use it count
   * exactly up to `EXACT_TOTAL_LIMIT` matching rows and estimate beyond (a count of every row
   * would cost more than the page). Absent when the total is exact.
   */
  totalIsEstimate?: boolean;
}

export interface PageQuery {
  page?: number;
  pageSize?: number;
  q?: string;
  /** a field name, `-` in front for descending */
  sort?: string;
}

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 200;
/** A list that may estimate its total counts exactly up to this many matching rows (see `Paged.totalIsEstimate`). */
export const EXACT_TOTAL_LIMIT = 1000;
