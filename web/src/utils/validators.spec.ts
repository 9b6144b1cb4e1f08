import { afterAll, describe, expect, it } from 'vitest';
import { loadLocale } from '@/i18n';
import { ApiError } from '@/api/http';
import { errorMessage } from '@/api/errors';
import { passwordIssues } from './validators';

describe('password rule in the forms (the shared passwordProblem, translated)', () => {
  // pure specs share one i18n instance per worker: leave it in the default language
  afterAll(() => loadLocale('zh-CN'));

  it('says why a password is refused, in the current language', async () => {
    await loadLocale('en');
    expect(passwordIssues('Better#2027', 'bj.manager')).toEqual([]);
    expect(passwordIssues('short')).toEqual(['At least 8 characters']);
    expect(passwordIssues('alllowercase')).toEqual(['Needs three of: lowercase, uppercase, digit, symbol']);
    expect(passwordIssues('X#Bj.Manager1', 'bj.manager')).toEqual(['Must not contain the username']);
    expect(passwordIssues('P@ssw0rd')).toEqual(['Too common: choose a password that is harder to guess']);
    // the demo password is left to the server (the web does not know whether this is the demo)
    expect(passwordIssues('Demo#2026')).toEqual([]);
    await loadLocale('zh-CN');
    expect(passwordIssues('X#Bj.Manager1', 'bj.manager')).toEqual(['不能包含用户名']);
  });

  it("shows the server's WEAK_PASSWORD reason", async () => {
    await loadLocale('en');
    const err = new ApiError(400, 'WEAK_PASSWORD', 'Password refused', { field: 'newPassword', reason: 'DEMO_PASSWORD', problems: [] });
    expect(errorMessage(err)).toBe('The published demo password cannot be used here');
    const limited = new ApiError(429, 'LOGIN_RATE_LIMITED', 'Too many', { retryAfterSeconds: 42, scope: 'password' });
    expect(errorMessage(limited)).toContain('42');
  });
});
