import type { LoginWarningsDto, NotificationDto, PageQuery, Paged } from '@drp/shared';
import type { AxiosRequestConfig } from 'axios';
import { http } from './http';

/** 消息中心 and 登录预警 (`/api/notifications`, `/api/me/warnings`; contract of issue #5). */

export interface NotificationQuery extends PageQuery {
  unread?: 'true' | 'false';
}

/** a page of my notifications, with how many of all of them are unread (counted up to UNREAD_COUNT_LIMIT: more reads as `unreadText`) */
export type NotificationPage = Paged<NotificationDto> & { unread: number };

export const notificationsApi = {
  list: (query: NotificationQuery = {}, config?: AxiosRequestConfig) =>
    http.get<NotificationPage>('/notifications', { ...config, params: query }).then((r) => r.data),
  /** marks one read; answers how many are left unread */
  markRead: (id: string, config?: AxiosRequestConfig) => http.post<{ unread: number }>(`/notifications/${id}/read`, {}, config).then((r) => r.data),
  markAllRead: (config?: AxiosRequestConfig) => http.post<{ unread: number }>('/notifications/read-all', {}, config).then((r) => r.data),
};

export const warningsApi = {
  /** pending approvals, overdue receivables and low stock in my scope (zero without the permission to read them) */
  forMe: (config?: AxiosRequestConfig) => http.get<LoginWarningsDto>('/me/warnings', config).then((r) => r.data),
};
