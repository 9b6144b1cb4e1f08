// @vitest-environment jsdom
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import type { LoginResponse, MeDto } from '@drp/shared';

vi.mock('@/api/auth', () => ({
  authApi: {
    login: vi.fn(),
    logout: vi.fn(),
    me: vi.fn(),
  },
}));

import { authApi } from '@/api/auth';
import { useAuthStore } from './auth';

const me = {
  id: 'u1',
  username: 'bj.manager',
  displayName: '北京经理',
  permissions: ['orgs:view', 'orgs:manage', 'users:view'],
  roles: [],
} as unknown as MeDto;

const loginResponse: LoginResponse = { accessToken: 'access-1', refreshToken: 'refresh-1', expiresIn: 900, user: me };

describe('auth store', () => {
  beforeEach(() => {
    localStorage.clear();
    setActivePinia(createPinia());
    vi.mocked(authApi.login).mockResolvedValue(loginResponse);
    vi.mocked(authApi.logout).mockResolvedValue(undefined);
  });

  it('login stores both tokens (also in localStorage) and the user', async () => {
    const auth = useAuthStore();
    expect(auth.isLoggedIn).toBe(false);
    await auth.login({ username: 'bj.manager', password: 'Demo#2026' });
    expect(authApi.login).toHaveBeenCalledWith({ username: 'bj.manager', password: 'Demo#2026' });
    expect(auth.isLoggedIn).toBe(true);
    expect(auth.accessToken).toBe('access-1');
    expect(auth.refreshToken).toBe('refresh-1');
    expect(auth.me?.username).toBe('bj.manager');
    expect(localStorage.getItem('drp.accessToken')).toBe('access-1');
    expect(localStorage.getItem('drp.refreshToken')).toBe('refresh-1');
  });

  it('a new store picks the tokens up from localStorage (page reload)', async () => {
    await useAuthStore().login({ username: 'bj.manager', password: 'x' });
    setActivePinia(createPinia());
    const reloaded = useAuthStore();
    expect(reloaded.isLoggedIn).toBe(true);
    expect(reloaded.refreshToken).toBe('refresh-1');
    expect(reloaded.me).toBeNull();
  });

  it('can() checks one permission, any of a list, and allows when nothing is required', async () => {
    const auth = useAuthStore();
    expect(auth.can('orgs:view')).toBe(false);
    await auth.login({ username: 'bj.manager', password: 'x' });
    expect(auth.can('orgs:manage')).toBe(true);
    expect(auth.can('roles:manage')).toBe(false);
    expect(auth.can(['roles:manage', 'users:view'])).toBe(true);
    expect(auth.can(['roles:manage', 'audit:view'])).toBe(false);
    expect(auth.can(undefined)).toBe(true);
    expect(auth.can([])).toBe(true);
  });

  it('logout revokes the refresh token on the server and clears everything', async () => {
    const auth = useAuthStore();
    await auth.login({ username: 'bj.manager', password: 'x' });
    await auth.logout();
    expect(authApi.logout).toHaveBeenCalledWith('refresh-1');
    expect(auth.isLoggedIn).toBe(false);
    expect(auth.me).toBeNull();
    expect(auth.can('orgs:view')).toBe(false);
    expect(localStorage.getItem('drp.accessToken')).toBeNull();
    expect(localStorage.getItem('drp.refreshToken')).toBeNull();
  });

  it('logout still clears the session when the server call fails', async () => {
    vi.mocked(authApi.logout).mockRejectedValue(new Error('offline'));
    const auth = useAuthStore();
    await auth.login({ username: 'bj.manager', password: 'x' });
    await auth.logout();
    expect(auth.isLoggedIn).toBe(false);
    expect(localStorage.getItem('drp.refreshToken')).toBeNull();
  });
});
