import { ElMessage } from 'element-plus';
import type { Router } from 'vue-router';
import { t } from '@/i18n';
import { useAppStore } from '@/stores/app';
import { useAuthStore } from '@/stores/auth';
import { useOrgTreeStore } from '@/stores/orgTree';
import { configureHttp } from './http';
import { errorMessage } from './errors';

/** Connect the HTTP client to the session, the language, the router and the toasts. */
export function setupHttp(router: Router): void {
  const auth = useAuthStore();
  const app = useAppStore();

  configureHttp({
    getAccessToken: () => auth.accessToken,
    getRefreshToken: () => auth.refreshToken,
    setTokens: (pair) => auth.setTokens(pair),
    getLocale: () => app.locale,
    onSessionExpired: () => {
      // Several requests may fail together: only the first one ends the session visibly.
      const wasLoggedIn = auth.isLoggedIn;
      auth.clear();
      useOrgTreeStore().reset();
      if (!wasLoggedIn) return;
      ElMessage.warning({ message: t('layout.sessionExpired'), grouping: true });
      const current = router.currentRoute.value;
      if (current.name !== 'login') {
        void router.replace({ name: 'login', query: current.fullPath !== '/' ? { redirect: current.fullPath } : {} });
      }
    },
    onError: (error) => {
      ElMessage.error({ message: errorMessage(error), grouping: true });
    },
  });
}
