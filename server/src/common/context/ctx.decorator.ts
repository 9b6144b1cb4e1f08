import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { AuthUser, RequestContext } from './request-context';

/** `@Ctx() ctx: RequestContext` in a controller method. */
export const Ctx = createParamDecorator((_data: unknown, exec: ExecutionContext): RequestContext => {
  const req = exec.switchToHttp().getRequest<Request & { id?: string | number; user?: AuthUser }>();
  return new RequestContext(req.id !== undefined ? String(req.id) : undefined, req.ip, req.user);
});
