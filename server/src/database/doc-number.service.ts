import { Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import { RequestContext } from '../common/context/request-context';
import { DbService } from './db.service';

/**
 * Human document numbers per type and business day: `SO20261122-0007`. The counter row is bumped
 * with an upsert in the caller's transaction: the row lock serialises concurrent documents of the
 * same type and day, so two documents never share a number, and a number is consumed only when
 * its document commits.
 */
@Injectable()
export class DocNumberService {
  constructor(private readonly db: DbService) {}

  /**
   * The next number of `prefix` on the document's business day (YYYY-MM-DD; a shipment dated
   * 2026-12-03 is numbered FH20261203-…, whenever it is entered). Take it as late in the
   * transaction as the document allows: the day's counter row stays locked until commit.
   */
  async next(ctx: RequestContext, prefix: string, day: string): Promise<string> {
    checkParts(prefix, day);
    const row = await this.db.one(
      ctx,
      this.db.k
        .insertInto('doc_sequence')
        .values({ doc_type: prefix, day, last_no: 1 })
        .onConflict((c) => c.columns(['doc_type', 'day']).doUpdateSet({ last_no: sql`doc_sequence.last_no + 1`, updated_at: sql`now()` }))
        .returning('last_no'),
    );
    return formatDocNumber(prefix, day, row.last_no);
  }

  /**
   * `next` and writing the number on the document `id` of `table` in one statement: the counter
   * row is then held for that statement and the commit only (every round trip after the counter
   * lengthens the queue of documents behind it). Answers the number.
   */
  async assign(ctx: RequestContext, prefix: string, day: string, table: string, id: string): Promise<string> {
    checkParts(prefix, day);
    if (!/^[a-z_]+$/.test(table)) throw new Error(`bad document table ${table}`);
    const [row] = await this.db.query<{ number: string }>(
      ctx,
      `WITH s AS (
         INSERT INTO doc_sequence (doc_type, day, last_no) VALUES ($1, $2, 1)
         ON CONFLICT (doc_type, day) DO UPDATE SET last_no = doc_sequence.last_no + 1, updated_at = now()
         RETURNING last_no)
       UPDATE ${table} AS d SET number = ${DOC_NUMBER_SQL} FROM s WHERE d.id = $4 RETURNING d.number`,
      [prefix, day, formatDocNumber(prefix, day, 0).slice(0, -4), id],
    );
    if (!row) throw new Error(`no ${table} ${id} to number`);
    return row.number;
  }
}

/** The SQL twin of `formatDocNumber` over `s.last_no`, after the prefix and day ($3): at least 4 digits, never cut. */
const DOC_NUMBER_SQL = `$3 || lpad(s.last_no::text, greatest(4, length(s.last_no::text)), '0')`;

function checkParts(prefix: string, day: string): void {
  if (!/^[A-Z]{2,8}$/.test(prefix)) throw new Error(`bad document prefix ${prefix}`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) throw new Error(`bad business day ${day}`);
}

export function formatDocNumber(prefix: string, day: string, n: number): string {
  return `${prefix}${day.replace(/-/g, '')}-${String(n).padStart(4, '0')}`;
}
