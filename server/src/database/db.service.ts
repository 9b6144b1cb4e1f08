import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, EntityTarget, ObjectLiteral, QueryFailedError, QueryRunner, Repository } from 'typeorm';
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
 * Repositories and transactions bound to a RequestContext (after Vendure's
 * TransactionalConnection): inside `tx`, `repo(ctx, X)` uses the transaction's manager, so a
 * service never needs to know whether it runs inside a larger unit of work.
 */
@Injectable()
export class DbService {
  constructor(@InjectDataSource() readonly dataSource: DataSource) {}

  manager(ctx: RequestContext): EntityManager {
    return ctx.manager ?? this.dataSource.manager;
  }

  repo<T extends ObjectLiteral>(ctx: RequestContext, entity: EntityTarget<T>): Repository<T> {
    return this.manager(ctx).getRepository(entity);
  }

  /**
   * Raw SQL; always answers the rows (TypeORM answers `[rows, count]` for UPDATE/DELETE: unwrapped here).
   * Inside a transaction there is one connection: queries started together (Promise.all in a
   * loader) are queued on it one after another instead of overlapping on the client.
   */
  async query<R = unknown>(ctx: RequestContext, sql: string, params: unknown[] = []): Promise<R[]> {
    const manager = this.manager(ctx);
    const runner = manager.queryRunner as (QueryRunner & { databaseConnection?: PgClient }) | undefined;
    if (!runner?.isTransactionActive) return this.onPoolClient<R>(sql, params);
    const previous = this.queues.get(manager) ?? Promise.resolve();
    const run = previous.catch(() => undefined).then(async () => {
      if (runner.isReleased) throw new Error('query on a released transaction');
      return runStatement<R>((runner.databaseConnection ?? ((await runner.connect()) as PgClient)), sql, params);
    });
    this.queues.set(manager, run);
    return run;
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

  private readonly queues = new WeakMap<EntityManager, Promise<unknown>>();
  private readonly commitHooks = new WeakMap<EntityManager, (() => Promise<void>)[]>();
  private readonly logger = new Logger('Db');

  /**
   * Runs `fn` once the transaction `ctx` is in has committed (at once outside a transaction), and
   * never when it rolls back: for effects outside the database, such as SMS or e-mail.
   */
  afterCommit(ctx: RequestContext, fn: () => Promise<void>): void {
    const hooks = ctx.manager && this.commitHooks.get(ctx.manager);
    if (hooks) hooks.push(fn);
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
   */
  beforeCommit(ctx: RequestContext, fn: () => Promise<void>, stage = 0): void {
    const steps = ctx.manager && this.finalSteps.get(ctx.manager);
    if (!steps) throw new Error('beforeCommit outside a transaction');
    steps.push({ stage, fn, seq: this.stepSeq++ });
  }

  /**
   * Runs `work` in one transaction. Joins the caller's transaction when there is one. On a
   * serialization failure or deadlock the whole unit is re-run in a fresh transaction (never
   * retried inside the aborted one).
   */
  async tx<T>(ctx: RequestContext, work: (ctx: RequestContext) => Promise<T>): Promise<T> {
    if (ctx.manager?.queryRunner?.isTransactionActive) return work(ctx);
    for (let attempt = 1; ; attempt++) {
      try {
        let hooks: (() => Promise<void>)[] = [];
        const result = await this.dataSource.transaction(async (manager) => {
          this.commitHooks.set(manager, (hooks = []));
          const steps: FinalStep[] = [];
          this.finalSteps.set(manager, steps);
          const txCtx = ctx.withManager(manager);
          if (ctx.idempotency) steps.push({ stage: CLAIM_STAGE, seq: this.stepSeq++, fn: () => this.confirmClaim(txCtx, manager) });
          const out = await work(txCtx);
          // a creating command's transaction answers the new id: that is the resource its key points at
          if (ctx.idempotency && typeof out === 'string' && UUID_RE.test(out)) this.createdResource(txCtx, out);
          // the final steps, lowest stage first (in the order they were added within a stage)
          for (let next = pickNext(steps); next; next = pickNext(steps)) await next.fn();
          // the end has passed: a later beforeCommit is a bug (it throws), a later insertAtEnd writes at once
          this.finalSteps.delete(manager);
          return out;
        });
        await this.runHooks(hooks);
        return result;
      } catch (e) {
        const code = e instanceof QueryFailedError ? (e.driverError as { code?: string }).code : undefined;
        if (!code || !RETRYABLE.has(code) || attempt >= MAX_ATTEMPTS) throw e;
        await new Promise((r) => setTimeout(r, 10 * attempt + Math.random() * 20));
      }
    }
  }

  private readonly finalSteps = new WeakMap<EntityManager, FinalStep[]>();
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
    if (!ctx.manager || !this.finalSteps.get(ctx.manager)) return undefined;
    let stages = this.deferred.get(ctx.manager);
    if (!stages) this.deferred.set(ctx.manager, (stages = new Map()));
    let end = stages.get(stage);
    if (!end) {
      const fresh: Deferred = { tables: new Map(), writes: [] };
      stages.set(stage, (end = fresh));
      this.beforeCommit(ctx, async () => {
        stages!.delete(stage);
        await this.writeDeferred(ctx, fresh);
      }, stage);
    }
    return end;
  }

  private readonly deferred = new WeakMap<EntityManager, Map<number, Deferred>>();

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
    await this.rows(ctx, inserts.length ? inserts[inserts.length - 1](creator) : creator.selectNoFrom(sql`1`.as('done')));
    /* eslint-enable @typescript-eslint/no-explicit-any */
  }

