import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { ErrorCode, LoginResponse, MeDto, OrgStatus, TokenPair, USERNAME_PATTERN, UserStatus } from '@drp/shared';
import { sql } from 'kysely';
import { APP_CONFIG, AppConfig } from '../../config/config';
import { DbService } from '../../database/db.service';
import { RequestContext } from '../../common/context/request-context';
import { DomainError } from '../../common/errors/domain-error';
import { AuditService } from '../audit/audit.service';
import { EventBus } from '../../kernel/events';
import { UsersService } from '../users/users.service';
import { AccessTokenPayload } from './jwt.strategy';
import { assertStrongPassword, dummyHash, hashPassword, inviteCodeHash, verifyPassword } from './password';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/**
 * Sign-in with short-lived access tokens and rotating refresh tokens. A login is a session (the
 * refresh-token family): every refresh spends its token and issues the next; presenting a spent
 * token means it was copied, so the whole family is revoked.
 */
@Injectable()
export class AuthService implements OnModuleInit {
  constructor(
    private readonly db: DbService,
    private readonly jwt: JwtService,
    private readonly audit: AuditService,
    private readonly users: UsersService,
    private readonly events: EventBus,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Sessions are ours: a disabled account or a reset password ends every login, in the same transaction. */
  onModuleInit(): void {
    this.events.onFinal('UserDisabled', (tx, p) => this.endSessions(tx, p.userId, 'DISABLED'));
    this.events.onFinal('UserPasswordReset', (tx, p) => this.endSessions(tx, p.userId, 'PASSWORD_RESET'));
  }

  /** Ends every open login of a user (their access tokens stop on the next request, refresh tokens with them). */
  async endSessions(tx: RequestContext, userId: string, reason: string, exceptSessionId?: string): Promise<void> {
    let q = this.db.k.updateTable('auth_session').set({ revoked_at: sql`now()`, revoke_reason: reason }).where('user_id', '=', userId).where('revoked_at', 'is', null);
    if (exceptSessionId) q = q.where('id', '<>', exceptSessionId);
    await this.db.rows(tx, q);
  }

  /**
   * Housekeeping (the maintenance job): sessions expired or revoked over 7 days ago (their refresh
   * tokens go with them) and throttle rows neither locking nor touched for an hour.
   */
  async purgeExpired(ctx: RequestContext): Promise<{ sessions: number; throttles: number }> {
    const sessions = await this.db.rows(
      ctx,
      this.db.k
        .deleteFrom('auth_session')
        .where((eb) => eb.or([eb('expires_at', '<', sql<Date>`now() - interval '7 days'`), eb('revoked_at', '<', sql<Date>`now() - interval '7 days'`)]))
        .returning('id'),
    );
    const throttles = await this.db.rows(
      ctx,
      this.db.k
        .deleteFrom('login_throttle')
        .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', sql<Date>`now()`)]))
        .where('updated_at', '<', sql<Date>`now() - interval '1 hour'`)
        .returning('username'),
    );
    return { sessions: sessions.length, throttles: throttles.length };
  }

  async login(ctx: RequestContext, usernameInput: string, password: string, userAgent?: string): Promise<LoginResponse> {
    const username = usernameInput.trim().toLowerCase();
    const keys = throttleKeys('login', ctx.ip, username);
    await this.assertNotThrottled(ctx, 'login', keys);
    const row = await this.users.loginCandidate(ctx, username);
    const ok = row ? await verifyPassword(row.password_hash, password) : (await verifyPassword(await dummyHash(), password), false);
    if (!ok || !row) {
      await this.recordFailure(ctx, 'login', keys, { id: row?.id ?? null, orgId: row?.org_id ?? null, name: username });
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
      // the owner got in: this address's count for the account and the account's count start over (the address's own count stays)
      await this.db.rows(tx, this.db.k.deleteFrom('login_throttle').where('username', 'in', [keys.pair!, keys.account!]));
      await this.users.recordLogin(tx, row.id);
      const session = await this.db.one(
        tx,
        this.db.k
          .insertInto('auth_session')
          .values({ user_id: row.id, expires_at: sql<Date>`now() + make_interval(days => ${this.config.refreshTtlDays})`, ip: ctx.ip ?? null, user_agent: userAgent?.slice(0, 300) ?? null })
          .returning('id'),
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
      // the account's status is read with the token (app_user and organization are shared reference tables)
      const tok = await this.db.first(
        tx,
        this.db.k
          .selectFrom('refresh_token as t')
          .innerJoin('auth_session as s', 's.id', 't.session_id')
          .innerJoin('app_user as u', 'u.id', 's.user_id')
          .innerJoin('organization as o', 'o.id', 'u.org_id')
          .select([
            't.id', 't.session_id', 't.used_at', 's.user_id',
            sql<boolean>`(t.expires_at <= now() OR s.expires_at <= now())`.as('expired'),
            sql<boolean>`s.revoked_at IS NOT NULL`.as('revoked'),
            sql<boolean>`(u.status = 'ACTIVE' AND o.status = 'ACTIVE')`.as('user_ok'),
          ])
          .where('t.token_hash', '=', sha256(refreshToken))
          .forUpdate(['t', 's']),
      );
      if (!tok || tok.expired || tok.revoked) return { error: ErrorCode.REFRESH_TOKEN_INVALID } as const;
      if (tok.used_at) {
        // A spent token came back: someone holds a copy. End this login everywhere.
        await this.db.rows(tx, this.db.k.updateTable('auth_session').set({ revoked_at: sql`now()`, revoke_reason: 'TOKEN_REUSE' }).where('id', '=', tok.session_id));
        await this.audit.record(tx, { action: 'refresh_reuse', entity: 'auth', entityId: tok.user_id, actor: { id: tok.user_id, name: 'refresh' }, summary: 'a spent refresh token was presented; the login was revoked' });
        return { error: ErrorCode.REFRESH_TOKEN_REUSED } as const;
      }
      if (!tok.user_ok) return { error: ErrorCode.ACCOUNT_DISABLED } as const;
      await this.db.rows(tx, this.db.k.updateTable('refresh_token').set({ used_at: sql`now()` }).where('id', '=', tok.id));
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
      await this.db.rows(
        tx,
        this.db.k
          .updateTable('auth_session')
          .set({ revoked_at: sql`now()`, revoke_reason: 'LOGOUT' })
          .where('revoked_at', 'is', null)
          .where('user_id', '=', ctx.actor.id)
          .where((eb) =>
            eb.or([
              eb('id', '=', ctx.actor.sessionId),
              eb('id', 'in', eb.selectFrom('refresh_token').select('session_id').where('token_hash', '=', refreshToken ? sha256(refreshToken) : '')),
            ]),
          ),
      );
      await this.audit.record(tx, { action: 'logout', entity: 'auth', entityId: ctx.actor.id, summary: `${ctx.actor.username} signed out` });
    });
  }

  async changePassword(ctx: RequestContext, oldPassword: string, newPassword: string): Promise<void> {
    const keys = throttleKeys('password', ctx.ip, ctx.actor.id);
    await this.assertNotThrottled(ctx, 'password', keys);
    const hash = await this.users.passwordHashOf(ctx, ctx.actor.id);
    if (!hash || !(await verifyPassword(hash, oldPassword))) {
      await this.recordFailure(ctx, 'password', keys, { id: ctx.actor.id, orgId: ctx.actor.orgId, name: ctx.actor.username });
      throw new DomainError(ErrorCode.WRONG_PASSWORD, 'The current password is wrong');
    }
    assertStrongPassword(newPassword, { username: ctx.actor.username, demo: this.config.demoData, field: 'newPassword' });
    if (oldPassword === newPassword) {
      throw new DomainError(ErrorCode.WEAK_PASSWORD, 'The new password must differ from the current one', { field: 'newPassword', reason: 'SAME_AS_CURRENT', problems: ['same as current'] });
    }
    const hashed = await hashPassword(newPassword);
    await this.db.tx(ctx, async (tx) => {
      await this.db.rows(tx, this.db.k.deleteFrom('login_throttle').where('username', 'in', [keys.pair!, keys.account!]));
      await this.users.setPasswordHash(tx, ctx.actor.id, hashed);
      // other logins of this user end; this one stays
      await this.endSessions(tx, ctx.actor.id, 'PASSWORD_CHANGED', ctx.actor.sessionId);
      await this.audit.record(tx, { action: 'change_password', entity: 'user', entityId: ctx.actor.id, orgId: ctx.actor.orgId, summary: `${ctx.actor.username} changed their password` });
    });
  }

  /**
   * An invited dealer login sets its password with its one-time code (single use, 7 days; only
   * its sha256 is stored) and may pick its username; the account becomes ACTIVE. A bad, spent or
   * expired code is 400 INVITE_INVALID and counts towards the caller's address lock-out (its own
   * `invite` scope: LOGIN_MAX_FAILURES wrong codes lock the address).
   */
  async activate(ctx: RequestContext, code: string, password: string, usernameInput?: string): Promise<void> {
    const keys = throttleKeys('invite', ctx.ip);
    await this.assertNotThrottled(ctx, 'invite', keys);
    const codeHash = inviteCodeHash(code);
    const inv = await this.users.findInvite(ctx, codeHash);
    if (!inv?.usable) {
      await this.recordFailure(ctx, 'invite', keys, { id: null, orgId: null, name: keys.address });
      throw new DomainError(ErrorCode.INVITE_INVALID, 'The invite code is unknown, used or expired; ask for a new one');
    }
    const username = usernameInput?.trim().toLowerCase() || inv.username;
    if (!USERNAME_PATTERN.test(username)) throw new DomainError(ErrorCode.VALIDATION_FAILED, 'username must be 3-32 lowercase letters, digits, . _ or -', { field: 'username' });
    assertStrongPassword(password, { username, demo: this.config.demoData });
    const hashed = await hashPassword(password);
    await this.db.tx(ctx, async (tx) => {
      // the code is spent under its row lock: two activations with one code, one wins
      await this.users.activateInvite(tx, inv, username, hashed);
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
    await this.db.rows(
      ctx,
      this.db.k.insertInto('refresh_token').values({ session_id: sessionId, token_hash: sha256(refreshToken), expires_at: sql<Date>`now() + make_interval(days => ${this.config.refreshTtlDays})` }),
    );
    return { accessToken, refreshToken, expiresIn: this.config.accessTtlSeconds, sessionId };
  }

  /** 429 LOGIN_RATE_LIMITED (Retry-After) while the caller's address, or its (account, address) pair, is locked. */
  private async assertNotThrottled(ctx: RequestContext, scope: ThrottleScope, keys: ThrottleKeys): Promise<void> {
    const row = await this.db.first(
      ctx,
      this.db.k
        .selectFrom('login_throttle')
        .select(sql<number>`max(ceil(extract(epoch FROM locked_until - now())))::int`.as('retry'))
        .where('username', 'in', keys.pair ? [keys.address, keys.pair] : [keys.address])
        .where('locked_until', '>', sql<Date>`now()`),
    );
    if (row?.retry) throw rateLimited(scope, row.retry);
  }

  /**
   * One failed attempt, counted per key within a window (LOGIN_WINDOW_SECONDS):
   * - the address: LOGIN_ADDRESS_MAX_FAILURES failures (any account; LOGIN_MAX_FAILURES when the
   *   scope has no account) lock the address;
   * - the (account, address) pair: LOGIN_MAX_FAILURES failures lock that pair only, so the owner
   *   signing in from elsewhere is never locked out by someone guessing;
   * - the account: once it has LOGIN_MAX_FAILURES failures from anywhere (a spread-out guess), each
   *   further failure of a pair makes that address wait 2^n seconds (n = the pair's failures).
   * Locks last LOGIN_LOCK_SECONDS. An attempt refused as throttled writes nothing; one that raced a
   * lock (it passed the check while another request was locking) is refused here with 429 and no
   * audit row: a burst writes one `login_failed` row per counted failure and one `throttle_lock` row.
   */
  private async recordFailure(ctx: RequestContext, scope: ThrottleScope, keys: ThrottleKeys, who: { id: string | null; orgId: string | null; name: string }): Promise<void> {
    const { maxFailures, addressMaxFailures, windowSeconds, lockSeconds } = this.config.login;
    await this.db.tx(ctx, async (tx) => {
      const stale = sql<boolean>`login_throttle.window_start < now() - make_interval(secs => ${windowSeconds})`;
      const all = [keys.address, keys.pair, keys.account].filter((k): k is string => !!k);
      const counts = await this.db.rows(
        tx,
        this.db.k
          .insertInto('login_throttle')
          .values(all.map((username) => ({ username, window_start: sql<Date>`now()`, failures: 1 })))
          .onConflict((oc) =>
            oc.column('username').doUpdateSet({
              failures: sql<number>`CASE WHEN ${stale} THEN 1 ELSE login_throttle.failures + 1 END`,
              window_start: sql<Date>`CASE WHEN ${stale} THEN now() ELSE login_throttle.window_start END`,
              updated_at: sql<Date>`now()`,
            }),
          )
          .returning([
            'username', 'failures',
            sql<number>`CASE WHEN login_throttle.locked_until > now() THEN ceil(extract(epoch FROM login_throttle.locked_until - now()))::int ELSE 0 END`.as('retry'),
          ]),
      );
      const raced = Math.max(0, ...counts.filter((c) => c.username !== keys.account).map((c) => c.retry));
      if (raced) throw rateLimited(scope, raced);
      const failures = (key?: string) => counts.find((c) => c.username === key)?.failures ?? 0;
      const lock = (key: string, seconds: number) =>
        this.db.rows(tx, this.db.k.updateTable('login_throttle').set({ locked_until: sql<Date>`now() + make_interval(secs => ${seconds})`, failures: 0, window_start: sql<Date>`now()` }).where('username', '=', key));
      const locked: string[] = [];
      if (failures(keys.address) >= (keys.pair ? addressMaxFailures : maxFailures)) {
        await lock(keys.address, lockSeconds);
        locked.push('the address');
      }
      if (keys.pair) {
        const pairFailures = failures(keys.pair);
        if (pairFailures >= maxFailures) {
          await lock(keys.pair, lockSeconds);
          locked.push('the account from this address');
        } else if (failures(keys.account) >= maxFailures) {
          // the account is being guessed from many addresses: slow this one down, lock nobody out
          await this.db.rows(tx, this.db.k.updateTable('login_throttle').set({ locked_until: sql<Date>`now() + make_interval(secs => ${Math.min(2 ** pairFailures, lockSeconds)})` }).where('username', '=', keys.pair));
        }
      }
      const name = who.name.slice(0, 40);
      const actor = { id: who.id, name: who.name.slice(0, 50) };
      const what = { login: 'failed sign-in', password: 'wrong current password', invite: 'wrong invite code' }[scope];
      await this.audit.record(tx, { action: 'login_failed', entity: 'auth', entityId: who.id, orgId: who.orgId, actor, summary: `${what} for ${name}` });
      if (locked.length) {
        await this.audit.record(tx, {
          action: 'throttle_lock', entity: 'auth', entityId: who.id, orgId: who.orgId, actor,
          summary: `too many ${what}s for ${name} from ${ctx.ip ?? 'an unknown address'}: locked ${locked.join(' and ')} for ${lockSeconds} s`,
        });
      }
    });
  }
}

type ThrottleScope = 'login' | 'password' | 'invite';

function rateLimited(scope: ThrottleScope, retryAfterSeconds: number): DomainError<ErrorCode.LOGIN_RATE_LIMITED> {
  const what = { login: 'failed sign-ins', password: 'wrong current passwords', invite: 'wrong invite codes' }[scope];
  return new DomainError(ErrorCode.LOGIN_RATE_LIMITED, `Too many ${what}; try again in ${retryAfterSeconds} seconds`, { retryAfterSeconds, scope });
}
/**
 * login_throttle rows of one attempt: the address, and with an account the (account, address) pair
 * and the account (the character after the scope tells them apart: `@` address, `:` pair, `!` account, `#` hashed).
 */
type ThrottleKeys = { address: string; pair?: string; account?: string };

/** Row keys fit login_throttle.username (64): a longer one (an IPv6 address) is replaced by its hash. */
function throttleKeys(scope: ThrottleScope, ip: string | undefined, account?: string): ThrottleKeys {
  const addr = ip ?? 'unknown';
  const fit = (key: string) => (key.length <= 64 ? key : `${scope}#${sha256(key).slice(0, 56)}`);
  if (account === undefined) return { address: fit(`${scope}@${addr}`) };
  return { address: fit(`${scope}@${addr}`), pair: fit(`${scope}:${account}@${addr}`), account: fit(`${scope}!${account}`) };
}
