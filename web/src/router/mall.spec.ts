import { describe, expect, it } from 'vitest';
import { createMemoryHistory, createRouter } from 'vue-router';
import { OrgType, type MeDto } from '@drp/shared';
import { routes, menuRoutes } from './routes';
import { buildMenu } from './menu';
import { landingPath } from './mall';

const me = (type: OrgType, permissions: string[]) => ({ org: { id: 'o', code: 'X', name: 'X', type }, permissions }) as unknown as Pick<MeDto, 'org' | 'permissions'>;

describe('mall routes', () => {
  const router = createRouter({ history: createMemoryHistory(), routes });

  it('/mall opens the mall layout, not the console layout', () => {
    const r = router.resolve('/mall');
    expect(r.name).toBe('mall-home');
    expect(r.matched.map((m) => m.path)).toEqual(['/mall', '/mall']);
    expect(r.matched[0].meta.perm).toBe('mall:order');
  });

  it('has its pages under the layout and a public activation page', () => {
    expect(router.resolve('/mall/orders/abc').name).toBe('mall-order');
    expect(router.resolve('/mall/products/abc').name).toBe('mall-product');
    expect(router.resolve('/mall/me/staff').matched.at(-1)?.meta.perm).toBe('mall:staff');
    const activate = router.resolve('/mall/activate');
    expect(activate.name).toBe('mall-activate');
    expect(activate.meta.public).toBe(true);
    expect(activate.matched).toHaveLength(1);
  });

  it('keeps 订货商城 in the console menu for those who may order, sending them to the mall home', () => {
    const can = (p: unknown) => !p || p === 'mall:order';
    expect(buildMenu(menuRoutes, can).map((m) => m.path)).toContain('/mall');
    const entry = menuRoutes.find((r) => r.name === 'mall');
    expect(entry?.redirect).toEqual({ name: 'mall-home' });
  });
});

describe('landingPath', () => {
  it('dealers who may order land in the mall, everyone else on the dashboard', () => {
    expect(landingPath(me(OrgType.DEALER, ['mall:order', 'orders:view']))).toBe('/mall');
    expect(landingPath(me(OrgType.DEALER, ['orders:view']))).toBe('/dashboard');
    // HQ admins hold every permission, mall:order included: they keep the console
    expect(landingPath(me(OrgType.HQ, ['mall:order', 'orgs:manage']))).toBe('/dashboard');
    expect(landingPath(me(OrgType.BRANCH, ['mall:order']))).toBe('/dashboard');
    expect(landingPath(null)).toBe('/dashboard');
  });
});
