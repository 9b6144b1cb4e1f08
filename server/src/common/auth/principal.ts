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
    ])
    .where('u.id', '=', userId);
  const compiled = query.compile();
  const [r] = await db.query<InferResult<typeof query>[number]>(ctx, compiled.sql, compiled.parameters as unknown[]);
  if (!r || (sessionId !== null && !r.session_ok) || r.status !== UserStatus.ACTIVE || r.org_status !== OrgStatus.ACTIVE) return null;
  return {
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
}
