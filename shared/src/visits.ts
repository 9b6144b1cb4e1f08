/**
 * Store visits (跑店): the pure rules both the server and the field app use.
 * - distanceMeters: great-circle (haversine) distance between two WGS-84 points, on a sphere of the
 *   mean Earth radius (6,371,008.8 m); accurate to a few metres at the scale of a shop.
 * - offSite: a check-in counts as off site when the dealer has a stored position and the distance is
 *   strictly greater than the company's radius; without a stored position it cannot be judged (not off site).
 */
export const EARTH_RADIUS_M = 6371008.8;
export const DEFAULT_VISIT_RADIUS_M = 500;

export enum VisitTask {
  STOCK_COUNT = 'STOCK_COUNT',
  DISPLAY_CHECK = 'DISPLAY_CHECK',
  COLLECT_PAYMENT = 'COLLECT_PAYMENT',
  NEW_PRODUCTS = 'NEW_PRODUCTS',
}

export interface GeoPoint {
  lat: number;
  lng: number;
}

/** Whether a latitude / longitude pair is a real position. */
export function validCoordinates(p: { lat?: unknown; lng?: unknown }): boolean {
  return typeof p.lat === 'number' && typeof p.lng === 'number' && Number.isFinite(p.lat) && Number.isFinite(p.lng) && Math.abs(p.lat) <= 90 && Math.abs(p.lng) <= 180;
}

/** Haversine distance in metres, rounded to the metre. */
export function distanceMeters(a: GeoPoint, b: GeoPoint): number {
  const rad = (d: number) => (d * Math.PI) / 180;
  const dLat = rad(b.lat - a.lat);
  const dLng = rad(b.lng - a.lng);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLng / 2) ** 2;
  return Math.round(2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h))));
}

/** The check-in's distance to the dealer and whether it is off site (null distance: the dealer has no stored position). */
export function judgeCheckIn(at: GeoPoint, dealer: { lat: number | null; lng: number | null }, radiusM: number): { distanceM: number | null; offSite: boolean } {
  if (dealer.lat === null || dealer.lng === null || dealer.lat === undefined || dealer.lng === undefined) return { distanceM: null, offSite: false };
  const distanceM = distanceMeters(at, { lat: Number(dealer.lat), lng: Number(dealer.lng) });
  return { distanceM, offSite: distanceM > radiusM };
}

/** ISO weekday (1 Monday .. 7 Sunday) of a YYYY-MM-DD day. */
export function isoWeekday(day: string): number {
  const d = new Date(`${day}T00:00:00Z`).getUTCDay();
  return d === 0 ? 7 : d;
}

/** Whether a plan falls on a day: a one-off on its date; a weekly plan on its weekday from its first date up to its last. */
export function planOccursOn(plan: { planDate: string; recurrence: 'NONE' | 'WEEKLY'; weekday: number | null; untilDate: string | null }, day: string): boolean {
  if (plan.recurrence === 'NONE') return plan.planDate === day;
  if (day < plan.planDate) return false;
  if (plan.untilDate && day > plan.untilDate) return false;
  return isoWeekday(day) === plan.weekday;
}
