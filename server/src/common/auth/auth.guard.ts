import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ErrorCode, OrgType, Permission } from '@drp/shared';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { DomainError } from '../errors/domain-error';
import type { AuthCheck, AuthUser } from '../context/request-context';
import type { HttpRequest } from '../context/ctx.decorator';
import { PERMISSIONS_KEY, PUBLIC_KEY, STAFF_ONLY_KEY } from './permissions.decorator';

/**
 * What the guard asks of the auth module (provided by AuthModule's JwtStrategy): the signed-in user
 * of a request's `Authorization` header, or null when it carries no valid bearer access token or its
 * user, organisation or login is no longer active. A database failure is thrown, not a null.
 */
export abstract class AccessTokenAuthenticator {
  abstract authenticate(authorization: string | undefined): Promise<AuthUser | null>;
  /**
   * The same for a read, which may go ahead on the principal cached in the process: then `check`
   * (AuthCheck) is still to be confirmed, and goes to the database with the read's first statement.
   */
  abstract authenticateRead(authorization: string | undefined): Promise<{ user: AuthUser; check?: AuthCheck } | null>;
}

/** A route's access rule, read from its decorators once. */
interface RouteRule {
  isPublic: boolean;
  needed: Permission[];
  staffOnly: boolean;
  /** answers through Nest (no @Res(), @Next()): PrincipalCheckInterceptor holds its answer until the check is confirmed */
  answeredByNest: boolean;
}

const READS = new Set(['GET', 'HEAD']);

/**
 * The global guard: every route needs a valid access token unless marked @Public(), and the
 * permissions named by @RequirePermissions(); a dealer's user is refused @StaffOnly() routes
 * (403 STAFF_ONLY, before the permission check). Registered once in AppModule, so a new controller
 * is protected by default. It calls the token check directly (no passport: its per-request
 * strategy instance and callbacks cost more than the check itself) and reads a route's decorators
 * once, not on every request.
 *
 * A read (GET, HEAD) goes ahead on the principal cached in the process when there is one (issue #17):
 * its per-request check then rides with the read's first statement instead of costing a round trip
 * of its own, and the request may neither write nor answer before it is confirmed (AuthCheck).
 * A refusal is only ever given on a confirmed principal.
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
    const req = exec.switchToHttp().getRequest<HttpRequest>();
    if (!rule.answeredByNest || !READS.has(req.method)) return this.authorize(exec);
    const ahead = await this.tokens.authenticateRead(req.headers.authorization);
    if (!ahead?.check) return this.admit(req, rule, ahead?.user ?? null);
    if (!this.refusal(rule, ahead.user)) {
      req.user = ahead.user;
      req.authCheck = ahead.check;
      return true;
    }
    // refused on the cached principal: only a confirmed one may refuse
    return (await ahead.check.confirmed()) ? this.admit(req, rule, ahead.user) : this.authorize(exec);
  }

  /**
   * The request's principal read and checked before it goes on (every write; a read with nothing
   * cached; PrincipalCheckInterceptor's second run of a read whose cached principal was stale).
   */
  async authorize(exec: ExecutionContext): Promise<true> {
    const req = exec.switchToHttp().getRequest<HttpRequest>();
    req.authCheck = undefined;
    return this.admit(req, this.ruleOf(exec), await this.tokens.authenticate(req.headers.authorization));
  }

  private admit(req: HttpRequest, rule: RouteRule, user: AuthUser | null): true {
    if (!user) throw new DomainError(ErrorCode.UNAUTHENTICATED, 'Sign in first (missing, expired or revoked access token)');
    req.user = user;
    const refused = this.refusal(rule, user);
    if (refused) throw refused;
    return true;
  }

  private refusal(rule: RouteRule, user: AuthUser): DomainError | undefined {
    if (rule.staffOnly && user.orgType === OrgType.DEALER) {
      return new DomainError(ErrorCode.STAFF_ONLY, "This endpoint is for headquarters and branch staff, not a dealer's users");
    }
    const missing = rule.needed.filter((p) => !user.permissions.has(p));
    return missing.length ? new DomainError(ErrorCode.FORBIDDEN, `Missing permission: ${missing.join(', ')}`, { missing }) : undefined;
  }

  private ruleOf(exec: ExecutionContext): RouteRule {
    const handler = exec.getHandler();
    const cls = exec.getClass();
    let byHandler = this.rules.get(cls);
    if (!byHandler) this.rules.set(cls, (byHandler = new WeakMap()));
    let rule = byHandler.get(handler);
    if (!rule) {
      const targets = [handler, cls];
      // Nest's parameter metadata: keys `<RouteParamtypes>:<index>`, RESPONSE = 1, NEXT = 2
      const params = Object.keys((Reflect.getMetadata(ROUTE_ARGS_METADATA, cls, handler.name) as object | undefined) ?? {});
      rule = {
        isPublic: !!this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets),
        needed: this.reflector.getAllAndOverride<Permission[]>(PERMISSIONS_KEY, targets) ?? [],
        staffOnly: !!this.reflector.getAllAndOverride<boolean>(STAFF_ONLY_KEY, targets),
        answeredByNest: !params.some((k) => k.startsWith('1:') || k.startsWith('2:')),
      };
      byHandler.set(handler, rule);
    }
    return rule;
  }
}
