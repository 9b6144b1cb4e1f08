import type { EntityManager } from 'typeorm';
import type { DataScopeKind, Permission } from '@drp/shared';
import type { DataScope } from '../scope/data-scope';

/** The signed-in user as every service sees it, loaded fresh on each request (JwtStrategy). */
export interface AuthUser {
  id: string;
  username: string;
  displayName: string;
  orgId: string;
  orgPath: string;
  orgType: string;
  sessionId: string;
  roleCodes: string[];
  permissions: ReadonlySet<Permission>;
  scopeKinds: DataScopeKind[];
  scope: DataScope;
}

/**
 * The `Idempotency-Key` claim a creating POST runs under (common/http/idempotency.interceptor.ts):
 * the business transaction checks at its end that the claim is still its own and records the
 * resource it created, atomically with the document (DbService.tx).
 */
export interface IdempotencyClaim {
  userId: string;
  key: string;
  token: string;
}

/**
 * What a service method needs to know about the call: who, with what scope, under which request
 * id, and the open transaction if there is one. Passed explicitly as the first argument
 * (STYLE: "the request context travels explicitly") so nothing relies on async-local magic.
 */
export class RequestContext {
  constructor(
    readonly requestId: string | undefined,
    readonly ip: string | undefined,
    readonly user: AuthUser | undefined,
    readonly manager?: EntityManager,
    private readonly system = false,
    readonly idempotency?: IdempotencyClaim,
  ) {}

  /** Internal work (seeding, jobs): no user, unrestricted scope. */
  static system(manager?: EntityManager): RequestContext {
    return new RequestContext('system', undefined, undefined, manager, true);
  }

  withManager(manager: EntityManager): RequestContext {
    return new RequestContext(this.requestId, this.ip, this.user, manager, this.system, this.idempotency);
  }

  /** The same caller outside any transaction (work after a commit). */
  detached(): RequestContext {
    return new RequestContext(this.requestId, this.ip, this.user, undefined, this.system, this.idempotency);
  }

  /** Internal work with unrestricted scope. An anonymous request is not system: it sees nothing scoped. */
  get isSystem(): boolean {
    return this.system;
  }

  /** The signed-in user; throws for system contexts, where a user is a programming error. */
  get actor(): AuthUser {
    if (!this.user) throw new Error('RequestContext has no user');
    return this.user;
  }

  can(permission: Permission): boolean {
    return this.isSystem || this.actor.permissions.has(permission);
  }
}
