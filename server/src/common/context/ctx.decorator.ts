import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { AuthUser, IdempotencyClaim, RequestContext } from './request-context';

export type HttpRequest = Request & { id?: string | number; user?: AuthUser; idempotencyClaim?: IdempotencyClaim };

/** `@Ctx() ctx: RequestContext` in a controller method. */
export const Ctx = createParamDecorator((_data: unknown, exec: ExecutionContext): RequestContext => {
  const req = exec.switchToHttp().getRequest<HttpRequest>();
  return contextOf(req);
});

/** The context of a request (the idempotency interceptor also builds one to answer a replay). */
export function contextOf(req: HttpRequest): RequestContext {
  return new RequestContext(req.id !== undefined ? String(req.id) : undefined, req.ip, req.user, undefined, false, req.idempotencyClaim);
}
