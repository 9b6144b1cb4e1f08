import { Injectable } from '@nestjs/common';
import { BUILTIN_ROLES, DataScopeKind, ErrorCode, isPermission, Paged, Permission, RoleDto, RoleRef } from '@drp/shared';
import { Selectable, sql } from 'kysely';
import { RequestContext } from '../../common/context/request-context';
import { DomainError, notFound, staleVersion } from '../../common/errors/domain-error';
import { escapeLike, pageIdsOf } from '../../common/http/pagination';
import { DB, DbService } from '../../database/db.service';
import { AuditService } from '../audit/audit.service';
import { CreateRoleDto, RoleQueryDto, UpdateRoleDto } from './roles.dto';

type RoleRow = Selectable<DB['role']>;

/** Roles are sets of permissions plus a data scope. Built-in roles follow the code; HQ adds more. */
@Injectable()
export class RolesService {
  constructor(
    private readonly db: DbService,
    private readonly audit: AuditService,
  ) {}

  async list(ctx: RequestContext, q: RoleQueryDto): Promise<Paged<RoleDto>> {
    let query = this.db.k.selectFrom('role as r');
    if (q.q) {
      const like = `%${escapeLike(q.q)}%`;
      query = query.where((eb) => eb.or([eb('r.code', 'ilike', like), eb('r.name', 'ilike', like), eb('r.name_en', 'ilike', like)]));
    }
    const { ids, ...page } = await pageIdsOf(this.db, ctx, query, { ...q, pageSize: q.pageSize ?? 100 }, { code: { notNull: 'r.code' }, name: { notNull: 'r.name' }, createdAt: { notNull: 'r.created_at' }, builtin: { notNull: 'r.builtin' } }, '-builtin', 'r.id');
    const rows = await this.withCounts(ctx, ids);
    return { ...page, items: ids.map((id) => rows.get(id)!) };
  }

  async get(ctx: RequestContext, id: string): Promise<RoleDto> {
    const role = (await this.withCounts(ctx, [id])).get(id);
    if (!role) throw notFound('role', id);
    return role;
  }

  /** Roles with their member counts (user_role is the users module's: an allowed read, see table-owners.ts). */
  private async withCounts(ctx: RequestContext, ids: string[]): Promise<Map<string, RoleDto>> {
    if (!ids.length) return new Map();
    const rows = await this.db.rows(
      ctx,
      this.db.k
        .selectFrom('role as r')
        .selectAll('r')
        .select(sql<number>`(SELECT count(*) FROM user_role ur WHERE ur.role_id = r.id)::int`.as('user_count'))
        .where('r.id', 'in', ids),
    );
    return new Map(rows.map((r) => [r.id, toDto(r, r.user_count)]));
  }

  async create(ctx: RequestContext, dto: CreateRoleDto): Promise<RoleDto> {
    const permissions = checkPermissions(dto.permissions);
    const id = await this.db.tx(ctx, async (tx) => {
      const taken = await this.db.first(tx, this.db.k.selectFrom('role').select('id').where(sql<boolean>`lower(code) = lower(${dto.code})`));
      if (taken) throw new DomainError(ErrorCode.DUPLICATE, `The role code ${dto.code} is taken`, { field: 'code' });
      const role = await this.db.one(
        tx,
        this.db.k
          .insertInto('role')
          .values({ code: dto.code, name: dto.name.trim(), name_en: dto.nameEn ?? null, description: dto.description ?? null, builtin: false, data_scope: dto.dataScope, permissions })
          .returningAll(),
      );
      await this.audit.record(tx, { action: 'create', entity: 'role', entityId: role.id, summary: `created role ${role.code} ${role.name}`, after: auditView(role) });
      return role.id;
    });
    return this.get(ctx, id);
  }

  async update(ctx: RequestContext, id: string, dto: UpdateRoleDto): Promise<RoleDto> {
    await this.db.tx(ctx, async (tx) => {
      const role = await this.lock(tx, id);
      if (role.builtin) throw new DomainError(ErrorCode.ROLE_BUILTIN_READONLY, 'Built-in roles cannot be changed; copy it into a new role instead');
      if (role.version !== dto.version) throw staleVersion('role', dto.version, role.version);
      const next = { ...role };
      if (dto.name !== undefined) next.name = dto.name.trim();
      if (dto.nameEn !== undefined) next.name_en = dto.nameEn;
      if (dto.description !== undefined) next.description = dto.description;
      if (dto.dataScope !== undefined) next.data_scope = dto.dataScope;
      if (dto.permissions !== undefined) next.permissions = checkPermissions(dto.permissions);
      const saved = await this.db.one(
        tx,
        this.db.k
          .updateTable('role')
          .set((eb) => ({ name: next.name, name_en: next.name_en, description: next.description, data_scope: next.data_scope, permissions: next.permissions, version: eb('version', '+', 1) }))
          .where('id', '=', id)
          .returningAll(),
      );
      await this.audit.record(tx, { action: 'update', entity: 'role', entityId: id, summary: `edited role ${role.code}`, before: auditView(role), after: auditView(saved) });
    });
    return this.get(ctx, id);
  }

