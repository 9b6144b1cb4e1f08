import type { RouteRecordRaw } from 'vue-router';

/**
 * The console menu's 订货商城 entry. The mall itself has its own layout (router/mall.ts, registered
 * before the console layout so /mall resolves there); this record only puts it in the menu and,
 * should it ever match, sends the user to the mall's home by name.
 */
const routes: RouteRecordRaw[] = [
  {
    path: '/mall',
    name: 'mall',
    redirect: { name: 'mall-home' },
    meta: { title: 'menu.mall', icon: 'mall', perm: 'mall:order', order: 10 },
  },
];

export default routes;
