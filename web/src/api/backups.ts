import type { BackupRunDto, BackupSettingsDto, PageQuery, Paged } from '@drp/shared';
import { http } from './http';

/** Backups (HQ admin): the runs, "backup now", where files go and how to restore. */
export const backupsApi = {
  list: (query: PageQuery = {}) => http.get<Paged<BackupRunDto>>('/backups', { params: query }).then((r) => r.data),
  get: (id: string) => http.get<BackupRunDto>(`/backups/${id}`).then((r) => r.data),
  settings: () => http.get<BackupSettingsDto>('/backups/settings').then((r) => r.data),
  backupNow: () => http.post<BackupRunDto>('/backups').then((r) => r.data),
};
