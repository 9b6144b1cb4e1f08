import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { ApiErrorBody, ErrorCode } from '@drp/shared';
import type { Request, Response } from 'express';
import { QueryFailedError } from 'typeorm';
import { DomainError } from './domain-error';
import { ERROR_STATUS } from './error-status';

/**
 * The one place errors become HTTP answers: `{ statusCode, code, message, details?, requestId }`.
 * Database driver text never reaches a client; constraint violations map to stable codes.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const res = ctx.getResponse<Response>();
    const req = ctx.getRequest<Request & { id?: string }>();
    const { code, message, details } = this.describe(exception);
    const statusCode = ERROR_STATUS[code];
    if (statusCode >= 500) this.logger.error({ err: exception, path: req.url }, 'unhandled error');
    const body: ApiErrorBody = { statusCode, code, message, ...(details !== undefined ? { details } : {}), requestId: req.id ? String(req.id) : undefined };
    if (code === ErrorCode.LOGIN_RATE_LIMITED && details && typeof details === 'object' && 'retryAfterSeconds' in details) {
      res.setHeader('Retry-After', String((details as { retryAfterSeconds: number }).retryAfterSeconds));
    }
    res.status(statusCode).json(body);
  }

  private describe(e: unknown): { code: ErrorCode; message: string; details?: unknown } {
    if (e instanceof DomainError) return { code: e.code, message: e.message, details: e.details };
    // body-parser errors arrive before any route: malformed JSON, oversized bodies
    const parserType = (e as { type?: string })?.type;
    if (parserType === 'entity.parse.failed') return { code: ErrorCode.MALFORMED_JSON, message: 'The request body is not valid JSON' };
    if (parserType === 'entity.too.large') return { code: ErrorCode.PAYLOAD_TOO_LARGE, message: 'The request body is too large' };
    if (e instanceof QueryFailedError) return describeDbError(e);
    if (e instanceof HttpException) {
      const status = e.getStatus();
      const resp = e.getResponse() as { message?: unknown; cause?: { type?: string } } | string;
      const text = typeof resp === 'string' ? resp : Array.isArray(resp.message) ? resp.message.join('; ') : String(resp.message ?? e.message);
      switch (status) {
        case HttpStatus.BAD_REQUEST:
          if (/JSON/i.test(text)) return { code: ErrorCode.MALFORMED_JSON, message: 'The request body is not valid JSON' };
          return { code: ErrorCode.VALIDATION_FAILED, message: text };
        case HttpStatus.UNAUTHORIZED:
          return { code: ErrorCode.UNAUTHENTICATED, message: 'Sign in first (missing, expired or revoked access token)' };
        case HttpStatus.FORBIDDEN:
          return { code: ErrorCode.FORBIDDEN, message: text || 'Not allowed' };
        case HttpStatus.NOT_FOUND:
          return { code: ErrorCode.ROUTE_NOT_FOUND, message: text };
        case HttpStatus.PAYLOAD_TOO_LARGE:
          return { code: ErrorCode.PAYLOAD_TOO_LARGE, message: 'The request body is too large' };
        default:
          if (status < 500) return { code: ErrorCode.VALIDATION_FAILED, message: text };
      }
    }
    return { code: ErrorCode.INTERNAL, message: 'Internal error; the request id identifies it in the logs' };
  }
}

/** Postgres SQLSTATEs that reach us despite validation: the database is the last line of defence. */
export function describeDbError(e: QueryFailedError): { code: ErrorCode; message: string; details?: unknown } {
  const err = e.driverError as { code?: string; constraint?: string; column?: string };
  switch (err?.code) {
    case '23505':
      return { code: ErrorCode.DUPLICATE, message: 'A record with the same unique value already exists', details: { constraint: err.constraint } };
    case '23503':
      return { code: ErrorCode.REFERENCED, message: 'The record is referenced by, or refers to, another record', details: { constraint: err.constraint } };
    case '23514':
    case '23502':
    case '22001':
    case '22003':
    case '22P02':
    case '22007':
    case '22008':
      return { code: ErrorCode.VALIDATION_FAILED, message: 'A value is out of the allowed range or format', details: { constraint: err.constraint, column: err.column } };
    case '40001':
    case '40P01':
    case '55P03':
      return { code: ErrorCode.CONCURRENT_UPDATE, message: 'A concurrent change got in the way; retry the request', details: { retryable: true } };
    default:
      return { code: ErrorCode.INTERNAL, message: 'Internal error; the request id identifies it in the logs' };
  }
}