  /**
   * Checks the idempotency claim now, recording `resourceId`, instead of as the first final step: a
   * creating command that knows its new id early takes the key's row lock (its own, never contended)
   * before the hot rows, so the check is not one more statement while those are held. Once per
   * transaction; a no-op without a claim.
   */
  async confirmClaimNow(ctx: RequestContext, resourceId: string): Promise<void> {
    const steps = ctx.manager && ctx.idempotency ? this.finalSteps.get(ctx.manager) : undefined;
    const i = steps?.findIndex((s) => s.stage === CLAIM_STAGE) ?? -1;
    if (!steps || i < 0) return;
    steps.splice(i, 1);
    this.createdResource(ctx, resourceId);
    await this.confirmClaim(ctx, ctx.manager!);
  }

  /**
   * Records, in the transaction `ctx` is in, the resource a creating request made (a transaction
   * that answers a uuid records it by itself: the convention of every creating service). Under an
   * `Idempotency-Key` the key then points at it atomically with the document, so a retry after a
   * crash between the commit and the answer is answered from the committed document.
   */
  createdResource(ctx: RequestContext, id: string): void {
    if (ctx.manager && ctx.idempotency && !this.resources.has(ctx.manager)) this.resources.set(ctx.manager, id);
  }

  private readonly resources = new WeakMap<EntityManager, string>();

  /**
   * The last statement of a transaction run under an idempotency claim (the interceptor that owns
   * the keys registers it): the claim must still be this request's — a retry may have taken over
   * the claim of a request it believed dead, and then this one must not commit a second document —
   * and it records the created resource.
   */
  claimCheck?: (ctx: RequestContext, resourceId: string | null) => Promise<void>;

  private async confirmClaim(ctx: RequestContext, manager: EntityManager): Promise<void> {
    if (!this.claimCheck) throw new Error('an idempotency claim without the interceptor that checks it');
    await this.claimCheck(ctx, this.resources.get(manager) ?? null);
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
}

function pickNext(steps: FinalStep[]): FinalStep | undefined {
  if (!steps.length) return undefined;
  let best = 0;
  for (let i = 1; i < steps.length; i++) if (steps[i].stage < steps[best].stage || (steps[i].stage === steps[best].stage && steps[i].seq < steps[best].seq)) best = i;
  return steps.splice(best, 1)[0];
}

type PgClient = { query(text: string, values: unknown[]): Promise<PgResult | PgResult[]> };
type PgPool = { connect(): Promise<PgClient & { release(err?: Error | boolean): void }> };
type PgResult = { rows: unknown[] };

/**
 * One statement on a pg client: its rows (of the last statement, for a parameterless text of
 * several), a failure as TypeORM's QueryFailedError (the error filter and the retry read its
 * `driverError`), exactly as TypeORM's runner reported them.
 */
async function runStatement<R>(client: PgClient, sql: string, params: unknown[]): Promise<R[]> {
  try {
    const res = await client.query(sql, params);
    return (Array.isArray(res) ? (res[res.length - 1]?.rows ?? []) : res.rows) as R[];
  } catch (e) {
    throw new QueryFailedError(sql, params, e as Error);
  }
}
