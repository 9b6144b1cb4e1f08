import type { RouteRecordRaw } from 'vue-router';

/** 商品与价格: products, the price grid, price books, promotions, the price simulator, branch product ranges. */
const routes: RouteRecordRaw[] = [
  {
    path: '/catalog',
    name: 'catalog',
    redirect: '/products',
    meta: { title: 'catalog.menu.group', icon: 'goods', order: 20 },
    children: [
      {
        path: '/products',
        name: 'products',
        component: () => import('@/views/catalog/products/index.vue'),
        meta: { title: 'catalog.menu.products', icon: 'goods', perm: 'products:view', order: 1 },
      },
      {
        path: '/products/new',
        name: 'product-new',
        component: () => import('@/views/catalog/product-form/index.vue'),
        meta: { title: 'catalog.menu.productNew', perm: 'products:manage', hideInMenu: true },
      },
      {
        path: '/products/:id',
        name: 'product-edit',
        component: () => import('@/views/catalog/product-form/index.vue'),
        meta: { title: 'catalog.menu.productEdit', perm: 'products:view', hideInMenu: true },
      },
      {
        path: '/prices/grid',
        name: 'price-grid',
        component: () => import('@/views/pricing/grid/index.vue'),
        meta: { title: 'pricing.menu.grid', icon: 'priceGrid', perm: 'prices:edit', order: 2 },
      },
      {
        path: '/price-books',
        name: 'price-books',
        component: () => import('@/views/pricing/price-books/index.vue'),
        meta: { title: 'pricing.menu.books', icon: 'priceBook', perm: 'prices:view', order: 3 },
      },
      {
        path: '/promotions',
        name: 'promotions',
        component: () => import('@/views/pricing/promotions/index.vue'),
        meta: { title: 'pricing.menu.promotions', icon: 'promotion', perm: 'prices:view', order: 4 },
      },
      {
        path: '/prices/simulator',
        name: 'price-simulator',
        component: () => import('@/views/pricing/simulator/index.vue'),
        meta: { title: 'pricing.menu.simulator', icon: 'simulator', perm: 'prices:view', order: 5 },
      },
      {
        path: '/product-scope',
        name: 'product-scope',
        component: () => import('@/views/catalog/product-scope/index.vue'),
        meta: { title: 'catalog.menu.scope', icon: 'productScope', perm: 'products:view', staffOnly: true, order: 6 },
      },
    ],
  },
];

export default routes;
