import { DataScopeKind, isPermission, OrgStatus, Permission, UserStatus } from '@drp/shared';
import { InferResult, sql } from 'kysely';
import { DbService, sqlBuilder } from '../../database/db.service';
import { AuthUser, RequestContext } from '../context/request-context';
import { computeScope } from '../scope/data-scope';

/**
 * The signed-in user with roles, permissions (the union over roles) and data scope, in one query;
 * null when the user, its organisation or the login (session) is not active. The one place
 * permissions and scope are derived from roles: the JWT strategy and /auth/me both use it.
 */
/** `sessionId` null: internal work acting as a user (seeding), with no sign-in session to check. */
export async function loadPrincipal(db: DbService, ctx: RequestContext, userId: string, sessionId: string | null): Promise<AuthUser | null> {
  return (await loadVersionedPrincipal(db, ctx, userId, sessionId)).user;
}

/**
 * The principal with the versions it was derived at (`<user version>:<auth epoch>`, see
 * migration PrincipalVersion): read in the same query, so a change committed after it moves them.
 */
export async function loadVersionedPrincipal(
  db: Pick<DbService, 'query'>,
  ctx: RequestContext,
  userId: string,
  sessionId: string | null,
): Promise<{ user: AuthUser | null; version: string | null }> {
  // ONE query on every request (hot path): the roles (roles), role links and dealer assignments
  // (users) and the session (auth) are read here directly, allowed in table-owners.ts
  // compiled here and sent through db.query: the benchmarks capture this query with a stand-in for db.query
  const query = sqlBuilder
    .selectFrom('app_user as u')
    .innerJoin('organization as o', 'o.id', 'u.org_id')
    .leftJoin('auth_session as s', (j) => j.on('s.id', '=', sql<string>`${sessionId}::uuid`).onRef('s.user_id', '=', 'u.id'))
    .select([
      'u.id', 'u.username', 'u.display_name', 'u.status', 'u.org_id', 'o.path as org_path', 'o.type as org_type', 'o.status as org_status',
      sql<boolean>`(s.revoked_at IS NULL AND s.expires_at > now())`.as('session_ok'),
      sql<string[]>`COALESCE((SELECT array_agg(r.code ORDER BY r.code) FROM user_role ur JOIN role r ON r.id = ur.role_id WHERE ur.user_id = u.id), '{}')`.as('role_codes'),
      sql<string[]>`COALESCE((SELECT array_agg(DISTINCT p) FROM user_role ur JOIN role r ON r.id = ur.role_id, unnest(r.permissions) p WHERE ur.user_id = u.id), '{}')`.as('permissions'),
      sql<DataScopeKind[]>`COALESCE((SELECT array_agg(DISTINCT r.data_scope) FROM user_role ur JOIN role r ON r.id = ur.role_id WHERE ur.user_id = u.id), '{}')`.as('scope_kinds'),
      sql<string[]>`COALESCE((SELECT array_agg(d.path) FROM user_dealer ud JOIN organization d ON d.id = ud.dealer_id WHERE ud.user_id = u.id), '{}')`.as('dealer_paths'),
      sql<string>`COALESCE((SELECT v.version FROM principal_version v WHERE v.user_id = u.id), 0) || ':' || (SELECT e.version FROM auth_epoch e WHERE e.id = 1)`.as('principal_version'),
    ])
    .where('u.id', '=', userId);
  const compiled = query.compile();
  const [r] = await db.query<InferResult<typeof query>[number]>(ctx, compiled.sql, compiled.parameters as unknown[]);
  if (!r || (sessionId !== null && !r.session_ok) || r.status !== UserStatus.ACTIVE || r.org_status !== OrgStatus.ACTIVE) return { user: null, version: null };
  const user: AuthUser = {
    id: r.id,
    username: r.username,
    displayName: r.display_name,
    orgId: r.org_id,
    orgPath: r.org_path,
    orgType: r.org_type,
    sessionId: sessionId ?? 'internal',
    roleCodes: r.role_codes,
    permissions: new Set(r.permissions.filter(isPermission) as Permission[]),
    scopeKinds: r.scope_kinds,
    scope: computeScope({ kinds: r.scope_kinds, orgId: r.org_id, orgPath: r.org_path, assignedDealerPaths: r.dealer_paths }),
  };
  return { user, version: r.principal_version };
}

/** The per-request check's statement, compiled once (sentinels stand for the parameters). */
const VERSION_QUERY = (() => {
  const SESSION = '\u0000session', USER = '\u0000user';
  const query = sqlBuilder
    .selectFrom('auth_session as s')
    .innerJoin('auth_epoch as e', (j) => j.on('e.id', '=', 1))
    .leftJoin('principal_version as v', 'v.user_id', 's.user_id')
    .select(sql<string>`COALESCE(v.version, 0) || ':' || e.version`.as('version'))
    .where('s.id', '=', sql<string>`${SESSION}::uuid`)
    .where('s.user_id', '=', USER)
    .where('s.revoked_at', 'is', null)
    .where(sql<boolean>`s.expires_at > now()`);
  const compiled = query.compile();
  const slots = compiled.parameters.map((p) => (p === SESSION ? 'session' : p === USER ? 'user' : null));
  if (!slots.includes('session') || !slots.includes('user')) throw new Error('loadPrincipalVersion: parameters not found in the compiled query');
  return {
    sql: compiled.sql,
    params: (userId: string, sessionId: string): unknown[] => compiled.parameters.map((p, i) => (slots[i] === 'session' ? sessionId : slots[i] === 'user' ? userId : p)),
  };
})();

/**
 * The per-request check behind the principal cache: ONE query of three primary-key reads — the
 * session (still valid: not revoked, not expired), the user's principal version and the auth epoch.
 * Null when the session is gone, revoked, expired or not the user's: the request is refused.
 * (Built once: it runs on every request, and building a kysely query costs more than sending it.)
 */
export async function loadPrincipalVersion(db: Pick<DbService, 'query'>, ctx: RequestContext, userId: string, sessionId: string): Promise<string | null> {
  const [r] = await db.query<{ version: string }>(ctx, VERSION_QUERY.sql, VERSION_QUERY.params(userId, sessionId));
  return r?.version ?? null;
}

/**
 * Principals cached in the process by user and session, each with the version it was loaded at.
 * Every request pays `loadPrincipalVersion` (one cheap query); the principal (roles, permissions,
 * scope: one query with sub-plans) is re-read only when the version moved. The versions are bumped
 * by triggers in the same transaction as every change that alters a principal, so a disabled user,
 * a role change, an organisation move or a revoked session applies on the very next request, in
 * every server process. Refusals are never cached.
 */
export class PrincipalCache {
  private readonly entries = new Map<string, { version: string; user: AuthUser }>();

  constructor(private readonly maxEntries = 10_000) {}

  async resolve(db: Pick<DbService, 'query'>, ctx: RequestContext, userId: string, sessionId: string): Promise<AuthUser | null> {
    const key = `${userId}:${sessionId}`;
    const cached = this.entries.get(key);
    if (cached) {
      const version = await loadPrincipalVersion(db, ctx, userId, sessionId);
      if (version === cached.version) return cached.user;
      this.entries.delete(key);
      if (version === null) return null;
    }
    const loaded = await loadVersionedPrincipal(db, ctx, userId, sessionId);
    if (!loaded.user || loaded.version === null) return null;
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(key, { version: loaded.version, user: loaded.user });
    return loaded.user;
  }

  clear(): void {
    this.entries.clear();
  }
}
