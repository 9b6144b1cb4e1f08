import { Dec, type AnalysisDimension, type AnalysisMeasure, type AnalysisRow } from '@drp/shared';
import { formatAmount, groupThousands } from '@/utils/money';
import { keyField, nameField } from './pivot';

/** How the analysis shows its figures and dimension values (one place for the table, the chart and the drill-down title). */

type Translate = (key: string, params?: Record<string, unknown>) => string;

/** Measures that are counts or quantities (grouped, no forced decimals) and the one that is a rate. */
const QUANTITIES: readonly AnalysisMeasure[] = ['quantity', 'orderCount'];

export function isRate(measure: AnalysisMeasure): boolean {
  return measure === 'marginRate';
}

/** A measure's figure for people: amounts "1,234.50", quantities "1,250", the margin rate "23.5%"; '—' for none. */
export function formatMeasure(measure: AnalysisMeasure, value: string | null | undefined): string {
  if (value === null || value === undefined || value === '') return '—';
  if (isRate(measure)) return `${new Dec(value).times(100).toFixed(1)}%`;
  if (QUANTITIES.includes(measure)) return groupThousands(new Dec(value).toFixed());
  return formatAmount(value);
}

/** A change: "+12.5%", "-3.0%", a rate's "+1.2pt"; '—' for none. */
export function formatChange(change: { kind: 'pct' | 'pt'; value: string } | null): string {
  if (!change) return '—';
  const sign = change.value.startsWith('-') ? '' : '+';
  return `${sign}${change.value}${change.kind === 'pct' ? '%' : 'pt'}`;
}

/** A figure as a chart value (display only: ECharts plots numbers; the margin rate in percent). */
export function chartNumber(measure: AnalysisMeasure, value: string | null | undefined): number | null {
  if (value === null || value === undefined || value === '') return null;
  return isRate(measure) ? Number(new Dec(value).times(100).toFixed(2)) : Number(value);
}

/** A dimension's value in a row for people: the name of an id, the words of a source or level, the period key as it is. */
export function dimensionLabel(dim: AnalysisDimension, row: AnalysisRow, t: Translate): string {
  const key = row[keyField(dim)] ?? null;
  const nf = nameField(dim);
  if (nf) return row[nf] ?? (key === null ? t('reports.pivot.none') : key);
  if (key === null || key === '') return t('reports.pivot.none');
  if (dim === 'source') return t(`reports.source.${key}`);
  if (dim === 'dealerLevel') return t('reports.level', { n: key });
  return key;
}
