import { createRouter, createWebHistory, type Router } from 'vue-router';
import { routes } from './routes';
import { setupGuards } from './guard';

export function createAppRouter(): Router {
  const router = createRouter({
    history: createWebHistory(import.meta.env.BASE_URL),
    routes,
    scrollBehavior: () => ({ top: 0 }),
  });
  setupGuards(router);
  reloadOnStaleChunks(router);
  return router;
}

/**
 * After a redeploy the hashed page chunks an open tab knows of are gone: loading one fails. Load
 * the target page afresh (once per route, so a real outage cannot loop).
 */
function reloadOnStaleChunks(router: Router): void {
  router.onError((error, to) => {
    const message = error instanceof Error ? error.message : String(error);
    if (!/dynamically imported module|Importing a module script failed|Failed to fetch/i.test(message)) return;
    const key = `drp:chunk-reload:${to.fullPath}`;
    if (sessionStorage.getItem(key)) return;
    sessionStorage.setItem(key, '1');
    window.location.assign(to.fullPath);
  });
}
