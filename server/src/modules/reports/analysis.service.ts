import { Injectable } from '@nestjs/common';
import {
  ANALYSIS_DIMENSIONS, ANALYSIS_LIMITS, ANALYSIS_MEASURES, AnalysisDimension, AnalysisDocument, AnalysisDocumentKind, AnalysisMeasure, AnalysisResult, AnalysisRow,
  comparePeriod, daysInclusive, DEFAULT_PAGE_SIZE, ErrorCode, fmt, Paged, periodRange, PivotSort,
} from '@drp/shared';
import { RawBuilder, sql } from 'kysely';
import { RequestContext } from '../../common/context/request-context';
import { DomainError, notFound } from '../../common/errors/domain-error';
import { orgScope } from '../../common/scope/data-scope';
import { DbService } from '../../database/db.service';
import { AnalysisDocumentsQueryDto, AnalysisQueryDto } from './analysis.dto';
import { groupedPositions, keysOf, measuresOf, SumRow } from './analysis.rows';
import { AnalysisFilters, basesOf, CellKey, documentsStatement, flatStatement, isPeriod, kindsOf, ParsedAnalysis, pivotStatement, ScopeOn } from './analysis.sql';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const list = (s: string | undefined) => (s === undefined ? undefined : [...new Set(s.split(',').map((x) => x.trim()).filter(Boolean))]);

/**
 * The analysis engine (issue #16, ARCHITECTURE §9 `GET /api/reports/analysis`): validates the
 * request against the contract (shared/src/analysis.ts), runs the one statement of analysis.sql.ts
 * under the caller's scope and shapes rows, subtotals and totals. A branch user's report is its
 * subtree's as if it were its own company: every fact is joined to the dealers of the caller's
 * scope, so nothing outside it is ever summed.
 */
@Injectable()
export class AnalysisService {
  constructor(private readonly db: DbService) {}

  /** The wire query as a validated request; every bad input answers 400 with its own code. */
  parse(q: AnalysisQueryDto): ParsedAnalysis {
    const measures = list(q.measures) ?? [];
    const unknownMeasure = measures.find((m) => !(ANALYSIS_MEASURES as readonly string[]).includes(m));
    if (unknownMeasure !== undefined || !measures.length) {
      throw new DomainError(ErrorCode.ANALYSIS_UNKNOWN_MEASURE, `unknown measure: ${unknownMeasure ?? '(none given)'}`, { field: 'measures', value: unknownMeasure ?? '', allowed: ANALYSIS_MEASURES });
    }
    const dimensions = (q.dimensions ?? '').split(',').map((x) => x.trim()).filter(Boolean);
    const unknownDim = dimensions.find((d, i) => !(ANALYSIS_DIMENSIONS as readonly string[]).includes(d) || dimensions.indexOf(d) !== i);
    if (unknownDim !== undefined) {
      throw new DomainError(ErrorCode.ANALYSIS_UNKNOWN_DIMENSION, `unknown or repeated dimension: ${unknownDim}`, { field: 'dimensions', value: unknownDim, allowed: ANALYSIS_DIMENSIONS });
    }
    if (dimensions.length > ANALYSIS_LIMITS.maxDimensions) {
      throw new DomainError(ErrorCode.ANALYSIS_TOO_MANY_DIMENSIONS, `at most ${ANALYSIS_LIMITS.maxDimensions} dimensions`, { count: dimensions.length, maxDimensions: ANALYSIS_LIMITS.maxDimensions });
    }
    if (q.from > q.to) throw new DomainError(ErrorCode.ANALYSIS_BAD_PERIOD, 'from is after to', { field: 'from', value: q.from, to: q.to });
    const days = daysInclusive(q.from, q.to);
    if (days > ANALYSIS_LIMITS.maxDays) {
      throw new DomainError(ErrorCode.ANALYSIS_PERIOD_TOO_LONG, `the period spans ${days} days; at most ${ANALYSIS_LIMITS.maxDays}`, { days, maxDays: ANALYSIS_LIMITS.maxDays });
    }
    const filters: AnalysisFilters = {
      branchIds: list(q.branchId),
      officeIds: list(q.officeId),
      dealerIds: list(q.dealerId),
      repIds: list(q.repId),
      productIds: list(q.productId),
      categoryIds: list(q.categoryId),
      brands: list(q.brand),
      sources: list(q.source),
    };
    for (const k of Object.keys(filters) as (keyof AnalysisFilters)[]) if (!filters[k]?.length) delete filters[k];
    return {
      measures: measures as AnalysisMeasure[],
      dimensions: dimensions as AnalysisDimension[],
      from: q.from,
      to: q.to,
      compared: q.compare ? comparePeriod(q.from, q.to, q.compare) : undefined,
      filters,
    };
  }

  private scope(ctx: RequestContext): { on: ScopeOn; all: boolean } {
    return { on: (col) => orgScope(ctx, col), all: ctx.isSystem || !!ctx.user?.scope.all };
  }

