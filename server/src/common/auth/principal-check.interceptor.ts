import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { from, lastValueFrom, Observable } from 'rxjs';
import type { AuthCheck } from '../context/request-context';
import type { HttpRequest } from '../context/ctx.decorator';
import { AppAuthGuard } from './auth.guard';

/**
 * Holds the answer of a read that went ahead on its cached principal (AppAuthGuard, issue #17)
 * until the principal's check is confirmed, and, when the check finds it stale (a role, scope or
 * assignment changed) or refused (the user, organisation or login is no longer active), runs the
 * request again on the principal read afresh: what the first run read with the old principal,
 * answer or error, is never sent. Registered globally, so it wraps every other interceptor.
 */
@Injectable()
export class PrincipalCheckInterceptor implements NestInterceptor {
  constructor(private readonly guard: AppAuthGuard) {}

  intercept(exec: ExecutionContext, next: CallHandler): Observable<unknown> {
    const check = exec.switchToHttp().getRequest<HttpRequest>().authCheck;
    return check ? from(this.answer(exec, next, check)) : next.handle();
  }

  private async answer(exec: ExecutionContext, next: CallHandler, check: AuthCheck): Promise<unknown> {
    let outcome: { value: unknown } | { error: unknown };
    try {
      outcome = { value: await lastValueFrom(next.handle(), { defaultValue: undefined }) };
    } catch (error) {
      outcome = { error };
    }
    if (await check.confirmed()) {
      if ('error' in outcome) throw outcome.error;
      return outcome.value;
    }
    // throws the refusal (401, 403) when the principal read afresh is refused
    await this.guard.authorize(exec);
    return lastValueFrom(next.handle(), { defaultValue: undefined });
  }
}
