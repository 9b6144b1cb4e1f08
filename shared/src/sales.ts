/** Sales orders, shipments and returns: enums, wire types and the order arithmetic (issue: orders and credit). */
import { Dec, fmt } from './money';
import type { PriceSource } from './catalog';

export enum OrderStatus {
  DRAFT = 'DRAFT',
  /** mall orders wait for customer service before credit and approval */
  PENDING_REVIEW = 'PENDING_REVIEW',
  PENDING_APPROVAL = 'PENDING_APPROVAL',
  APPROVED = 'APPROVED',
  PARTIALLY_SHIPPED = 'PARTIALLY_SHIPPED',
  SHIPPED = 'SHIPPED',
  COMPLETED = 'COMPLETED',
  REJECTED = 'REJECTED',
  CANCELLED = 'CANCELLED',
}

export enum OrderSource {
  CONSOLE = 'CONSOLE',
  MALL = 'MALL',
  VISIT = 'VISIT',
  REPLENISHMENT = 'REPLENISHMENT',
}

/** A line's price source: the resolver's, or MANUAL when a user with orders:manual-price typed it. */
export type LinePriceSource = PriceSource | 'MANUAL';

/** The actions the order endpoints offer, for the timeline and the "what can I do now" buttons. */
export enum OrderAction {
  CREATE = 'CREATE',
  EDIT = 'EDIT',
  SUBMIT = 'SUBMIT',
  REVIEW_ACCEPT = 'REVIEW_ACCEPT',
  REVIEW_REJECT = 'REVIEW_REJECT',
  APPROVE = 'APPROVE',
  REJECT = 'REJECT',
  SHIP = 'SHIP',
  COMPLETE = 'COMPLETE',
  CANCEL = 'CANCEL',
  REOPEN = 'REOPEN',
  COPY = 'COPY',
  RETURN = 'RETURN',
  /** an approver sent it back for changes */
  RETURN_FOR_CHANGES = 'RETURN_FOR_CHANGES',
  /** the submitter took it back from approval */
  WITHDRAW = 'WITHDRAW',
}

/** Order statuses whose amount counts towards credit exposure (awaiting approval, or approved and not yet shipped). */
export const COMMITTING_STATUSES: readonly OrderStatus[] = [OrderStatus.PENDING_APPROVAL, OrderStatus.APPROVED, OrderStatus.PARTIALLY_SHIPPED];

/** Where each action may start. The server refuses anything else with 409 INVALID_STATE naming the status. */
export const ORDER_ACTION_FROM: Record<'edit' | 'submit' | 'review' | 'ship' | 'complete' | 'cancel' | 'reopen', readonly OrderStatus[]> = {
  edit: [OrderStatus.DRAFT, OrderStatus.REJECTED, OrderStatus.PENDING_REVIEW, OrderStatus.PENDING_APPROVAL, OrderStatus.APPROVED],
  submit: [OrderStatus.DRAFT, OrderStatus.REJECTED],
  review: [OrderStatus.PENDING_REVIEW],
  ship: [OrderStatus.APPROVED, OrderStatus.PARTIALLY_SHIPPED],
  complete: [OrderStatus.SHIPPED, OrderStatus.PARTIALLY_SHIPPED],
  cancel: [OrderStatus.DRAFT, OrderStatus.PENDING_REVIEW, OrderStatus.PENDING_APPROVAL, OrderStatus.APPROVED, OrderStatus.REJECTED],
  reopen: [OrderStatus.CANCELLED, OrderStatus.REJECTED],
};

export interface OrderLineDto {
  id: string;
  lineNo: number;
  productId: string;
  productCode: string;
  productName: string;
  spec: string | null;
  baseUnit: string;
  qty: string;
  /** tax-inclusive unit price, frozen when the order was priced */
  unitPrice: string;
  /** what the resolver answered (the list price before a manual change) */
  listPrice: string;
  priceSource: LinePriceSource;
  /** the promotion / price book id, the level number, or null */
  priceRefId: string | null;
  priceRefName: string | null;
  floorPrice: string | null;
  belowFloor: boolean;
  /** 0..1, e.g. "0.0500" for 5 % off */
  discountRate: string;
  taxRate: string;
  /** qty x unit price x (1 - discount), tax inclusive */
  amount: string;
  taxAmount: string;
  shippedQty: string;
  shippedAmount: string;
  returnedQty: string;
  /** reserved for the line and not yet shipped (an approved order); qty − shipped − reserved waits as a backorder (缺货) */
  reservedQty: string;
  remark: string | null;
}

export interface CreditCheckDto {
  mode: 'NONE' | 'WARN' | 'BLOCK';
  limit: string;
  /** exposure before this order */
  exposure: string;
  orderTotal: string;
  /** exposure + orderTotal - limit, when positive */
  excess: string;
  overdue: boolean;
  /** WARN mode (or an override): what the check said */
  warning: string | null;
  overridden: boolean;
}

/**
 * The credit the order form previews: the check's figures plus what `creditDecision` needs to
 * re-decide them on the client (the account's blockOnOverdue, what the order commits already) and
 * the server's outcome.
 */
export interface CreditPreviewDto extends CreditCheckDto {
  blockOnOverdue: boolean;
  /** what the order already commits (an edited submitted order), 0.00 otherwise */
  committed: string;
  outcome: 'OK' | 'WARN' | 'BLOCK' | 'OVERRIDDEN';
  reason: 'LIMIT' | 'OVERDUE' | null;
}

