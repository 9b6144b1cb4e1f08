import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, QueryFailedError } from 'typeorm';
import { Compilable, DummyDriver, InferResult, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler, sql, type Insertable } from 'kysely';
import { RequestContext } from '../common/context/request-context';
import type { DB } from './schema';

/**
 * Typed SQL: a kysely builder over the tables of `schema.ts` (generated from the migrations by
 * `npm run db:types`), so a renamed column fails the build. It only compiles; `DbService.rows`
 * runs the statement on the context's connection, inside its transaction when there is one.
 */
export const sqlBuilder = new Kysely<DB>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (db) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
});
export type { DB };

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const RETRYABLE = new Set(['40001', '40P01']);
const MAX_ATTEMPTS = 3;

/**
 * Statements and transactions bound to a RequestContext (after Vendure's
 * TransactionalConnection): inside `tx`, a statement runs in the transaction of the context it is
 * given, so a service never needs to know whether it runs inside a larger unit of work.
 */
@Injectable()
export class DbService {
  constructor(@InjectDataSource() readonly dataSource: DataSource) {}

  /**
   * Raw SQL; always answers the rows. Inside a transaction there is one connection, and what a
   * transaction sends goes in batches: the statements started while the connection is busy (or
   * in the same tick, as with Promise.all) are sent together when it is free, without waiting
   * for each answer in between (pg's pipeline mode, one write to the socket), and answered each
   * in turn. A transaction's first batch carries its BEGIN.
   */
  async query<R = unknown>(ctx: RequestContext, sql: string, params: unknown[] = []): Promise<R[]> {
    const tx = this.txOf(ctx);
    if (!tx) {
      // a step still running when its transaction failed must not go on outside it
      if (ctx.manager && this.failed.has(ctx.manager)) throw new Error('query on a failed transaction');
      return this.onPoolClient<R>(sql, params);
    }
    return new Promise<R[]>((resolve, reject) => {
      tx.pending.push({ sql, params, resolve: resolve as (rows: unknown[]) => void, reject });
      // the first of a batch sends it once the connection is free and the promise chains running now
      // have settled (nextTick runs after them): statements they start meanwhile join it
      if (tx.pending.length === 1) process.nextTick(() => void this.inOrder(tx, () => this.sendPending(tx)));
    });
  }

  /** `work` once the transaction's earlier batches are answered (its one connection runs one batch at a time). */
  private inOrder<T>(tx: OpenTx, work: () => Promise<T>): Promise<T> {
    const run = tx.queue.catch(() => undefined).then(work);
    tx.queue = run;
    return run;
  }

  /** Sends the statements waiting in `tx` as one batch and answers each. */
  private async sendPending(tx: OpenTx): Promise<void> {
    const batch = tx.pending.splice(0);
    if (!batch.length) return;
    if (tx.ended) return batch.forEach((b) => b.reject(new Error('query on a finished transaction')));
    const statements: Statement[] = [...(tx.begun ? [] : [BEGIN]), ...batch];
    tx.begun = true;
    const settled = await sendTogether(tx.client, statements, !tx.raw);
    const answers = settled.slice(statements.length - batch.length);
    batch.forEach((b, i) => {
      const r = answers[i];
      if (r.status === 'fulfilled') return b.resolve(rowsOf(r.value));
      const failure = new QueryFailedError(b.sql, b.params, r.reason as Error);
      tx.failure ??= failure;
      b.reject(failure);
    });
  }

  /** Whether `ctx` is inside a transaction (`tx`), whose statements then run on its connection. */
  inTransaction(ctx: RequestContext): boolean {
    return !!this.txOf(ctx);
  }

  /** The transaction under way that `ctx` is in, if any. */
  private txOf(ctx: RequestContext): OpenTx | undefined {
    return ctx.manager && this.open.get(ctx.manager);
  }

  /**
   * The pg connection of the transaction `ctx` is in, begun and with its earlier statements done:
   * for what only pg's client does (COPY FROM STDIN), so it runs in and is undone with the
   * transaction. From then on the transaction's statements go one at a time (what runs on the
   * connection meanwhile is not known here).
   */
  async connectionOf(ctx: RequestContext): Promise<PgClient> {
    const tx = this.txOf(ctx);
    if (!tx) throw new Error('a connection of a transaction asked for outside one');
    return this.inOrder(tx, async () => {
      tx.raw = true;
      if (!tx.begun) {
        tx.begun = true;
        await runStatement(tx.client, BEGIN.sql, []);
      }
      return tx.client;
    });
  }

