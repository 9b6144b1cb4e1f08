import { Inject, Injectable } from '@nestjs/common';
import { ErrorCode, MeDto, OrgRef, OrgType, Paged, UserDto, UserStatus } from '@drp/shared';
import { Selectable, sql } from 'kysely';
import { RequestContext } from '../../common/context/request-context';
import { APP_CONFIG, AppConfig } from '../../config/config';
import { DomainError, notFound, staleVersion } from '../../common/errors/domain-error';
import { orgScope } from '../../common/scope/data-scope';
import { escapeLike, pageIdsOf } from '../../common/http/pagination';
import { DB, DbService } from '../../database/db.service';
import { loadPrincipal } from '../../common/auth/principal';
import { EventBus } from '../../kernel/events';
import { AuditService } from '../audit/audit.service';
import { assertStrongPassword, hashPassword } from '../auth/password';
import { OrgService } from '../org/org.service';
import { RolesService } from '../roles/roles.service';
import { CreateUserDto, UpdateUserDto, UserQueryDto } from './users.dto';
import './users.events';

type UserRow = Pick<
  Selectable<DB['app_user']>,
  'id' | 'username' | 'display_name' | 'phone' | 'email' | 'status' | 'org_id' | 'locale' | 'last_login_at' | 'password_changed_at' | 'version' | 'created_at' | 'updated_at'
>;
const USER_COLUMNS = [
  'u.id', 'u.username', 'u.display_name', 'u.phone', 'u.email', 'u.status', 'u.org_id', 'u.locale', 'u.last_login_at', 'u.password_changed_at', 'u.version', 'u.created_at', 'u.updated_at',
] as const;

/** What a sign-in needs to check a password and the account (auth). */
export interface LoginCandidate {
  id: string;
  password_hash: string;
  status: UserStatus;
  org_id: string;
  org_status: string;
  display_name: string;
}

/** An invitation found by its code (auth's activation). */
export interface InviteRow {
  id: string;
  user_id: string;
  usable: boolean;
  username: string;
  display_name: string;
  org_id: string;
}

/** The camelCase view of a user kept in audit entries (no password hash). */
function auditView(u: UserRow, roleIds?: string[]) {
  return {
    id: u.id, username: u.username, displayName: u.display_name, phone: u.phone, email: u.email, status: u.status, orgId: u.org_id, locale: u.locale,
    lastLoginAt: u.last_login_at, passwordChangedAt: u.password_changed_at, version: u.version, createdAt: u.created_at, updatedAt: u.updated_at,
    ...(roleIds ? { roleIds } : {}),
  };
}

const INVITE_INVALID = 'The invite code is unknown, used or expired; ask for a new one';

/**
 * Accounts. A user belongs to one organisation and reads what its roles' scopes allow; managers
 * manage users inside their own scope only, and may grant only roles they could hold themselves.
 * The owner of app_user, user_role, user_dealer and user_invite: sign-in (auth) and the mall's
 * dealer logins change them through the methods below. Ending logins is auth's: this module
 * announces `UserDisabled` / `UserPasswordReset` and auth ends the sessions in the same transaction.
 */
