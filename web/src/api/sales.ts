import type {
  OrderListTotals,
  OrderPreviewDto,
  OrderPreviewLineDto,
  OrderSource,
  OrderStatus,
  PageQuery,
  Paged,
  SalesOrderDto,
  SalesReturnDto,
  ShipmentDto,
} from '@drp/shared';
import type { AxiosRequestConfig } from 'axios';
import { http } from './http';

/** 销售订单、发货单、退货单 (`/api/sales-orders`, `/api/shipments`, `/api/returns`; contract of issue #4). */

export type OrderSort = 'createdAt' | '-createdAt' | 'number' | '-number' | 'total' | '-total' | 'businessDate' | '-businessDate';

export interface SalesOrderQuery extends PageQuery {
  /** one status, or several separated by commas */
  status?: OrderStatus | string;
  dealerId?: string;
  branchId?: string;
  source?: OrderSource;
  /** business dates, YYYY-MM-DD, inclusive */
  from?: string;
  to?: string;
}

export type SalesOrderPage = Paged<SalesOrderDto> & { totals: OrderListTotals };

export interface OrderLineInput {
  productId: string;
  /** decimal string, > 0, up to 3 decimals */
  qty: string;
  /** a manual price (needs orders:manual-price); omitted: the resolved price */
  unitPrice?: string;
  /** 0..1, e.g. "0.05" for 5 % off */
  discountRate?: string;
  remark?: string;
}

export interface CreateOrderInput {
  dealerId: string;
  warehouseId: string;
  salesRepId?: string;
  /** YYYY-MM-DD */
  requestedDate?: string;
  remark?: string;
  source?: OrderSource;
  lines: OrderLineInput[];
  /** submit at once (credit check, reservation) */
  submit?: boolean;
}

export interface UpdateOrderInput {
  version: number;
  warehouseId?: string;
  /** omitted: unchanged; null: cleared */
  salesRepId?: string | null;
  requestedDate?: string | null;
  remark?: string | null;
  lines: OrderLineInput[];
}

export interface OrderPreviewInput {
  dealerId: string;
  warehouseId?: string;
  lines: Pick<OrderLineInput, 'productId' | 'qty' | 'unitPrice' | 'discountRate'>[];
  /** editing an order: leave its own amount out of the exposure */
  excludeOrderId?: string;
}

/** The preview's answer: priced lines (with the stock available in the warehouse), totals, the credit check. */
export type OrderPreview = OrderPreviewDto;
export type OrderPreviewLine = OrderPreviewLineDto;

export interface SubmitOrderInput {
  version?: number;
  overrideCredit?: boolean;
  overrideReason?: string;
}

export interface ReviewOrderInput {
  accept: boolean;
  reason?: string;
  lines?: { lineId: string; qty: string }[];
}

/** `details` of a 422 CREDIT_LIMIT_EXCEEDED refusal. */
export interface CreditExceededDetails {
  limit: string;
  exposure: string;
  orderTotal: string;
  available: string;
  excess: string;
}

export interface ShipmentQuery extends PageQuery {
  orderId?: string;
  dealerId?: string;
  from?: string;
  to?: string;
}

export interface CreateShipmentInput {
  orderId: string;
  /** omitted: everything left */
  lines?: { orderLineId: string; qty: string }[];
  logisticsCompany?: string;
  trackingNo?: string;
  businessDate?: string;
  remark?: string;
}

export interface ReturnQuery extends PageQuery {
  shipmentId?: string;
  orderId?: string;
  dealerId?: string;
  from?: string;
  to?: string;
}

export interface CreateReturnInput {
  shipmentId: string;
  reason: string;
  lines: { shipmentLineId: string; qty: string }[];
  businessDate?: string;
}

const withKey = (key: string, config?: AxiosRequestConfig): AxiosRequestConfig => ({
  ...config,
  headers: { ...config?.headers, 'Idempotency-Key': key },
});

export const salesOrdersApi = {
  list: (query: SalesOrderQuery = {}, config?: AxiosRequestConfig) =>
    http.get<SalesOrderPage>('/sales-orders', { ...config, params: query }).then((r) => r.data),
  get: (id: string, config?: AxiosRequestConfig) => http.get<SalesOrderDto>(`/sales-orders/${id}`, config).then((r) => r.data),
  /** live prices and the credit preview; writes nothing */
  preview: (input: OrderPreviewInput, config?: AxiosRequestConfig) =>
    http.post<OrderPreview>('/sales-orders/preview', input, config).then((r) => r.data),
  /** `idempotencyKey`: one per opened form, so a double click cannot create two orders */
  create: (input: CreateOrderInput, idempotencyKey: string, config?: AxiosRequestConfig) =>
    http.post<SalesOrderDto>('/sales-orders', input, withKey(idempotencyKey, config)).then((r) => r.data),
  update: (id: string, input: UpdateOrderInput, config?: AxiosRequestConfig) =>
    http.put<SalesOrderDto>(`/sales-orders/${id}`, input, config).then((r) => r.data),
  submit: (id: string, input: SubmitOrderInput = {}, config?: AxiosRequestConfig) =>
    http.post<SalesOrderDto>(`/sales-orders/${id}/submit`, input, config).then((r) => r.data),
  review: (id: string, input: ReviewOrderInput, config?: AxiosRequestConfig) =>
    http.post<SalesOrderDto>(`/sales-orders/${id}/review`, input, config).then((r) => r.data),
  cancel: (id: string, reason: string, config?: AxiosRequestConfig) =>
    http.post<SalesOrderDto>(`/sales-orders/${id}/cancel`, { reason }, config).then((r) => r.data),
  reopen: (id: string, config?: AxiosRequestConfig) => http.post<SalesOrderDto>(`/sales-orders/${id}/reopen`, {}, config).then((r) => r.data),
  copy: (id: string, config?: AxiosRequestConfig) => http.post<SalesOrderDto>(`/sales-orders/${id}/copy`, {}, config).then((r) => r.data),
  complete: (id: string, config?: AxiosRequestConfig) => http.post<SalesOrderDto>(`/sales-orders/${id}/complete`, {}, config).then((r) => r.data),
};

export const shipmentsApi = {
  list: (query: ShipmentQuery = {}, config?: AxiosRequestConfig) =>
    http.get<Paged<ShipmentDto>>('/shipments', { ...config, params: query }).then((r) => r.data),
  get: (id: string, config?: AxiosRequestConfig) => http.get<ShipmentDto>(`/shipments/${id}`, config).then((r) => r.data),
  create: (input: CreateShipmentInput, idempotencyKey: string, config?: AxiosRequestConfig) =>
    http.post<ShipmentDto>('/shipments', input, withKey(idempotencyKey, config)).then((r) => r.data),
  updateLogistics: (id: string, input: { logisticsCompany: string; trackingNo: string }, config?: AxiosRequestConfig) =>
    http.patch<ShipmentDto>(`/shipments/${id}/logistics`, input, config).then((r) => r.data),
};

export const returnsApi = {
  list: (query: ReturnQuery = {}, config?: AxiosRequestConfig) =>
    http.get<Paged<SalesReturnDto>>('/returns', { ...config, params: query }).then((r) => r.data),
  get: (id: string, config?: AxiosRequestConfig) => http.get<SalesReturnDto>(`/returns/${id}`, config).then((r) => r.data),
  create: (input: CreateReturnInput, idempotencyKey: string, config?: AxiosRequestConfig) =>
    http.post<SalesReturnDto>('/returns', input, withKey(idempotencyKey, config)).then((r) => r.data),
};
