import type { RouteRecordRaw } from 'vue-router';

/** 跑店管理: the supervisor's view and visit plans (visits:manage); the rep's field app lives at /field. */
const routes: RouteRecordRaw[] = [
  {
    path: '/visits',
    name: 'visits',
    redirect: '/visits/board',
    meta: { title: 'visits.menu.group', icon: 'orders', perm: 'visits:manage', staffOnly: true, order: 66 },
    children: [
      {
        path: '/visits/board',
        name: 'visits-board',
        component: () => import('@/views/visits/board.vue'),
        meta: { title: 'visits.menu.board', icon: 'orgs', perm: 'visits:manage', staffOnly: true, order: 1 },
      },
      {
        path: '/visits/plans',
        name: 'visits-plans',
        component: () => import('@/views/visits/plans.vue'),
        meta: { title: 'visits.menu.plans', icon: 'orders', perm: 'visits:manage', staffOnly: true, order: 2 },
      },
    ],
  },
];

export default routes;
