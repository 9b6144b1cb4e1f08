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
    if (!/^[A-Z]{2,8}$/.test(prefix)) throw new Error(`bad document prefix ${prefix}`);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) throw new Error(`bad business day ${day}`);
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
}

export function formatDocNumber(prefix: string, day: string, n: number): string {
  return `${prefix}${day.replace(/-/g, '')}-${String(n).padStart(4, '0')}`;
}