  async remove(ctx: RequestContext, id: string): Promise<void> {
    await this.db.tx(ctx, async (tx) => {
      const role = await this.lock(tx, id);
      if (role.builtin) throw new DomainError(ErrorCode.ROLE_BUILTIN_READONLY, 'Built-in roles cannot be deleted');
      // members (user_role is the users module's: an allowed read, see table-owners.ts)
      const { n } = await this.db.one(tx, this.db.k.selectFrom('user_role').select(sql<number>`count(*)::int`.as('n')).where('role_id', '=', id));
      if (n > 0) throw new DomainError(ErrorCode.ROLE_IN_USE, `${n} user(s) still have this role; take it away from them first`, { users: n });
      await this.db.rows(tx, this.db.k.deleteFrom('role').where('id', '=', id));
      await this.audit.record(tx, { action: 'delete', entity: 'role', entityId: id, summary: `deleted role ${role.code}`, before: auditView(role) });
    });
  }

  /** For the users module: id, code and name of roles, in code order (the database's collation). */
  async refs(ctx: RequestContext, ids: string[]): Promise<Map<string, RoleRef>> {
    if (!ids.length) return new Map();
    const rows = await this.db.rows(ctx, this.db.k.selectFrom('role').select(['id', 'code', 'name']).where('id', 'in', ids).orderBy('code'));
    return new Map(rows.map((r) => [r.id, r]));
  }

  /** For the users module: the ids of roles by code (unknown codes are left out). */
  async idsByCode(ctx: RequestContext, codes: string[]): Promise<string[]> {
    if (!codes.length) return [];
    return (await this.db.rows(ctx, this.db.k.selectFrom('role').select('id').where('code', 'in', codes))).map((r) => r.id);
  }

  /**
   * A user may grant (or take away) only roles whose permissions they hold themselves, and an
   * all-data role only when they see all data: nobody can raise anyone above themselves.
   */
  async assertGrantable(ctx: RequestContext, roleIds: string[]): Promise<void> {
    if (!roleIds.length) return;
    const roles = await this.db.rows(ctx, this.db.k.selectFrom('role').select(['id', 'code', 'data_scope', 'permissions']).where('id', 'in', roleIds));
    const missing = roleIds.filter((id) => !roles.some((r) => r.id === id));
    if (missing.length) throw new DomainError(ErrorCode.VALIDATION_FAILED, 'Unknown role(s)', { field: 'roleIds', missing });
    if (ctx.isSystem) return;
    const actor = ctx.actor;
    const refused = roles.filter((r) => (r.data_scope === DataScopeKind.ALL && !actor.scope.all) || r.permissions.some((p) => !actor.permissions.has(p as Permission)));
    if (refused.length) {
      throw new DomainError(ErrorCode.ROLE_NOT_GRANTABLE, `You cannot grant or remove: ${refused.map((r) => r.code).join(', ')}`, { roles: refused.map((r) => r.code) });
    }
  }

  /** Brings the built-in roles in line with the code at every start (new permissions reach them). */
  async syncBuiltins(ctx: RequestContext): Promise<void> {
    for (const def of BUILTIN_ROLES) {
      await this.db.rows(
        ctx,
        this.db.k
          .insertInto('role')
          .values({ code: def.code, name: def.name, name_en: def.nameEn, builtin: true, data_scope: def.dataScope, permissions: [...def.permissions] })
          .onConflict((oc) =>
            oc
              .column('code')
              .doUpdateSet((eb) => ({
                name: eb.ref('excluded.name'),
                name_en: eb.ref('excluded.name_en'),
                builtin: true,
                data_scope: eb.ref('excluded.data_scope'),
                permissions: eb.ref('excluded.permissions'),
                version: sql<number>`role.version + 1`,
              }))
              .where(
                sql<boolean>`role.permissions IS DISTINCT FROM EXCLUDED.permissions OR role.data_scope IS DISTINCT FROM EXCLUDED.data_scope
                  OR role.name IS DISTINCT FROM EXCLUDED.name OR role.name_en IS DISTINCT FROM EXCLUDED.name_en OR NOT role.builtin`,
              ),
          ),
      );
    }
  }

  private async lock(tx: RequestContext, id: string): Promise<RoleRow> {
    const role = await this.db.first(tx, this.db.k.selectFrom('role').selectAll().where('id', '=', id).forUpdate());
    if (!role) throw notFound('role', id);
    return role;
  }
}

function checkPermissions(list: string[]): Permission[] {
  const unknown = list.filter((p) => !isPermission(p));
  if (unknown.length) throw new DomainError(ErrorCode.UNKNOWN_PERMISSION, `Unknown permission(s): ${unknown.join(', ')}`, { unknown });
  return [...list].sort() as Permission[];
}

function toDto(r: RoleRow, userCount: number): RoleDto {
  return {
    id: r.id,
    code: r.code,
    name: r.name,
    nameEn: r.name_en,
    description: r.description,
    builtin: r.builtin,
    dataScope: r.data_scope as DataScopeKind,
    permissions: r.permissions as Permission[],
    userCount: Number(userCount ?? 0),
    version: r.version,
    createdAt: new Date(r.created_at).toISOString(),
    updatedAt: new Date(r.updated_at).toISOString(),
  };
}

/** The camelCase view of a role kept in audit entries (as the entity was). */
function auditView(r: RoleRow) {
  return {
    id: r.id, code: r.code, name: r.name, nameEn: r.name_en, description: r.description, builtin: r.builtin, dataScope: r.data_scope,
    permissions: r.permissions, version: r.version, createdAt: r.created_at, updatedAt: r.updated_at,
  };
}
