import type { RouteRecordRaw } from 'vue-router';
import type { MeDto } from '@drp/shared';
import { OrgType } from '@drp/shared';
import './types';

/**
 * 订货商城: the dealer's own mobile-first layout at /mall (not the console's sidebar layout), its
 * pages, and the public activation page. `routes.ts` registers these before the console layout,
 * so /mall resolves here; the console menu entry (modules/mall.ts) only points at it.
 */
export const mallRoutes: RouteRecordRaw[] = [
  {
    path: '/mall/activate',
    name: 'mall-activate',
    component: () => import('@/views/mall/activate/index.vue'),
    meta: { title: 'mall.activate.title', public: true },
  },
  {
    path: '/mall',
    component: () => import('@/layouts/MallLayout.vue'),
    meta: { perm: 'mall:order' },
    children: [
      { path: '', name: 'mall-home', component: () => import('@/views/mall/home/index.vue'), meta: { title: 'mall.tabs.home', firstScreen: true } },
      { path: 'categories', name: 'mall-categories', component: () => import('@/views/mall/categories/index.vue'), meta: { title: 'mall.tabs.categories' } },
      { path: 'catalog', name: 'mall-catalog', component: () => import('@/views/mall/catalog/index.vue'), meta: { title: 'mall.catalog.title' } },
      { path: 'products/:id', name: 'mall-product', component: () => import('@/views/mall/product/index.vue'), meta: { title: 'mall.product.detail' } },
      { path: 'cart', name: 'mall-cart', component: () => import('@/views/mall/cart/index.vue'), meta: { title: 'mall.tabs.cart' } },
      { path: 'checkout', name: 'mall-checkout', component: () => import('@/views/mall/checkout/index.vue'), meta: { title: 'mall.checkout.title' } },
      { path: 'orders', name: 'mall-orders', component: () => import('@/views/mall/orders/index.vue'), meta: { title: 'mall.orders.title' } },
      { path: 'orders/:id', name: 'mall-order', component: () => import('@/views/mall/orders/detail.vue'), meta: { title: 'mall.orders.detail' } },
      { path: 'me', name: 'mall-me', component: () => import('@/views/mall/me/index.vue'), meta: { title: 'mall.me.title' } },
      { path: 'me/statements', name: 'mall-statements', component: () => import('@/views/mall/me/statements.vue'), meta: { title: 'mall.statements.title', perm: 'finance:view' } },
      { path: 'me/statements/:id', name: 'mall-statement', component: () => import('@/views/mall/me/statement-detail.vue'), meta: { title: 'mall.statements.title', perm: 'finance:view' } },
      { path: 'me/invoices', name: 'mall-invoices', component: () => import('@/views/mall/invoices/index.vue'), meta: { title: 'invoice.mall.title' } },
      { path: 'me/invoices/:id', name: 'mall-invoice', component: () => import('@/views/mall/invoices/detail.vue'), meta: { title: 'invoice.mall.detail' } },
      { path: 'me/account', name: 'mall-account', component: () => import('@/views/mall/me/account.vue'), meta: { title: 'mall.account.title' } },
      { path: 'replenishment', name: 'mall-replenishment', component: () => import('@/views/mall/replenishment/suggestion.vue'), meta: { title: 'replenishment.mall.suggestion.title' } },
      { path: 'me/report', name: 'mall-report', component: () => import('@/views/mall/replenishment/report.vue'), meta: { title: 'replenishment.mall.report.title' } },
      { path: 'me/stock', name: 'mall-stock', component: () => import('@/views/mall/me/stock.vue'), meta: { title: 'mall.stock.title' } },
      { path: 'me/addresses', name: 'mall-addresses', component: () => import('@/views/mall/me/addresses.vue'), meta: { title: 'mall.address.title' } },
      { path: 'me/notifications', name: 'mall-notifications', component: () => import('@/views/mall/me/notifications.vue'), meta: { title: 'mall.notifications.title' } },
      { path: 'me/staff', name: 'mall-staff', component: () => import('@/views/mall/me/staff.vue'), meta: { title: 'mall.staff.title', perm: 'mall:staff' } },
    ],
  },
];

/** A dealer's user who may order lands in the mall after login; everyone else on the console's dashboard. */
export function landingPath(me: Pick<MeDto, 'org' | 'permissions'> | null | undefined): string {
  if (me && me.org?.type === OrgType.DEALER && me.permissions.includes('mall:order')) return '/mall';
  return '/dashboard';
}
