import { describe, expect, it, vi } from 'vitest';
import { AxiosError, AxiosHeaders, type AxiosAdapter, type AxiosResponse, type InternalAxiosRequestConfig } from 'axios';
import type { TokenPair } from '@drp/shared';
import { ApiError, createHttp, type HttpDeps } from './http';

/** A fake server behind axios's adapter: answers by URL, 401 for stale tokens. */
function fakeServer() {
  const state = { validToken: 'access-2', refreshCalls: 0, refreshFails: false, requests: [] as InternalAxiosRequestConfig[] };

  const respond = (config: InternalAxiosRequestConfig, status: number, data: unknown): AxiosResponse => {
    const response = { data, status, statusText: String(status), headers: {}, config } as AxiosResponse;
    if (status >= 400) throw new AxiosError(`HTTP ${status}`, 'ERR_BAD_REQUEST', config, null, response);
    return response;
  };

  const adapter: AxiosAdapter = async (config) => {
    state.requests.push(config);
    await new Promise((r) => setTimeout(r, 5));
    const headers = AxiosHeaders.from(config.headers);
    if (config.url === '/auth/refresh') {
      state.refreshCalls += 1;
      const body = JSON.parse(config.data as string) as { refreshToken: string };
      if (state.refreshFails || body.refreshToken !== 'refresh-1') {
        return respond(config, 401, { statusCode: 401, code: 'REFRESH_TOKEN_INVALID', message: 'invalid' });
      }
      const pair: TokenPair = { accessToken: 'access-2', refreshToken: 'refresh-2', expiresIn: 900 };
      return respond(config, 200, pair);
    }
    if (headers.get('Authorization') !== `Bearer ${state.validToken}`) {
      return respond(config, 401, { statusCode: 401, code: 'UNAUTHENTICATED', message: 'expired' });
    }
    if (config.url === '/orgs/missing') {
      return respond(config, 404, { statusCode: 404, code: 'NOT_FOUND', message: 'no such org' });
    }
    return respond(config, 200, { url: config.url, lang: headers.get('Accept-Language') });
  };
  return { state, adapter };
}

function setup() {
  const server = fakeServer();
  const tokens = { access: 'access-1' as string | null, refresh: 'refresh-1' as string | null };
  const deps: HttpDeps = {
    getAccessToken: () => tokens.access,
    getRefreshToken: () => tokens.refresh,
    setTokens: vi.fn((pair: TokenPair) => {
      tokens.access = pair.accessToken;
      tokens.refresh = pair.refreshToken;
    }),
    getLocale: () => 'en',
    onSessionExpired: vi.fn(),
    onError: vi.fn(),
  };
  const http = createHttp(deps, '');
  http.defaults.adapter = server.adapter;
  return { http, deps, tokens, server };
}

describe('http client', () => {
  it('sends the bearer token and the language', async () => {
    const { http, server, tokens } = setup();
    tokens.access = 'access-2';
    const res = await http.get('/orgs');
    expect(res.data).toEqual({ url: '/orgs', lang: 'en' });
    expect(server.state.refreshCalls).toBe(0);
  });

  it('concurrent 401s share ONE refresh, then every request is retried with the new token', async () => {
    const { http, server, deps, tokens } = setup();
    const results = await Promise.all([http.get('/orgs'), http.get('/users'), http.get('/roles'), http.get('/auth/me')]);
    expect(results.map((r) => r.data.url)).toEqual(['/orgs', '/users', '/roles', '/auth/me']);
    expect(server.state.refreshCalls).toBe(1);
    expect(deps.setTokens).toHaveBeenCalledTimes(1);
    expect(tokens).toEqual({ access: 'access-2', refresh: 'refresh-2' });
    expect(deps.onSessionExpired).not.toHaveBeenCalled();
    expect(deps.onError).not.toHaveBeenCalled();
  });

  it('a later 401 (after the first refresh settled) refreshes again', async () => {
    const { http, server } = setup();
    await http.get('/orgs');
    expect(server.state.refreshCalls).toBe(1);
    server.state.validToken = 'access-3';
    // the refresh token is now refresh-2, which the fake server refuses: the session ends
    await expect(http.get('/orgs')).rejects.toBeInstanceOf(ApiError);
    expect(server.state.refreshCalls).toBe(2);
  });

  it('when the refresh fails, all waiting requests fail and the session ends', async () => {
    const { http, server, deps } = setup();
    server.state.refreshFails = true;
    const results = await Promise.allSettled([http.get('/orgs'), http.get('/users'), http.get('/roles')]);
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
    expect(server.state.refreshCalls).toBe(1);
    expect(deps.onSessionExpired).toHaveBeenCalled();
    const reason = (results[0] as PromiseRejectedResult).reason as ApiError;
    expect(reason.code).toBe('REFRESH_TOKEN_INVALID');
    expect(deps.onError).not.toHaveBeenCalled();
  });

  it('auth calls never trigger a refresh', async () => {
    const { http, server, deps } = setup();
    server.state.refreshFails = true;
    await expect(http.post('/auth/login', { username: 'x', password: 'y' }, { silent: true })).rejects.toMatchObject({ status: 401 });
    expect(server.state.refreshCalls).toBe(0);
    expect(deps.onSessionExpired).not.toHaveBeenCalled();
  });

  it('other errors become ApiError with the server code and are reported unless silent', async () => {
    const { http, deps, tokens } = setup();
    tokens.access = 'access-2';
    await expect(http.get('/orgs/missing')).rejects.toMatchObject({ code: 'NOT_FOUND', status: 404, message: 'no such org' });
    expect(deps.onError).toHaveBeenCalledTimes(1);
    await expect(http.get('/orgs/missing', { silent: true })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(deps.onError).toHaveBeenCalledTimes(1);
  });
});
