import { agingBuckets, Dec, DEFAULT_AGING_BOUNDS, type AgingBucket, type AgingReport, type AgingRow } from '@drp/shared';

/**
 * 账龄分析: the editable bucket bounds, the bucket captions and the chart data. The server
 * computes the report; this only shapes what is shown.
 */

export type BoundsProblem = 'empty' | 'format' | 'order' | 'tooMany';

export const MAX_BOUNDS = 10;

/** "30, 60，90" -> [30, 60, 90]; positive integers of up to 4 digits rising strictly (the server's rule), at most 10. */
export function parseBounds(text: string): { bounds: number[] } | { problem: BoundsProblem } {
  const parts = text
    .split(/[,，\s]+/)
    .map((p) => p.trim())
    .filter(Boolean);
  if (!parts.length) return { problem: 'empty' };
  if (parts.some((p) => !/^\d{1,4}$/.test(p))) return { problem: 'format' };
  const bounds = parts.map(Number);
  if (bounds.length > MAX_BOUNDS) return { problem: 'tooMany' };
  try {
    agingBuckets(bounds);
  } catch {
    return { problem: 'order' };
  }
  return { bounds };
}

export function boundsText(bounds: readonly number[] = DEFAULT_AGING_BOUNDS): string {
  return bounds.join(',');
}

/** The bucket captions as a translate function renders them: "0-30天" / "90天以上". */
export function bucketCaption(bucket: AgingBucket, t: (key: string, params: Record<string, unknown>) => string): string {
  return bucket.to === null
    ? t('finance.aging.bucketOpen', { from: bucket.from - 1 })
    : t('finance.aging.bucketRange', { from: bucket.from === 1 ? 0 : bucket.from, to: bucket.to }); // the first bucket reads 0-30 (1 to 30 days past due)
}

/** A row's name, with its code when it has one; the unassigned group (key null) gets `fallback`. */
export function rowName(row: Pick<AgingRow, 'key' | 'code' | 'name'>, fallback: string): string {
  if (row.key === null && !row.name) return fallback;
  return row.name || fallback;
}

/** The `n` rows with the largest totals, largest first. */
export function topRows(rows: readonly AgingRow[], n = 10): AgingRow[] {
  return [...rows].sort((a, b) => new Dec(b.total).comparedTo(a.total)).slice(0, n);
}

/** Amount strings to chart numbers (display only: the table shows the exact decimals). */
const num = (v: string) => Number(new Dec(v).toFixed(2));

/** Bucket colours: not yet due green, then warmer as receivables grow older. */
export const SERIES_COLORS = ['#52c41a', '#2f6bff', '#faad14', '#fa8c16', '#f5222d', '#a8071a', '#722ed1', '#13c2c2', '#8c8c8c', '#595959'];

export interface ChartSeries {
  name: string;
  data: number[];
}

/**
 * The stacked bar chart of the top rows: one category per row (largest total first), one series for
 * the not-yet-due amount and one per bucket. `names` maps a row to its caption.
 */
export function stackedBarData(report: AgingReport, captions: { current: string; buckets: string[] }, name: (row: AgingRow) => string, n = 10) {
  const rows = topRows(report.rows, n);
  const categories = rows.map(name);
  const series: ChartSeries[] = [
    { name: captions.current, data: rows.map((r) => num(r.current)) },
    ...report.buckets.map((_, i) => ({ name: captions.buckets[i], data: rows.map((r) => num(r.buckets[i] ?? '0')) })),
  ];
  return { categories, series };
}

/** The pie of the totals: not yet due and each bucket, zero slices left out. */
export function pieData(report: AgingReport, captions: { current: string; buckets: string[] }): { name: string; value: number; color: string }[] {
  const slices = [
    { name: captions.current, value: num(report.totals.current), color: SERIES_COLORS[0] },
    ...report.buckets.map((_, i) => ({ name: captions.buckets[i], value: num(report.totals.buckets[i] ?? '0'), color: SERIES_COLORS[(i + 1) % SERIES_COLORS.length] })),
  ];
  return slices.filter((s) => s.value > 0);
}

/** The share of the total that is overdue, as a percentage with one decimal ("37.5"); "0.0" without receivables. */
export function overdueShare(totals: Pick<AgingRow, 'overdue' | 'total'>): string {
  const total = new Dec(totals.total);
  if (total.isZero()) return '0.0';
  return new Dec(totals.overdue).div(total).times(100).toFixed(1);
}
