import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, EntityTarget, ObjectLiteral, QueryFailedError, Repository } from 'typeorm';
import { RequestContext } from '../common/context/request-context';

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
    if (!manager.queryRunner?.isTransactionActive) return unwrap<R>(sql, await manager.query(sql, params));
    const previous = this.queues.get(manager) ?? Promise.resolve();
    const run = previous.catch(() => undefined).then(() => manager.query(sql, params));
    this.queues.set(manager, run);
    return unwrap<R>(sql, await run);
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
   * Runs `work` in one transaction. Joins the caller's transaction when there is one. On a
   * serialization failure or deadlock the whole unit is re-run in a fresh transaction (never
   * retried inside the aborted one).
   */
  async tx<T>(ctx: RequestContext, work: (ctx: RequestContext) => Promise<T>): Promise<T> {
    if (ctx.manager?.queryRunner?.isTransactionActive) return work(ctx);
    for (let attempt = 1; ; attempt++) {
      try {
        let hooks: (() => Promise<void>)[] = [];
        const result = await this.dataSource.transaction((manager) => {
          this.commitHooks.set(manager, (hooks = []));
          return work(ctx.withManager(manager));
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
}

/** TypeORM answers `[rows, count]` for UPDATE/DELETE: the rows. */
function unwrap<R>(sql: string, res: unknown): R[] {
  if (/^\s*(UPDATE|DELETE)\b/i.test(sql) && Array.isArray(res) && res.length === 2 && Array.isArray(res[0]) && typeof res[1] === 'number') return res[0] as R[];
  return res as R[];
}