  /**
   * Organisations named by a filter or a cell must be visible: inside the caller's scope, or above
   * it (an office's user sees its rows keyed by the branch it rolls up into). Anything else is
   * 404, as if it did not exist (ARCHITECTURE §5).
   */
  async assertOrgsVisible(ctx: RequestContext, ids: string[]): Promise<void> {
    if (!ids.length) return;
    const found = await this.db.rows(
      ctx,
      this.db.k
        .selectFrom('organization as o')
        .select('o.id')
        .where('o.id', 'in', ids)
        .where(({ exists, selectFrom }) => exists(selectFrom('organization as v').select('v.id').where(sql<boolean>`v.path LIKE o.path || '%'`).where(orgScope(ctx, 'v.id')))),
    );
    const missing = ids.find((id) => !found.some((f) => f.id === id));
    if (missing) throw notFound('organization', missing);
  }

  private filterOrgIds(p: ParsedAnalysis): string[] {
    return [...(p.filters.branchIds ?? []), ...(p.filters.officeIds ?? []), ...(p.filters.dealerIds ?? [])];
  }

  private async run(ctx: RequestContext, statement: RawBuilder<unknown>): Promise<SumRow[]> {
    const compiled = statement.compile(this.db.k);
    return this.db.tx(ctx, async (tx) => {
      await this.plannerSettings(tx);
      return this.db.query<SumRow>(tx, compiled.sql, compiled.parameters as unknown[]);
    });
  }

  /**
   * For the one analysis statement, in its own transaction: PostgreSQL cannot estimate how many
   * groups computed keys (a month of a joined date, a dealer's branch from its path) make and
   * assumes about one per fact row, so it sorts millions of rows (spilling to disk) to aggregate
   * them; a pivot has hundreds of groups. Sorting turned off, it hashes them (and a hash that does
   * outgrow memory spills by itself). Measured in e2e/bench/analysis.bench.ts.
   */
  async plannerSettings(tx: RequestContext): Promise<void> {
    await this.db.query(tx, 'SET LOCAL enable_sort = off');
  }

  async analyse(ctx: RequestContext, dto: AnalysisQueryDto): Promise<AnalysisResult> {
    const p = this.parse(dto);
    await this.assertOrgsVisible(ctx, this.filterOrgIds(p));
    const scope = this.scope(ctx);
    const { statement, compare } = pivotStatement(p, scope.on, scope.all, ANALYSIS_LIMITS.maxRows + 1);
    const raw = await this.run(ctx, statement);
    return this.shape(p, raw, compare);
  }

  /** Statement rows (grouping sets) to the wire: full rows, subtotals per subset, totals. */
  shape(p: ParsedAnalysis, raw: SumRow[], compare: boolean): AnalysisResult {
    const n = p.dimensions.length;
    const full = (1 << n) - 1;
    const bySet = new Map<number, SumRow[]>();
    for (const r of raw) {
      const g = Number(r.g);
      const rows = bySet.get(g) ?? [];
      rows.push(r);
      bySet.set(g, rows);
    }
    let truncated = false;
    const toRows = (g: number): AnalysisRow[] => {
      const rows = bySet.get(g) ?? [];
      if (rows.length > ANALYSIS_LIMITS.maxRows) truncated = true;
      const kept = groupedPositions(g, n);
      return rows.slice(0, ANALYSIS_LIMITS.maxRows).map((r) => ({ ...keysOf(r, p.dimensions, kept), ...measuresOf(r, p.measures, compare) }));
    };
    const totalsRow = (bySet.get(n ? full : 0) ?? [])[0] ?? {};
    // proper, non-empty subsets: fewest dimensions first, then in the order the dimensions were asked
    const sets: number[][] = [];
    for (let g = 1; g < full; g++) sets.push(groupedPositions(g, n));
    sets.sort((a, b) => a.length - b.length || a.join().localeCompare(b.join()));
    const maskOf = (kept: number[]) => full - kept.reduce((m, i) => m | (1 << (n - 1 - i)), 0);
    const subtotals: AnalysisResult['subtotals'] = sets.map((kept) => ({ dimensions: kept.map((i) => p.dimensions[i]), rows: toRows(maskOf(kept)) }));
    return {
      rows: n ? toRows(0) : [],
      totals: measuresOf(totalsRow, p.measures, compare),
      subtotals,
      ...(p.compared ? { compareFrom: p.compared.from, compareTo: p.compared.to } : {}),
      truncated,
    };
  }

  /** The flat statement of an export (every full-key row, in the pivot's order under the page's sort) and what shapes its rows. */
  exportPlan(ctx: RequestContext, p: ParsedAnalysis, sort: PivotSort | null = null): { sql: string; parameters: unknown[]; compare: boolean } {
    const scope = this.scope(ctx);
    const { statement, compare } = flatStatement(p, scope.on, scope.all, sort);
    const compiled = statement.compile(this.db.k);
    return { sql: compiled.sql, parameters: compiled.parameters as unknown[], compare };
  }

