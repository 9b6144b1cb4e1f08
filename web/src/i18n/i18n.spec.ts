import { describe, expect, it } from 'vitest';
import { ALL_PERMISSIONS, DataScopeKind, ErrorCode, OrgType, PERMISSIONS, SettlementMethod } from '@drp/shared';
import zhCN from './locales/zh-CN';
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