export interface OrderEventDto {
  id: string;
  action: OrderAction;
  fromStatus: OrderStatus | null;
  toStatus: OrderStatus;
  note: string | null;
  actorId: string | null;
  actorName: string | null;
  at: string;
}

export interface SalesOrderDto {
  id: string;
  number: string;
  status: OrderStatus;
  source: OrderSource;
  dealerId: string;
  dealerCode: string;
  dealerName: string;
  branchId: string;
  branchName: string;
  warehouseId: string;
  warehouseName: string;
  salesRepId: string | null;
  salesRepName: string | null;
  requestedDate: string | null;
  businessDate: string;
  remark: string | null;
  /** where to deliver (a mall order's address, a snapshot taken at checkout); null when none was given */
  shipTo: { contact: string; phone: string; region: string | null; address: string } | null;
  /** sum of line amounts, tax inclusive */
  total: string;
  taxTotal: string;
  discountTotal: string;
  shippedTotal: string;
  belowFloor: boolean;
  /** the last credit check (null before submit) */
  credit: CreditCheckDto | null;
  copiedFromId: string | null;
  createdBy: string | null;
  createdByName: string | null;
  submittedAt: string | null;
  approvedAt: string | null;
  createdAt: string;
  updatedAt: string;
  version: number;
  lineCount: number;
  /** detail only (empty in lists) */
  lines: OrderLineDto[];
  events: OrderEventDto[];
}

/** `POST /api/sales-orders/preview`: live prices, totals and the credit the order would meet. */
export interface OrderPreviewLineDto extends OrderLineDto {
  /** available stock in the chosen warehouse (null without a warehouse) */
  available: string | null;
}

export interface OrderPreviewDto {
  lines: OrderPreviewLineDto[];
  total: string;
  taxTotal: string;
  discountTotal: string;
  credit: CreditPreviewDto;
}

export interface OrderListTotals {
  count: number;
  total: string;
  shippedTotal: string;
}

export interface ShipmentLineDto {
  id: string;
  orderLineId: string;
  productId: string;
  productCode: string;
  productName: string;
  baseUnit: string;
  qty: string;
  unitPrice: string;
  amount: string;
  returnedQty: string;
  /** the tax inside amount, at the order line's rate */
  taxAmount: string;
  /** the cost frozen when it shipped (unit, and qty x unit in cents); null for users who do not see costs */
  unitCost: string | null;
  costAmount: string | null;
}

export interface ShipmentDto {
  id: string;
  number: string;
  orderId: string;
  orderNumber: string;
  dealerId: string;
  dealerName: string;
  warehouseId: string;
  warehouseName: string;
  businessDate: string;
  dueDate: string;
  logisticsCompany: string | null;
  trackingNo: string | null;
  amount: string;
  remark: string | null;
  createdByName: string | null;
  createdAt: string;
  lines: ShipmentLineDto[];
}

export interface ReturnLineDto {
  id: string;
  shipmentLineId: string;
  productId: string;
  productCode: string;
  productName: string;
  baseUnit: string;
  qty: string;
  unitPrice: string;
  amount: string;
  /** the tax inside amount, at the order line's rate */
  taxAmount: string;
  /** the cost it came back at (its shipment line's); null for users who do not see costs */
  unitCost: string | null;
  costAmount: string | null;
}

export interface SalesReturnDto {
  id: string;
  number: string;
  shipmentId: string;
  shipmentNumber: string;
  orderId: string;
  orderNumber: string;
  dealerId: string;
  dealerName: string;
  warehouseId: string;
  warehouseName: string;
  businessDate: string;
  reason: string;
  amount: string;
  createdByName: string | null;
  createdAt: string;
  lines: ReturnLineDto[];
}

/** Document-number prefixes: SO 销售订单, FH 发货单, TH 退货单. */
export const SALES_DOC_PREFIX = { order: 'SO', shipment: 'FH', return: 'TH' } as const;

/** One order line's money: gross = qty x price, amount = gross x (1 - discount) to cents, tax inside the amount. */
export function orderLineMoney(qty: string, unitPrice: string, discountRate: string, taxRate: string): { gross: string; amount: string; tax: string; discount: string } {
  const exact = new Dec(qty).times(unitPrice);
  const gross = new Dec(fmt(exact));
  const amount = new Dec(fmt(exact.times(new Dec(1).minus(discountRate))));
  const tax = amount.minus(amount.div(new Dec(1).plus(taxRate)));
  // the discount is what the rounded gross and the rounded amount differ by, so the three always add up
  return { gross: fmt(gross), amount: fmt(amount), tax: fmt(tax), discount: fmt(gross.minus(amount)) };
}

/**
 * The money of part of a line (a shipment of some of it, a return of some of a shipment): its
 * share of the whole, to the cent, but never more than is left (rounding up small parts could
 * otherwise add up past the whole: 13 units of ¥0.03 in parts of 3 take ¥0.01 each, and the last
 * unit would get −¥0.01). The last part takes what is left, so the parts always add up to the
 * whole to the cent and none is negative.
 */
export function portionAmount(whole: { qty: string; amount: string }, done: { qty: string; amount: string }, qty: string): string {
  const left = new Dec(whole.qty).minus(done.qty);
  const amountLeft = new Dec(whole.amount).minus(done.amount);
  if (new Dec(qty).greaterThanOrEqualTo(left)) return fmt(amountLeft);
  return fmt(Dec.min(new Dec(fmt(new Dec(whole.amount).times(qty).div(whole.qty))), amountLeft));
}