  /**
   * A statement outside a transaction on a client of TypeORM's pool, straight through pg (issue
   * #17): TypeORM's query runner added a runner object, its logger and broadcaster hooks and two
   * awaits around every statement, and nothing here uses them. pg's client is called with
   * (text, values) as TypeORM does, so the pool's preparing client names it (`Pool.query` would not).
   */
  private async onPoolClient<R>(sql: string, params: unknown[]): Promise<R[]> {
    const client = await this.pool.connect();
    try {
      return await runStatement<R>(client, sql, params);
    } finally {
      client.release();
    }
  }

  /** TypeORM's pg pool (the one its transactions take their connections from). */
  private get pool(): PgPool {
    return (this.dataSource.driver as unknown as { master: PgPool }).master;
  }

  /** The typed builder (see `sqlBuilder`): `this.db.rows(ctx, this.db.k.selectFrom('shipment')...)`. */
  readonly k = sqlBuilder;

  /** Runs a typed statement and answers its rows, typed from the schema. */
  async rows<Q extends Compilable<unknown>>(ctx: RequestContext, query: Q): Promise<InferResult<Q>> {
    const { sql, parameters } = query.compile();
    return (await this.query(ctx, sql, parameters as unknown[])) as InferResult<Q>;
  }

  /** The first row of a typed statement, or undefined. */
  async first<Q extends Compilable<unknown>>(ctx: RequestContext, query: Q): Promise<InferResult<Q>[number] | undefined> {
    return ((await this.rows(ctx, query)) as unknown[])[0] as InferResult<Q>[number] | undefined;
  }

  /** The one row a typed statement must answer (a missing row is a programming error, not a 404). */
  async one<Q extends Compilable<unknown>>(ctx: RequestContext, query: Q): Promise<InferResult<Q>[number]> {
    const row = await this.first(ctx, query);
    if (row === undefined) throw new Error(`expected a row from: ${query.compile().sql.slice(0, 120)}`);
    return row;
  }

  /** the transactions under way, by their handle (`ctx.manager`) */
  private readonly open = new WeakMap<EntityManager, OpenTx>();
  /** the handles of transactions that failed: nothing may run on them any more */
  private readonly failed = new WeakSet<EntityManager>();
  private readonly logger = new Logger('Db');

  /**
   * Runs `fn` once the transaction `ctx` is in has committed (at once outside a transaction), and
   * never when it rolls back: for effects outside the database, such as SMS or e-mail.
   */
  afterCommit(ctx: RequestContext, fn: () => Promise<void>): void {
    if (ctx.manager && this.failed.has(ctx.manager)) return;
    const tx = this.txOf(ctx);
    if (tx) tx.hooks.push(fn);
    else void this.runHooks([fn]);
  }

  private async runHooks(hooks: (() => Promise<void>)[]): Promise<void> {
    // the transaction is done: a failing hook is logged, never turned into the caller's error
    for (const h of hooks) await h().catch((err: unknown) => this.logger.error({ err }, 'after-commit work failed'));
  }

  /**
   * Runs `fn` at the end of the transaction `ctx` is in, after its work and before the commit:
   * steps that must be the last statements (a document's number, which holds the day's counter
   * row until commit) or that must see them (notices naming that number). Lower `stage` first;
   * a step may add further steps. Outside a transaction there is no "end": that is a bug.
   * `overlap`: the steps after it start without waiting for it, so their statements go to the
   * database with its own (one round trip); for a step none of whose results the next steps read
   * (the deferred writes wait for it).
   */
  beforeCommit(ctx: RequestContext, fn: () => Promise<void>, stage = 0, opts: { overlap?: boolean } = {}): void {
    const steps = this.txOf(ctx)?.steps;
    if (!steps) throw new Error('beforeCommit outside a transaction');
    steps.push({ stage, fn, seq: this.stepSeq++, overlap: opts.overlap });
  }

