import { createHash } from 'node:crypto';
import { CallHandler, ExecutionContext, Injectable, NestInterceptor, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ErrorCode } from '@drp/shared';
import type { Request, Response } from 'express';
import { from, lastValueFrom, Observable } from 'rxjs';
import { DbService } from '../../database/db.service';
import { RequestContext, AuthUser } from '../context/request-context';
import { DomainError } from '../errors/domain-error';

const IDEMPOTENT_KEY = 'drp:idempotent';

/** Marks a creating POST as honouring the `Idempotency-Key` header. */
export const Idempotent = () => SetMetadata(IDEMPOTENT_KEY, true);

const KEY_RE = /^[A-Za-z0-9._:-]{8,128}$/;

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
    const claimed = await this.db.query(
      ctx,
      `INSERT INTO idempotency_key (user_id, key, method, path, request_hash) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (user_id, key) DO NOTHING RETURNING key`,
      [userId, key, req.method, path, hash],
    );
    if (!claimed.length) {
      const [prior] = await this.db.query<{ request_hash: string; status_code: number | null; response: unknown; path: string }>(
        ctx,
        'SELECT request_hash, status_code, response, path FROM idempotency_key WHERE user_id = $1 AND key = $2',
        [userId, key],
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
      await this.db.query(ctx, 'UPDATE idempotency_key SET status_code = $3, response = $4, completed_at = now(), updated_at = now() WHERE user_id = $1 AND key = $2', [
        userId,
        key,
        res.statusCode,
        JSON.stringify(body ?? null),
      ]);
      return body;
    } catch (e) {
      await this.db.query(ctx, 'DELETE FROM idempotency_key WHERE user_id = $1 AND key = $2', [userId, key]);
      throw e;
    }
  }
}
