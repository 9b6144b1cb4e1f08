/**
 * The permission catalogue. Roles are sets of these; the server checks them on every endpoint and
 * the web app uses the same list to build menus and hide buttons. Later capabilities add their
 * permissions here so that HQ can grant them from the role matrix.
 */
export const PERMISSIONS = {
  'orgs:view': { group: 'org' },
  'orgs:manage': { group: 'org' },
  'users:view': { group: 'org' },
  'users:manage': { group: 'org' },
  'roles:view': { group: 'org' },
  'roles:manage': { group: 'org' },
  'audit:view': { group: 'system' },
  /** company-wide settings (stock control at order time, price scale) */
  'settings:manage': { group: 'system' },
  /** backups: the list of runs, "backup now" (HQ admin) */
  'system:backup': { group: 'system' },
  'products:view': { group: 'catalog' },
  'products:manage': { group: 'catalog' },
  'prices:view': { group: 'catalog' },
  'prices:edit': { group: 'catalog' },
  'stock:view': { group: 'inventory' },
  'stock:manage': { group: 'inventory' },
  'orders:view': { group: 'sales' },
  'orders:create': { group: 'sales' },
  'orders:review': { group: 'sales' },
  'orders:approve': { group: 'sales' },
  'orders:manual-price': { group: 'sales' },
  'shipments:manage': { group: 'sales' },
  'finance:view': { group: 'finance' },
  'receipts:manage': { group: 'finance' },
  'credit:manage': { group: 'finance' },
  'credit:override': { group: 'finance' },
  'approvals:configure': { group: 'approval' },
  'mall:order': { group: 'mall' },
  /** a dealer admin manages its own dealer's staff logins (invite, disable) */
  'mall:staff': { group: 'mall' },
  'visits:manage': { group: 'field' },
  'replenishment:manage': { group: 'field' },
  'invoices:manage': { group: 'finance' },
  /** the invoice register, lookup, uninvoiced shipments (发票台账) */
  'invoices:view': { group: 'finance' },
  /** issue, red-letter, void, edit, import, supplementary entry */
  'invoices:edit': { group: 'finance' },
  /** reconcile against the tax platform's export (发票对账) */
  'invoices:reconcile': { group: 'finance' },
  'reports:view': { group: 'reports' },
  /** set and import the sales and collection targets (销售计划) of the organisations and reps in scope */
  'targets:manage': { group: 'reports' },
} as const;

export type Permission = keyof typeof PERMISSIONS;
export type PermissionGroup = (typeof PERMISSIONS)[Permission]['group'];

export const ALL_PERMISSIONS = Object.keys(PERMISSIONS) as Permission[];

export function isPermission(value: string): value is Permission {
  return Object.prototype.hasOwnProperty.call(PERMISSIONS, value);
}

/**
 * How far a role's reads reach (ARCHITECTURE §5). A user's scope is the union over their roles.
 * - ALL: every organisation (HQ roles).
 * - ORG_SUBTREE: the user's own organisation and everything below it (branch staff, dealers).
 * - ASSIGNED_DEALERS: the user's own organisation plus the dealers assigned to them
 *   (管辖往来单位) and those dealers' sub-dealers (field sales reps).
 */
export enum DataScopeKind {
  ALL = 'ALL',
  ORG_SUBTREE = 'ORG_SUBTREE',
  ASSIGNED_DEALERS = 'ASSIGNED_DEALERS',
}

export enum BuiltinRole {
  HQ_ADMIN = 'HQ_ADMIN',
  HQ_EXECUTIVE = 'HQ_EXECUTIVE',
  BRANCH_MANAGER = 'BRANCH_MANAGER',
  SALES_REP = 'SALES_REP',
  FINANCE = 'FINANCE',
  WAREHOUSE = 'WAREHOUSE',
  CUSTOMER_SERVICE = 'CUSTOMER_SERVICE',
  DEALER_ADMIN = 'DEALER_ADMIN',
  DEALER_STAFF = 'DEALER_STAFF',
}

export interface BuiltinRoleDefinition {
  code: BuiltinRole;
  name: string;
  nameEn: string;
  dataScope: DataScopeKind;
  permissions: Permission[];
}

export const BUILTIN_ROLES: BuiltinRoleDefinition[] = [
  {
    code: BuiltinRole.HQ_ADMIN,
    name: '总部管理员',
    nameEn: 'HQ administrator',
    dataScope: DataScopeKind.ALL,
    permissions: [...ALL_PERMISSIONS],
  },
  {
    code: BuiltinRole.HQ_EXECUTIVE,
    name: '总部高管',
    nameEn: 'HQ executive',
    dataScope: DataScopeKind.ALL,
    permissions: ['orgs:view', 'users:view', 'products:view', 'prices:view', 'stock:view', 'orders:view', 'orders:approve', 'finance:view', 'reports:view', 'audit:view'],
  },
  {
    code: BuiltinRole.BRANCH_MANAGER,
    name: '分支机构经理',
    nameEn: 'Branch manager',
    dataScope: DataScopeKind.ORG_SUBTREE,
    permissions: ['orgs:view', 'orgs:manage', 'users:view', 'users:manage', 'roles:view', 'audit:view', 'products:view', 'prices:view', 'stock:view', 'orders:view', 'orders:create', 'orders:review', 'orders:approve', 'shipments:manage', 'finance:view', 'credit:manage', 'visits:manage', 'replenishment:manage', 'reports:view', 'targets:manage', 'invoices:view'],
  },
  {
    code: BuiltinRole.SALES_REP,
    name: '业务员',
    nameEn: 'Sales rep',
    dataScope: DataScopeKind.ASSIGNED_DEALERS,
    permissions: ['orgs:view', 'products:view', 'prices:view', 'stock:view', 'orders:view', 'orders:create', 'finance:view', 'visits:manage', 'replenishment:manage'],
  },
  {
    code: BuiltinRole.FINANCE,
    name: '财务',
    nameEn: 'Finance',
    dataScope: DataScopeKind.ORG_SUBTREE,
    permissions: ['orgs:view', 'products:view', 'prices:view', 'orders:view', 'finance:view', 'receipts:manage', 'credit:manage', 'invoices:manage', 'invoices:view', 'invoices:edit', 'invoices:reconcile', 'reports:view'],
  },
  {
    code: BuiltinRole.WAREHOUSE,
    name: '仓管',
    nameEn: 'Warehouse keeper',
    dataScope: DataScopeKind.ORG_SUBTREE,
    permissions: ['orgs:view', 'products:view', 'stock:view', 'stock:manage', 'orders:view', 'shipments:manage'],
  },
  {
    code: BuiltinRole.CUSTOMER_SERVICE,
    name: '客服',
    nameEn: 'Customer service',
    dataScope: DataScopeKind.ORG_SUBTREE,
    permissions: ['orgs:view', 'products:view', 'prices:view', 'stock:view', 'orders:view', 'orders:create', 'orders:review'],
  },
  {
    code: BuiltinRole.DEALER_ADMIN,
    name: '经销商管理员',
    nameEn: 'Dealer administrator',
    dataScope: DataScopeKind.ORG_SUBTREE,
    permissions: ['orgs:view', 'users:view', 'products:view', 'prices:view', 'orders:view', 'mall:order', 'mall:staff', 'finance:view'],
  },
  {
    code: BuiltinRole.DEALER_STAFF,
    name: '经销商员工',
    nameEn: 'Dealer staff',
    dataScope: DataScopeKind.ORG_SUBTREE,
    permissions: ['orgs:view', 'products:view', 'prices:view', 'orders:view', 'mall:order'],
  },
];
