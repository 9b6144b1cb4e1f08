import type { RouteRecordRaw } from 'vue-router';

/**
 * 发票 (issue #13): the register and its lookup, uninvoiced shipments, supplementary entries,
 * reconciliation against the tax platform's export, tax-id problems and not-received flags.
 * Dealers see their invoices in the mall (/mall/me/invoices), so these pages are staff only.
 */
const routes: RouteRecordRaw[] = [
  {
    path: '/invoicing',
    name: 'invoicing',
    redirect: '/invoicing/register',
    meta: { title: 'invoice.menu.group', icon: 'stockDocs', perm: 'invoices:view', order: 62, staffOnly: true },
    children: [
      {
        path: '/invoicing/register',
        name: 'invoicing-register',
        component: () => import('@/views/invoicing/register/index.vue'),
        meta: { title: 'invoice.menu.register', icon: 'orders', perm: 'invoices:view', order: 1, staffOnly: true },
      },
      {
        path: '/invoicing/uninvoiced',
        name: 'invoicing-uninvoiced',
        component: () => import('@/views/invoicing/uninvoiced/index.vue'),
        meta: { title: 'invoice.menu.uninvoiced', icon: 'shipments', perm: 'invoices:view', order: 2, staffOnly: true },
      },
      {
        path: '/invoicing/supplementary',
        name: 'invoicing-supplementary',
        component: () => import('@/views/invoicing/supplementary/index.vue'),
        meta: { title: 'invoice.menu.supplementary', icon: 'mallReview', perm: 'invoices:edit', order: 3, staffOnly: true },
      },
      {
        path: '/invoicing/supplementary/new',
        name: 'invoicing-supplementary-new',
        component: () => import('@/views/invoicing/supplementary/new.vue'),
        meta: { title: 'invoice.supplement.formTitle', perm: 'invoices:edit', hideInMenu: true, staffOnly: true },
      },
      {
        path: '/invoicing/reconciliations',
        name: 'invoicing-reconciliations',
        component: () => import('@/views/invoicing/reconciliations/index.vue'),
        meta: { title: 'invoice.menu.reconciliations', icon: 'statements', perm: 'invoices:reconcile', order: 4, staffOnly: true },
      },
      {
        path: '/invoicing/reconciliations/:id',
        name: 'invoicing-reconciliation',
        component: () => import('@/views/invoicing/reconciliations/run.vue'),
        meta: { title: 'invoice.menu.reconciliation', perm: 'invoices:reconcile', hideInMenu: true, staffOnly: true },
      },
      {
        path: '/invoicing/problems',
        name: 'invoicing-problems',
        component: () => import('@/views/invoicing/problems/index.vue'),
        meta: { title: 'invoice.menu.problems', icon: 'audit', perm: 'invoices:view', order: 5, staffOnly: true },
      },
    ],
  },
  // the addresses the server names in links (approval inbox, notifications) lead to these pages
  { path: '/invoices/supplementary/:id', redirect: (to) => ({ path: '/invoicing/supplementary', query: { id: String(to.params.id) } }), meta: { hideInMenu: true } },
  { path: '/invoices/reconciliation', redirect: '/invoicing/reconciliations', meta: { hideInMenu: true } },
  { path: '/invoices/reconciliations/:id', redirect: (to) => `/invoicing/reconciliations/${String(to.params.id)}`, meta: { hideInMenu: true } },
  { path: '/invoices/:id', redirect: (to) => ({ path: '/invoicing/register', query: { id: String(to.params.id) } }), meta: { hideInMenu: true } },
];

export default routes;
