import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { ErrorCode, OrgType, Permission } from '@drp/shared';
import type { Request } from 'express';
import { DomainError } from '../errors/domain-error';
import type { AuthUser } from '../context/request-context';
import { PERMISSIONS_KEY, PUBLIC_KEY, STAFF_ONLY_KEY } from './permissions.decorator';

/**
 * The global guard: every route needs a valid access token unless marked @Public(), and the
 * permissions named by @RequirePermissions(); a dealer's user is refused @StaffOnly() routes
 * (403 STAFF_ONLY, before the permission check). Registered once in AppModule, so a new controller
 * is protected by default.
 */
@Injectable()
export class AppAuthGuard extends AuthGuard('jwt') {
  constructor(private readonly reflector: Reflector) {
    super();
  }

  override async canActivate(exec: ExecutionContext): Promise<boolean> {
    const targets = [exec.getHandler(), exec.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    await (super.canActivate(exec) as Promise<boolean>);
    const needed = this.reflector.getAllAndOverride<Permission[]>(PERMISSIONS_KEY, targets) ?? [];
    const user = exec.switchToHttp().getRequest<Request & { user: AuthUser }>().user;
    if (user.orgType === OrgType.DEALER && this.reflector.getAllAndOverride<boolean>(STAFF_ONLY_KEY, targets)) {
      throw new DomainError(ErrorCode.STAFF_ONLY, "This endpoint is for headquarters and branch staff, not a dealer's users");
    }
    const missing = needed.filter((p) => !user.permissions.has(p));
    if (missing.length) throw new DomainError(ErrorCode.FORBIDDEN, `Missing permission: ${missing.join(', ')}`, { missing });
    return true;
  }

  override handleRequest<T>(err: unknown, user: T): T {
    if (err) throw err;
    if (!user) throw new DomainError(ErrorCode.UNAUTHENTICATED, 'Sign in first (missing, expired or revoked access token)');
    return user;
  }
}
