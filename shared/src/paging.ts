/** The paged-list convention of ARCHITECTURE §9: `?page=1&pageSize=20&q=&sort=-createdAt`. */
export interface Paged<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
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
