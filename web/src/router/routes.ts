import type { RouteRecordRaw } from 'vue-router';
import './types';
import { mallRoutes } from './mall';
import { fieldRoutes } from './field';
import { printRoutes } from './modules/print';

/** Route modules of the console (src/router/modules/*.ts), each a default-exported array. */
const modules = import.meta.glob<{ default: RouteRecordRaw[] }>('./modules/*.ts', { eager: true });

/** The pages inside the console layout that make up the menu. */
export const menuRoutes: RouteRecordRaw[] = Object.values(modules).flatMap((m) => m.default);

export const routes: RouteRecordRaw[] = [
  {
    path: '/login',
    name: 'login',
    component: () => import('@/views/login/index.vue'),
    meta: { title: 'login.title', public: true, firstScreen: true },
  },
  // print views (打印): their own layout without the console chrome
  ...printRoutes,
  // the dealer mall: its own layout, before the console's so /mall resolves to it
  ...mallRoutes,
  // the rep's field app (跑店): its own phone layout, before the console's
  ...fieldRoutes,
  {
    path: '/',
    component: () => import('@/layouts/BasicLayout.vue'),
    redirect: '/dashboard',
    children: [
      ...menuRoutes,
      {
        path: '/profile',
        name: 'profile',
        component: () => import('@/views/profile/index.vue'),
        meta: { title: 'menu.profile', icon: 'profile', hideInMenu: true },
      },
      {
        path: '/403',
        name: 'forbidden',
        component: () => import('@/views/error/Forbidden.vue'),
        meta: { title: 'menu.forbidden', hideInMenu: true },
      },
    ],
  },
  {
    path: '/:pathMatch(.*)*',
    name: 'not-found',
    component: () => import('@/views/error/NotFound.vue'),
    meta: { title: 'menu.notFound', public: true },
  },
];
