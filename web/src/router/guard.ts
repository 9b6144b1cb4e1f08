import type { RouteLocationNormalized, Router } from 'vue-router';
import { useAuthStore } from '@/stores/auth';
import { landingPath } from './mall';
import { pageAllowed } from './menu';

function loginRedirect(to: RouteLocationNormalized) {
  const redirect = to.fullPath && to.fullPath !== '/' && to.name !== 'login' ? to.fullPath : undefined;
  return { name: 'login', query: redirect ? { redirect } : {} };
}

/**
 * Access control for pages: not logged in -> /login (remembering where to come back to);
 * logged in but lacking a route's `meta.perm` -> /403. The server still checks every call.
 */
export function setupGuards(router: Router): void {
  router.beforeEach(async (to) => {
    const auth = useAuthStore();

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

    const allowed = to.matched.every((record) => pageAllowed(record.meta, auth.can, auth.isDealerUser));
    if (!allowed) return { name: 'forbidden', query: { from: to.fullPath } };
    return true;
  });
}
