import { randomBytes, randomInt } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { BuiltinRole, DealerAccountDto, DealerInviteDto, ErrorCode, OrgType, Paged, UserStatus } from '@drp/shared';
import { RequestContext } from '../../common/context/request-context';
import { DomainError, notFound } from '../../common/errors/domain-error';
import { escapeLike, pageIdsOf } from '../../common/http/pagination';
import { orgScope } from '../../common/scope/data-scope';
import { DbService } from '../../database/db.service';
import { AuditService } from '../audit/audit.service';
import { hashPassword, inviteCodeHash } from '../auth/password';
import { UsersService } from '../users/users.service';
import { DealerAccountQueryDto, InviteDto } from './mall.dto';

export const INVITE_DAYS = 7;
/** Invite codes: 12 characters from an alphabet without look-alikes (0/O, 1/I/L), from crypto randomness. */
const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

function newInviteCode(): string {
  return Array.from({ length: 12 }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]).join('');
}

interface AccountRow {
  id: string;
  username: string;
  display_name: string;
  phone: string | null;
  status: UserStatus;
  org_id: string;
  dealer_code: string;
  dealer_name: string;
  roles: string[];
  last_login_at: Date | null;
  created_at: Date;
}

/**
 * Dealer logins (经销商账号). HQ and branch staff with users:manage handle the dealers in their
 * scope (others: 404) and may grant DEALER_ADMIN or DEALER_STAFF; a dealer admin (mall:staff)
 * handles DEALER_STAFF logins of its own dealer only. A new login is INVITED: it signs in only
 * after its one-time code (sha256-hashed here, single use, 7 days) sets a password at
 * POST /api/auth/activate.
 */
@Injectable()
export class DealerAccountService {
  constructor(
    private readonly db: DbService,
    private readonly audit: AuditService,
    private readonly users: UsersService,
  ) {}

  /** Dealer logins (app_user and organization are shared reference tables; roles come from UsersService). */
  private accounts() {
    return this.db.k.selectFrom('app_user as u').innerJoin('organization as d', (j) => j.onRef('d.id', '=', 'u.org_id').on('d.type', '=', OrgType.DEALER));
  }

  async list(ctx: RequestContext, q: DealerAccountQueryDto): Promise<Paged<DealerAccountDto>> {
    this.assertMayManage(ctx);
    let query = this.accounts().where(orgScope(ctx, 'u.org_id'));
    if (this.isDealerAdmin(ctx)) query = query.where('u.org_id', '=', ctx.actor.orgId);
    if (q.dealerId) query = query.where('u.org_id', '=', q.dealerId);
    if (q.status) query = query.where('u.status', '=', q.status);
    if (q.q?.trim()) {
      const like = `%${escapeLike(q.q.trim())}%`;
      query = query.where((eb) => eb.or([eb('u.username', 'ilike', like), eb('u.display_name', 'ilike', like), eb('u.phone', 'ilike', like), eb('d.name', 'ilike', like), eb('d.code', 'ilike', like)]));
    }
    const { ids, ...page } = await pageIdsOf(this.db, ctx, query, q, { username: { notNull: 'u.username' }, createdAt: { notNull: 'u.created_at' }, lastLoginAt: 'u.last_login_at', displayName: { notNull: 'u.display_name' } }, '-createdAt', 'u.id');
    return { ...page, items: await this.load(ctx, ids) };
  }

  async invite(ctx: RequestContext, dto: InviteDto): Promise<DealerInviteDto> {
    this.assertMayManage(ctx);
    const dealerAdmin = this.isDealerAdmin(ctx);
    const role = dto.role ?? (dealerAdmin ? BuiltinRole.DEALER_STAFF : BuiltinRole.DEALER_ADMIN);
    if (dealerAdmin && role !== BuiltinRole.DEALER_STAFF) throw new DomainError(ErrorCode.ROLE_NOT_GRANTABLE, 'A dealer administrator may only invite staff', { roles: [role] });
    const placeholder = await hashPassword(randomBytes(32).toString('base64url'));
    return this.db.tx(ctx, async (tx) => {
      const dealer = await this.dealerInScope(tx, dto.dealerId);
      const username = (dto.username ?? (await this.freeUsername(tx, dealer.code))).toLowerCase();
      if (await this.users.usernameTaken(tx, username)) throw new DomainError(ErrorCode.DUPLICATE, `The username ${username} is taken`, { field: 'username' });
      const u = { id: await this.users.createInvited(tx, { username, displayName: dto.displayName.trim(), passwordHash: placeholder, phone: dto.phone?.trim() || null, orgId: dealer.id, roleCode: role }) };
      const invite = await this.issue(tx, u.id);
      await this.audit.record(tx, {
        action: 'invite', entity: 'user', entityId: u.id, orgId: dealer.id, summary: `invited ${username} (${role}) for ${dealer.code}`,
        after: { username, displayName: dto.displayName.trim(), role, status: UserStatus.INVITED, expiresAt: invite.expiresAt },
      });
      return { userId: u.id, username, dealerId: dealer.id, ...invite };
    });
  }

  /** A new code for a login that has not been activated yet; earlier codes stop working. */
  async reinvite(ctx: RequestContext, userId: string): Promise<DealerInviteDto> {
    this.assertMayManage(ctx);
    return this.db.tx(ctx, async (tx) => {
      const u = await this.lockAccount(tx, userId);
      if (u.status !== UserStatus.INVITED) throw new DomainError(ErrorCode.INVALID_STATE, `${u.username} is ${u.status}: only a login not yet activated gets a new code (use a password reset)`, { status: u.status });
      const invite = await this.issue(tx, u.id);
      await this.audit.record(tx, { action: 'reinvite', entity: 'user', entityId: u.id, orgId: u.org_id, summary: `new invite code for ${u.username}`, after: { expiresAt: invite.expiresAt } });
      return { userId: u.id, username: u.username, dealerId: u.org_id, ...invite };
    });
  }

