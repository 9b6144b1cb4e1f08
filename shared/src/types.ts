/** Wire types of the API: what the server answers and the web app reads. */
import type { OrgStatus, OrgType, SettlementMethod, UserStatus } from './org';
import type { DataScopeKind, Permission } from './permissions';

export interface OrgRef {
  id: string;
  code: string;
  name: string;
  type: OrgType;
}

export interface OrgDto extends OrgRef {
  parentId: string | null;
  /** depth in the tree, HQ = 0 */
  depth: number;
  status: OrgStatus;
  contact: string | null;
  phone: string | null;
  address: string | null;
  region: string | null;
  longitude: number | null;
  latitude: number | null;
  /** dealers only: 1..10, the wholesale price level (一级..十级批发价) */
  priceLevel: number | null;
  /** dealers only */
  settlementMethod: SettlementMethod | null;
  remark: string | null;
  /** 统一社会信用代码 / 纳税人识别号 (checked by shared taxIdProblem); the invoice buyer's tax id for a dealer */
  taxId?: string | null;
  childCount: number;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface OrgTreeNode extends OrgRef {
  parentId: string | null;
  status: OrgStatus;
  children: OrgTreeNode[];
}

/** `GET /api/orgs/company`: the company's letterhead on printed documents (the HQ organisation). */
export interface CompanyHeaderDto {
  name: string;
  address: string | null;
  phone: string | null;
  /** 纳税人识别号 of the HQ organisation; null when none is entered */
  taxId: string | null;
}

export interface CreateOrgInput {
  code: string;
  name: string;
  type: OrgType;
  parentId: string;
  contact?: string | null;
  phone?: string | null;
  address?: string | null;
  region?: string | null;
  longitude?: number | null;
  latitude?: number | null;
  priceLevel?: number | null;
  settlementMethod?: SettlementMethod | null;
  remark?: string | null;
}

export type UpdateOrgInput = Partial<Omit<CreateOrgInput, 'type' | 'parentId' | 'code'>> & { version: number };

export interface MoveOrgInput {
  parentId: string;
  version: number;
}

export interface RoleRef {
  id: string;
  code: string;
  name: string;
}

export interface RoleDto extends RoleRef {
  nameEn: string | null;
  description: string | null;
  builtin: boolean;
  dataScope: DataScopeKind;
  permissions: Permission[];
  userCount: number;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface CreateRoleInput {
  code: string;
  name: string;
  nameEn?: string | null;
  description?: string | null;
  dataScope: DataScopeKind;
  permissions: Permission[];
}

export type UpdateRoleInput = Partial<Omit<CreateRoleInput, 'code'>> & { version: number };

export interface UserDto {
  id: string;
  username: string;
  displayName: string;
  phone: string | null;
  email: string | null;
  status: UserStatus;
  orgId: string;
  org: OrgRef;
  roles: RoleRef[];
  /** sales reps: the dealers they manage (管辖往来单位) */
  assignedDealers: OrgRef[];
  lastLoginAt: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface CreateUserInput {
  username: string;
  displayName: string;
  password: string;
  orgId: string;
  roleIds: string[];
  phone?: string | null;
  email?: string | null;
}

export interface UpdateUserInput {
  displayName?: string;
  phone?: string | null;
  email?: string | null;
  orgId?: string;
  roleIds?: string[];
  version: number;
}

export interface MeDto extends UserDto {
  permissions: Permission[];
  /** the scope kinds of the user's roles, for display */
  scopeKinds: DataScopeKind[];
  locale: string;
}

export interface LoginInput {
  username: string;
  password: string;
}

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  /** access token lifetime in seconds */
  expiresIn: number;
}

export interface LoginResponse extends TokenPair {
  user: MeDto;
}

export interface ChangePasswordInput {
  oldPassword: string;
  newPassword: string;
}

export interface AuditLogDto {
  id: string;
  createdAt: string;
  actorId: string | null;
  actorName: string | null;
  orgId: string | null;
  orgName: string | null;
  action: string;
  entity: string;
  entityId: string | null;
  /** stored fallback text; clients word `messageKey` + `messageValues` in the reader's language */
  summary: string | null;
  messageKey: string | null;
  messageValues: Record<string, string | number | boolean | null> | null;
  before: unknown;
  after: unknown;
  requestId: string | null;
  ip: string | null;
}

export interface HealthDto {
  status: 'ok' | 'degraded';
  database: 'up' | 'down';
  jobs: 'up' | 'down' | 'disabled';
  version: string;
  uptimeSeconds: number;
  time: string;
  /** the cluster worker that answered (1..WEB_CONCURRENCY); 0 when one process serves alone */
  worker: number;
}
