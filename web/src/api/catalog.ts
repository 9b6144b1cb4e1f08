import type {
  CategoryDto,
  CategoryTreeNode,
  ImportResult,
  PageQuery,
  Paged,
  PriceHistoryDto,
  PriceLevelDto,
  ProductDto,
  ProductImageDto,
  ProductStatus,
} from '@drp/shared';
import type { AxiosRequestConfig } from 'axios';
import { downloadFile } from '@/utils/download';
import { http } from './http';

/** GET /api/products filters (the export takes the same ones). */
export interface ProductQuery extends PageQuery {
  categoryId?: string;
  brand?: string;
  status?: ProductStatus;
  mallPublished?: 'true' | 'false';
  /** comma-separated ids (up to 200): exactly these products */
  ids?: string;
}

export interface CreateCategoryInput {
  code: string;
  name: string;
  parentId?: string;
  sortOrder?: number;
}

export interface UpdateCategoryInput {
  name?: string;
  sortOrder?: number;
  version: number;
}

export interface ProductUnitInput {
  unit: string;
  /** base units per pack, a decimal string above 1 */
  factor: string;
  barcode?: string | null;
}

/** The editable fields of a product (decimal strings for money and quantities). */
export interface ProductFieldsInput {
  spec?: string | null;
  brand?: string | null;
  barcode?: string | null;
  taxRate?: string;
  /** ten entries, level 1 first; null leaves a level unset */
  levelPrices?: (string | null)[];
  floorPrice?: string | null;
  minOrderQty?: string;
  orderMultiple?: string;
  status?: ProductStatus;
  mallPublished?: boolean;
  lowStockThreshold?: string;
  units?: ProductUnitInput[];
  remark?: string | null;
  /** YYYY-MM-DD the price changes count from (history); default today */
  effectiveDate?: string;
}

export interface CreateProductInput extends ProductFieldsInput {
  code: string;
  name: string;
  categoryId: string;
  baseUnit: string;
  basePrice: string;
}

export interface UpdateProductInput extends ProductFieldsInput {
  name?: string;
  categoryId?: string;
  baseUnit?: string;
  basePrice?: string;
  version: number;
}

/** One row of 批量调价: only what changed is sent. */
export interface BulkPriceRow {
  productId: string;
  version: number;
  basePrice?: string;
  /** all ten when any level changed; null = unset */
  levelPrices?: (string | null)[];
  floorPrice?: string | null;
}

export interface BulkPricesInput {
  rows: BulkPriceRow[];
  effectiveDate?: string;
}

/** What a picker needs to show a product (full ProductDtos come from searches). */
export interface ProductLite {
  id: string;
  code: string;
  name: string;
  spec?: string | null;
  baseUnit?: string;
  basePrice?: string;
}

export interface ScopeRef {
  id: string;
  code: string;
  name: string;
}

/** 经营商品范围 of a branch; `restricted: false` means it inherits (or may sell everything). */
export interface BranchProductScope {
  branchId: string;
  restricted: boolean;
  categories: ScopeRef[];
  products: ScopeRef[];
}

const multipart = (file: File): FormData => {
  const form = new FormData();
  form.append('file', file);
  return form;
};

export const categoriesApi = {
  tree: () => http.get<CategoryTreeNode[]>('/categories/tree').then((r) => r.data),
  create: (input: CreateCategoryInput) => http.post<CategoryDto>('/categories', input).then((r) => r.data),
  update: (id: string, input: UpdateCategoryInput, config?: AxiosRequestConfig) =>
    http.patch<CategoryDto>(`/categories/${id}`, input, config).then((r) => r.data),
  remove: (id: string, config?: AxiosRequestConfig) => http.delete<void>(`/categories/${id}`, config).then(() => undefined),
};

export const priceLevelsApi = {
  list: () => http.get<PriceLevelDto[]>('/price-levels').then((r) => r.data),
  rename: (levels: PriceLevelDto[]) => http.put<PriceLevelDto[]>('/price-levels', { levels }).then((r) => r.data),
};

export const productsApi = {
  list: (query: ProductQuery = {}) => http.get<Paged<ProductDto>>('/products', { params: query }).then((r) => r.data),
  get: (id: string, config?: AxiosRequestConfig) => http.get<ProductDto>(`/products/${id}`, config).then((r) => r.data),
  /** these products in one request per 200 (ids the caller cannot see are left out) */
  byIds: async (ids: string[]): Promise<ProductDto[]> => {
    const unique = [...new Set(ids)];
    const pages = [];
    for (let i = 0; i < unique.length; i += 200) {
      const chunk = unique.slice(i, i + 200);
      pages.push(http.get<Paged<ProductDto>>('/products', { params: { ids: chunk.join(','), pageSize: chunk.length } }).then((r) => r.data.items));
    }
    return (await Promise.all(pages)).flat();
  },
  create: (input: CreateProductInput, config?: AxiosRequestConfig) => http.post<ProductDto>('/products', input, config).then((r) => r.data),
  update: (id: string, input: UpdateProductInput, config?: AxiosRequestConfig) =>
    http.patch<ProductDto>(`/products/${id}`, input, config).then((r) => r.data),
  /** 批量调价, all or nothing */
  bulkPrices: (input: BulkPricesInput, config?: AxiosRequestConfig) =>
    http.put<ProductDto[]>('/products/prices', input, config).then((r) => r.data),
  priceHistory: (id: string) => http.get<PriceHistoryDto[]>(`/products/${id}/price-history`).then((r) => r.data),
  addImage: (id: string, file: File, config?: AxiosRequestConfig) =>
    http.post<ProductImageDto>(`/products/${id}/images`, multipart(file), config).then((r) => r.data),
  removeImage: (id: string, imageId: string) => http.delete<void>(`/products/${id}/images/${imageId}`).then(() => undefined),
  /** all or nothing: 422 IMPORT_REJECTED with `details.errors` when any row is bad */
  importFile: (file: File, config?: AxiosRequestConfig) =>
    http.post<ImportResult>('/products/import', multipart(file), { timeout: 300_000, ...config }).then((r) => r.data),
  downloadTemplate: () => downloadFile('/products/import-template', {}, '商品导入模板.xlsx'),
  exportFile: (query: Omit<ProductQuery, 'page' | 'pageSize'> = {}) => downloadFile('/products/export', query, '商品.xlsx'),
};

export const productScopeApi = {
  get: (branchId: string) => http.get<BranchProductScope>(`/branches/${branchId}/product-scope`).then((r) => r.data),
  set: (branchId: string, input: { categoryIds: string[]; productIds: string[] }) =>
    http.put<BranchProductScope>(`/branches/${branchId}/product-scope`, input).then((r) => r.data),
};
