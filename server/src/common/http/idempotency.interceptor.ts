import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { CallHandler, ExecutionContext, Global, Injectable, Logger, Module, NestInterceptor, OnApplicationShutdown, OnModuleInit, SetMetadata } from '@nestjs/common';
import { INTERCEPTORS_METADATA } from '@nestjs/common/constants';
import { ModuleRef, Reflector } from '@nestjs/core';
import { ErrorCode } from '@drp/shared';
import type { Response } from 'express';
import { from, lastValueFrom, Observable } from 'rxjs';
import { sql } from 'kysely';
import type { QueryRunner } from 'typeorm';
import { DbService } from '../../database/db.service';
import { contextOf, HttpRequest } from '../context/ctx.decorator';
import { IdempotencyClaim, RequestContext } from '../context/request-context';
import { DomainError } from '../errors/domain-error';

const IDEMPOTENT_KEY = 'drp:idempotent';

interface IdempotentOptions {
  /**
   * The controller method `(ctx, id)` that answers for the created resource (its GET by id): a
   * retry after a crash between the commit and the answer is answered from the committed document.
   */
  replay?: string;
}

/**
 * Marks a creating POST as honouring the `Idempotency-Key` header. The service records what it
 * created with `DbService.createdResource(tx, id)` inside its transaction.
 *
 * It puts the IdempotentRoute interceptor on that route alone, ahead of the route's other
 * interceptors (the outermost, as when it was global). Not global: Nest runs every request through
 * its interceptor chain (rxjs, an async resource per step) as soon as one global interceptor
 * exists, and every other route, every GET among them, only passed through it.
 */
export const Idempotent =
  (options: IdempotentOptions = {}): MethodDecorator =>
  (target, key, descriptor) => {
    SetMetadata(IDEMPOTENT_KEY, options)(target, key, descriptor);
    const handler = descriptor.value as object;
    const others = (Reflect.getMetadata(INTERCEPTORS_METADATA, handler) as unknown[] | undefined) ?? [];
    Reflect.defineMetadata(INTERCEPTORS_METADATA, [IdempotentRoute, ...others], handler);
    return descriptor;
  };

const KEY_RE = /^[A-Za-z0-9._:-]{8,128}$/;

/** Keys older than 24 hours are forgotten (the maintenance job calls this); answers how many went. */
export async function purgeIdempotencyKeys(db: DbService, ctx: RequestContext): Promise<number> {
  const gone = await db.rows(ctx, db.k.deleteFrom('idempotency_key').where('created_at', '<', sql<Date>`now() - interval '24 hours'`).returning('key'));
  return gone.length;
}

/** A claim older than this whose owner cannot be checked (no owner lock) counts as abandoned. */
const UNOWNED_LEASE_SECONDS = 120;

