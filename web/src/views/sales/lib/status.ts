import { ORDER_ACTION_FROM, OrderStatus, type Permission } from '@drp/shared';

/**
 * The order's status as people see it (a coloured tag) and which buttons the detail page offers,
 * from the status (ORDER_ACTION_FROM, the server's own table) and the user's permissions.
 */

export type TagType = 'primary' | 'success' | 'info' | 'warning' | 'danger';

export interface TagStyle {
  type: TagType;
  effect: 'light' | 'plain' | 'dark';
}

export const ORDER_STATUS_STYLE: Record<OrderStatus, TagStyle> = {
  [OrderStatus.DRAFT]: { type: 'info', effect: 'plain' },
  [OrderStatus.PENDING_REVIEW]: { type: 'warning', effect: 'light' },
  [OrderStatus.PENDING_APPROVAL]: { type: 'warning', effect: 'light' },
  [OrderStatus.APPROVED]: { type: 'primary', effect: 'light' },
  [OrderStatus.PARTIALLY_SHIPPED]: { type: 'primary', effect: 'plain' },
  [OrderStatus.SHIPPED]: { type: 'success', effect: 'light' },
  [OrderStatus.COMPLETED]: { type: 'success', effect: 'plain' },
  [OrderStatus.REJECTED]: { type: 'danger', effect: 'light' },
  [OrderStatus.CANCELLED]: { type: 'info', effect: 'light' },
};

export function orderStatusStyle(status: OrderStatus | string): TagStyle {
  return ORDER_STATUS_STYLE[status as OrderStatus] ?? { type: 'info', effect: 'light' };
}

/** Statuses in the order a filter lists them (the life of an order). */
export const ORDER_STATUSES: OrderStatus[] = [
  OrderStatus.DRAFT,
  OrderStatus.PENDING_REVIEW,
  OrderStatus.PENDING_APPROVAL,
  OrderStatus.APPROVED,
  OrderStatus.PARTIALLY_SHIPPED,
  OrderStatus.SHIPPED,
  OrderStatus.COMPLETED,
  OrderStatus.REJECTED,
  OrderStatus.CANCELLED,
];

export interface OrderActions {
  edit: boolean;
  submit: boolean;
  review: boolean;
  ship: boolean;
  complete: boolean;
  cancel: boolean;
  reopen: boolean;
  copy: boolean;
}

/** Which of the detail page's buttons show for an order in `status`, given what the user may do. */
export function orderActions(status: OrderStatus, can: (perm: Permission) => boolean): OrderActions {
  const from = (action: keyof typeof ORDER_ACTION_FROM) => ORDER_ACTION_FROM[action].includes(status);
  const creator = can('orders:create');
  return {
    edit: creator && from('edit'),
    submit: creator && from('submit'),
    review: can('orders:review') && from('review'),
    ship: can('shipments:manage') && from('ship'),
    complete: can('shipments:manage') && from('complete'),
    cancel: creator && from('cancel'),
    reopen: creator && from('reopen'),
    copy: creator,
  };
}

/** Editing an order that is already submitted sends it through the credit check and approval again. */
export function editResubmits(status: OrderStatus): boolean {
  return status !== OrderStatus.DRAFT && status !== OrderStatus.REJECTED;
}
