import { createI18n } from 'vue-i18n';
import { shallowRef } from 'vue';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import localizedFormat from 'dayjs/plugin/localizedFormat';
import relativeTime from 'dayjs/plugin/relativeTime';
import type { Language } from 'element-plus/es/locale';
import elZhCn from 'element-plus/es/locale/lang/zh-cn';
import zhCN, { type MessageSchema } from './locales/zh-CN';

dayjs.extend(localizedFormat);
dayjs.extend(relativeTime);

export const SUPPORTED_LOCALES = ['zh-CN', 'en'] as const;
export type AppLocale = (typeof SUPPORTED_LOCALES)[number];
export const DEFAULT_LOCALE: AppLocale = 'zh-CN';

export const LOCALE_LABELS: Record<AppLocale, string> = { 'zh-CN': '中文', en: 'English' };

export function isAppLocale(value: unknown): value is AppLocale {
  return typeof value === 'string' && (SUPPORTED_LOCALES as readonly string[]).includes(value);
}

/** Everything a language needs besides the app's own messages, loaded on first use. */
interface LocaleBundle {
  messages: () => Promise<MessageSchema>;
  element: () => Promise<Language>;
  dayjs: string;
}

const bundles: Record<AppLocale, LocaleBundle> = {
  'zh-CN': { messages: async () => zhCN, element: async () => elZhCn, dayjs: 'zh-cn' },
  en: {
    messages: async () => (await import('./locales/en')).default,
    element: async () => (await import('element-plus/es/locale/lang/en')).default,
    dayjs: 'en',
  },
};

export const i18n = createI18n({
  legacy: false,
  globalInjection: true,
  locale: DEFAULT_LOCALE,
  fallbackLocale: DEFAULT_LOCALE,
  messages: { 'zh-CN': zhCN } as Record<string, MessageSchema>,
  missingWarn: false,
  fallbackWarn: false,
});

/** Element Plus's own strings (pagination, date pickers...), fed to <el-config-provider>. */
export const elementLocale = shallowRef<Language>(elZhCn);

const loaded = new Set<AppLocale>(['zh-CN']);
const elementLoaded = new Map<AppLocale, Language>([['zh-CN', elZhCn]]);
dayjs.locale('zh-cn');

/** Switch the app, Element Plus and dayjs to `locale`, loading its files the first time. */
export async function loadLocale(locale: AppLocale): Promise<void> {
  const bundle = bundles[locale];
  if (!loaded.has(locale)) {
    i18n.global.setLocaleMessage(locale, await bundle.messages());
    loaded.add(locale);
  }
  let el = elementLoaded.get(locale);
  if (!el) {
    el = await bundle.element();
    elementLoaded.set(locale, el);
  }
  i18n.global.locale.value = locale;
  elementLocale.value = el;
  dayjs.locale(bundle.dayjs);
  if (typeof document !== 'undefined') document.documentElement.lang = locale;
}

export function currentLocale(): AppLocale {
  return i18n.global.locale.value as AppLocale;
}

/** `t` for code outside components (stores, http client, router). */
export function t(key: string, params?: Record<string, unknown>): string {
  return params ? i18n.global.t(key, params) : i18n.global.t(key);
}

export function te(key: string): boolean {
  return i18n.global.te(key);
}
