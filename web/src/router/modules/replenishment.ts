import type { RouteRecordRaw } from 'vue-router';

/**
 * 智能补货: settings (company, branch, dealer, product), runs, a run's worksheet, and the dealers'
 * stock and sales reports (上报数据). Staff only (replenishment:manage; reports also visits:manage).
 */
const routes: RouteRecordRaw[] = [
  {
    path: '/replenishment',
    name: 'replenishment',
    redirect: '/replenishment/runs',
    meta: { title: 'replenishment.menu.group', icon: 'stockDocs', perm: 'replenishment:manage', staffOnly: true, order: 65 },
    children: [
      {
        path: '/replenishment/runs',
        name: 'replenishment-runs',
        component: () => import('@/views/replenishment/runs/index.vue'),
        meta: { title: 'replenishment.menu.runs', icon: 'orders', perm: 'replenishment:manage', staffOnly: true, order: 1 },
      },
      {
        path: '/replenishment/runs/:id',
        name: 'replenishment-worksheet',
        component: () => import('@/views/replenishment/runs/worksheet.vue'),
        meta: { title: 'replenishment.menu.worksheet', perm: 'replenishment:manage', staffOnly: true, hideInMenu: true },
      },
      {
        path: '/replenishment/settings',
        name: 'replenishment-settings',
        component: () => import('@/views/replenishment/settings/index.vue'),
        meta: { title: 'replenishment.menu.settings', icon: 'system', perm: 'replenishment:manage', staffOnly: true, order: 2 },
      },
      {
        path: '/replenishment/reports',
        name: 'replenishment-reports',
        component: () => import('@/views/replenishment/reports/index.vue'),
        meta: { title: 'replenishment.menu.reports', icon: 'stock', perm: ['replenishment:manage', 'visits:manage'], staffOnly: true, order: 3 },
      },
    ],
  },
];

export default routes;
