import type { RouteLocationNormalized, Router } from 'vue-router';
import { useAuthStore } from '@/stores/auth';
import { landingPath } from './mall';
import { pageAllowed } from './menu';
import { http } from '@/api/http';
import { loadAllWords } from '@/i18n';
import { setPriceScale } from '@/utils/money';
import type { CompanySettingsDto } from '@drp/shared';

/**
 * Where a dealer's user goes instead of a console page: dealers' users belong in the mall (the
 * console's price simulation, approval inbox, aging, full product list, import templates and
 * promotions are HQ's and branches', and the server refuses them with 403 STAFF_ONLY). Any page
 * outside /mall sends them to /mall; one who may not order (no mall:order) sees /403 instead.
 * null: stay (staff, a mall page, the 403 page of a dealer without the mall).
 */
export function dealerConsoleRedirect(path: string, routeName: unknown, dealerUser: boolean, mayOrder: boolean): string | { name: string } | null {
  if (!dealerUser || path === '/mall' || path.startsWith('/mall/')) return null;
  if (mayOrder) return '/mall';
  return routeName === 'forbidden' ? null : { name: 'forbidden' };
}

let priceScaleRead = false;
/** The company's unit-price scale for every price shown (utils/money), read once per page load after sign-in; 2 until then or on failure. */
function readPriceScale(): void {
  if (priceScaleRead) return;
  priceScaleRead = true;
  http
    .get<CompanySettingsDto>('/settings/company')
    .then((r) => setPriceScale(r.data.priceScale))
    .catch(() => (priceScaleRead = false));
}

function loginRedirect(to: RouteLocationNormalized) {
  const redirect = to.fullPath && to.fullPath !== '/' && to.name !== 'login' ? to.fullPath : undefined;
  return { name: 'login', query: redirect ? { redirect } : {} };
}

/**
 * Access control for pages: not logged in -> /login (remembering where to come back to);
 * a dealer's user on a console page -> /mall; logged in but lacking a route's `meta.perm` -> /403. The server still checks every call.
 */
export function setupGuards(router: Router): void {
  router.beforeEach(async (to) => {
    const auth = useAuthStore();

    // an unknown address: a dealer's user (signed in) goes to the mall like from any console page
    if (to.name === 'not-found' && auth.isLoggedIn) {
      if (!auth.me) await auth.fetchMe().catch(() => undefined);
      if (auth.isDealerUser && auth.can('mall:order')) return '/mall';
      return true;
    }

    if (to.meta.public) {
      if (to.name === 'login' && auth.isLoggedIn) {
        const redirect = typeof to.query.redirect === 'string' ? to.query.redirect : '/';
        return redirect;
      }
      return true;
    }

    if (!auth.isLoggedIn) return loginRedirect(to);

    if (!auth.me) {
      try {
        await auth.fetchMe();
      } catch {
        auth.clear();
        return loginRedirect(to);
      }
    }

    // the landing page ('/' -> /dashboard): dealers who order go to the mall instead
    if (to.redirectedFrom?.path === '/' && to.name === 'dashboard') {
      const landing = landingPath(auth.me);
      if (landing !== to.path) return landing;
    }

    readPriceScale();
    const toMall = dealerConsoleRedirect(to.path, to.name, auth.isDealerUser, auth.can('mall:order'));
    if (toMall) return toMall;

    const allowed = to.matched.every((record) => pageAllowed(record.meta, auth.can, auth.isDealerUser));
    if (!allowed) return { name: 'forbidden', query: { from: to.fullPath } };
    return true;
  });

  // once the destination is settled: every page but the first screens reads words beyond zh-CN.core
  router.beforeResolve(async (to) => {
    if (!to.meta.firstScreen) await loadAllWords();
  });
}
