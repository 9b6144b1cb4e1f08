import type { ChangePasswordInput, LoginInput, LoginResponse, MeDto, TokenPair } from '@drp/shared';
import { http } from './http';

export const authApi = {
  /** silent: the login page shows these errors inline */
  login: (input: LoginInput) => http.post<LoginResponse>('/auth/login', input, { silent: true }).then((r) => r.data),
  refresh: (refreshToken: string) => http.post<TokenPair>('/auth/refresh', { refreshToken }, { silent: true }).then((r) => r.data),
  logout: (refreshToken: string) => http.post<void>('/auth/logout', { refreshToken }, { silent: true }).then(() => undefined),
  me: () => http.get<MeDto>('/auth/me').then((r) => r.data),
  changePassword: (input: ChangePasswordInput) =>
    http.post<void>('/auth/change-password', input, { silent: true }).then(() => undefined),
};
