import { createApp } from 'vue';
import { createPinia } from 'pinia';
import App from './App.vue';
import { i18n, loadLocale } from './i18n';
import { createAppRouter } from './router';
import { setupPermDirective } from './directives/perm';
import { setupHttp } from './api/setup';
import { useAppStore } from './stores/app';
// styles of the services used through explicit imports (see vite.config.ts)
import 'element-plus/es/components/message/style/css';
import 'element-plus/es/components/message-box/style/css';
import './styles/index.css';

async function bootstrap(): Promise<void> {
  const app = createApp(App);
  app.use(createPinia());

  // The saved language first, so the first screen is already in it.
  const appStore = useAppStore();
  await loadLocale(appStore.locale).catch(() => loadLocale('zh-CN'));
  app.use(i18n);

  const router = createAppRouter();
  setupHttp(router);
  app.use(router);
  setupPermDirective(app);

  await router.isReady();
  app.mount('#app');
}

void bootstrap();
