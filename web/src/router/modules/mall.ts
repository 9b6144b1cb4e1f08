import type { RouteRecordRaw } from 'vue-router';

const routes: RouteRecordRaw[] = [
  {
    path: '/mall',
    name: 'mall',
    component: () => import('@/views/mall/index.vue'),
    meta: { title: 'menu.mall', icon: 'mall', perm: 'mall:order', order: 10 },
  },
];

export default routes;
