import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { DEFAULT_PAGE_SIZE, ErrorCode, MAX_PAGE_SIZE } from '@drp/shared';
import { sql, SelectQueryBuilder as TypedSelect } from 'kysely';
import type { DB, DbService } from '../../database/db.service';
import type { RequestContext } from '../context/request-context';
import { DomainError } from '../errors/domain-error';

/** `?page=1&pageSize=20&q=&sort=-createdAt` (ARCHITECTURE §9). Extend it for list filters. */
export class PageQueryDto {
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) page?: number;
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(MAX_PAGE_SIZE) pageSize?: number;
  /** free-text search */
  @IsOptional() @IsString() @MaxLength(100) q?: string;
  /** a sortable field, `-` in front for descending */
  @IsOptional() @Matches(/^-?[A-Za-z]+$/) sort?: string;
}

/**
 * Page, size and a validated sort column for a list query: the one place the paging convention
 * and its errors live. Lists that select their own columns use it directly; document lists through `pageIdsOf`.
 */
export function resolvePage(q: PageQueryDto, sortable: Record<string, string>, defaultSort: string) {
  const page = q.page ?? 1;
  const pageSize = q.pageSize ?? DEFAULT_PAGE_SIZE;
  const sort = q.sort ?? defaultSort;
  const desc = sort.startsWith('-');
  const column = sortable[desc ? sort.slice(1) : sort];
  if (!column) {
    throw new DomainError(ErrorCode.VALIDATION_FAILED, `sort must be one of: ${Object.keys(sortable).join(', ')}`, { field: 'sort', allowed: Object.keys(sortable) });
  }
  return { page, pageSize, column, direction: desc ? ('DESC' as const) : ('ASC' as const), offset: (page - 1) * pageSize };
}

/** The `q` search term as a literal inside ILIKE '%...%': its % _ and \ match themselves. */
export function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * Pages a typed list query down to one page of ids (documents are then loaded in one query by id): the filtered query (no select, no order) down to one
 * page of ids, sorted by a column of `sortable` with `idColumn` as the tie-breaker, and the total.
 */
export async function pageIdsOf(
  db: DbService,
  ctx: RequestContext,
  // any table mix: the query's own selection is replaced by count(*) and the id
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  query: TypedSelect<DB, any, any>,
  q: PageQueryDto,
  sortable: Record<string, string>,
  defaultSort: string,
  idColumn: string,
): Promise<{ ids: string[]; total: number; page: number; pageSize: number }> {
  const { page, pageSize, column, direction, offset } = resolvePage(q, sortable, defaultSort);
  const [counted, rows] = await Promise.all([
    db.one(ctx, query.clearSelect().select(sql<number>`count(*)::int`.as('n'))),
    db.rows(
      ctx,
      query
        .clearSelect()
        .select(sql<string>`${sql.ref(idColumn)}`.as('id'))
        .orderBy(sql`${sql.raw(column)} ${sql.raw(direction)} NULLS LAST`)
        .orderBy(sql.ref(idColumn))
        .offset(offset)
        .limit(pageSize),
    ),
  ]);
  return { ids: (rows as { id: string }[]).map((r) => r.id), total: (counted as { n: number }).n, page, pageSize };
}
