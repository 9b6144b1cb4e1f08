import type { Paged } from '@drp/shared';
import type { AxiosRequestConfig } from 'axios';
import { http } from './http';

/** 跑店 (`/api/visits`, `/api/visit-plans`). */

export interface VisitDto {
  id: string;
  clientId: string;
  repId: string;
  repName: string;
  dealerId: string;
  dealerCode: string;
  dealerName: string;
  dealerLat: number | null;
  dealerLng: number | null;
  planId: string | null;
  date: string;
  checkInAt: string;
  checkInDeviceAt: string | null;
  lat: number;
  lng: number;
  accuracyM: number | null;
  distanceM: number | null;
  radiusM: number;
  offSite: boolean;
  checkOutAt: string | null;
  durationS: number | null;
  notes: string | null;
  competitorNotes: string | null;
  displayNotes: string | null;
  orderId: string | null;
  photoCount: number;
  countLines: number;
}

export interface RouteStop {
  planId: string | null;
  dealerId: string;
  dealerCode: string;
  dealerName: string;
  address: string | null;
  lat: number | null;
  lng: number | null;
  purpose: string | null;
  tasks: string[];
  routeOrder: number;
  visit: VisitDto | null;
}

export interface VisitPlan {
  id: string;
  repId: string;
  repName: string;
  dealerId: string;
  dealerCode: string;
  dealerName: string;
  planDate: string;
  recurrence: 'NONE' | 'WEEKLY';
  weekday: number | null;
  untilDate: string | null;
  purpose: string | null;
  tasks: string[];
  routeOrder: number;
  version: number;
}

export interface CountRow {
  productId: string;
  productCode: string;
  productName: string;
  unit: string;
  lastDate: string | null;
  lastStock: string | null;
  lastSold: string | null;
  countedStock: string | null;
  countedSold: string | null;
}

export interface SyncItem {
  kind: 'CHECK_IN' | 'CHECK_OUT' | 'COUNTS' | 'NOTES';
  clientId: string;
  deviceAt: string;
  visitId?: string;
  visitClientId?: string;
  dealerId?: string;
  planId?: string;
  lat?: number;
  lng?: number;
  accuracy?: number;
  lines?: { productId: string; stock: string; sold: string }[];
  notes?: string;
  competitorNotes?: string;
  displayNotes?: string;
}

export interface SyncOutcome {
  clientId: string;
  kind: string;
  status: 'DONE' | 'DUPLICATE' | 'FAILED';
  visitId?: string | null;
  code?: string;
}

export interface RepDay {
  date: string;
  planned: number;
  plannedDone: number;
  done: number;
  offSite: number;
  durationS: number;
  photos: number;
  countLines: number;
}

export interface Board {
  from: string;
  to: string;
  reps: { repId: string; repName: string; days: RepDay[] }[];
  visits: VisitDto[];
}

export interface CoverageRow {
  dealerId: string;
  dealerCode: string;
  dealerName: string;
  lastVisit: string | null;
  lastRepName: string | null;
  visitsInPeriod: number;
  daysSince: number | null;
  stale: boolean;
}

export interface RepKpi {
  repId: string;
  repName: string;
  visits: number;
  daysWorked: number;
  visitsPerDay: string;
  onSiteRate: string | null;
  avgDurationS: number | null;
  ordersTaken: number;
  planned: number;
  plannedDone: number;
}

const data = <T>(p: Promise<{ data: T }>) => p.then((r) => r.data);

export const visitsApi = {
  route: (date?: string) => data(http.get<{ date: string; stops: RouteStop[]; openVisit: VisitDto | null }>('/visit-plans/route', { params: { date }, silent: true })),
  plans: (params: Record<string, unknown>) => data(http.get<Paged<VisitPlan>>('/visit-plans', { params })),
  createPlan: (body: Record<string, unknown>) => data(http.post<VisitPlan>('/visit-plans', body)),
  cancelPlan: (id: string) => data(http.delete<VisitPlan>(`/visit-plans/${id}`)),
  get: (id: string) => data(http.get<VisitDto>(`/visits/${id}`, { silent: true })),
  checkIn: (body: { dealerId: string; planId?: string; lat: number; lng: number; accuracy?: number; clientId: string; deviceAt: string }, config?: AxiosRequestConfig) => data(http.post<VisitDto>('/visits/check-in', body, config)),
  checkOut: (id: string, body: { deviceAt: string; notes?: string }, config?: AxiosRequestConfig) => data(http.post<VisitDto>(`/visits/${id}/check-out`, body, config)),
  notes: (id: string, body: { notes?: string; competitorNotes?: string; displayNotes?: string }, config?: AxiosRequestConfig) => data(http.patch<VisitDto>(`/visits/${id}`, body, config)),
  countSheet: (id: string) => data(http.get<CountRow[]>(`/visits/${id}/counts`)),
  counts: (id: string, lines: { productId: string; stock: string; sold: string }[], config?: AxiosRequestConfig) => data(http.post(`/visits/${id}/counts`, { lines }, config)),
  photos: (id: string) => data(http.get<{ id: string; url: string; fileName: string }[]>(`/visits/${id}/photos`)),
  addPhoto: (id: string, file: Blob, name: string) => {
    const form = new FormData();
    form.append('file', file, name);
    return data(http.post<{ id: string; url: string }>(`/visits/${id}/photos`, form));
  },
  order: (id: string, body: { warehouseId: string; lines: { productId: string; qty: string }[] }) => data(http.post<{ id: string; number: string }>(`/visits/${id}/order`, body)),
  sync: (items: SyncItem[]) => data(http.post<{ items: SyncOutcome[] }>('/visits/sync', { items }, { silent: true })),
  board: (params: { from?: string; to?: string; repId?: string }) => data(http.get<Board>('/visits/board', { params })),
  coverage: (days: number) => data(http.get<{ days: number; items: CoverageRow[] }>('/visits/coverage', { params: { days } })),
  kpis: (params: { from?: string; to?: string }) => data(http.get<{ items: RepKpi[] }>('/visits/kpis', { params })),
  reps: () => data(http.get<{ id: string; name: string }[]>('/visits/reps')),
};
