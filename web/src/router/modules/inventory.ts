import type { RouteRecordRaw } from 'vue-router';

/** 库存管理: stock on hand, stock documents (入库/调拨/盘点), the movement ledger, warehouses. */
const routes: RouteRecordRaw[] = [
  {
    path: '/inventory',
    name: 'inventory',
    redirect: '/stock',
    meta: { title: 'inventory.menu.group', icon: 'inventory', perm: 'stock:view', order: 40 },
    children: [
      {
        path: '/stock',
        name: 'stock',
        component: () => import('@/views/inventory/stock/index.vue'),
        meta: { title: 'inventory.menu.stock', icon: 'stock', perm: 'stock:view', order: 1 },
      },
      {
        path: '/stock-docs',
        name: 'stock-docs',
        component: () => import('@/views/inventory/docs/index.vue'),
        meta: { title: 'inventory.menu.docs', icon: 'stockDocs', perm: 'stock:view', order: 2 },
      },
      {
        path: '/stock-docs/new',
        name: 'stock-doc-create',
        component: () => import('@/views/inventory/docs/create.vue'),
        meta: { title: 'inventory.menu.docCreate', perm: 'stock:manage', hideInMenu: true },
      },
      {
        path: '/stock/movements',
        name: 'stock-movements',
        component: () => import('@/views/inventory/movements/index.vue'),
        meta: { title: 'inventory.menu.movements', icon: 'movements', perm: 'stock:view', order: 3 },
      },
      {
        // 存货价值: inside the stock:view group, for users who see costs (the server asks the same)
        path: '/stock/value',
        name: 'stock-value',
        component: () => import('@/views/inventory/value/index.vue'),
        meta: { title: 'inventoryCost.menu.stockValue', icon: 'analysis', perm: ['stock:manage', 'reports:view'], order: 3.5 },
      },
      {
        path: '/warehouses',
        name: 'warehouses',
        component: () => import('@/views/inventory/warehouses/index.vue'),
        meta: { title: 'inventory.menu.warehouses', icon: 'warehouse', perm: 'stock:view', order: 4 },
      },
    ],
  },
];

export default routes;
