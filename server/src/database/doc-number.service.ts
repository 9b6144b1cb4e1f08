import { Injectable } from '@nestjs/common';
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
    const rows = await this.db.query<{ last_no: number }>(
      ctx,
      `INSERT INTO doc_sequence (doc_type, day, last_no) VALUES ($1, $2, 1)
       ON CONFLICT (doc_type, day) DO UPDATE SET last_no = doc_sequence.last_no + 1, updated_at = now()
       RETURNING last_no`,
      [prefix, day],
    );
    return formatDocNumber(prefix, day, rows[0].last_no);
  }
}

export function formatDocNumber(prefix: string, day: string, n: number): string {
  return `${prefix}${day.replace(/-/g, '')}-${String(n).padStart(4, '0')}`;
}
