import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { RequestContext } from '../../common/context/request-context';
import type { DbService } from '../../database/db.service';

/**
 * Bulk loading into a (temporary) table of the caller's transaction with COPY ... FROM STDIN, the
 * fastest way rows reach PostgreSQL: no statement per row, no parameter arrays to build and parse.
 *
 * `CopyBatches` takes rows as they are produced and sends them in batches, one COPY in flight while
 * the producer goes on (PostgreSQL ingests a batch while the next is parsed, on another core). An
 * `afterBatch` step (e.g. the statements that work on the batch's rows) runs after each batch's COPY,
 * still while the producer goes on; the next batch waits for it. A failed batch or step fails the next
 * `add`/`end`; `settle` waits for the work in flight before the caller gives up (the transaction's
 * ROLLBACK must not overtake it on the connection).
 */

type CopyValue = string | number | boolean | null | undefined;

const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** One value in COPY's text format: NULL is \N; backslash, tab and line breaks escaped. */
export function copyValue(v: CopyValue): string {
  if (v === null || v === undefined) return '\\N';
  if (typeof v === 'boolean') return v ? 't' : 'f';
  const s = String(v);
  return /[\\\t\n\r]/.test(s) ? s.replace(/[\\\t\n\r]/g, (c) => ESCAPES[c]) : s;
}

export class CopyBatches {
  private lines: string[] = [];
  private inFlight: Promise<void> = Promise.resolve();
  private failed: unknown = undefined;
  private sent = 0;

  constructor(
    private readonly db: DbService,
    /** the transaction the rows go in (COPY runs on its connection, so it sees and is undone with the transaction) */
    private readonly ctx: RequestContext,
    /** e.g. `COPY recon_stage FROM STDIN` */
    private readonly sql: string,
    private readonly batchRows = 5000,
    /** runs after each batch is in the table, with the batch's number (0, 1, …: see `batch`) */
    private readonly afterBatch?: (batch: number) => Promise<unknown>,
  ) {}

  /** The number of the batch the next added row goes into. */
  get batch(): number {
    return this.sent;
  }

  /** Queues a row (values in the table's column order); sends a batch when one is full. */
  async add(values: CopyValue[]): Promise<void> {
    this.lines.push(values.map(copyValue).join('\t'));
    if (this.lines.length >= this.batchRows) await this.send();
  }

  /** Sends what is left and waits until every row is in the table. */
  async end(): Promise<void> {
    await this.send();
    await this.inFlight;
    if (this.failed) throw this.failed;
  }

  /** Waits for the batch (and its afterBatch step) in flight, whatever its outcome (before the caller rolls back). */
  async settle(): Promise<void> {
    await this.inFlight.catch(() => undefined);
  }

  private async send(): Promise<void> {
    await this.inFlight;
    if (this.failed) throw this.failed;
    if (!this.lines.length) return;
    const text = `${this.lines.join('\n')}\n`;
    this.lines = [];
    const batch = this.sent++;
    const client = (await this.db.connectionOf(this.ctx)) as PoolClient;
    const after = this.afterBatch;
    this.inFlight = pipeline(Readable.from([Buffer.from(text)]), client.query(copyFrom(this.sql)))
      .then(() => after?.(batch))
      .then(
        () => undefined,
        (e: unknown) => {
          this.failed = e;
        },
      );
  }
}
