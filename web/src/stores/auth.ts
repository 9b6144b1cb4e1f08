import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { OrgType, type LoginInput, type MeDto, type Permission, type TokenPair } from '@drp/shared';
import { authApi } from '@/api/auth';

const ACCESS_KEY = 'drp.accessToken';
const REFRESH_KEY = 'drp.refreshToken';

function read(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

function write(key: string, value: string | null): void {
  try {
    if (value === null) localStorage.removeItem(key);
    else localStorage.setItem(key, value);
  } catch {
    // storage unavailable (private mode): the session lives in memory only
  }
}

/** A permission or a list of which any one suffices. */
export type PermissionCheck = Permission | Permission[] | undefined | null;

/** The session: tokens (kept in localStorage), the current user and what they may do. */
export const useAuthStore = defineStore('auth', () => {
  const accessToken = ref<string | null>(read(ACCESS_KEY));
  const refreshToken = ref<string | null>(read(REFRESH_KEY));
  const me = ref<MeDto | null>(null);

  const isLoggedIn = computed(() => !!accessToken.value);
  const permissions = computed(() => new Set<string>(me.value?.permissions ?? []));
  /** the user belongs to a dealer (a dealer's admin or staff), not to HQ or a branch */
  const isDealerUser = computed(() => me.value?.org?.type === OrgType.DEALER);

  /** True when the user holds the permission (or any of the list); no requirement -> true. */
  function can(perm: PermissionCheck): boolean {
    if (!perm || (Array.isArray(perm) && perm.length === 0)) return true;
    const list = Array.isArray(perm) ? perm : [perm];
    return list.some((p) => permissions.value.has(p));
  }

  function setTokens(pair: Pick<TokenPair, 'accessToken' | 'refreshToken'>): void {
    accessToken.value = pair.accessToken;
    refreshToken.value = pair.refreshToken;
    write(ACCESS_KEY, pair.accessToken);
    write(REFRESH_KEY, pair.refreshToken);
  }

  async function login(input: LoginInput): Promise<MeDto> {
    const res = await authApi.login(input);
    setTokens(res);
    me.value = res.user;
    return res.user;
  }

  async function fetchMe(): Promise<MeDto> {
    me.value = await authApi.me();
    return me.value;
  }

  /** Forget everything locally (no server call). */
  function clear(): void {
    accessToken.value = null;
    refreshToken.value = null;
    me.value = null;
    write(ACCESS_KEY, null);
    write(REFRESH_KEY, null);
  }

  /** Revoke the refresh token on the server (best effort), then forget the session. */
  async function logout(): Promise<void> {
    const token = refreshToken.value;
    try {
      if (token) await authApi.logout(token);
    } catch {
      // the server may already consider the session gone: logging out locally is what matters
    } finally {
      clear();
    }
  }

  return { accessToken, refreshToken, me, isLoggedIn, permissions, isDealerUser, can, setTokens, login, fetchMe, clear, logout };
});
