import type { RouteRecordRaw } from 'vue-router';

/**
 * 商城管理: running the dealer mall from the console - settings and publishing, banners and
 * announcements, dealer logins, the review queue of mall orders. The group itself needs one of
 * the permissions that change something here (HQ, branch managers, customer service), so sales
 * reps and dealers (who hold products:view for the catalogue) do not see it.
 */
const routes: RouteRecordRaw[] = [
  {
    path: '/mall-admin',
    name: 'mall-admin',
    redirect: '/mall-admin/settings',
    meta: { title: 'mallAdmin.menu.group', icon: 'mallAdmin', perm: ['products:manage', 'users:manage', 'orders:review'], order: 55 },
    children: [
      {
        path: '/mall-admin/settings',
        name: 'mall-admin-settings',
        component: () => import('@/views/mall-admin/settings/index.vue'),
        meta: { title: 'mallAdmin.menu.settings', icon: 'mallSettings', perm: 'products:view', order: 1 },
      },
      {
        path: '/mall-admin/contents',
        name: 'mall-admin-contents',
        component: () => import('@/views/mall-admin/contents/index.vue'),
        meta: { title: 'mallAdmin.menu.contents', icon: 'mallContents', perm: 'products:view', order: 2 },
      },
      {
        path: '/mall-admin/accounts',
        name: 'mall-admin-accounts',
        component: () => import('@/views/mall-admin/accounts/index.vue'),
        meta: { title: 'mallAdmin.menu.accounts', icon: 'mallAccounts', perm: 'users:manage', order: 3 },
      },
      {
        path: '/mall-admin/review',
        name: 'mall-admin-review',
        component: () => import('@/views/mall-admin/review/index.vue'),
        meta: { title: 'mallAdmin.menu.review', icon: 'mallReview', perm: 'orders:review', order: 4 },
      },
    ],
  },
];

export default routes;
