import { Injectable, NestMiddleware } from '@nestjs/common';
import { ErrorCode } from '@drp/shared';
import type { NextFunction, Request, Response } from 'express';
import { DomainError } from '../errors/domain-error';

/** Deeper JSON than any of our bodies needs (an order is 4 levels); deeper nesting only overflows a stack. */
export const MAX_JSON_DEPTH = 32;

/**
 * What is refused before any route sees it (issue #11 "bad input never answers 5xx"): a NUL
 * character in the body, the query or the path (PostgreSQL cannot store it in text: 22021), and
 * JSON nested deeper than MAX_JSON_DEPTH. Walks iteratively, so the check itself cannot overflow.
 */
export function inputProblem(value: unknown, root: string): { code: ErrorCode; message: string; details: object } | null {
  const stack: { v: unknown; path: string; depth: number }[] = [{ v: value, path: root, depth: 0 }];
  while (stack.length) {
    const { v, path, depth } = stack.pop()!;
    if (typeof v === 'string') {
      if (v.includes('\u0000')) return { code: ErrorCode.VALIDATION_FAILED, message: `${path} contains a NUL character`, details: [{ field: path, messages: ['must not contain a NUL character'] }] };
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    if (depth >= MAX_JSON_DEPTH) return { code: ErrorCode.MALFORMED_JSON, message: `The request nests deeper than ${MAX_JSON_DEPTH} levels`, details: { maxDepth: MAX_JSON_DEPTH } };
    for (const [k, child] of Object.entries(v)) {
      if (k.includes('\u0000')) return { code: ErrorCode.VALIDATION_FAILED, message: `${path} has a field name with a NUL character`, details: [{ field: path, messages: ['field names must not contain a NUL character'] }] };
      stack.push({ v: child, path: Array.isArray(v) ? `${path}.${k}` : path ? `${path}.${k}` : k, depth: depth + 1 });
    }
  }
  return null;
}

@Injectable()
export class EdgeInputMiddleware implements NestMiddleware {
  use(req: Request, _res: Response, next: NextFunction): void {
    if (/%00/.test(req.originalUrl) || req.originalUrl.includes('\u0000')) {
      return next(new DomainError(ErrorCode.VALIDATION_FAILED, 'The address contains a NUL character', [{ field: 'url', messages: ['must not contain a NUL character'] }]));
    }
    const problem = inputProblem(req.query, '') ?? inputProblem(req.body, '');
    next(problem ? new DomainError(problem.code, problem.message, problem.details) : undefined);
  }
}
