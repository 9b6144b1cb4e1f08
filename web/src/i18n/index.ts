import { createI18n } from 'vue-i18n';
import { shallowRef } from 'vue';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import localizedFormat from 'dayjs/plugin/localizedFormat';
import relativeTime from 'dayjs/plugin/relativeTime';
import type { Language } from 'element-plus/es/locale';
import elZhCn from 'element-plus/es/locale/lang/zh-cn';
import type { MessageSchema } from './locales/zh-CN';
import zhCore from './locales/zh-CN.core';

dayjs.extend(localizedFormat);
dayjs.extend(relativeTime);

export const SUPPORTED_LOCALES = ['zh-CN', 'en'] as const;
export type AppLocale = (typeof SUPPORTED_LOCALES)[number];
export const DEFAULT_LOCALE: AppLocale = 'zh-CN';

export const LOCALE_LABELS: Record<AppLocale, string> = { 'zh-CN': '中文', en: 'English' };

export function isAppLocale(value: unknown): value is AppLocale {
  return typeof value === 'string' && (SUPPORTED_LOCALES as readonly string[]).includes(value);
}

type Words = Record<string, unknown>;

/** Everything a language needs besides the app's own messages, loaded on first use. */
interface LocaleBundle {
  /** the words of the first screens (login, the mall's home), or all of them */
  messages: () => Promise<Words>;
  /** the words of every other page, where `messages` holds only the first screens' */
  rest?: () => Promise<Words>;
  element: () => Promise<Language>;
  dayjs: string;
}

/**
 * Chinese, the default, comes in two parts so that the first screens do not download every
 * page's words; English (a choice on the login page) is one file.
 */
const bundles: Record<AppLocale, LocaleBundle> = {
  'zh-CN': {
    messages: async () => zhCore,
    rest: async () => (await import('./locales/zh-CN.rest')).default,
    element: async () => elZhCn,
    dayjs: 'zh-cn',
  },
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
  // the rest of Chinese arrives by loadAllWords, merged into this copy (vue-i18n merges in place:
  // the module's own object stays the first screens' words)
  messages: { 'zh-CN': structuredClone(zhCore) } as unknown as Record<string, MessageSchema>,
  missingWarn: false,
  fallbackWarn: false,
});

/** Element Plus's own strings (pagination, date pickers...), fed to <el-config-provider>. */
export const elementLocale = shallowRef<Language>(elZhCn);

const loaded = new Set<AppLocale>(['zh-CN']);
const restLoaded = new Set<AppLocale>();
/** Some page needed every word: a language switched to later brings its rest along. */
let allWords = false;

async function loadRest(locale: AppLocale): Promise<void> {
  const rest = bundles[locale].rest;
  if (!rest || restLoaded.has(locale)) return;
  i18n.global.mergeLocaleMessage(locale, (await rest()) as MessageSchema);
  restLoaded.add(locale);
}

/**
 * Every page's words in the current language (the router calls it on the way to any page but the
 * first screens; see RouteMeta `firstScreen`). Resolves at once when they are there.
 */
export async function loadAllWords(): Promise<void> {
  allWords = true;
  await loadRest(currentLocale());
}
const elementLoaded = new Map<AppLocale, Language>([['zh-CN', elZhCn]]);
dayjs.locale('zh-cn');

/** Switch the app, Element Plus and dayjs to `locale`, loading its files the first time. */
export async function loadLocale(locale: AppLocale): Promise<void> {
  const bundle = bundles[locale];
  if (!loaded.has(locale)) {
    i18n.global.setLocaleMessage(locale, (await bundle.messages()) as MessageSchema);
    loaded.add(locale);
  }
  if (allWords) await loadRest(locale);
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
