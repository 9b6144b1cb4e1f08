import type {
  PageQuery,
  Paged,
  StockDocDto,
  StockDocStatus,
  StockDocType,
  StockMovementDto,
  StockRowDto,
  StockValueDto,
  StockValueGroupBy,
  WarehouseDto,
} from '@drp/shared';
import type { AxiosRequestConfig } from 'axios';
import type { ProductLite } from './catalog';
import { http } from './http';

/** 仓库、库存、库存单据与流水 (inventory module, `/api/warehouses`, `/api/stock*`). */

export type WarehouseStatus = WarehouseDto['status'];

export interface WarehouseQuery extends PageQuery {
  orgId?: string;
  status?: WarehouseStatus;
}

export interface CreateWarehouseInput {
  code: string;
  name: string;
  /** HQ or a branch (a dealer org is refused with 400 VALIDATION_FAILED) */
  orgId: string;
  address?: string | null;
}

export interface UpdateWarehouseInput {
  name?: string;
  /** null clears it */
  address?: string | null;
  version: number;
}

export type StockSort = 'warehouse' | 'product' | 'onHand' | 'reserved' | 'available' | 'updatedAt' | 'avgCost' | 'value';

export interface StockQuery extends PageQuery {
  warehouseId?: string;
  productId?: string;
  /** the category with its sub-categories */
  categoryId?: string;
  lowOnly?: 'true' | 'false';
}

export interface StockTotals {
  onHand: string;
  reserved: string;
  available: string;
  /** Σ stock value of the filtered rows; null for users who do not see costs */
  value: string | null;
}

export type StockPage = Paged<StockRowDto> & { totals: StockTotals };

export interface SetThresholdInput {
  warehouseId: string;
  productId: string;
  /** a decimal string, or null to fall back to the product's own threshold */
  lowThreshold: string | null;
}

export interface StockDocLineInput {
  productId: string;
  /** INBOUND/TRANSFER: quantity moved (> 0); ADJUSTMENT: the signed change */
  qty?: string;
  /** ADJUSTMENT only, instead of qty: the counted quantity (>= 0) */
  countedQty?: string;
  /** INBOUND only, and required there: the unit cost (>= 0, up to 6 decimals) */
  unitCost?: string;
}

export interface CreateStockDocInput {
  type: StockDocType;
  warehouseId: string;
  toWarehouseId?: string;
  reason?: string;
  remark?: string;
  lines: StockDocLineInput[];
}

export interface StockDocQuery extends PageQuery {
  type?: StockDocType;
  /** POSTED, PENDING_APPROVAL (counts waiting for approval) or REJECTED */
  status?: StockDocStatus;
  /** documents from or to this warehouse */
  warehouseId?: string;
  /** YYYY-MM-DD, business dates, inclusive */
  from?: string;
  to?: string;
}

export interface MovementQuery extends PageQuery {
  productId?: string;
  warehouseId?: string;
  docType?: StockDocType;
  from?: string;
  to?: string;
}

/** What the stock screens keep of a product chosen in a picker (ProductSelect's `pick`). */
export type ProductOption = ProductLite;

export const warehousesApi = {
  list: (query: WarehouseQuery = {}) => http.get<Paged<WarehouseDto>>('/warehouses', { params: query }).then((r) => r.data),
  get: (id: string) => http.get<WarehouseDto>(`/warehouses/${id}`).then((r) => r.data),
  create: (input: CreateWarehouseInput, config?: AxiosRequestConfig) => http.post<WarehouseDto>('/warehouses', input, config).then((r) => r.data),
  update: (id: string, input: UpdateWarehouseInput, config?: AxiosRequestConfig) =>
    http.patch<WarehouseDto>(`/warehouses/${id}`, input, config).then((r) => r.data),
  disable: (id: string) => http.post<WarehouseDto>(`/warehouses/${id}/disable`).then((r) => r.data),
  enable: (id: string) => http.post<WarehouseDto>(`/warehouses/${id}/enable`).then((r) => r.data),
};

export const stockApi = {
  list: (query: StockQuery = {}, config?: AxiosRequestConfig) => http.get<StockPage>('/stock', { ...config, params: query }).then((r) => r.data),
  setThreshold: (input: SetThresholdInput) => http.put<StockRowDto>('/stock/threshold', input).then((r) => r.data),
  movements: (query: MovementQuery = {}) => http.get<Paged<StockMovementDto>>('/stock/movements', { params: query }).then((r) => r.data),
  /** 存货价值: stock value grouped by warehouse, category or branch (users who see costs only) */
  value: (query: StockValueQuery = {}) => http.get<StockValueDto>('/inventory/stock-value', { params: query }).then((r) => r.data),
};

export interface StockValueQuery {
  groupBy?: StockValueGroupBy;
  warehouseId?: string;
  categoryId?: string;
}

export const stockDocsApi = {
  list: (query: StockDocQuery = {}) => http.get<Paged<StockDocDto>>('/stock-docs', { params: query }).then((r) => r.data),
  get: (id: string) => http.get<StockDocDto>(`/stock-docs/${id}`).then((r) => r.data),
  /** `idempotencyKey`: one per opened form, so a double click or a retry cannot post twice. */
  create: (input: CreateStockDocInput, idempotencyKey: string, config?: AxiosRequestConfig) =>
    http
      .post<StockDocDto>('/stock-docs', input, { ...config, headers: { ...config?.headers, 'Idempotency-Key': idempotencyKey } })
      .then((r) => r.data),
};
