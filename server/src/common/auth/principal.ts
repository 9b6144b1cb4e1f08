import { DataScopeKind, isPermission, OrgStatus, Permission, UserStatus } from '@drp/shared';
import { DbService } from '../../database/db.service';
import { AuthUser, RequestContext } from '../context/request-context';
import { computeScope } from '../scope/data-scope';

interface PrincipalRow {
  id: string;
  username: string;
  display_name: string;
  status: UserStatus;
  org_id: string;
  org_path: string;
  org_type: string;
  org_status: OrgStatus;
  session_ok: boolean;
  role_codes: string[];
  permissions: string[];
  scope_kinds: DataScopeKind[];
  dealer_paths: string[];
}

/**
 * The signed-in user with roles, permissions (the union over roles) and data scope, in one query;
 * null when the user, its organisation or the login (session) is not active. The one place
 * permissions and scope are derived from roles: the JWT strategy and /auth/me both use it.
 */
/** `sessionId` null: internal work acting as a user (seeding), with no sign-in session to check. */
export async function loadPrincipal(db: DbService, ctx: RequestContext, userId: string, sessionId: string | null): Promise<AuthUser | null> {
  const rows = await db.query<PrincipalRow>(
    ctx,
    `SELECT u.id, u.username, u.display_name, u.status, u.org_id, o.path AS org_path, o.type AS org_type, o.status AS org_status,
            (s.revoked_at IS NULL AND s.expires_at > now()) AS session_ok,
            COALESCE((SELECT array_agg(r.code ORDER BY r.code) FROM user_role ur JOIN role r ON r.id = ur.role_id WHERE ur.user_id = u.id), '{}') AS role_codes,
            COALESCE((SELECT array_agg(DISTINCT p) FROM user_role ur JOIN role r ON r.id = ur.role_id, unnest(r.permissions) p WHERE ur.user_id = u.id), '{}') AS permissions,
            COALESCE((SELECT array_agg(DISTINCT r.data_scope) FROM user_role ur JOIN role r ON r.id = ur.role_id WHERE ur.user_id = u.id), '{}') AS scope_kinds,
            COALESCE((SELECT array_agg(d.path) FROM user_dealer ud JOIN organization d ON d.id = ud.dealer_id WHERE ud.user_id = u.id), '{}') AS dealer_paths
       FROM app_user u
       JOIN organization o ON o.id = u.org_id
       LEFT JOIN auth_session s ON s.id = $2::uuid AND s.user_id = u.id
      WHERE u.id = $1`,
    [userId, sessionId],
  );
  const r = rows[0];
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