  /**
   * Runs `work` in one transaction. Joins the caller's transaction when there is one. On a
   * serialization failure or deadlock the whole unit is re-run in a fresh transaction (never
   * retried inside the aborted one).
   *
   * The transaction is driven here on a connection of TypeORM's pool (its runner's manager is
   * the handle `ctx.manager`), not by TypeORM's `transaction()`, so that its ends cost no round
   * trip of their own (issue #17): BEGIN goes with the first statement, and COMMIT with the last
   * final step's deferred writes (`writeDeferred`), sent together without waiting in between
   * (pg's pipeline mode). The rows a document locks last (its stock, the day's counter) are then
   * held for one round trip less.
   */
  async tx<T>(ctx: RequestContext, work: (ctx: RequestContext) => Promise<T>): Promise<T> {
    if (this.inTransaction(ctx)) return work(ctx);
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.once(ctx, work);
      } catch (e) {
        const code = sqlState(e);
        if (!code || !RETRYABLE.has(code) || attempt >= MAX_ATTEMPTS) throw e;
        await new Promise((r) => setTimeout(r, 10 * attempt + Math.random() * 20));
      }
    }
  }

  /** One attempt of `tx`: the work, its final steps, the commit, then the after-commit hooks. */
  private async once<T>(ctx: RequestContext, work: (ctx: RequestContext) => Promise<T>): Promise<T> {
    const runner = this.dataSource.createQueryRunner();
    const client = (await runner.connect()) as PgClient;
    const manager = runner.manager;
    const steps: FinalStep[] = [];
    const tx: OpenTx = { client, begun: false, ended: false, queue: Promise.resolve(), pending: [], overlapped: [], steps, stages: new Map(), hooks: [] };
    this.open.set(manager, tx);
    let broken: Error | undefined;
    let out: T;
    try {
      const txCtx = ctx.withManager(manager);
      if (ctx.idempotency) steps.push({ stage: CLAIM_STAGE, seq: this.stepSeq++, fn: () => this.confirmClaim(txCtx, tx) });
      out = await work(txCtx);
      // a creating command's transaction answers the new id: that is the resource its key points at
      if (ctx.idempotency && typeof out === 'string' && UUID_RE.test(out)) this.createdResource(txCtx, out);
      // the final steps, lowest stage first (in the order they were added within a stage); the
      // deferred writes of the last one are held back to go with the COMMIT
      for (let next = pickNext(steps); next; next = pickNext(steps)) {
        if (next.barrier && tx.overlapped.length) {
          // deferred writes wait for the overlapping steps, which may add to them (or add earlier steps)
          steps.push(next);
          await settle(tx);
          continue;
        }
        if (next.overlap && steps.length) {
          const running = next.fn();
          running.catch(() => undefined);
          tx.overlapped.push(running);
          continue;
        }
        tx.carry = !steps.length && !tx.overlapped.length;
        await next.fn();
        tx.carry = false;
        // a last step that added steps after its writes: those writes go now, before them
        const held = steps.length ? tx.last : undefined;
        if (held) {
          tx.last = undefined;
          await this.query(txCtx, held.sql, held.params);
        }
        await settle(tx);
      }
      await settle(tx);
      // the end has passed: a later beforeCommit is a bug (it throws), a later insertAtEnd writes at once
      tx.steps = undefined;
      await this.inOrder(tx, () => this.commit(tx));
    } catch (caught) {
      this.failed.add(manager);
      await Promise.allSettled(tx.overlapped);
      await tx.queue.catch(() => undefined);
      // once a statement failed, PostgreSQL refuses the transaction's later ones: report the first (the cause)
      const e = caught instanceof QueryFailedError && tx.failure ? tx.failure : caught;
      if (tx.begun && !tx.ended) {
        tx.ended = true;
        await runStatement(client, 'ROLLBACK', []).catch((err: Error) => (broken = err));
      } else if (tx.ended && !sqlState(e)) {
        // the commit went out and no answer came back: the connection's state is unknown
        broken = e as Error;
      }
      throw e;
    } finally {
      tx.ended = true;
      this.open.delete(manager);
      // a connection that failed is given back as broken, so the pool drops it
      if (broken) await (runner as unknown as { releasePostgresConnection(err: Error): Promise<void> }).releasePostgresConnection(broken);
      else await runner.release();
    }
    await this.runHooks(tx.hooks);
    return out;
  }

  /** COMMIT, with the last step's deferred writes when it left some (one round trip for both). */
  private async commit(tx: OpenTx): Promise<void> {
    // a statement started and not awaited still goes before the end
    await this.sendPending(tx);
    if (tx.failure) throw tx.failure;
    const last = tx.last;
    tx.last = undefined;
    // once COMMIT is sent the transaction ends, committed or (after a failure) rolled back
    tx.ended = true;
    if (!tx.begun && !last) return; // nothing was sent: nothing to commit
    const statements = [...(tx.begun ? [] : [BEGIN]), ...(last ? [last] : []), COMMIT];
    tx.begun = true;
    const settled = await sendTogether(tx.client, statements, true);
    const failed = settled.findIndex((r) => r.status === 'rejected');
    if (failed >= 0) throw new QueryFailedError(statements[failed].sql, statements[failed].params, (settled[failed] as PromiseRejectedResult).reason as Error);
    // a COMMIT after a failure is answered ROLLBACK (no error): never taken for a commit
    const command = (settled[settled.length - 1] as PromiseFulfilledResult<PgResult | PgResult[]>).value;
    if (Array.isArray(command) || command.command !== 'COMMIT') throw new QueryFailedError('COMMIT', [], new Error('the transaction was not committed'));
  }

  private stepSeq = 0;

  /**
   * Inserts `row` into `table` with the other rows deferred this way in the same transaction: at
   * final-step `stage`, every table's rows of that stage go in one statement with the stage's other
   * writes (one multi-row INSERT a table, joined by data-modifying WITHs); at once outside a
   * transaction. For rows nobody reads before the commit (timelines, the audit trail): one
   * statement, not one each, and none of them runs while an earlier statement's hot row locks
   * wait. `ordered`: each row's `created_at` a microsecond after the previous one of its table, so
   * a timeline keeps the order of its moves.
   */
  async insertAtEnd<T extends keyof DB & string>(ctx: RequestContext, table: T, row: Insertable<DB[T]>, opts: { stage: number; ordered?: boolean }): Promise<void> {
    const end = this.endOf(ctx, opts.stage);
    if (!end) {
      await this.writeDeferred(ctx, { tables: new Map([[table, { rows: [row], ordered: !!opts.ordered }]]), writes: [] });
      return;
    }
    const rows = end.tables.get(table);
    if (rows) rows.rows.push(row);
    else end.tables.set(table, { rows: [row], ordered: !!opts.ordered });
  }

  /**
   * Runs the data-modifying statement `write` (an UPDATE, typically) at final-step `stage`, in the
   * one statement of that stage's deferred writes (`insertAtEnd`); at once outside a transaction.
   * For writes nothing in the transaction reads afterwards. The writes of one stage run on one
   * snapshot and cannot see each other's effects: never two of them on the same row.
   */
  async writeAtEnd(ctx: RequestContext, write: Compilable<unknown>, opts: { stage: number }): Promise<void> {
    const end = this.endOf(ctx, opts.stage);
    if (end) end.writes.push(write);
    else await this.writeDeferred(ctx, { tables: new Map(), writes: [write] });
  }

  /** The deferred writes of `stage` in the transaction `ctx` is in (their final step registered on first use); none outside one. */
  private endOf(ctx: RequestContext, stage: number): Deferred | undefined {
    const tx = this.txOf(ctx);
    if (!tx?.steps) return undefined;
    let end = tx.stages.get(stage);
    if (!end) {
      const fresh: Deferred = { tables: new Map(), writes: [] };
      tx.stages.set(stage, (end = fresh));
      const fn = async () => {
        tx.stages.delete(stage);
        await this.writeDeferred(ctx, fresh);
      };
      // nothing reads what it writes: the next steps go with it; it waits for steps that overlap, which may add to it
      tx.steps.push({ stage, seq: this.stepSeq++, overlap: true, barrier: true, fn });
    }
    return end;
  }

  /** One statement for a stage's writes and every table's rows: `WITH w0 AS (UPDATE …), w1 AS (INSERT …) INSERT …` */
  private async writeDeferred(ctx: RequestContext, end: Deferred): Promise<void> {
    const valuesOf = ({ rows, ordered }: { rows: unknown[]; ordered: boolean }) =>
      rows.map((r, i) => (ordered ? { ...(r as object), created_at: sql`clock_timestamp() + ${i} * interval '1 microsecond'` } : r));
    // one writer for any table: the callers' rows are typed at their call sites
    /* eslint-disable @typescript-eslint/no-explicit-any */
    const inserts = [...end.tables].map(([table, e]) => (db: any) => db.insertInto(table).values(valuesOf(e)));
    const { writes } = end;
    if (!writes.length && !inserts.length) return;
    // the writes and all but the last table's rows as WITHs (PostgreSQL runs each exactly once), the last
    // table's rows (or, with none, `SELECT 1`) as the statement itself
    let creator: any = this.k;
    writes.forEach((w, i) => (creator = creator.with(`w${i}`, () => w)));
    inserts.slice(0, -1).forEach((make, i) => (creator = creator.with(`w${writes.length + i}`, make)));
    const { sql: text, parameters } = (inserts.length ? inserts[inserts.length - 1](creator) : creator.selectNoFrom(sql`1`.as('done'))).compile();
    // the transaction's last step: these writes go with its COMMIT
    const tx = this.txOf(ctx);
    if (tx?.carry && !tx.last) tx.last = { sql: text, params: parameters as unknown[] };
    else await this.query(ctx, text, parameters as unknown[]);
    /* eslint-enable @typescript-eslint/no-explicit-any */
  }

  /**
   * Checks the idempotency claim now, recording `resourceId`, instead of as the first final step: a
   * creating command that knows its new id early takes the key's row lock (its own, never contended)
   * before the hot rows, so the check is not one more statement while those are held. Once per
   * transaction; a no-op without a claim.
   */
  async confirmClaimNow(ctx: RequestContext, resourceId: string): Promise<void> {
    const tx = ctx.idempotency ? this.txOf(ctx) : undefined;
    const i = tx?.steps?.findIndex((s) => s.stage === CLAIM_STAGE) ?? -1;
    if (!tx?.steps || i < 0) return;
    tx.steps.splice(i, 1);
    this.createdResource(ctx, resourceId);
    await this.confirmClaim(ctx, tx);
  }

  /**
   * Records, in the transaction `ctx` is in, the resource a creating request made (a transaction
   * that answers a uuid records it by itself: the convention of every creating service). Under an
   * `Idempotency-Key` the key then points at it atomically with the document, so a retry after a
   * crash between the commit and the answer is answered from the committed document.
   */
  createdResource(ctx: RequestContext, id: string): void {
    const tx = this.txOf(ctx);
    if (tx && ctx.idempotency) tx.resource ??= id;
  }

  /**
   * The last statement of a transaction run under an idempotency claim (the interceptor that owns
   * the keys registers it): the claim must still be this request's — a retry may have taken over
   * the claim of a request it believed dead, and then this one must not commit a second document —
   * and it records the created resource.
   */
  claimCheck?: (ctx: RequestContext, resourceId: string | null) => Promise<void>;

  private async confirmClaim(ctx: RequestContext, tx: OpenTx): Promise<void> {
    if (!this.claimCheck) throw new Error('an idempotency claim without the interceptor that checks it');
    await this.claimCheck(ctx, tx.resource ?? null);
  }
}

