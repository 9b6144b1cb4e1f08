import { describe, expect, it } from 'vitest';
import { BUILTIN_ROLES, BuiltinRole, type Permission } from '@drp/shared';
import type { PermissionCheck } from '@/stores/auth';
import { buildMenu } from '@/router/menu';
import { menuRoutes } from '@/router/routes';
import { PRESET_KEYS } from './presets';

const canAs = (role: BuiltinRole) => {
  const set = new Set<string>(BUILTIN_ROLES.find((r) => r.code === role)?.permissions ?? []);
  return (perm: PermissionCheck) => !perm || (Array.isArray(perm) ? perm.some((p: Permission) => set.has(p)) : set.has(perm));
};
const reportsGroup = (role: BuiltinRole, dealerUser = false) => buildMenu(menuRoutes, canAs(role), dealerUser).find((m) => m.path === '/reports');

describe('报表分析 in the menu', () => {
  it('HQ admins and branch managers get the analysis, one entry per ready report and receivables by branch', () => {
    for (const role of [BuiltinRole.HQ_ADMIN, BuiltinRole.BRANCH_MANAGER]) {
      const paths = reportsGroup(role)?.children?.map((c) => c.path) ?? [];
      expect(paths.slice(0, PRESET_KEYS.length)).toEqual([
        '/reports/analysis',
        '/reports/sales-summary',
        '/reports/sales-by-dealer',
        '/reports/sales-by-product',
        '/reports/sales-by-rep',
        '/reports/sales-by-branch',
        '/reports/hot-products',
        '/reports/slow-products',
        '/reports/returns',
        '/reports/collections',
      ]);
      expect(paths).toContain('/reports/receivables-by-branch');
    }
  });

  it('is not offered to dealers\' users nor to roles without reports:view', () => {
    expect(reportsGroup(BuiltinRole.DEALER_ADMIN, true)).toBeUndefined();
    expect(reportsGroup(BuiltinRole.WAREHOUSE)).toBeUndefined();
  });

  it('every preset entry opens the analysis page with its preset', () => {
    const group = menuRoutes.find((r) => r.path === '/reports')!;
    for (const key of PRESET_KEYS) {
      const route = group.children!.find((r) => (r.props as { preset?: string } | undefined)?.preset === key);
      expect([key, route?.meta?.title]).toEqual([key, `reports.menu.${key}`]);
    }
  });
});
