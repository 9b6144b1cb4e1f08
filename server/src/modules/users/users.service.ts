import { Injectable } from '@nestjs/common';
import { ErrorCode, MeDto, OrgRef, OrgType, Paged, RoleRef, UserDto, UserStatus } from '@drp/shared';
import { RequestContext } from '../../common/context/request-context';
import { DomainError, notFound, staleVersion } from '../../common/errors/domain-error';
import { applyOrgScope } from '../../common/scope/data-scope';
import { paginate, escapeLike } from '../../common/http/pagination';
import { DbService } from '../../database/db.service';
import { loadPrincipal } from '../../common/auth/principal';
import { AuditService } from '../audit/audit.service';
import { assertStrongPassword, hashPassword } from '../auth/password';
import { OrgService } from '../org/org.service';
import { RolesService } from '../roles/roles.service';
import { User, UserDealer, UserRole } from './user.entity';
import { CreateUserDto, UpdateUserDto, UserQueryDto } from './users.dto';

/**
 * Accounts. A user belongs to one organisation and reads what its roles' scopes allow; managers
 * manage users inside their own scope only, and may grant only roles they could hold themselves.
 */
@Injectable()
export class UsersService {
  constructor(
    private readonly db: DbService,
    private readonly audit: AuditService,
    private readonly orgs: OrgService,
    private readonly roles: RolesService,
  ) {}

  private scoped(ctx: RequestContext) {
    const qb = this.db.repo(ctx, User).createQueryBuilder('u');
    return applyOrgScope(qb, ctx, 'u.org_id');
  }

  async list(ctx: RequestContext, q: UserQueryDto): Promise<Paged<UserDto>> {
    const qb = this.scoped(ctx);
    if (q.orgId) qb.andWhere('u.org_id = :orgId', { orgId: q.orgId });
    if (q.status) qb.andWhere('u.status = :status', { status: q.status });
    if (q.roleId) qb.andWhere('EXISTS (SELECT 1 FROM user_role ur WHERE ur.user_id = u.id AND ur.role_id = :roleId)', { roleId: q.roleId });
    if (q.q) qb.andWhere('(u.username ILIKE :q OR u.display_name ILIKE :q OR u.phone ILIKE :q OR u.email ILIKE :q)', { q: `%${escapeLike(q.q)}%` });
    const page = await paginate(qb, q, { username: 'u.username', displayName: 'u.display_name', createdAt: 'u.created_at', lastLoginAt: 'u.last_login_at' }, 'username', (u) => u);
    return { ...page, items: await this.toDtos(ctx, page.items) };
  }

  async get(ctx: RequestContext, id: string): Promise<UserDto> {
    const user = await this.scoped(ctx).andWhere('u.id = :id', { id }).getOne();
    if (!user) throw notFound('user', id);
    return (await this.toDtos(ctx, [user]))[0];
  }

  /** The signed-in user with permissions, for /auth/me and the login answer. */
  async me(_ctx: RequestContext, userId: string, sessionId: string): Promise<MeDto> {
    const sys = RequestContext.system();
    const principal = await loadPrincipal(this.db, sys, userId, sessionId);
    if (!principal) throw new DomainError(ErrorCode.UNAUTHENTICATED, 'Sign in first (missing, expired or revoked access token)');
    const user = await this.db.repo(sys, User).findOneByOrFail({ id: userId });
    const [dto] = await this.toDtos(sys, [user]);
    return { ...dto, permissions: [...principal.permissions].sort(), scopeKinds: principal.scopeKinds, locale: user.locale };
  }

  async create(ctx: RequestContext, dto: CreateUserDto): Promise<UserDto> {
    assertStrongPassword(dto.password);
    const passwordHash = await hashPassword(dto.password);
    const id = await this.db.tx(ctx, async (tx) => {
      await this.orgs.assertVisible(tx, dto.orgId);
      await this.roles.assertGrantable(tx, dto.roleIds);
      const username = dto.username.toLowerCase();
      const [taken] = await this.db.query(tx, 'SELECT 1 FROM app_user WHERE username = $1', [username]);
      if (taken) throw new DomainError(ErrorCode.DUPLICATE, `The username ${username} is taken`, { field: 'username' });
      const user = this.db.repo(tx, User).create({
        username,
        displayName: dto.displayName.trim(),
        passwordHash,
        phone: dto.phone ?? null,
        email: dto.email ?? null,
        status: UserStatus.ACTIVE,
        orgId: dto.orgId,
        locale: 'zh-CN',
      });
      const saved = await this.db.repo(tx, User).save(user);
      if (dto.roleIds.length) await this.db.repo(tx, UserRole).insert(dto.roleIds.map((roleId) => ({ userId: saved.id, roleId })));
      await this.audit.record(tx, { action: 'create', entity: 'user', entityId: saved.id, orgId: saved.orgId, summary: `created user ${username}`, after: { ...saved, roleIds: dto.roleIds } });
      return saved.id;
    });
    return this.get(ctx, id);
  }

