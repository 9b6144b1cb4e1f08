import type { RouteComponent, RouteMeta, RouteRecordRaw } from 'vue-router';
import '../types';

/**
 * 打印: the print views in their own layout (no console chrome), opened in a new tab by the 打印
 * buttons. Not console pages: `routes.ts` registers them beside the console layout (and leaves this
 * file out of the console's module glob). The statement prints for staff and for dealers (their own
 * statement only: the API answers 404 for any other, shown as not found); the mall links to
 * /mall/print/statement/:id.
 */
const sheet = (name: string, path: string, component: () => Promise<RouteComponent | { default: RouteComponent }>, meta: RouteMeta): RouteRecordRaw => ({
  path,
  component: () => import('@/layouts/PrintLayout.vue'),
  children: [{ path: '', name, component, meta }],
});

export const printRoutes: RouteRecordRaw[] = [
  sheet('print-sales-order', '/print/sales-order/:id', () => import('@/views/print/SalesOrderPrint.vue'), { title: 'print.title.salesOrder', perm: 'orders:view', staffOnly: true }),
  sheet('print-shipment', '/print/shipment/:id', () => import('@/views/print/ShipmentPrint.vue'), { title: 'print.title.shipment', perm: 'orders:view', staffOnly: true }),
  sheet('print-receipt', '/print/receipt/:id', () => import('@/views/print/ReceiptPrint.vue'), { title: 'print.title.receipt', perm: 'finance:view', staffOnly: true }),
  sheet('print-statement', '/print/statement/:id', () => import('@/views/print/StatementPrint.vue'), { title: 'print.title.statement', perm: 'finance:view' }),
  sheet('mall-print-statement', '/mall/print/statement/:id', () => import('@/views/print/StatementPrint.vue'), { title: 'print.title.statement', perm: 'finance:view' }),
];

/** The console's module glob takes every file's default export: the print views are not console pages. */
export default [] as RouteRecordRaw[];