/**
 * The claim check runs before every other final step: numbering holds the day's counter row until
 * the commit, and every statement after it lengthens the queue of documents behind that row. Its
 * own row lock (the key's) is held to the commit all the same, so a retry that would take the
 * claim over still waits for this transaction's outcome.
 */
const CLAIM_STAGE = -1;

/** writes waiting for the end of a transaction: statements, and rows by table */
type Deferred = { tables: Map<string, { rows: unknown[]; ordered: boolean }>; writes: Compilable<unknown>[] };

/** The final-step stage of timeline rows: before the reservation (-1) and the number (0), so none of them waits behind the hot rows. */
export const TIMELINE_STAGE = -2;

/**
 * The final-step stage of writes that name or follow the document's number (audit entries, an
 * approval's copy of the number, a new order's reserved quantities): after the numbering (0) and
 * the `onFinal` handlers (1), all in one statement, so the hot rows locked before (stock, the day's
 * counter) wait for one statement and the commit.
 */
export const AFTER_NUMBER_STAGE = 10;

interface FinalStep {
  stage: number;
  seq: number;
  fn: () => Promise<void>;
  /** the steps after it start at once (see `beforeCommit`) */
  overlap?: boolean;
  /** waits for the overlapping steps before it (deferred writes) */
  barrier?: boolean;
}

