import { defineStore } from 'pinia';
import { ref } from 'vue';
import { DEFAULT_LOCALE, elementLocale, isAppLocale, loadLocale, type AppLocale } from '@/i18n';

const LOCALE_KEY = 'drp.locale';
const COLLAPSED_KEY = 'drp.sidebarCollapsed';

function storedLocale(): AppLocale {
  try {
    const value = localStorage.getItem(LOCALE_KEY);
    if (isAppLocale(value)) return value;
  } catch {
    // ignore
  }
  return DEFAULT_LOCALE;
}

/** UI preferences: language and the sidebar. */
export const useAppStore = defineStore('app', () => {
  const locale = ref<AppLocale>(storedLocale());
  const sidebarCollapsed = ref(localStorage.getItem(COLLAPSED_KEY) === '1');

  async function setLocale(next: AppLocale): Promise<void> {
    await loadLocale(next);
    locale.value = next;
    localStorage.setItem(LOCALE_KEY, next);
  }

  /** true once the user picked a language on this browser */
  function hasChosenLocale(): boolean {
    return isAppLocale(localStorage.getItem(LOCALE_KEY));
  }

  function toggleSidebar(): void {
    sidebarCollapsed.value = !sidebarCollapsed.value;
    localStorage.setItem(COLLAPSED_KEY, sidebarCollapsed.value ? '1' : '0');
  }

  return { locale, sidebarCollapsed, elementLocale, setLocale, hasChosenLocale, toggleSidebar };
});
