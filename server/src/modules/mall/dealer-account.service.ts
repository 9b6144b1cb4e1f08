import { randomBytes, randomInt } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { BuiltinRole, DealerAccountDto, DealerInviteDto, ErrorCode, OrgType, Paged, UserStatus } from '@drp/shared';
import { RequestContext } from '../../common/context/request-context';
import { DomainError, notFound } from '../../common/errors/domain-error';
import { escapeLike, resolvePage } from '../../common/http/pagination';
import { applyOrgScope } from '../../common/scope/data-scope';
import { DbService } from '../../database/db.service';
import { AuditService } from '../audit/audit.service';
import { hashPassword, inviteCodeHash } from '../auth/password';
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

const ACCOUNT_SQL = `
  SELECT u.id, u.username, u.display_name, u.phone, u.status, u.org_id, u.last_login_at, u.created_at, d.code AS dealer_code, d.name AS dealer_name,
         COALESCE((SELECT array_agg(r.code ORDER BY r.code) FROM user_role ur JOIN role r ON r.id = ur.role_id WHERE ur.user_id = u.id), '{}') AS roles
    FROM app_user u JOIN organization d ON d.id = u.org_id`;

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
  ) {}

  async list(ctx: RequestContext, q: DealerAccountQueryDto): Promise<Paged<DealerAccountDto>> {
    this.assertMayManage(ctx);
    const { page, pageSize, offset, column, direction } = resolvePage(q, { username: 'u.username', createdAt: 'u.created_at', lastLoginAt: 'u.last_login_at', displayName: 'u.display_name' }, '-createdAt');
    const qb = this.db.manager(ctx).createQueryBuilder().from('app_user', 'u').innerJoin('organization', 'd', `d.id = u.org_id AND d.type = 'DEALER'`);
    applyOrgScope(qb, ctx, 'u.org_id');
    if (this.isDealerAdmin(ctx)) qb.andWhere('u.org_id = :own', { own: ctx.actor.orgId });
    if (q.dealerId) qb.andWhere('u.org_id = :dealerId', { dealerId: q.dealerId });
    if (q.status) qb.andWhere('u.status = :status', { status: q.status });
    if (q.q?.trim()) qb.andWhere('(u.username ILIKE :q OR u.display_name ILIKE :q OR u.phone ILIKE :q OR d.name ILIKE :q OR d.code ILIKE :q)', { q: `%${escapeLike(q.q.trim())}%` });
    const { n } = (await qb.clone().select('count(*)::int', 'n').getRawOne<{ n: number }>())!;
    const ids = await qb.clone().select('u.id', 'id').orderBy(column, direction, 'NULLS LAST').addOrderBy('u.id').offset(offset).limit(pageSize).getRawMany<{ id: string }>();
    return { items: await this.load(ctx, ids.map((r) => r.id)), total: n, page, pageSize };
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
      const [taken] = await this.db.query(tx, 'SELECT 1 FROM app_user WHERE username = $1', [username]);
      if (taken) throw new DomainError(ErrorCode.DUPLICATE, `The username ${username} is taken`, { field: 'username' });
      const [u] = await this.db.query<{ id: string }>(
        tx,
        `INSERT INTO app_user (username, display_name, password_hash, phone, status, org_id) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
        [username, dto.displayName.trim(), placeholder, dto.phone?.trim() || null, UserStatus.INVITED, dealer.id],
      );
      await this.db.query(tx, 'INSERT INTO user_role (user_id, role_id) SELECT $1, id FROM role WHERE code = $2', [u.id, role]);
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
        const [{ activated }] = await this.db.query<{ activated: boolean }>(
          tx,
          'SELECT (password_changed_at IS NOT NULL OR last_login_at IS NOT NULL OR EXISTS (SELECT 1 FROM user_invite WHERE user_id = $1 AND used_at IS NOT NULL)) AS activated FROM app_user WHERE id = $1',
          [u.id],
        );
        const [{ seeded }] = await this.db.query<{ seeded: boolean }>(tx, 'SELECT NOT EXISTS (SELECT 1 FROM user_invite WHERE user_id = $1) AS seeded', [u.id]);
        to = activated || seeded ? UserStatus.ACTIVE : UserStatus.INVITED;
      }
      if (to === u.status) return;
      await this.db.query(tx, 'UPDATE app_user SET status = $2, version = version + 1 WHERE id = $1', [u.id, to]);
      if (to === UserStatus.DISABLED) await this.db.query(tx, `UPDATE auth_session SET revoked_at = now(), revoke_reason = 'DISABLED' WHERE user_id = $1 AND revoked_at IS NULL`, [u.id]);
      await this.audit.record(tx, { action: enabled ? 'enable' : 'disable', entity: 'user', entityId: u.id, orgId: u.org_id, summary: `${u.username}: ${u.status} -> ${to}`, before: { status: u.status }, after: { status: to } });
    });
    return (await this.load(ctx, [userId]))[0];
  }

  private async issue(tx: RequestContext, userId: string): Promise<{ inviteCode: string; expiresAt: string }> {
    await this.db.query(tx, 'UPDATE user_invite SET expires_at = least(expires_at, now()) WHERE user_id = $1 AND used_at IS NULL', [userId]);
    const code = newInviteCode();
    const [i] = await this.db.query<{ expires_at: Date }>(
      tx,
      `INSERT INTO user_invite (user_id, code_hash, expires_at, created_by) VALUES ($1, $2, now() + make_interval(days => $3), $4) RETURNING expires_at`,
      [userId, inviteCodeHash(code), INVITE_DAYS, tx.user?.id ?? null],
    );
    return { inviteCode: code, expiresAt: new Date(i.expires_at).toISOString() };
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
    const qb = this.db.manager(tx).createQueryBuilder().from('organization', 'o').select(['o.id AS id', 'o.code AS code']).where(`o.id = :id AND o.type = 'DEALER'`, { id: dealerId });
    const d = await applyOrgScope(qb, tx, 'o.id').getRawOne<{ id: string; code: string }>();
    if (!d) throw notFound('dealer', dealerId);
    return d;
  }

  /** A dealer login the caller may manage (locked), else 404; a dealer admin may touch only its dealer's staff. */
  private async lockAccount(tx: RequestContext, userId: string): Promise<AccountRow> {
    const [u] = await this.db.query<AccountRow>(tx, `${ACCOUNT_SQL} WHERE u.id = $1 AND d.type = 'DEALER'`, [userId]);
    if (!u) throw notFound('user', userId);
    await this.dealerInScope(tx, u.org_id).catch(() => {
      throw notFound('user', userId);
    });
    if (this.isDealerAdmin(tx) && u.roles.some((r) => r !== BuiltinRole.DEALER_STAFF)) {
      throw new DomainError(ErrorCode.ROLE_NOT_GRANTABLE, 'A dealer administrator manages staff logins only', { roles: u.roles });
    }
    await this.db.query(tx, 'SELECT id FROM app_user WHERE id = $1 FOR UPDATE', [userId]);
    return u;
  }

  private async freeUsername(tx: RequestContext, dealerCode: string): Promise<string> {
    const base = dealerCode.toLowerCase().replace(/[^a-z0-9._-]/g, '').slice(0, 24) || 'dealer';
    for (let i = 0; i < 20; i++) {
      const name = `${base}.${randomInt(1000, 10000)}`;
      const [taken] = await this.db.query(tx, 'SELECT 1 FROM app_user WHERE username = $1', [name]);
      if (!taken) return name;
    }
    throw new DomainError(ErrorCode.DUPLICATE, 'Could not find a free username; give one', { field: 'username' });
  }

  private async load(ctx: RequestContext, ids: string[]): Promise<DealerAccountDto[]> {
    if (!ids.length) return [];
    const rows = await this.db.query<AccountRow>(ctx, `${ACCOUNT_SQL} WHERE u.id = ANY($1::uuid[])`, [ids]);
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => {
      const r = byId.get(id)!;
      return {
        userId: r.id, username: r.username, displayName: r.display_name, phone: r.phone, dealerId: r.org_id, dealerCode: r.dealer_code, dealerName: r.dealer_name,
        roles: r.roles, status: r.status, lastLoginAt: r.last_login_at ? new Date(r.last_login_at).toISOString() : null, createdAt: new Date(r.created_at).toISOString(),
      };
    });
  }
}
