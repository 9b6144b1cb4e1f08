import type { AuditLogDto, PageQuery, Paged } from '@drp/shared';
import { http } from './http';

export interface AuditQuery extends PageQuery {
  entity?: string;
  entityId?: string;
  actorId?: string;
  action?: string;
  /** YYYY-MM-DD */
  from?: string;
  /** YYYY-MM-DD */
  to?: string;
}

export const auditApi = {
  list: (query: AuditQuery = {}) => http.get<Paged<AuditLogDto>>('/audit-logs', { params: query }).then((r) => r.data),
};