/** Waits for the overlapping final steps started so far; the first failure is thrown. */
async function settle(tx: OpenTx): Promise<void> {
  const running = tx.overlapped.splice(0);
  await Promise.all(running);
}

function pickNext(steps: FinalStep[]): FinalStep | undefined {
  if (!steps.length) return undefined;
  let best = 0;
  for (let i = 1; i < steps.length; i++) if (steps[i].stage < steps[best].stage || (steps[i].stage === steps[best].stage && steps[i].seq < steps[best].seq)) best = i;
  return steps.splice(best, 1)[0];
}

/** pg's client as used here; `pipeline` is pg's pipeline mode (8.23: sends queued statements without waiting for answers) */
type PgClient = {
  query(text: string, values: unknown[]): Promise<PgResult | PgResult[]>;
  pipeline?: boolean;
  connection?: { stream?: { cork?(): void; uncork?(): void } };
};
type PgPool = { connect(): Promise<PgClient & { release(err?: Error | boolean): void }> };
type PgResult = { rows: unknown[]; command?: string };
type Statement = { sql: string; params: unknown[] };

const BEGIN: Statement = { sql: 'BEGIN', params: [] };
const COMMIT: Statement = { sql: 'COMMIT', params: [] };

/** A transaction under way (`DbService.tx`) on its connection. */
interface OpenTx {
  client: PgClient;
  /** BEGIN has been sent (with the first batch) */
  begun: boolean;
  /** COMMIT or ROLLBACK has been sent: no statement may follow */
  ended: boolean;
  /** the batch being answered: the next waits for it */
  queue: Promise<unknown>;
  /** statements waiting to go as the next batch */
  pending: (Statement & { resolve(rows: unknown[]): void; reject(e: unknown): void })[];
  /** pg's client was handed out (COPY): no more batches, one statement at a time */
  raw?: boolean;
  /** final steps running while the next ones start (`beforeCommit`'s `overlap`) */
  overlapped: Promise<void>[];
  /** the first statement that failed: what a transaction refused after it reports */
  failure?: QueryFailedError;
  /** the final steps still to run (`beforeCommit`); none once the end has passed */
  steps?: FinalStep[];
  /** the deferred writes of each final stage (`insertAtEnd`, `writeAtEnd`) */
  stages: Map<number, Deferred>;
  /** what runs once it has committed (`afterCommit`) */
  hooks: (() => Promise<void>)[];
  /** the resource a creating request made (`createdResource`), for its idempotency key */
  resource?: string;
  /** the last final step is running: its deferred writes are held for the COMMIT */
  carry?: boolean;
  last?: Statement;
}

