import { describe, expect, it } from 'vitest';
import { ALL_PERMISSIONS, DataScopeKind, ErrorCode, OrgType, PERMISSIONS, SettlementMethod } from '@drp/shared';
import type { RouteRecordRaw } from 'vue-router';
import { routes } from '@/router/routes';
import zhCN from './locales/zh-CN';
import zhCore from './locales/zh-CN.core';
import zhRest from './locales/zh-CN.rest';
import en from './locales/en';
import { i18n, loadLocale } from './index';

type Tree = { [key: string]: string | Tree };

function keys(tree: Tree, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([k, v]) => (typeof v === 'string' ? [prefix + k] : keys(v, `${prefix}${k}.`)));
}

function leaves(tree: Tree): string[] {
  return Object.values(tree).flatMap((v) => (typeof v === 'string' ? [v] : leaves(v)));
}

describe('i18n messages', () => {
  it('zh-CN and en have exactly the same keys', () => {
    const zh = keys(zhCN as Tree).sort();
    const english = keys(en as Tree).sort();
    expect(english.filter((k) => !zh.includes(k))).toEqual([]);
    expect(zh.filter((k) => !english.includes(k))).toEqual([]);
  });

  it('no message is empty', () => {
    expect(leaves(zhCN as Tree).filter((m) => m.trim() === '')).toEqual([]);
    expect(leaves(en as Tree).filter((m) => m.trim() === '')).toEqual([]);
  });

  // A new ErrorCode or permission in @drp/shared needs its label in BOTH locale files
  // (errors.<CODE>, permissions.<code>); otherwise users read the server's English text.
  it('every error code, permission and enum has a label in both languages', () => {
    const missing: string[] = [];
    const check = (lang: string, group: Record<string, unknown>, path: string, keys: string[]) =>
      keys.filter((k) => !(k in group)).forEach((k) => missing.push(`${lang}: ${path}.${k}`));
    for (const [lang, m] of [['zh-CN', zhCN], ['en', en]] as const) {
      check(lang, m.errors, 'errors', Object.values(ErrorCode));
      check(lang, m.permissions, 'permissions', ALL_PERMISSIONS);
      check(lang, m.role.groups, 'role.groups', [...new Set(Object.values(PERMISSIONS).map((p) => p.group))]);
      check(lang, m.org.type, 'org.type', Object.values(OrgType));
      check(lang, m.org.settlement, 'org.settlement', Object.values(SettlementMethod));
      check(lang, m.role.scopes, 'role.scopes', Object.values(DataScopeKind));
    }
    expect(missing).toEqual([]);
  });

  it('resolves permission keys with a colon and interpolates, in both languages', async () => {
    const { t } = i18n.global;
    expect(t('permissions.orgs:manage')).toBe('管理组织');
    expect(t('permissions.orders:manual-price')).toBe('手工改价');
    expect(t('errors.LOGIN_RATE_LIMITED', { seconds: 30 })).toContain('30');
    await loadLocale('en');
    expect(t('permissions.orgs:view')).toBe('View organizations');
    expect(t('menu.orgs')).toBe('Organizations');
    await loadLocale('zh-CN');
    expect(t('menu.orgs')).toBe('组织机构');
  });
});

/**
 * The first screens (RouteMeta `firstScreen`: login, the mall's home) open with only
 * zh-CN.core.ts; the rest of Chinese is loaded on the way to any other page. Every word those
 * screens (and whatever they import from src/) can show must be in core, or the screen shows a
 * raw key until something else loads the rest.
 */
describe('the first screens read only the first part of Chinese', () => {
  const FIRST_SCREENS = ['views/login/index.vue', 'views/mall/home/index.vue', 'layouts/MallLayout.vue', 'App.vue', 'main.ts'];
  /** every source file of the app, by its path under src/ */
  const sources: Record<string, string> = Object.fromEntries(
    Object.entries(import.meta.glob<string>(['../**/*.{ts,vue}', '!../**/*.spec.ts'], { query: '?raw', import: 'default', eager: true })).map(([path, text]) => [path.slice(3), text]),
  );

  /** `a/b/../c` → `a/c` */
  function normalize(path: string): string {
    const out: string[] = [];
    for (const part of path.split('/')) {
      if (part === '..') out.pop();
      else if (part !== '.' && part !== '') out.push(part);
    }
    return out.join('/');
  }

  /** the entries and every file of src/ they import, directly or not (static imports only: a lazy page is not part of the screen) */
  function reachable(entries: string[]): string[] {
    const seen = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const [, spec] of sources[file].matchAll(/^\s*import\s+(?!type\b)[^'";]*?from\s+'([^']+)'/gm)) {
        const base = spec.startsWith('@/') ? spec.slice(2) : spec.startsWith('.') ? normalize(`${file.split('/').slice(0, -1).join('/')}/${spec}`) : null;
        if (!base || base.startsWith('i18n/locales/')) continue;
        const found = [base, `${base}.ts`, `${base}/index.ts`].find((f) => f in sources);
        if (found) visit(found);
      }
    };
    entries.forEach(visit);
    return [...seen];
  }

  it('core and the rest share no top-level key, and together they are all of Chinese', () => {
    expect(Object.keys(zhCore).filter((k) => k in zhRest)).toEqual([]);
    expect(keys({ ...zhCore, ...zhRest } as Tree).sort()).toEqual(keys(zhCN as Tree).sort());
  });

  it('every key the first screens word is in core', () => {
    const files = reachable(FIRST_SCREENS);
    expect(files.length).toBeGreaterThan(FIRST_SCREENS.length);
    const used = files.flatMap((f) => [...sources[f].matchAll(/\b(?:t|te|\$t)\(\s*['`]([a-zA-Z]+(?:\.[\w:-]+)*)/g)].map((m) => `${f}: ${m[1]}`));
    expect(used.length).toBeGreaterThan(20);
    // a key is in core when its path (up to any `${…}` part) leads into core's tree
    const inCore = (key: string) => key.split('.').reduce<unknown>((node, part) => (node && typeof node === 'object' ? (node as Tree)[part] : undefined), zhCore) !== undefined;
    expect(used.filter((u) => !inCore(u.split(': ')[1]))).toEqual([]);
  });

  it('only login and the mall home are first screens', () => {
    const first = (routes: readonly RouteRecordRaw[]): string[] =>
      routes.flatMap((r) => [...(r.meta?.firstScreen ? [String(r.name)] : []), ...first(r.children ?? [])]);
    expect(first(routes).sort()).toEqual(['login', 'mall-home']);
  });
});
