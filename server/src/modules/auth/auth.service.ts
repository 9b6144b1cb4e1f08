import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { ErrorCode, LoginResponse, MeDto, OrgStatus, TokenPair, USERNAME_PATTERN, UserStatus } from '@drp/shared';
import { APP_CONFIG, AppConfig } from '../../config/config';
import { DbService } from '../../database/db.service';
import { RequestContext } from '../../common/context/request-context';
import { DomainError } from '../../common/errors/domain-error';
import { AuditService } from '../audit/audit.service';
import { UsersService } from '../users/users.service';
import { AccessTokenPayload } from './jwt.strategy';
import { assertStrongPassword, dummyHash, hashPassword, inviteCodeHash, verifyPassword } from './password';

interface LoginRow {
  id: string;
  password_hash: string;
  status: UserStatus;
  org_id: string;
  org_status: OrgStatus;
  display_name: string;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/**
 * Sign-in with short-lived access tokens and rotating refresh tokens. A login is a session (the
 * refresh-token family): every refresh spends its token and issues the next; presenting a spent
 * token means it was copied, so the whole family is revoked.
 */
@Injectable()
export class AuthService {
  constructor(
    private readonly db: DbService,
    private readonly jwt: JwtService,
    private readonly audit: AuditService,
    private readonly users: UsersService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async login(ctx: RequestContext, usernameInput: string, password: string, userAgent?: string): Promise<LoginResponse> {
    const username = usernameInput.trim().toLowerCase();
    await this.assertNotLocked(ctx, username);
    const [row] = await this.db.query<LoginRow>(
      ctx,
      `SELECT u.id, u.password_hash, u.status, u.org_id, u.display_name, o.status AS org_status
         FROM app_user u JOIN organization o ON o.id = u.org_id WHERE u.username = $1`,
      [username],
    );
    const ok = row ? await verifyPassword(row.password_hash, password) : (await verifyPassword(await dummyHash(), password), false);
    if (!ok) {
      await this.recordFailure(ctx, username, row);
      throw new DomainError(ErrorCode.INVALID_CREDENTIALS, 'Wrong username or password');
    }
    // Only after a correct password do we say the account is disabled (no username probing).
    if ((row.status as string) === 'INVITED') {
      throw new DomainError(ErrorCode.ACCOUNT_DISABLED, 'This account is not activated yet: set a password with the invite code first', { reason: 'INVITED' });
    }
    if (row.status !== UserStatus.ACTIVE || row.org_status !== OrgStatus.ACTIVE) {
      throw new DomainError(ErrorCode.ACCOUNT_DISABLED, row.status !== UserStatus.ACTIVE ? 'This account is disabled' : 'The organisation of this account is disabled');
    }
    const pair = await this.db.tx(ctx, async (tx) => {
      await this.db.query(tx, 'DELETE FROM login_throttle WHERE username = $1', [username]);
      await this.db.query(tx, 'UPDATE app_user SET last_login_at = now() WHERE id = $1', [row.id]);
      const [session] = await this.db.query<{ id: string }>(
        tx,
        `INSERT INTO auth_session (user_id, expires_at, ip, user_agent) VALUES ($1, now() + make_interval(days => $2), $3, $4) RETURNING id`,
        [row.id, this.config.refreshTtlDays, ctx.ip ?? null, userAgent?.slice(0, 300) ?? null],
      );
      const tokens = await this.issue(tx, row.id, session.id);
      await this.audit.record(tx, { action: 'login', entity: 'auth', entityId: row.id, orgId: row.org_id, actor: { id: row.id, name: row.display_name }, summary: `${username} signed in` });
      return tokens;
    });
    const user = await this.users.me(ctx, row.id, pair.sessionId);
    return { accessToken: pair.accessToken, refreshToken: pair.refreshToken, expiresIn: pair.expiresIn, user };
  }

  async refresh(ctx: RequestContext, refreshToken: string): Promise<TokenPair> {
    const outcome = await this.db.tx(ctx, async (tx) => {
      const [tok] = await this.db.query<{ id: string; session_id: string; used_at: Date | null; expired: boolean; revoked: boolean; user_id: string; user_ok: boolean }>(
        tx,
        `SELECT t.id, t.session_id, t.used_at, (t.expires_at <= now() OR s.expires_at <= now()) AS expired, s.revoked_at IS NOT NULL AS revoked,
                s.user_id, (u.status = 'ACTIVE' AND o.status = 'ACTIVE') AS user_ok
           FROM refresh_token t
           JOIN auth_session s ON s.id = t.session_id
           JOIN app_user u ON u.id = s.user_id
           JOIN organization o ON o.id = u.org_id
          WHERE t.token_hash = $1
          FOR UPDATE OF t, s`,
        [sha256(refreshToken)],
      );
      if (!tok || tok.expired || tok.revoked) return { error: ErrorCode.REFRESH_TOKEN_INVALID } as const;
      if (tok.used_at) {
        // A spent token came back: someone holds a copy. End this login everywhere.
        await this.db.query(tx, `UPDATE auth_session SET revoked_at = now(), revoke_reason = 'TOKEN_REUSE' WHERE id = $1`, [tok.session_id]);
        await this.audit.record(tx, { action: 'refresh_reuse', entity: 'auth', entityId: tok.user_id, actor: { id: tok.user_id, name: 'refresh' }, summary: 'a spent refresh token was presented; the login was revoked' });
        return { error: ErrorCode.REFRESH_TOKEN_REUSED } as const;
      }
      if (!tok.user_ok) return { error: ErrorCode.ACCOUNT_DISABLED } as const;
      await this.db.query(tx, 'UPDATE refresh_token SET used_at = now() WHERE id = $1', [tok.id]);
      return { pair: await this.issue(tx, tok.user_id, tok.session_id) };
    });
    // Errors are thrown after commit so the revocation above sticks.
    if ('error' in outcome) {
      const messages: Record<string, string> = {
        [ErrorCode.REFRESH_TOKEN_INVALID]: 'The refresh token is unknown, expired or revoked; sign in again',
        [ErrorCode.REFRESH_TOKEN_REUSED]: 'The refresh token was already used; this login has been ended for safety, sign in again',
        [ErrorCode.ACCOUNT_DISABLED]: 'This account is disabled',
      };
      throw new DomainError(outcome.error!, messages[outcome.error!]);
    }
    const { accessToken, refreshToken: next, expiresIn } = outcome.pair;
    return { accessToken, refreshToken: next, expiresIn };
  }

  async logout(ctx: RequestContext, refreshToken?: string): Promise<void> {
    await this.db.tx(ctx, async (tx) => {
      // the current login (from the access token), plus the one a refresh token names
      await this.db.query(
        tx,
        `UPDATE auth_session SET revoked_at = now(), revoke_reason = 'LOGOUT'
          WHERE revoked_at IS NULL AND user_id = $1
            AND (id = $2 OR id IN (SELECT session_id FROM refresh_token WHERE token_hash = $3))`,
        [ctx.actor.id, ctx.actor.sessionId, refreshToken ? sha256(refreshToken) : ''],
      );
      await this.audit.record(tx, { action: 'logout', entity: 'auth', entityId: ctx.actor.id, summary: `${ctx.actor.username} signed out` });
    });
  }

  async changePassword(ctx: RequestContext, oldPassword: string, newPassword: string): Promise<void> {
    const [row] = await this.db.query<{ password_hash: string }>(ctx, 'SELECT password_hash FROM app_user WHERE id = $1', [ctx.actor.id]);
    if (!row || !(await verifyPassword(row.password_hash, oldPassword))) {
      throw new DomainError(ErrorCode.WRONG_PASSWORD, 'The current password is wrong');
    }
    assertStrongPassword(newPassword);
    if (oldPassword === newPassword) throw new DomainError(ErrorCode.WEAK_PASSWORD, 'The new password must differ from the current one', { problems: ['same as current'] });
    const hashed = await hashPassword(newPassword);
    await this.db.tx(ctx, async (tx) => {
      await this.db.query(tx, 'UPDATE app_user SET password_hash = $2, password_changed_at = now(), version = version + 1 WHERE id = $1', [ctx.actor.id, hashed]);
      // other logins of this user end; this one stays
      await this.db.query(tx, `UPDATE auth_session SET revoked_at = now(), revoke_reason = 'PASSWORD_CHANGED' WHERE user_id = $1 AND id <> $2 AND revoked_at IS NULL`, [ctx.actor.id, ctx.actor.sessionId]);
      await this.audit.record(tx, { action: 'change_password', entity: 'user', entityId: ctx.actor.id, orgId: ctx.actor.orgId, summary: `${ctx.actor.username} changed their password` });
    });
  }

  /**
   * An invited dealer login sets its password with its one-time code (single use, 7 days; only
   * its sha256 is stored) and may pick its username; the account becomes ACTIVE. A bad, spent or
   * expired code is 400 INVITE_INVALID and counts towards the same lock-out as failed sign-ins
   * (keyed by the caller's address).
   */
  async activate(ctx: RequestContext, code: string, password: string, usernameInput?: string): Promise<void> {
    const throttleKey = `invite@${ctx.ip ?? 'unknown'}`.slice(0, 64);
    await this.assertNotLocked(ctx, throttleKey);
    const codeHash = inviteCodeHash(code);
    const [inv] = await this.db.query<{ id: string; user_id: string; usable: boolean; username: string; display_name: string; org_id: string }>(
      ctx,
      `SELECT i.id, i.user_id, (i.used_at IS NULL AND i.expires_at > now() AND u.status = 'INVITED') AS usable, u.username, u.display_name, u.org_id
         FROM user_invite i JOIN app_user u ON u.id = i.user_id WHERE i.code_hash = $1`,
      [codeHash],
    );
    if (!inv?.usable) {
      await this.recordFailure(ctx, throttleKey, undefined);
      throw new DomainError(ErrorCode.INVITE_INVALID, 'The invite code is unknown, used or expired; ask for a new one');
    }
    assertStrongPassword(password);
    const username = usernameInput?.trim().toLowerCase() || inv.username;
    if (!USERNAME_PATTERN.test(username)) throw new DomainError(ErrorCode.VALIDATION_FAILED, 'username must be 3-32 lowercase letters, digits, . _ or -', { field: 'username' });
    const hashed = await hashPassword(password);
    await this.db.tx(ctx, async (tx) => {
      // the code is spent under its row lock: two activations with one code, one wins
      const [locked] = await this.db.query<{ ok: boolean }>(tx, `SELECT (used_at IS NULL AND expires_at > now()) AS ok FROM user_invite WHERE id = $1 FOR UPDATE`, [inv.id]);
      if (!locked?.ok) throw new DomainError(ErrorCode.INVITE_INVALID, 'The invite code is unknown, used or expired; ask for a new one');
      if (username !== inv.username) {
        const [taken] = await this.db.query(tx, 'SELECT 1 FROM app_user WHERE username = $1', [username]);
        if (taken) throw new DomainError(ErrorCode.DUPLICATE, `The username ${username} is taken`, { field: 'username' });
      }
      const done = await this.db.query(
        tx,
        `UPDATE app_user SET username = $2, password_hash = $3, status = 'ACTIVE', password_changed_at = now(), version = version + 1 WHERE id = $1 AND status = 'INVITED' RETURNING id`,
        [inv.user_id, username, hashed],
      );
      if (!done.length) throw new DomainError(ErrorCode.INVITE_INVALID, 'The invite code is unknown, used or expired; ask for a new one');
      await this.db.query(tx, 'UPDATE user_invite SET used_at = now() WHERE id = $1', [inv.id]);
      await this.audit.record(tx, {
        action: 'activate', entity: 'user', entityId: inv.user_id, orgId: inv.org_id, actor: { id: inv.user_id, name: inv.display_name },
        summary: `${username} activated the account with an invite code`, before: { status: 'INVITED', username: inv.username }, after: { status: 'ACTIVE', username },
      });
    });
  }

  me(ctx: RequestContext): Promise<MeDto> {
    return this.users.me(ctx, ctx.actor.id, ctx.actor.sessionId);
  }

  private async issue(ctx: RequestContext, userId: string, sessionId: string): Promise<TokenPair & { sessionId: string }> {
    const payload: AccessTokenPayload = { sub: userId, sid: sessionId };
    const accessToken = await this.jwt.signAsync(payload, { expiresIn: this.config.accessTtlSeconds });
    const refreshToken = randomBytes(32).toString('base64url');
    await this.db.query(
      ctx,
      `INSERT INTO refresh_token (session_id, token_hash, expires_at) VALUES ($1, $2, now() + make_interval(days => $3))`,
      [sessionId, sha256(refreshToken), this.config.refreshTtlDays],
    );
    return { accessToken, refreshToken, expiresIn: this.config.accessTtlSeconds, sessionId };
  }

  private async assertNotLocked(ctx: RequestContext, username: string): Promise<void> {
    const [row] = await this.db.query<{ retry: number }>(
      ctx,
      `SELECT ceil(extract(epoch FROM locked_until - now()))::int AS retry FROM login_throttle WHERE username = $1 AND locked_until > now()`,
      [username],
    );
    if (row) {
      throw new DomainError(ErrorCode.LOGIN_RATE_LIMITED, `Too many failed sign-ins; try again in ${row.retry} seconds`, { retryAfterSeconds: row.retry });
    }
  }

  /** Counts failures in a sliding-ish window; the Nth within the window locks the account for a while. */
  private async recordFailure(ctx: RequestContext, username: string, row: LoginRow | undefined): Promise<void> {
    const { maxFailures, windowSeconds, lockSeconds } = this.config.login;
    await this.db.tx(ctx, async (tx) => {
      await this.db.query(
        tx,
        `INSERT INTO login_throttle AS t (username, window_start, failures) VALUES ($1, now(), 1)
         ON CONFLICT (username) DO UPDATE SET
           failures = CASE WHEN t.window_start < now() - make_interval(secs => $2) THEN 1 ELSE t.failures + 1 END,
           window_start = CASE WHEN t.window_start < now() - make_interval(secs => $2) THEN now() ELSE t.window_start END,
           updated_at = now()`,
        [username, windowSeconds],
      );
      await this.db.query(
        tx,
        `UPDATE login_throttle SET locked_until = now() + make_interval(secs => $3), failures = 0, window_start = now()
          WHERE username = $1 AND failures >= $2`,
        [username, maxFailures, lockSeconds],
      );
      await this.audit.record(tx, { action: 'login_failed', entity: 'auth', entityId: row?.id ?? null, orgId: row?.org_id ?? null, actor: { id: row?.id ?? null, name: username.slice(0, 50) }, summary: `failed sign-in for ${username.slice(0, 40)}` });
    });
  }
}