/** The SQLSTATE of a failure PostgreSQL answered (none for a broken connection). */
function sqlState(e: unknown): string | undefined {
  const driver = e instanceof QueryFailedError ? (e.driverError as { code?: unknown }) : undefined;
  return typeof driver?.code === 'string' ? driver.code : undefined;
}

/**
 * Statements sent together and answered in turn: pg's pipeline mode gives each its own Sync and
 * sends it at once, and the socket is corked meanwhile, so the batch is one write and the server
 * runs the statements back to back without a round trip between them. One that fails aborts the
 * transaction: the statements after it fail too, and a COMMIT after it rolls back (PostgreSQL
 * answers it `ROLLBACK`). `together` false (or another pg, without pipeline mode): one after
 * another, in the same order, with the same outcomes.
 */
async function sendTogether(client: PgClient, statements: Statement[], together: boolean): Promise<PromiseSettledResult<PgResult | PgResult[]>[]> {
  if (statements.length === 1 || !together) {
    const out: PromiseSettledResult<PgResult | PgResult[]>[] = [];
    for (const s of statements) {
      out.push(await client.query(s.sql, s.params).then((value) => ({ status: 'fulfilled' as const, value }), (reason: unknown) => ({ status: 'rejected' as const, reason })));
    }
    return out;
  }
  const stream = client.connection?.stream;
  client.pipeline = true;
  let sent: Promise<PgResult | PgResult[]>[];
  stream?.cork?.();
  try {
    sent = statements.map((s) => client.query(s.sql, s.params));
  } finally {
    stream?.uncork?.();
  }
  try {
    return await Promise.allSettled(sent);
  } finally {
    client.pipeline = false;
  }
}

/** A pg answer's rows (of the last statement, for a parameterless text of several). */
function rowsOf(res: PgResult | PgResult[]): unknown[] {
  return Array.isArray(res) ? (res[res.length - 1]?.rows ?? []) : res.rows;
}

/**
 * One statement on a pg client: its rows (of the last statement, for a parameterless text of
 * several), a failure as TypeORM's QueryFailedError (the error filter and the retry read its
 * `driverError`), exactly as TypeORM's runner reported them.
 */
async function runStatement<R>(client: PgClient, sql: string, params: unknown[]): Promise<R[]> {
  try {
    return rowsOf(await client.query(sql, params)) as R[];
  } catch (e) {
    throw new QueryFailedError(sql, params, e as Error);
  }
}
