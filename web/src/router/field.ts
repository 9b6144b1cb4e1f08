import type { RouteRecordRaw } from 'vue-router';
import './types';

/**
 * 跑店 field app: the sales rep's phone-first pages at /field, in their own small layout (not the
 * console's sidebar). `routes.ts` registers these before the console layout so /field resolves here.
 */
export const fieldRoutes: RouteRecordRaw[] = [
  {
    path: '/field',
    component: () => import('@/layouts/FieldLayout.vue'),
    meta: { perm: 'visits:manage', staffOnly: true },
    children: [
      { path: '', name: 'field-today', component: () => import('@/views/field/index.vue'), meta: { title: 'visits.field.today' } },
      { path: 'visits/:key', name: 'field-visit', component: () => import('@/views/field/visit.vue'), meta: { title: 'visits.field.title' } },
    ],
  },
];
