import type { RouteRecordRaw } from 'vue-router';

/** 销售管理: sales orders (list, form, detail), shipments, returns, backorders (缺货待补). */
const routes: RouteRecordRaw[] = [
  {
    path: '/sales',
    name: 'sales',
    redirect: '/sales/orders',
    meta: { title: 'sales.menu.group', icon: 'sales', perm: 'orders:view', order: 50 },
    children: [
      {
        path: '/sales/orders',
        name: 'sales-orders',
        component: () => import('@/views/sales/orders/index.vue'),
        meta: { title: 'sales.menu.orders', icon: 'orders', perm: 'orders:view', order: 1 },
      },
      {
        path: '/sales/orders/new',
        name: 'sales-order-new',
        component: () => import('@/views/sales/order-form/index.vue'),
        meta: { title: 'sales.menu.orderNew', perm: 'orders:create', hideInMenu: true },
      },
      {
        path: '/sales/orders/:id/edit',
        name: 'sales-order-edit',
        component: () => import('@/views/sales/order-form/index.vue'),
        meta: { title: 'sales.menu.orderEdit', perm: 'orders:create', hideInMenu: true },
      },
      {
        path: '/sales/orders/:id',
        name: 'sales-order-detail',
        component: () => import('@/views/sales/order-detail/index.vue'),
        meta: { title: 'sales.menu.orderDetail', perm: 'orders:view', hideInMenu: true },
      },
      {
        path: '/sales/shipments',
        name: 'sales-shipments',
        component: () => import('@/views/sales/shipments/index.vue'),
        meta: { title: 'sales.menu.shipments', icon: 'shipments', perm: 'orders:view', order: 2 },
      },
      {
        path: '/sales/backorders',
        name: 'sales-backorders',
        component: () => import('@/views/sales/backorders/index.vue'),
        meta: { title: 'stockControl.menu.backorders', icon: 'stock', perm: 'orders:view', staffOnly: true, order: 4 },
      },
      {
        path: '/sales/returns',
        name: 'sales-returns',
        component: () => import('@/views/sales/returns/index.vue'),
        meta: { title: 'sales.menu.returns', icon: 'returns', perm: 'orders:view', order: 3 },
      },
    ],
  },
];

export default routes;