  /** The cell of a drill-down: known dimensions only, each key valid for its dimension. */
  parseCell(raw: string | undefined): CellKey[] {
    if (raw === undefined || raw === '') return [];
    let obj: unknown;
    try {
      obj = JSON.parse(raw);
    } catch {
      throw new DomainError(ErrorCode.VALIDATION_FAILED, 'cell must be a JSON object of dimension keys', { field: 'cell' });
    }
    if (!obj || typeof obj !== 'object' || Array.isArray(obj)) throw new DomainError(ErrorCode.VALIDATION_FAILED, 'cell must be a JSON object of dimension keys', { field: 'cell' });
    const cell: CellKey[] = [];
    for (const [dim, value] of Object.entries(obj as Record<string, unknown>)) {
      if (!(ANALYSIS_DIMENSIONS as readonly string[]).includes(dim)) {
        throw new DomainError(ErrorCode.ANALYSIS_UNKNOWN_DIMENSION, `unknown dimension in cell: ${dim}`, { field: 'cell', value: dim, allowed: ANALYSIS_DIMENSIONS });
      }
      if (value !== null && typeof value !== 'string') throw new DomainError(ErrorCode.VALIDATION_FAILED, `cell.${dim} must be a string or null`, { field: `cell.${dim}` });
      const d = dim as AnalysisDimension;
      if (isPeriod(d)) {
        const range = value === null ? null : periodRange(d, value);
        if (!range) throw new DomainError(ErrorCode.ANALYSIS_BAD_PERIOD, `cell.${dim} is not a ${dim} key`, { field: `cell.${dim}`, value });
        cell.push({ dim: d, value, range });
      } else if (['branch', 'office', 'rep', 'dealer', 'product', 'category'].includes(d) && value !== null && !UUID.test(value)) {
        throw new DomainError(ErrorCode.VALIDATION_FAILED, `cell.${dim} must be an id`, { field: `cell.${dim}` });
      } else if (d === 'dealerLevel' && value !== null && !/^\d{1,2}$/.test(value)) {
        throw new DomainError(ErrorCode.VALIDATION_FAILED, 'cell.dealerLevel must be a level number', { field: 'cell.dealerLevel' });
      } else {
        cell.push({ dim: d, value });
      }
    }
    return cell;
  }

  /** Drill-down: the documents behind a cell (the same facts, scope and filters as the pivot), paged. */
  async documents(ctx: RequestContext, dto: AnalysisDocumentsQueryDto): Promise<Paged<AnalysisDocument>> {
    const p = this.parse(dto);
    const cell = this.parseCell(dto.cell);
    const cellOrgs = cell.filter((c) => ['branch', 'office', 'dealer'].includes(c.dim) && c.value !== null).map((c) => c.value as string);
    await this.assertOrgsVisible(ctx, [...new Set([...this.filterOrgIds(p), ...cellOrgs])]);
    const page = dto.page ?? 1;
    const pageSize = dto.pageSize ?? DEFAULT_PAGE_SIZE;
    const kinds = kindsOf(basesOf(p.measures)).filter((k) => !dto.kind || k === dto.kind);
    if (!kinds.length) return { items: [], total: 0, page, pageSize };
    const prev = dto.side === 'prev';
    if (prev && !p.compared) throw new DomainError(ErrorCode.VALIDATION_FAILED, 'side=prev needs compare', { field: 'side' });
    // the asked period's documents: read only the days of the cell's periods
    let q = p;
    if (!prev) {
      let from = p.from;
      let to = p.to;
      for (const c of cell) if (c.range) [from, to] = [c.range.from > from ? c.range.from : from, c.range.to < to ? c.range.to : to];
      if (from > to) return { items: [], total: 0, page, pageSize };
      q = { ...p, from, to };
    }
    const scope = this.scope(ctx);
    const run = (offset: number, limit: number) => this.run(ctx, documentsStatement(q, scope.on, scope.all, cell, { kinds, prev, limit, offset }));
    const rows = await run((page - 1) * pageSize, pageSize);
    // how many documents the cell has (an int from count(*) OVER (), not money); past the last page, ask for the first row's count
    const countIn = (r: Record<string, unknown> | undefined): number => (r?.doc_count as number | undefined) ?? 0;
    const total = rows.length ? countIn(rows[0]) : page > 1 ? countIn((await run(0, 1))[0]) : 0;
    return {
      items: rows.map((r) => ({
        kind: r.kind as AnalysisDocumentKind,
        id: String(r.id),
        number: String(r.number),
        businessDate: String(r.business_date),
        dealerId: String(r.dealer_id),
        dealerName: String(r.dealer_name ?? ''),
        amount: fmt(r.amount as string),
        orderId: (r.order_id as string | null) ?? null,
      })),
      total,
      page,
      pageSize,
    };
  }
}
