import type { RouteRecordRaw } from 'vue-router';

/**
 * 财务管理: credit limits, receipts, receivables with the dealer ledger, aging and statements.
 * Everything needs finance:view (dealers hold it too and see only their own accounts); the
 * buttons that change things check credit:manage / receipts:manage themselves.
 */
const routes: RouteRecordRaw[] = [
  {
    path: '/finance',
    name: 'finance',
    redirect: '/finance/receivables',
    meta: { title: 'finance.menu.group', icon: 'finance', perm: 'finance:view', order: 60 },
    children: [
      {
        path: '/finance/credit',
        name: 'finance-credit',
        component: () => import('@/views/finance/credit/index.vue'),
        meta: { title: 'finance.menu.credit', icon: 'credit', perm: 'finance:view', order: 1 },
      },
      {
        path: '/finance/receipts',
        name: 'finance-receipts',
        component: () => import('@/views/finance/receipts/index.vue'),
        meta: { title: 'finance.menu.receipts', icon: 'receipts', perm: 'finance:view', order: 2 },
      },
      {
        path: '/finance/receivables',
        name: 'finance-receivables',
        component: () => import('@/views/finance/receivables/index.vue'),
        meta: { title: 'finance.menu.receivables', icon: 'receivables', perm: 'finance:view', order: 3 },
      },
      {
        path: '/finance/ledger',
        name: 'finance-ledger',
        component: () => import('@/views/finance/ledger/index.vue'),
        meta: { title: 'finance.menu.ledger', icon: 'priceBook', perm: 'finance:view', order: 4 },
      },
      {
        path: '/finance/aging',
        name: 'finance-aging',
        component: () => import('@/views/finance/aging/index.vue'),
        meta: { title: 'finance.menu.aging', icon: 'aging', perm: 'finance:view', order: 5 },
      },
      {
        path: '/finance/statements',
        name: 'finance-statements',
        component: () => import('@/views/finance/statements/index.vue'),
        meta: { title: 'finance.menu.statements', icon: 'statements', perm: 'finance:view', order: 6 },
      },
    ],
  },
];

export default routes;
