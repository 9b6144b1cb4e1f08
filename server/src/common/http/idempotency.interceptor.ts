import { createHash } from 'node:crypto';
import { CallHandler, ExecutionContext, Injectable, NestInterceptor, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ErrorCode } from '@drp/shared';
import type { Request, Response } from 'express';
import { from, lastValueFrom, Observable } from 'rxjs';
import { sql } from 'kysely';
import { DbService } from '../../database/db.service';
import { RequestContext, AuthUser } from '../context/request-context';
import { DomainError } from '../errors/domain-error';

const IDEMPOTENT_KEY = 'drp:idempotent';

/** Marks a creating POST as honouring the `Idempotency-Key` header. */
export const Idempotent = () => SetMetadata(IDEMPOTENT_KEY, true);

const KEY_RE = /^[A-Za-z0-9._:-]{8,128}$/;

/** Keys older than 24 hours are forgotten (the maintenance job calls this); answers how many went. */
export async function purgeIdempotencyKeys(db: DbService, ctx: RequestContext): Promise<number> {
  const gone = await db.rows(ctx, db.k.deleteFrom('idempotency_key').where('created_at', '<', sql<Date>`now() - interval '24 hours'`).returning('key'));
  return gone.length;
}

/**
 * `Idempotency-Key` for creating POSTs (ARCHITECTURE §6): the first request with a key claims it
 * (a row keyed by user + key), runs, and stores its answer; a retry with the same key and body
 * gets that answer again; the same key with another body answers 409. A failed first attempt
 * releases the key so the client may retry. Keys are kept for 24 hours (jobs clean them up).
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly db: DbService,
  ) {}

  intercept(exec: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = exec.switchToHttp().getRequest<Request & { user?: AuthUser }>();
    const key = req.header('idempotency-key');
    if (!key || req.method !== 'POST' || !this.reflector.get<boolean>(IDEMPOTENT_KEY, exec.getHandler())) return next.handle();
    return from(this.handle(exec, req, key, next));
  }

  private async handle(exec: ExecutionContext, req: Request & { user?: AuthUser }, key: string, next: CallHandler): Promise<unknown> {
    if (!KEY_RE.test(key)) throw new DomainError(ErrorCode.VALIDATION_FAILED, 'Idempotency-Key must be 8-128 characters of letters, digits, . _ : -', { field: 'Idempotency-Key' });
    const res = exec.switchToHttp().getResponse<Response>();
    const ctx = RequestContext.system();
    const userId = req.user?.id ?? '00000000-0000-0000-0000-000000000000';
    const path = req.originalUrl.split('?')[0];
    const hash = createHash('sha256').update(`${req.method} ${path}\n${JSON.stringify(req.body ?? null)}`).digest('hex');
    const claimed = await this.db.rows(
      ctx,
      this.db.k
        .insertInto('idempotency_key')
        .values({ user_id: userId, key, method: req.method, path, request_hash: hash })
        .onConflict((oc) => oc.columns(['user_id', 'key']).doNothing())
        .returning('key'),
    );
    if (!claimed.length) {
      const prior = await this.db.first(
        ctx,
        this.db.k.selectFrom('idempotency_key').select(['request_hash', 'status_code', 'response', 'path']).where('user_id', '=', userId).where('key', '=', key),
      );
      if (!prior || prior.request_hash !== hash) {
        throw new DomainError(ErrorCode.IDEMPOTENCY_KEY_REUSED, 'This Idempotency-Key was already used with a different request', { key });
      }
      if (prior.status_code === null) throw new DomainError(ErrorCode.IDEMPOTENCY_IN_PROGRESS, 'The first request with this Idempotency-Key is still running', { key });
      res.status(prior.status_code);
      res.setHeader('Idempotent-Replayed', 'true');
      return prior.response;
    }
    try {
      const body = await lastValueFrom(next.handle(), { defaultValue: null });
      await this.db.rows(
        ctx,
        this.db.k
          .updateTable('idempotency_key')
          .set({ status_code: res.statusCode, response: JSON.stringify(body ?? null), completed_at: sql<Date>`now()`, updated_at: sql<Date>`now()` })
          .where('user_id', '=', userId)
          .where('key', '=', key),
      );
      return body;
    } catch (e) {
      await this.db.rows(ctx, this.db.k.deleteFrom('idempotency_key').where('user_id', '=', userId).where('key', '=', key));
      throw e;
    }
  }
}
