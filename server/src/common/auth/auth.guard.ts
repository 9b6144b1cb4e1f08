import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ErrorCode, OrgType, Permission } from '@drp/shared';
import type { Request } from 'express';
import { DomainError } from '../errors/domain-error';
import type { AuthUser } from '../context/request-context';
import { PERMISSIONS_KEY, PUBLIC_KEY, STAFF_ONLY_KEY } from './permissions.decorator';

/**
 * What the guard asks of the auth module (provided by AuthModule's JwtStrategy): the signed-in user
 * of a request's `Authorization` header, or null when it carries no valid bearer access token or its
 * user, organisation or login is no longer active. A database failure is thrown, not a null.
 */
export abstract class AccessTokenAuthenticator {
  abstract authenticate(authorization: string | undefined): Promise<AuthUser | null>;
}

/** A route's access rule, read from its decorators once. */
interface RouteRule {
  isPublic: boolean;
  needed: Permission[];
  staffOnly: boolean;
}

/**
 * The global guard: every route needs a valid access token unless marked @Public(), and the
 * permissions named by @RequirePermissions(); a dealer's user is refused @StaffOnly() routes
 * (403 STAFF_ONLY, before the permission check). Registered once in AppModule, so a new controller
 * is protected by default. It calls the token check directly (no passport: its per-request
 * strategy instance and callbacks cost more than the check itself) and reads a route's decorators
 * once, not on every request.
 */
@Injectable()
export class AppAuthGuard implements CanActivate {
  private readonly rules = new WeakMap<object, WeakMap<object, RouteRule>>();

  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: AccessTokenAuthenticator,
  ) {}

  async canActivate(exec: ExecutionContext): Promise<boolean> {
    const rule = this.ruleOf(exec);
    if (rule.isPublic) return true;
    const req = exec.switchToHttp().getRequest<Request & { user?: AuthUser }>();
    const user = await this.tokens.authenticate(req.headers.authorization);
    if (!user) throw new DomainError(ErrorCode.UNAUTHENTICATED, 'Sign in first (missing, expired or revoked access token)');
    req.user = user;
    if (rule.staffOnly && user.orgType === OrgType.DEALER) {
      throw new DomainError(ErrorCode.STAFF_ONLY, "This endpoint is for headquarters and branch staff, not a dealer's users");
    }
    const missing = rule.needed.filter((p) => !user.permissions.has(p));
    if (missing.length) throw new DomainError(ErrorCode.FORBIDDEN, `Missing permission: ${missing.join(', ')}`, { missing });
    return true;
  }

  private ruleOf(exec: ExecutionContext): RouteRule {
    const handler = exec.getHandler();
    const cls = exec.getClass();
    let byHandler = this.rules.get(cls);
    if (!byHandler) this.rules.set(cls, (byHandler = new WeakMap()));
    let rule = byHandler.get(handler);
    if (!rule) {
      const targets = [handler, cls];
      rule = {
        isPublic: !!this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets),
        needed: this.reflector.getAllAndOverride<Permission[]>(PERMISSIONS_KEY, targets) ?? [],
        staffOnly: !!this.reflector.getAllAndOverride<boolean>(STAFF_ONLY_KEY, targets),
      };
      byHandler.set(handler, rule);
    }
    return rule;
  }
}