/**
 * `Idempotency-Key` for creating POSTs (ARCHITECTURE §6), on the routes marked @Idempotent(): the
 * first request with a key claims it (a row keyed by user + key), runs, and stores its answer; a
 * retry with the same key and body gets that answer again; the same key with another body answers
 * 409. A failed first attempt releases the key so the client may retry. Keys are kept for 24 hours
 * (jobs clean them up).
 *
 * Surviving a crash (issue #11): each server process holds a PostgreSQL advisory lock for its
 * whole life and writes its number into its claims, so a claim whose lock is free belongs to a
 * process that died. The business transaction, as its last statement, checks the claim is still
 * its own and records the created resource (DbService.tx): so for a dead owner's claim either the
 * document committed (the retry answers from it, through the endpoint's `replay` method) or
 * nothing did (the retry takes the claim over and runs; should the "dead" owner still be running,
 * its transaction finds the claim gone and rolls back). A live owner's claim answers 409
 * IDEMPOTENCY_IN_PROGRESS, as before.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor, OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Idempotency');
  /** this process's owner lock: a random 63-bit number held on a dedicated connection */
  private readonly ownerLock = BigInt('0x' + randomBytes(8).toString('hex')) & 0x7fffffffffffffffn;
  private lockHolder?: QueryRunner;

  constructor(
    private readonly reflector: Reflector,
    private readonly db: DbService,
    private readonly moduleRef: ModuleRef,
  ) {}

  async onModuleInit(): Promise<void> {
    this.lockHolder = this.db.dataSource.createQueryRunner();
    const connection = (await this.lockHolder.connect()) as { on?: (event: 'error', fn: (e: unknown) => void) => void };
    // the lock's connection ending (a restarted database) must not crash the process: claims then read as abandoned
    connection.on?.('error', (err) => this.logger.warn({ err }, 'the idempotency owner-lock connection ended'));
    await this.lockHolder.query('SELECT pg_advisory_lock($1)', [String(this.ownerLock)]);
    this.db.claimCheck = (tx, resourceId) => this.confirmClaim(tx, resourceId);
  }

  /** Run by DbService as the last statement of a claimed request's transaction (see there). */
  private async confirmClaim(tx: RequestContext, resourceId: string | null): Promise<void> {
    const claim = tx.idempotency!;
    const held = await this.db.rows(
      tx,
      this.db.k
        .updateTable('idempotency_key')
        .set((eb) => ({ resource_id: eb.fn.coalesce(eb.ref('resource_id'), eb.val(resourceId)), updated_at: sql<Date>`now()` }))
        .where('user_id', '=', claim.userId)
        .where('key', '=', claim.key)
        .where('claim_token', '=', claim.token)
        .returning('key'),
    );
    if (!held.length) throw new DomainError(ErrorCode.IDEMPOTENCY_IN_PROGRESS, 'A retry with this Idempotency-Key took the request over', { key: claim.key });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.lockHolder?.release().catch(() => undefined);
  }

  intercept(exec: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = exec.switchToHttp().getRequest<HttpRequest>();
    const key = req.header('idempotency-key');
    const options = this.reflector.get<IdempotentOptions | undefined>(IDEMPOTENT_KEY, exec.getHandler());
    if (!key || req.method !== 'POST' || !options) return next.handle();
    return from(this.handle(exec, req, key, options, next));
  }

  private async handle(exec: ExecutionContext, req: HttpRequest, key: string, options: IdempotentOptions, next: CallHandler): Promise<unknown> {
    if (!KEY_RE.test(key)) throw new DomainError(ErrorCode.VALIDATION_FAILED, 'Idempotency-Key must be 8-128 characters of letters, digits, . _ : -', { field: 'Idempotency-Key' });
    const res = exec.switchToHttp().getResponse<Response>();
    const ctx = RequestContext.system();
    const userId = req.user?.id ?? '00000000-0000-0000-0000-000000000000';
    const path = req.originalUrl.split('?')[0];
    const hash = createHash('sha256').update(`${req.method} ${path}\n${JSON.stringify(req.body ?? null)}`).digest('hex');
    const claim: IdempotencyClaim = { userId, key, token: randomUUID() };
    const claimed = await this.db.rows(
      ctx,
      this.db.k
        .insertInto('idempotency_key')
        .values({ user_id: userId, key, method: req.method, path, request_hash: hash, claim_token: claim.token, owner_lock: String(this.ownerLock) })
        .onConflict((oc) => oc.columns(['user_id', 'key']).doNothing())
        .returning('key'),
    );
    if (!claimed.length) return this.answerRetry(exec, req, res, claim, hash, options, next);
    return this.run(req, res, claim, next);
  }

  /** Runs the request under its claim and stores the answer; a failure releases the key. */
  private async run(req: HttpRequest, res: Response, claim: IdempotencyClaim, next: CallHandler): Promise<unknown> {
    const ctx = RequestContext.system();
    req.idempotencyClaim = claim;
    try {
      const body = await lastValueFrom(next.handle(), { defaultValue: null });
      await this.store(ctx, claim, res.statusCode, body);
      return body;
    } catch (e) {
      await this.db.rows(ctx, this.db.k.deleteFrom('idempotency_key').where('user_id', '=', claim.userId).where('key', '=', claim.key).where('claim_token', '=', claim.token));
      throw e;
    }
  }

  private async store(ctx: RequestContext, claim: IdempotencyClaim, statusCode: number, body: unknown): Promise<void> {
    await this.db.rows(
      ctx,
      this.db.k
        .updateTable('idempotency_key')
        .set({ status_code: statusCode, response: JSON.stringify(body ?? null), completed_at: sql<Date>`now()`, updated_at: sql<Date>`now()` })
        .where('user_id', '=', claim.userId)
        .where('key', '=', claim.key)
        .where('claim_token', '=', claim.token),
    );
  }

  /** A key already claimed: replay its answer, wait for its live owner, or recover a dead owner's claim. */
  private async answerRetry(exec: ExecutionContext, req: HttpRequest, res: Response, claim: IdempotencyClaim, hash: string, options: IdempotentOptions, next: CallHandler): Promise<unknown> {
    const ctx = RequestContext.system();
    const prior = await this.db.first(
      ctx,
      this.db.k
        .selectFrom('idempotency_key')
        .select(['request_hash', 'status_code', 'response', 'claim_token', 'resource_id'])
        .select(sql<boolean>`CASE WHEN owner_lock IS NULL THEN updated_at < now() - make_interval(secs => ${UNOWNED_LEASE_SECONDS})
          WHEN pg_try_advisory_lock(owner_lock) THEN pg_advisory_unlock(owner_lock) ELSE false END`.as('abandoned'))
        .where('user_id', '=', claim.userId)
        .where('key', '=', claim.key),
    );
    if (!prior) return this.run(req, res, claim, next); // released by a failed first attempt just now
    if (prior.request_hash !== hash) throw new DomainError(ErrorCode.IDEMPOTENCY_KEY_REUSED, 'This Idempotency-Key was already used with a different request', { key: claim.key });
    if (prior.status_code !== null) {
      res.status(prior.status_code);
      res.setHeader('Idempotent-Replayed', 'true');
      return prior.response;
    }
    if (!prior.abandoned) throw new DomainError(ErrorCode.IDEMPOTENCY_IN_PROGRESS, 'The first request with this Idempotency-Key is still running', { key: claim.key });
    // the owner died: take the claim over (only one retry wins), then answer from what it committed or run again
    const taken = await this.db.rows(
      ctx,
      this.db.k
        .updateTable('idempotency_key')
        .set({ claim_token: claim.token, owner_lock: String(this.ownerLock), updated_at: sql<Date>`now()` })
        .where('user_id', '=', claim.userId)
        .where('key', '=', claim.key)
        .where('status_code', 'is', null)
        .where((eb) => (prior.claim_token === null ? eb('claim_token', 'is', null) : eb('claim_token', '=', prior.claim_token)))
        .returning('resource_id'),
    );
    if (!taken.length) throw new DomainError(ErrorCode.IDEMPOTENCY_IN_PROGRESS, 'Another retry with this Idempotency-Key is answering it', { key: claim.key });
    const resourceId = taken[0].resource_id;
    if (!resourceId) {
      this.logger.warn({ key: claim.key }, 'the request holding this Idempotency-Key died before committing: running it again');
      return this.run(req, res, claim, next);
    }
    this.logger.warn({ key: claim.key, resourceId }, 'the request holding this Idempotency-Key died after committing: answering from the committed document');
    const controller = this.moduleRef.get(exec.getClass(), { strict: false }) as Record<string, (ctx: RequestContext, id: string) => Promise<unknown>>;
    // an endpoint without a read of its resource answers the id of what it created
    const body = options.replay ? await controller[options.replay](contextOf(req), resourceId) : { id: resourceId };
    res.status(201);
    res.setHeader('Idempotent-Replayed', 'true');
    await this.store(ctx, claim, 201, body);
    return body;
  }
}

/**
 * The interceptor @Idempotent() puts on its route: Nest makes one per module that uses it, so it
 * only hands over to the process's one IdempotencyInterceptor (which holds the owner lock).
 */
@Injectable()
export class IdempotentRoute implements NestInterceptor {
  constructor(private readonly idempotency: IdempotencyInterceptor) {}

  intercept(exec: ExecutionContext, next: CallHandler): Observable<unknown> {
    return this.idempotency.intercept(exec, next);
  }
}

/** The one IdempotencyInterceptor of the process, for every module's @Idempotent() routes (imported by AppModule). */
@Global()
@Module({ providers: [IdempotencyInterceptor], exports: [IdempotencyInterceptor] })
export class IdempotencyModule {}