  async update(ctx: RequestContext, id: string, dto: UpdateUserDto): Promise<UserDto> {
    await this.db.tx(ctx, async (tx) => {
      const user = await this.lockVisible(tx, id);
      if (user.version !== dto.version) throw staleVersion('user', dto.version, user.version);
      const beforeRoles = await this.roleIds(tx, id);
      const before = { ...user, roleIds: beforeRoles };
      if (dto.orgId && dto.orgId !== user.orgId) {
        await this.orgs.assertVisible(tx, dto.orgId);
        user.orgId = dto.orgId;
      }
      if (dto.displayName !== undefined) user.displayName = dto.displayName.trim();
      if (dto.phone !== undefined) user.phone = dto.phone;
      if (dto.email !== undefined) user.email = dto.email;
      let roleIds = beforeRoles;
      if (dto.roleIds) {
        // granting or taking away a role both need the right to grant it
        const changed = [...dto.roleIds.filter((r) => !beforeRoles.includes(r)), ...beforeRoles.filter((r) => !dto.roleIds!.includes(r))];
        await this.roles.assertGrantable(tx, changed);
        if (id === ctx.user?.id && beforeRoles.some((r) => !dto.roleIds!.includes(r))) {
          throw new DomainError(ErrorCode.FORBIDDEN, 'You cannot take roles away from your own account');
        }
        await this.db.repo(tx, UserRole).delete({ userId: id });
        if (dto.roleIds.length) await this.db.repo(tx, UserRole).insert(dto.roleIds.map((roleId) => ({ userId: id, roleId })));
        roleIds = dto.roleIds;
      }
      user.version += 1;
      await this.db.repo(tx, User).update({ id }, { orgId: user.orgId, displayName: user.displayName, phone: user.phone, email: user.email, version: user.version });
      await this.audit.record(tx, { action: 'update', entity: 'user', entityId: id, orgId: user.orgId, summary: `edited user ${user.username}`, before, after: { ...user, roleIds } });
    });
    return this.get(ctx, id);
  }

  async resetPassword(ctx: RequestContext, id: string, newPassword: string): Promise<void> {
    assertStrongPassword(newPassword);
    const hash = await hashPassword(newPassword);
    await this.db.tx(ctx, async (tx) => {
      const user = await this.lockVisible(tx, id);
      await this.db.query(tx, 'UPDATE app_user SET password_hash = $2, password_changed_at = now(), version = version + 1 WHERE id = $1', [id, hash]);
      await this.db.query(tx, `UPDATE auth_session SET revoked_at = now(), revoke_reason = 'PASSWORD_RESET' WHERE user_id = $1 AND revoked_at IS NULL`, [id]);
      await this.audit.record(tx, { action: 'reset_password', entity: 'user', entityId: id, orgId: user.orgId, summary: `reset the password of ${user.username}` });
    });
  }

  /** Disabling ends every login of the user at once (their access tokens stop on the next request). */
  async setStatus(ctx: RequestContext, id: string, status: UserStatus): Promise<UserDto> {
    await this.db.tx(ctx, async (tx) => {
      const user = await this.lockVisible(tx, id);
      if (id === ctx.user?.id && status === UserStatus.DISABLED) throw new DomainError(ErrorCode.CANNOT_DISABLE_SELF, 'You cannot disable your own account');
      if (user.status === status) return;
      // an invited login becomes active only by setting its password with its code
      if (user.status === UserStatus.INVITED && status === UserStatus.ACTIVE) throw new DomainError(ErrorCode.INVALID_STATE, `${user.username} has not activated the invitation yet`, { status: user.status });
      await this.db.query(tx, 'UPDATE app_user SET status = $2, version = version + 1 WHERE id = $1', [id, status]);
      if (status === UserStatus.DISABLED) {
        await this.db.query(tx, `UPDATE auth_session SET revoked_at = now(), revoke_reason = 'DISABLED' WHERE user_id = $1 AND revoked_at IS NULL`, [id]);
      }
      await this.audit.record(tx, {
        action: status === UserStatus.DISABLED ? 'disable' : 'enable',
        entity: 'user',
        entityId: id,
        orgId: user.orgId,
        summary: `${status === UserStatus.DISABLED ? 'disabled' : 'enabled'} user ${user.username}`,
        before: { status: user.status },
        after: { status },
      });
    });
    return this.get(ctx, id);
  }