  async setEnabled(ctx: RequestContext, userId: string, enabled: boolean): Promise<DealerAccountDto> {
    this.assertMayManage(ctx);
    await this.db.tx(ctx, async (tx) => {
      const u = await this.lockAccount(tx, userId);
      if (u.id === ctx.actor.id) throw new DomainError(ErrorCode.FORBIDDEN, 'You cannot disable or enable your own account');
      let to: UserStatus = u.status;
      if (!enabled && u.status !== UserStatus.DISABLED) to = UserStatus.DISABLED;
      if (enabled && u.status === UserStatus.DISABLED) {
        // a login that never set its password goes back to waiting for its code
        // (seeded logins never had an invitation: they count as activated)
        to = (await this.users.everActivated(tx, u.id)) ? UserStatus.ACTIVE : UserStatus.INVITED;
      }
      if (to === u.status) return;
      // disabling ends the login's sessions (users announces UserDisabled, auth ends them)
      await this.users.setLoginStatus(tx, u.id, to);
      await this.audit.record(tx, { action: enabled ? 'enable' : 'disable', entity: 'user', entityId: u.id, orgId: u.org_id, summary: `${u.username}: ${u.status} -> ${to}`, before: { status: u.status }, after: { status: to } });
    });
    return (await this.load(ctx, [userId]))[0];
  }

  private async issue(tx: RequestContext, userId: string): Promise<{ inviteCode: string; expiresAt: string }> {
    const code = newInviteCode();
    const expiresAt = await this.users.issueInvite(tx, userId, inviteCodeHash(code), INVITE_DAYS);
    return { inviteCode: code, expiresAt: expiresAt.toISOString() };
  }

  private isDealerAdmin(ctx: RequestContext): boolean {
    return !ctx.isSystem && ctx.actor.orgType === OrgType.DEALER;
  }

  private assertMayManage(ctx: RequestContext): void {
    if (ctx.isSystem) return;
    const needed = this.isDealerAdmin(ctx) ? 'mall:staff' : 'users:manage';
    if (!ctx.can(needed)) throw new DomainError(ErrorCode.FORBIDDEN, `Missing permission: ${needed}`, { missing: [needed] });
  }

  /** A dealer the caller may manage logins of: in scope (a dealer admin: its own dealer only), else 404. */
  private async dealerInScope(tx: RequestContext, dealerId: string): Promise<{ id: string; code: string }> {
    if (this.isDealerAdmin(tx) && dealerId !== tx.actor.orgId) throw notFound('dealer', dealerId);
    const d = await this.db.first(
      tx,
      this.db.k.selectFrom('organization as o').select(['o.id', 'o.code']).where('o.id', '=', dealerId).where('o.type', '=', OrgType.DEALER).where(orgScope(tx, 'o.id')),
    );
    if (!d) throw notFound('dealer', dealerId);
    return d;
  }

  /** A dealer login the caller may manage (locked), else 404; a dealer admin may touch only its dealer's staff. */
  private async lockAccount(tx: RequestContext, userId: string): Promise<AccountRow> {
    const [u] = await this.rows(tx, [userId]);
    if (!u) throw notFound('user', userId);
    await this.dealerInScope(tx, u.org_id).catch(() => {
      throw notFound('user', userId);
    });
    if (this.isDealerAdmin(tx) && u.roles.some((r) => r !== BuiltinRole.DEALER_STAFF)) {
      throw new DomainError(ErrorCode.ROLE_NOT_GRANTABLE, 'A dealer administrator manages staff logins only', { roles: u.roles });
    }
    await this.users.lock(tx, userId);
    return u;
  }

  private async freeUsername(tx: RequestContext, dealerCode: string): Promise<string> {
    const base = dealerCode.toLowerCase().replace(/[^a-z0-9._-]/g, '').slice(0, 24) || 'dealer';
    for (let i = 0; i < 20; i++) {
      const name = `${base}.${randomInt(1000, 10000)}`;
      if (!(await this.users.usernameTaken(tx, name))) return name;
    }
    throw new DomainError(ErrorCode.DUPLICATE, 'Could not find a free username; give one', { field: 'username' });
  }

  /** Dealer logins by id with their dealer and role codes (two queries). */
  private async rows(ctx: RequestContext, ids: string[]): Promise<AccountRow[]> {
    if (!ids.length) return [];
    const rows = await this.db.rows(
      ctx,
      this.accounts()
        .select(['u.id', 'u.username', 'u.display_name', 'u.phone', 'u.status', 'u.org_id', 'u.last_login_at', 'u.created_at', 'd.code as dealer_code', 'd.name as dealer_name'])
        .where('u.id', 'in', ids),
    );
    const roles = await this.users.roleCodesOf(ctx, rows.map((r) => r.id));
    return rows.map((r) => ({ ...r, status: r.status as UserStatus, roles: roles.get(r.id) ?? [] }));
  }

  private async load(ctx: RequestContext, ids: string[]): Promise<DealerAccountDto[]> {
    if (!ids.length) return [];
    const byId = new Map((await this.rows(ctx, ids)).map((r) => [r.id, r]));
    return ids.map((id) => {
      const r = byId.get(id)!;
      return {
        userId: r.id, username: r.username, displayName: r.display_name, phone: r.phone, dealerId: r.org_id, dealerCode: r.dealer_code, dealerName: r.dealer_name,
        roles: r.roles, status: r.status, lastLoginAt: r.last_login_at ? new Date(r.last_login_at).toISOString() : null, createdAt: new Date(r.created_at).toISOString(),
      };
    });
  }
}