@Injectable()
export class UsersService {
  constructor(
    private readonly db: DbService,
    private readonly audit: AuditService,
    private readonly orgs: OrgService,
    private readonly roles: RolesService,
    private readonly events: EventBus,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private scoped(ctx: RequestContext) {
    return this.db.k.selectFrom('app_user as u').where(orgScope(ctx, 'u.org_id'));
  }

  async list(ctx: RequestContext, q: UserQueryDto): Promise<Paged<UserDto>> {
    let query = this.scoped(ctx);
    if (q.orgId) query = query.where('u.org_id', '=', q.orgId);
    if (q.status) query = query.where('u.status', '=', q.status);
    if (q.roleId) {
      const roleId = q.roleId;
      query = query.where((eb) => eb.exists(eb.selectFrom('user_role as ur').select('ur.user_id').whereRef('ur.user_id', '=', 'u.id').where('ur.role_id', '=', roleId)));
    }
    if (q.q) {
      const like = `%${escapeLike(q.q)}%`;
      query = query.where((eb) => eb.or([eb('u.username', 'ilike', like), eb('u.display_name', 'ilike', like), eb('u.phone', 'ilike', like), eb('u.email', 'ilike', like)]));
    }
    const { ids, ...page } = await pageIdsOf(this.db, ctx, query, q, { username: { notNull: 'u.username' }, displayName: { notNull: 'u.display_name' }, createdAt: { notNull: 'u.created_at' }, lastLoginAt: 'u.last_login_at' }, 'username', 'u.id');
    return { ...page, items: await this.toDtos(ctx, await this.rowsInOrder(ctx, ids)) };
  }

  async get(ctx: RequestContext, id: string): Promise<UserDto> {
    const user = await this.db.first(ctx, this.scoped(ctx).select(USER_COLUMNS).where('u.id', '=', id));
    if (!user) throw notFound('user', id);
    return (await this.toDtos(ctx, [user]))[0];
  }

  /** The signed-in user with permissions, for /auth/me and the login answer. */
  async me(_ctx: RequestContext, userId: string, sessionId: string): Promise<MeDto> {
    const sys = RequestContext.system();
    const principal = await loadPrincipal(this.db, sys, userId, sessionId);
    if (!principal) throw new DomainError(ErrorCode.UNAUTHENTICATED, 'Sign in first (missing, expired or revoked access token)');
    const user = await this.db.one(sys, this.db.k.selectFrom('app_user as u').select(USER_COLUMNS).where('u.id', '=', userId));
    const [dto] = await this.toDtos(sys, [user]);
    return { ...dto, permissions: [...principal.permissions].sort(), scopeKinds: principal.scopeKinds, locale: user.locale };
  }

  async create(ctx: RequestContext, dto: CreateUserDto): Promise<UserDto> {
    assertStrongPassword(dto.password, { username: dto.username, demo: this.config.demoData });
    const passwordHash = await hashPassword(dto.password);
    const id = await this.db.tx(ctx, async (tx) => {
      await this.orgs.assertVisible(tx, dto.orgId);
      await this.roles.assertGrantable(tx, dto.roleIds);
      const username = dto.username.toLowerCase();
      if (await this.usernameTaken(tx, username)) throw new DomainError(ErrorCode.DUPLICATE, `The username ${username} is taken`, { field: 'username' });
      const saved = await this.db.one(
        tx,
        this.db.k
          .insertInto('app_user')
          .values({ username, display_name: dto.displayName.trim(), password_hash: passwordHash, phone: dto.phone ?? null, email: dto.email ?? null, status: UserStatus.ACTIVE, org_id: dto.orgId, locale: 'zh-CN' })
          .returning(USER_COLUMNS.map((c) => c.slice(2) as UserColumn)),
      );
      await this.insertRoles(tx, saved.id, dto.roleIds);
      await this.audit.record(tx, { action: 'create', entity: 'user', entityId: saved.id, orgId: saved.org_id, summary: `created user ${username}`, after: auditView(saved, dto.roleIds) });
      return saved.id;
    });
    return this.get(ctx, id);
  }

  async update(ctx: RequestContext, id: string, dto: UpdateUserDto): Promise<UserDto> {
    await this.db.tx(ctx, async (tx) => {
      const user = await this.lockVisible(tx, id);
      if (user.version !== dto.version) throw staleVersion('user', dto.version, user.version);
      const beforeRoles = await this.roleIds(tx, id);
      const before = auditView(user, beforeRoles);
      const next = { ...user };
      if (dto.orgId && dto.orgId !== user.org_id) {
        await this.orgs.assertVisible(tx, dto.orgId);
        next.org_id = dto.orgId;
      }
      if (dto.displayName !== undefined) next.display_name = dto.displayName.trim();
      if (dto.phone !== undefined) next.phone = dto.phone;
      if (dto.email !== undefined) next.email = dto.email;
      let roleIds = beforeRoles;
      if (dto.roleIds) {
        // granting or taking away a role both need the right to grant it
        const changed = [...dto.roleIds.filter((r) => !beforeRoles.includes(r)), ...beforeRoles.filter((r) => !dto.roleIds!.includes(r))];
        await this.roles.assertGrantable(tx, changed);
        if (id === ctx.user?.id && beforeRoles.some((r) => !dto.roleIds!.includes(r))) {
          throw new DomainError(ErrorCode.FORBIDDEN, 'You cannot take roles away from your own account');
        }
        await this.db.rows(tx, this.db.k.deleteFrom('user_role').where('user_id', '=', id));
        await this.insertRoles(tx, id, dto.roleIds);
        roleIds = dto.roleIds;
      }
      next.version += 1;
      await this.db.rows(
        tx,
        this.db.k.updateTable('app_user').set({ org_id: next.org_id, display_name: next.display_name, phone: next.phone, email: next.email, version: next.version }).where('id', '=', id),
      );
      await this.audit.record(tx, { action: 'update', entity: 'user', entityId: id, orgId: next.org_id, summary: `edited user ${user.username}`, before, after: auditView(next, roleIds) });
    });
    return this.get(ctx, id);
  }

  async resetPassword(ctx: RequestContext, id: string, newPassword: string): Promise<void> {
    await this.db.tx(ctx, async (tx) => {
      const user = await this.lockVisible(tx, id);
      assertStrongPassword(newPassword, { username: user.username, demo: this.config.demoData, field: 'newPassword' });
      const hash = await hashPassword(newPassword);
      await this.setPasswordHash(tx, id, hash);
      // auth ends every login of the user (UserPasswordReset)
      this.events.publish(tx, 'UserPasswordReset', { userId: id });
      await this.audit.record(tx, { action: 'reset_password', entity: 'user', entityId: id, orgId: user.org_id, summary: `reset the password of ${user.username}` });
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
      await this.setLoginStatus(tx, id, status);
      await this.audit.record(tx, {
        action: status === UserStatus.DISABLED ? 'disable' : 'enable',
        entity: 'user',
        entityId: id,
        orgId: user.org_id,
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
      const before = await this.db.rows(tx, this.db.k.selectFrom('user_dealer').select('dealer_id').where('user_id', '=', id).orderBy('dealer_id'));
      await this.db.rows(tx, this.db.k.deleteFrom('user_dealer').where('user_id', '=', id));
      if (dealerIds.length) await this.db.rows(tx, this.db.k.insertInto('user_dealer').values(dealerIds.map((dealerId) => ({ user_id: id, dealer_id: dealerId }))));
      await this.audit.record(tx, {
        action: 'assign_dealers',
        entity: 'user',
        entityId: id,
        orgId: user.org_id,
        summary: `assigned ${dealerIds.length} dealer(s) to ${user.username}`,
        before: { dealerIds: before.map((b) => b.dealer_id) },
        after: { dealerIds: [...dealerIds].sort() },
      });
    });
    return this.get(ctx, id);
  }

  // ---- for sign-in (auth) ----

  /** The account behind a username, with its password hash and organisation status; undefined if none. */
  async loginCandidate(ctx: RequestContext, username: string): Promise<LoginCandidate | undefined> {
    const row = await this.db.first(
      ctx,
      this.db.k
        .selectFrom('app_user as u')
        .innerJoin('organization as o', 'o.id', 'u.org_id')
        .select(['u.id', 'u.password_hash', 'u.status', 'u.org_id', 'u.display_name', 'o.status as org_status'])
        .where('u.username', '=', username),
    );
    return row && { ...row, status: row.status as UserStatus };
  }

  /** A successful sign-in. */
  async recordLogin(tx: RequestContext, userId: string): Promise<void> {
    await this.db.rows(tx, this.db.k.updateTable('app_user').set({ last_login_at: sql`now()` }).where('id', '=', userId));
  }

  async passwordHashOf(ctx: RequestContext, userId: string): Promise<string | undefined> {
    return (await this.db.first(ctx, this.db.k.selectFrom('app_user').select('password_hash').where('id', '=', userId)))?.password_hash;
  }

  /** Stores a new password hash (the caller checked the old password or the right to reset it). */
  async setPasswordHash(tx: RequestContext, userId: string, hash: string): Promise<void> {
    await this.db.rows(
      tx,
      this.db.k.updateTable('app_user').set((eb) => ({ password_hash: hash, password_changed_at: sql`now()`, version: eb('version', '+', 1) })).where('id', '=', userId),
    );
  }

  /** An invitation by the sha256 of its code, with whether it may still be used. */
  async findInvite(ctx: RequestContext, codeHash: string): Promise<InviteRow | undefined> {
    return this.db.first(
      ctx,
      this.db.k
        .selectFrom('user_invite as i')
        .innerJoin('app_user as u', 'u.id', 'i.user_id')
        .select(['i.id', 'i.user_id', 'u.username', 'u.display_name', 'u.org_id', sql<boolean>`(i.used_at IS NULL AND i.expires_at > now() AND u.status = 'INVITED')`.as('usable')])
        .where('i.code_hash', '=', codeHash),
    );
  }

  /**
   * Spends an invitation: under the invite's row lock (two activations with one code: one wins)
   * the INVITED account takes its username and password and becomes ACTIVE. A spent or expired
   * code: INVITE_INVALID; a taken username: DUPLICATE.
   */
  async activateInvite(tx: RequestContext, inv: InviteRow, username: string, passwordHash: string): Promise<void> {
    const locked = await this.db.first(tx, this.db.k.selectFrom('user_invite').select(sql<boolean>`(used_at IS NULL AND expires_at > now())`.as('ok')).where('id', '=', inv.id).forUpdate());
    if (!locked?.ok) throw new DomainError(ErrorCode.INVITE_INVALID, INVITE_INVALID);
    if (username !== inv.username && (await this.usernameTaken(tx, username))) throw new DomainError(ErrorCode.DUPLICATE, `The username ${username} is taken`, { field: 'username' });
    const done = await this.db.rows(
      tx,
      this.db.k
        .updateTable('app_user')
        .set((eb) => ({ username, password_hash: passwordHash, status: UserStatus.ACTIVE, password_changed_at: sql`now()`, version: eb('version', '+', 1) }))
        .where('id', '=', inv.user_id)
        .where('status', '=', UserStatus.INVITED)
        .returning('id'),
    );
    if (!done.length) throw new DomainError(ErrorCode.INVITE_INVALID, INVITE_INVALID);
    await this.db.rows(tx, this.db.k.updateTable('user_invite').set({ used_at: sql`now()` }).where('id', '=', inv.id));
  }

  // ---- for the mall's dealer logins ----

  async usernameTaken(ctx: RequestContext, username: string): Promise<boolean> {
    return !!(await this.db.first(ctx, this.db.k.selectFrom('app_user').select('id').where('username', '=', username)));
  }

  /** A new INVITED login of an organisation with one role (by code); answers its id. No scope check: the caller made it. */
  async createInvited(tx: RequestContext, u: { username: string; displayName: string; phone: string | null; orgId: string; passwordHash: string; roleCode: string }): Promise<string> {
    const { id } = await this.db.one(
      tx,
      this.db.k
        .insertInto('app_user')
        .values({ username: u.username, display_name: u.displayName, password_hash: u.passwordHash, phone: u.phone, status: UserStatus.INVITED, org_id: u.orgId })
        .returning('id'),
    );
    await this.insertRoles(tx, id, await this.roles.idsByCode(tx, [u.roleCode]));
    return id;
  }

  /** A new one-time code (its sha256) for a login, valid `days`; earlier unused codes stop working. Answers its expiry. */
  async issueInvite(tx: RequestContext, userId: string, codeHash: string, days: number): Promise<Date> {
    await this.db.rows(tx, this.db.k.updateTable('user_invite').set({ expires_at: sql`least(expires_at, now())` }).where('user_id', '=', userId).where('used_at', 'is', null));
    const { expires_at } = await this.db.one(
      tx,
      this.db.k
        .insertInto('user_invite')
        .values({ user_id: userId, code_hash: codeHash, expires_at: sql`now() + make_interval(days => ${days})`, created_by: tx.user?.id ?? null })
        .returning('expires_at'),
    );
    return new Date(expires_at);
  }

  /** Whether a login ever set its password (or signed in, or spent a code), or never had an invitation (seeded accounts). */
  async everActivated(ctx: RequestContext, userId: string): Promise<boolean> {
    const r = await this.db.one(
      ctx,
      this.db.k
        .selectFrom('app_user as u')
        .select((eb) => [
          eb.or([
            eb('u.password_changed_at', 'is not', null),
            eb('u.last_login_at', 'is not', null),
            eb.exists(eb.selectFrom('user_invite as i').select('i.id').whereRef('i.user_id', '=', 'u.id').where('i.used_at', 'is not', null)),
            eb.not(eb.exists(eb.selectFrom('user_invite as i').select('i.id').whereRef('i.user_id', '=', 'u.id'))),
          ]).as('activated'),
        ])
        .where('u.id', '=', userId),
    );
    return Boolean(r.activated);
  }

  /** Locks a user row (FOR UPDATE) for a change the caller has checked. */
  async lock(tx: RequestContext, userId: string): Promise<void> {
    await this.db.rows(tx, this.db.k.selectFrom('app_user').select('id').where('id', '=', userId).forUpdate());
  }

  /** Sets an account's status (the caller checked the move and audits it); disabling ends its logins (auth, via UserDisabled). */
  async setLoginStatus(tx: RequestContext, userId: string, status: UserStatus): Promise<void> {
    await this.db.rows(tx, this.db.k.updateTable('app_user').set((eb) => ({ status, version: eb('version', '+', 1) })).where('id', '=', userId));
    if (status === UserStatus.DISABLED) this.events.publish(tx, 'UserDisabled', { userId });
  }

  /** The role codes of each user (sorted), in one query. */
  async roleCodesOf(ctx: RequestContext, userIds: string[]): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>(userIds.map((id) => [id, []]));
    if (!userIds.length) return out;
    const links = await this.db.rows(ctx, this.db.k.selectFrom('user_role').select(['user_id', 'role_id']).where('user_id', 'in', userIds));
    const refs = await this.roles.refs(ctx, [...new Set(links.map((l) => l.role_id))]);
    // refs come in code order (the database's collation): keep it
    for (const r of refs.values()) for (const l of links) if (l.role_id === r.id) out.get(l.user_id)?.push(r.code);
    return out;
  }

  // ---- internals ----

  private async insertRoles(tx: RequestContext, userId: string, roleIds: string[]): Promise<void> {
    if (roleIds.length) await this.db.rows(tx, this.db.k.insertInto('user_role').values(roleIds.map((roleId) => ({ user_id: userId, role_id: roleId }))));
  }

  private async lockVisible(tx: RequestContext, id: string): Promise<UserRow> {
    const visible = await this.db.first(tx, this.scoped(tx).select('u.id').where('u.id', '=', id));
    if (!visible) throw notFound('user', id);
    return this.db.one(tx, this.db.k.selectFrom('app_user as u').select(USER_COLUMNS).where('u.id', '=', id).forUpdate());
  }

  private async roleIds(ctx: RequestContext, userId: string): Promise<string[]> {
    const rows = await this.db.rows(ctx, this.db.k.selectFrom('user_role').select('role_id').where('user_id', '=', userId).orderBy('role_id'));
    return rows.map((r) => r.role_id);
  }

  private async rowsInOrder(ctx: RequestContext, ids: string[]): Promise<UserRow[]> {
    if (!ids.length) return [];
    const rows = await this.db.rows(ctx, this.db.k.selectFrom('app_user as u').select(USER_COLUMNS).where('u.id', 'in', ids));
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => byId.get(id)!);
  }

  /** Loads orgs, roles and assigned dealers for a page of users (roles' names through RolesService). */
  private async toDtos(ctx: RequestContext, users: UserRow[]): Promise<UserDto[]> {
    if (!users.length) return [];
    const ids = users.map((u) => u.id);
    const orgIds = [...new Set(users.map((u) => u.org_id))];
    const [orgs, links, dealers] = await Promise.all([
      this.db.rows(ctx, this.db.k.selectFrom('organization').select(['id', 'code', 'name', 'type']).where('id', 'in', orgIds)),
      this.db.rows(ctx, this.db.k.selectFrom('user_role').select(['user_id', 'role_id']).where('user_id', 'in', ids)),
      this.db.rows(
        ctx,
        this.db.k
          .selectFrom('user_dealer as ud')
          .innerJoin('organization as o', 'o.id', 'ud.dealer_id')
          .select(['ud.user_id', 'o.id', 'o.code', 'o.name', 'o.type'])
          .where('ud.user_id', 'in', ids)
          .orderBy('o.code'),
      ),
    ]);
    const roleRefs = await this.roles.refs(ctx, [...new Set(links.map((l) => l.role_id))]);
    const orgById = new Map(orgs.map((o) => [o.id, { ...o, type: o.type as OrgType } satisfies OrgRef]));
    return users.map((u) => ({
      id: u.id,
      username: u.username,
      displayName: u.display_name,
      phone: u.phone,
      email: u.email,
      status: u.status as UserStatus,
      orgId: u.org_id,
      org: orgById.get(u.org_id)!,
      // roleRefs come in code order
      roles: [...roleRefs.values()].filter((r) => links.some((l) => l.user_id === u.id && l.role_id === r.id)).map(({ id, code, name }) => ({ id, code, name })),
      assignedDealers: dealers.filter((d) => d.user_id === u.id).map(({ id, code, name, type }) => ({ id, code, name, type: type as OrgType })),
      lastLoginAt: u.last_login_at ? new Date(u.last_login_at).toISOString() : null,
      version: u.version,
      createdAt: new Date(u.created_at).toISOString(),
      updatedAt: new Date(u.updated_at).toISOString(),
    }));
  }

  /** For approval routing: the active users of an organisation holding any of the roles (by id), by username. */
  async activeHoldersAt(ctx: RequestContext, orgId: string, roleIds: string[]): Promise<string[]> {
    if (!roleIds.length) return [];
    const rows = await this.db.rows(
      ctx,
      this.db.k
        .selectFrom('app_user as u')
        .select(['u.id', 'u.username'])
        .distinct()
        .innerJoin('user_role as ur', 'ur.user_id', 'u.id')
        .where('u.org_id', '=', orgId)
        .where('ur.role_id', 'in', roleIds)
        .where('u.status', '=', UserStatus.ACTIVE)
        .orderBy('u.username'),
    );
    return rows.map((r) => r.id);
  }
}

type UserColumn = keyof UserRow;
