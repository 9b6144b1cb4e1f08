import type { RouteRecordRaw } from 'vue-router';
import { READY_REPORT_KEYS } from '@drp/shared';
import { PRESET_KEYS } from '@/views/reports/lib/presets';

/**
 * 报表分析 (issue #16): the analysis page and the ready reports. The ready reports that are plain
 * engine queries (销售汇总, by dealer / product / rep / branch, hot and slow products, returns,
 * collections) are the same page opened with a preset query, one menu entry each; receivables by
 * branch is the aging page grouped by branch. Staff only (reports:view); the engine scopes every
 * figure to the reader's organisation subtree.
 */
const analysisPage = () => import('@/views/reports/analysis/index.vue');

const slug = (key: string) => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

const routes: RouteRecordRaw[] = [
  {
    path: '/reports',
    name: 'reports',
    redirect: '/reports/analysis',
    meta: { title: 'reports.menu.group', icon: 'reports', perm: 'reports:view', staffOnly: true, order: 70 },
    children: [
      // /reports/analysis, /reports/sales-summary, /reports/sales-by-dealer, ... (one page, a preset each)
      ...PRESET_KEYS.map<RouteRecordRaw>((key, i) => ({
        path: `/reports/${slug(key)}`,
        name: `reports-${slug(key)}`,
        component: analysisPage,
        props: { preset: key },
        meta: { title: `reports.menu.${key}`, icon: i === 0 ? 'analysis' : 'reportPreset', perm: 'reports:view', staffOnly: true, order: i + 1 },
      })),
      {
        path: '/reports/receivables-by-branch',
        name: 'reports-receivables-by-branch',
        redirect: { path: '/finance/aging', query: { groupBy: 'branch' } },
        meta: { title: 'reports.menu.receivablesByBranch', icon: 'aging', perm: 'finance:view', staffOnly: true, order: 40 },
      },
      // the ready reports that are not engine pivots (stock days, sell-through, visit KPIs, mall usage, collection rate): one page, a key each
      ...READY_REPORT_KEYS.map<RouteRecordRaw>((key, i) => ({
        path: `/reports/ready/${slug(key)}`,
        name: `reports-ready-${slug(key)}`,
        component: () => import('@/views/reports/ready/index.vue'),
        props: { reportKey: key },
        meta: { title: `readyReports.menu.${key}`, icon: 'reportPreset', perm: 'reports:view', staffOnly: true, order: 50 + i },
      })),
      {
        // 销售计划 and 计划达成 (targets and achievement; the home page links to ?tab=achievement)
        path: '/reports/targets',
        name: 'reports-targets',
        component: () => import('@/views/reports/targets/index.vue'),
        meta: { title: 'targets.menu.targets', icon: 'reportPreset', perm: 'reports:view', staffOnly: true, order: 45 },
      },
    ],
  },
];

export default routes;
