/**
 * The one HTTP client. Everything the app asks the server goes through `http`:
 * - on the way out: `Authorization: Bearer <access token>` and `Accept-Language`;
 * - on a 401 from a non-auth call: refresh the token pair once (concurrent 401s share that one
 *   refresh) and retry; if the refresh fails, the session is over;
 * - any other error: a toast with the message translated from the error `code` (unless the
 *   caller asked for `silent` and handles the error itself).
 *
 * `createHttp(deps)` builds a client around injected dependencies, so the client never imports
 * the stores or the router (no import cycles) and tests can drive it with a fake adapter.
 */
import axios, { AxiosError, AxiosHeaders, type AxiosInstance, type InternalAxiosRequestConfig } from 'axios';
import type { ApiErrorBody, TokenPair } from '@drp/shared';

declare module 'axios' {
  interface AxiosRequestConfig {
    /** do not toast errors: the caller shows them itself */
    silent?: boolean;
    /** internal: this request is a retry after a refresh */
    _retried?: boolean;
  }
}

/** An API failure with the server's stable code (or NETWORK / TIMEOUT / UNKNOWN). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly requestId?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** set once a toast was shown for it, so callers do not show a second one */
  notified = false;

  static from(error: unknown): ApiError {
    if (error instanceof ApiError) return error;
    if (axios.isAxiosError(error)) {
      const body = error.response?.data as Partial<ApiErrorBody> | undefined;
      if (error.response) {
        const code = typeof body?.code === 'string' ? body.code : 'UNKNOWN';
        const message = typeof body?.message === 'string' ? body.message : error.message;
        return new ApiError(error.response.status, code, message, body?.details, body?.requestId);
      }
      if (error.code === AxiosError.ECONNABORTED || error.code === AxiosError.ETIMEDOUT) {
        return new ApiError(0, 'TIMEOUT', error.message);
      }
      return new ApiError(0, 'NETWORK', error.message);
    }
    return new ApiError(0, 'UNKNOWN', error instanceof Error ? error.message : String(error));
  }
}

export function isApiError(error: unknown, code?: string): error is ApiError {
  return error instanceof ApiError && (code === undefined || error.code === code);
}

export interface HttpDeps {
  getAccessToken(): string | null;
  getRefreshToken(): string | null;
  setTokens(pair: TokenPair): void;
  getLocale(): string;
  /** the refresh failed or there was nothing to refresh with: clear the session, go to login */
  onSessionExpired(error: ApiError): void;
  /** show an error to the user (a toast) */
  onError(error: ApiError): void;
}

/** Calls that must never trigger a refresh (their 401 means what it says). */
const AUTH_CALLS = ['/auth/login', '/auth/refresh', '/auth/logout'];

function isAuthCall(url: string | undefined): boolean {
  return !!url && AUTH_CALLS.some((path) => url.endsWith(path));
}

export function createHttp(deps: HttpDeps, baseURL = '/api'): AxiosInstance {
  const instance = axios.create({ baseURL, timeout: 30_000 });

  // One refresh at a time: every 401 that arrives while it runs awaits the same promise.
  let refreshing: Promise<string> | null = null;

  function refreshOnce(): Promise<string> {
    if (!refreshing) {
      refreshing = (async () => {
        const refreshToken = deps.getRefreshToken();
        if (!refreshToken) throw new ApiError(401, 'UNAUTHENTICATED', 'no refresh token');
        const { data } = await instance.post<TokenPair>('/auth/refresh', { refreshToken }, { silent: true });
        deps.setTokens(data);
        return data.accessToken;
      })().finally(() => {
        refreshing = null;
      });
    }
    return refreshing;
  }

  instance.interceptors.request.use((config: InternalAxiosRequestConfig) => {
    const headers = AxiosHeaders.from(config.headers);
    const token = deps.getAccessToken();
    if (token && !isAuthCall(config.url)) headers.set('Authorization', `Bearer ${token}`);
    headers.set('Accept-Language', deps.getLocale());
    config.headers = headers;
    return config;
  });

  instance.interceptors.response.use(
    (response) => response,
    async (error: unknown) => {
      const config = axios.isAxiosError(error) ? error.config : undefined;
      const status = axios.isAxiosError(error) ? error.response?.status : undefined;

      if (status === 401 && config && !isAuthCall(config.url) && !config._retried) {
        let accessToken: string;
        try {
          accessToken = await refreshOnce();
        } catch (refreshError) {
          const apiError = ApiError.from(refreshError);
          deps.onSessionExpired(apiError);
          apiError.notified = true;
          throw apiError;
        }
        const headers = AxiosHeaders.from(config.headers);
        headers.set('Authorization', `Bearer ${accessToken}`);
        return instance.request({ ...config, headers, _retried: true });
      }

      const apiError = ApiError.from(error);
      if (status === 401 && config?._retried) {
        // Even the fresh token was refused: the account lost its session on the server.
        deps.onSessionExpired(apiError);
        apiError.notified = true;
      } else if (!config?.silent) {
        deps.onError(apiError);
        apiError.notified = true;
      }
      throw apiError;
    },
  );

  return instance;
}

// ---- the app's instance, wired to the stores and router by `setupHttp` in main.ts ----

let appDeps: HttpDeps = {
  getAccessToken: () => null,
  getRefreshToken: () => null,
  setTokens: () => undefined,
  getLocale: () => 'zh-CN',
  onSessionExpired: () => undefined,
  onError: () => undefined,
};

export function configureHttp(deps: HttpDeps): void {
  appDeps = deps;
}

/** The shared client; its interceptors read `appDeps` at call time. */
export const http = createHttp({
  getAccessToken: () => appDeps.getAccessToken(),
  getRefreshToken: () => appDeps.getRefreshToken(),
  setTokens: (pair) => appDeps.setTokens(pair),
  getLocale: () => appDeps.getLocale(),
  onSessionExpired: (error) => appDeps.onSessionExpired(error),
  onError: (error) => appDeps.onError(error),
});
