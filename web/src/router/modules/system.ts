import type { RouteRecordRaw } from 'vue-router';

/** 组织与权限: organisations, users, roles, the audit log and backups. */
const routes: RouteRecordRaw[] = [
  {
    path: '/system',
    name: 'system',
    redirect: '/orgs',
    meta: { title: 'menu.system', icon: 'system', order: 90 },
    children: [
      {
        path: '/orgs',
        name: 'orgs',
        component: () => import('@/views/orgs/index.vue'),
        meta: { title: 'menu.orgs', icon: 'orgs', perm: 'orgs:view', order: 1 },
      },
      {
        path: '/users',
        name: 'users',
        component: () => import('@/views/users/index.vue'),
        meta: { title: 'menu.users', icon: 'users', perm: 'users:view', order: 2 },
      },
      {
        path: '/roles',
        name: 'roles',
        component: () => import('@/views/roles/index.vue'),
        meta: { title: 'menu.roles', icon: 'roles', perm: 'roles:view', order: 3 },
      },
      {
        path: '/audit-logs',
        name: 'audit-logs',
        component: () => import('@/views/audit/index.vue'),
        meta: { title: 'menu.audit', icon: 'audit', perm: 'audit:view', order: 4 },
      },
      {
        path: '/system/backups',
        name: 'backups',
        component: () => import('@/views/system/backup/index.vue'),
        meta: { title: 'backup.menu', icon: 'backup', perm: 'system:backup', order: 5 },
      },
      {
        path: '/system/settings',
        name: 'company-settings',
        component: () => import('@/views/system/settings/index.vue'),
        meta: { title: 'stockControl.menu.settings', icon: 'system', perm: 'settings:manage', order: 6 },
      },
    ],
  },
];

export default routes;