  /** 管辖往来单位: replaces the dealers assigned to a user (a sales rep's reach). */
  async setDealers(ctx: RequestContext, id: string, dealerIds: string[]): Promise<UserDto> {
    await this.db.tx(ctx, async (tx) => {
      const user = await this.lockVisible(tx, id);
      const visible = await this.orgs.visibleTypes(tx, dealerIds);
      const bad = dealerIds.filter((d) => visible.get(d) !== OrgType.DEALER);
      if (bad.length) throw new DomainError(ErrorCode.DEALER_ASSIGNMENT_INVALID, 'Only dealers within your scope can be assigned', { invalid: bad });
      const before = await this.db.query<{ dealer_id: string }>(tx, 'SELECT dealer_id FROM user_dealer WHERE user_id = $1 ORDER BY dealer_id', [id]);
      await this.db.repo(tx, UserDealer).delete({ userId: id });
      if (dealerIds.length) await this.db.repo(tx, UserDealer).insert(dealerIds.map((dealerId) => ({ userId: id, dealerId })));
      await this.audit.record(tx, {
        action: 'assign_dealers',
        entity: 'user',
        entityId: id,
        orgId: user.orgId,
        summary: `assigned ${dealerIds.length} dealer(s) to ${user.username}`,
        before: { dealerIds: before.map((b) => b.dealer_id) },
        after: { dealerIds: [...dealerIds].sort() },
      });
    });
    return this.get(ctx, id);
  }

  private async lockVisible(tx: RequestContext, id: string): Promise<User> {
    const visible = await this.scoped(tx).select('u.id').andWhere('u.id = :id', { id }).getOne();
    if (!visible) throw notFound('user', id);
    return this.db.repo(tx, User).createQueryBuilder('u').where('u.id = :id', { id }).setLock('pessimistic_write').getOneOrFail();
  }

  private async roleIds(ctx: RequestContext, userId: string): Promise<string[]> {
    const rows = await this.db.query<{ role_id: string }>(ctx, 'SELECT role_id FROM user_role WHERE user_id = $1 ORDER BY role_id', [userId]);
    return rows.map((r) => r.role_id);
  }

  /** Loads orgs, roles and assigned dealers for a page of users in three queries. */
  private async toDtos(ctx: RequestContext, users: User[]): Promise<UserDto[]> {
    if (!users.length) return [];
    const ids = users.map((u) => u.id);
    const orgIds = [...new Set(users.map((u) => u.orgId))];
    const [orgs, roles, dealers] = await Promise.all([
      this.db.query<OrgRef>(ctx, 'SELECT id, code, name, type FROM organization WHERE id = ANY($1)', [orgIds]),
      this.db.query<RoleRef & { user_id: string }>(ctx, 'SELECT ur.user_id, r.id, r.code, r.name FROM user_role ur JOIN role r ON r.id = ur.role_id WHERE ur.user_id = ANY($1) ORDER BY r.code', [ids]),
      this.db.query<OrgRef & { user_id: string }>(
        ctx,
        'SELECT ud.user_id, o.id, o.code, o.name, o.type FROM user_dealer ud JOIN organization o ON o.id = ud.dealer_id WHERE ud.user_id = ANY($1) ORDER BY o.code',
        [ids],
      ),
    ]);
    const orgById = new Map(orgs.map((o) => [o.id, o]));
    return users.map((u) => ({
      id: u.id,
      username: u.username,
      displayName: u.displayName,
      phone: u.phone,
      email: u.email,
      status: u.status,
      orgId: u.orgId,
      org: orgById.get(u.orgId)!,
      roles: roles.filter((r) => r.user_id === u.id).map(({ id, code, name }) => ({ id, code, name })),
      assignedDealers: dealers.filter((d) => d.user_id === u.id).map(({ id, code, name, type }) => ({ id, code, name, type })),
      lastLoginAt: u.lastLoginAt ? u.lastLoginAt.toISOString() : null,
      version: u.version,
      createdAt: u.createdAt.toISOString(),
      updatedAt: u.updatedAt.toISOString(),
    }));
  }
}
