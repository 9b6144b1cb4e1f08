import { Injectable } from '@nestjs/common';
import { BUILTIN_ROLES, DataScopeKind, ErrorCode, isPermission, Paged, Permission, RoleDto } from '@drp/shared';
import { RequestContext } from '../../common/context/request-context';
import { DomainError, notFound, staleVersion } from '../../common/errors/domain-error';
import { paginate, escapeLike } from '../../common/http/pagination';
import { DbService } from '../../database/db.service';
import { AuditService } from '../audit/audit.service';
import { Role } from './role.entity';
import { CreateRoleDto, RoleQueryDto, UpdateRoleDto } from './roles.dto';

/** Roles are sets of permissions plus a data scope. Built-in roles follow the code; HQ adds more. */
@Injectable()
export class RolesService {
  constructor(
    private readonly db: DbService,
    private readonly audit: AuditService,
  ) {}

  async list(ctx: RequestContext, q: RoleQueryDto): Promise<Paged<RoleDto>> {
    const qb = this.db.repo(ctx, Role).createQueryBuilder('r').addSelect('(SELECT count(*) FROM user_role ur WHERE ur.role_id = r.id)::int', 'user_count');
    if (q.q) qb.andWhere('(r.code ILIKE :q OR r.name ILIKE :q OR r.name_en ILIKE :q)', { q: `%${escapeLike(q.q)}%` });
    return paginate(qb, { ...q, pageSize: q.pageSize ?? 100 }, { code: 'r.code', name: 'r.name', createdAt: 'r.created_at', builtin: 'r.builtin' }, '-builtin', toDto);
  }

  async get(ctx: RequestContext, id: string): Promise<RoleDto> {
    const { entities, raw } = await this.db
      .repo(ctx, Role)
      .createQueryBuilder('r')
      .addSelect('(SELECT count(*) FROM user_role ur WHERE ur.role_id = r.id)::int', 'user_count')
      .where('r.id = :id', { id })
      .getRawAndEntities();
    if (!entities[0]) throw notFound('role', id);
    return toDto(entities[0], raw[0]);
  }

  async create(ctx: RequestContext, dto: CreateRoleDto): Promise<RoleDto> {
    const permissions = checkPermissions(dto.permissions);
    const id = await this.db.tx(ctx, async (tx) => {
      const [taken] = await this.db.query(tx, 'SELECT 1 FROM role WHERE lower(code) = lower($1)', [dto.code]);
      if (taken) throw new DomainError(ErrorCode.DUPLICATE, `The role code ${dto.code} is taken`, { field: 'code' });
      const role = await this.db.repo(tx, Role).save(
        this.db.repo(tx, Role).create({ code: dto.code, name: dto.name.trim(), nameEn: dto.nameEn ?? null, description: dto.description ?? null, builtin: false, dataScope: dto.dataScope, permissions }),
      );
      await this.audit.record(tx, { action: 'create', entity: 'role', entityId: role.id, summary: `created role ${role.code} ${role.name}`, after: role });
      return role.id;
    });
    return this.get(ctx, id);
  }

  async update(ctx: RequestContext, id: string, dto: UpdateRoleDto): Promise<RoleDto> {
    await this.db.tx(ctx, async (tx) => {
      const role = await this.lock(tx, id);
      if (role.builtin) throw new DomainError(ErrorCode.ROLE_BUILTIN_READONLY, 'Built-in roles cannot be changed; copy it into a new role instead');
      if (role.version !== dto.version) throw staleVersion('role', dto.version, role.version);
      const before = { ...role };
      if (dto.name !== undefined) role.name = dto.name.trim();
      if (dto.nameEn !== undefined) role.nameEn = dto.nameEn;
      if (dto.description !== undefined) role.description = dto.description;
      if (dto.dataScope !== undefined) role.dataScope = dto.dataScope;
      if (dto.permissions !== undefined) role.permissions = checkPermissions(dto.permissions);
      await this.db.repo(tx, Role).save(role);
      await this.audit.record(tx, { action: 'update', entity: 'role', entityId: id, summary: `edited role ${role.code}`, before, after: role });
    });
    return this.get(ctx, id);
  }

  async remove(ctx: RequestContext, id: string): Promise<void> {
    await this.db.tx(ctx, async (tx) => {
      const role = await this.lock(tx, id);
      if (role.builtin) throw new DomainError(ErrorCode.ROLE_BUILTIN_READONLY, 'Built-in roles cannot be deleted');
      const [{ n }] = await this.db.query<{ n: number }>(tx, 'SELECT count(*)::int AS n FROM user_role WHERE role_id = $1', [id]);
      if (n > 0) throw new DomainError(ErrorCode.ROLE_IN_USE, `${n} user(s) still have this role; take it away from them first`, { users: n });
      await this.db.query(tx, 'DELETE FROM role WHERE id = $1', [id]);
      await this.audit.record(tx, { action: 'delete', entity: 'role', entityId: id, summary: `deleted role ${role.code}`, before: role });
    });
  }

  /**
   * A user may grant (or take away) only roles whose permissions they hold themselves, and an
   * all-data role only when they see all data: nobody can raise anyone above themselves.
   */
  async assertGrantable(ctx: RequestContext, roleIds: string[]): Promise<void> {
    if (!roleIds.length) return;
    const roles = await this.db.query<{ id: string; code: string; data_scope: DataScopeKind; permissions: string[] }>(
      ctx,
      'SELECT id, code, data_scope, permissions FROM role WHERE id = ANY($1)',
      [roleIds],
    );
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
      await this.db.query(
        ctx,
        `INSERT INTO role (code, name, name_en, builtin, data_scope, permissions) VALUES ($1, $2, $3, true, $4, $5)
         ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, name_en = EXCLUDED.name_en, builtin = true, data_scope = EXCLUDED.data_scope,
           permissions = EXCLUDED.permissions, version = role.version + 1
         WHERE role.permissions IS DISTINCT FROM EXCLUDED.permissions OR role.data_scope IS DISTINCT FROM EXCLUDED.data_scope
            OR role.name IS DISTINCT FROM EXCLUDED.name OR role.name_en IS DISTINCT FROM EXCLUDED.name_en OR NOT role.builtin`,
        [def.code, def.name, def.nameEn, def.dataScope, def.permissions],
      );
    }
  }

  private async lock(tx: RequestContext, id: string): Promise<Role> {
    const role = await this.db.repo(tx, Role).createQueryBuilder('r').where('r.id = :id', { id }).setLock('pessimistic_write').getOne();
    if (!role) throw notFound('role', id);
    return role;
  }
}

function checkPermissions(list: string[]): Permission[] {
  const unknown = list.filter((p) => !isPermission(p));
  if (unknown.length) throw new DomainError(ErrorCode.UNKNOWN_PERMISSION, `Unknown permission(s): ${unknown.join(', ')}`, { unknown });
  return [...list].sort() as Permission[];
}

function toDto(r: Role, raw: Record<string, unknown> = {}): RoleDto {
  return {
    id: r.id,
    code: r.code,
    name: r.name,
    nameEn: r.nameEn,
    description: r.description,
    builtin: r.builtin,
    dataScope: r.dataScope,
    permissions: r.permissions,
    userCount: Number(raw.user_count ?? 0),
    version: r.version,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}
