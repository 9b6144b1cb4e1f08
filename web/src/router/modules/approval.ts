import type { RouteRecordRaw } from 'vue-router';

/** 审批: the inbox for everyone, flow configuration for HQ; the notification centre. */
const routes: RouteRecordRaw[] = [
  {
    path: '/approvals',
    name: 'approvals',
    redirect: '/approvals/inbox',
    meta: { title: 'approval.menu.group', icon: 'approvals', order: 45 },
    children: [
      {
        path: '/approvals/inbox',
        name: 'approval-inbox',
        component: () => import('@/views/approval/inbox/index.vue'),
        meta: { title: 'approval.menu.inbox', icon: 'inbox', order: 1 },
      },
      {
        path: '/approvals/flows',
        name: 'approval-flows',
        component: () => import('@/views/approval/flows/index.vue'),
        meta: { title: 'approvalFlow.menu.flows', icon: 'flows', perm: 'approvals:configure', order: 2 },
      },
      {
        path: '/approvals/flows/new',
        name: 'approval-flow-create',
        component: () => import('@/views/approval/flows/edit.vue'),
        meta: { title: 'approvalFlow.menu.create', perm: 'approvals:configure', hideInMenu: true },
      },
      {
        path: '/approvals/flows/:id',
        name: 'approval-flow-edit',
        component: () => import('@/views/approval/flows/edit.vue'),
        meta: { title: 'approvalFlow.menu.edit', perm: 'approvals:configure', hideInMenu: true },
      },
    ],
  },
  {
    path: '/notifications',
    name: 'notifications',
    component: () => import('@/views/notifications/index.vue'),
    meta: { title: 'approval.menu.notifications', hideInMenu: true },
  },
];

export default routes;
