import { createSecretKey, KeyObject } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { APP_CONFIG, AppConfig } from '../../config/config';
import { DbService } from '../../database/db.service';
import { AuthUser, RequestContext } from '../../common/context/request-context';
import { AccessTokenAuthenticator } from '../../common/auth/auth.guard';
import { loadPrincipal, loadPrincipalVersion, PrincipalCache } from '../../common/auth/principal';

// re-exported: the benchmarks replay the server's own per-request principal queries from here
export { loadPrincipal, loadPrincipalVersion };

export interface AccessTokenPayload {
  sub: string;
  sid: string;
  exp?: number;
}

/**
 * The token of an `Authorization: Bearer <token>` header (scheme case-insensitive), as passport-jwt's
 * `fromAuthHeaderAsBearerToken` read it: null for a missing header or another scheme.
 */
export function bearerToken(header: string | undefined): string | null {
  if (typeof header !== 'string') return null;
  const m = /(\S+)\s+(\S+)/.exec(header);
  return m && m[1].toLowerCase() === 'bearer' ? m[2] : null;
}

/**
 * Access tokens whose signature was checked, by their exact text: a client sends the same token on
 * every request for its lifetime (15 minutes), so the HMAC and the JSON parse run once per token.
 * A hit is still refused from the second `exp` names (jsonwebtoken's rule: now >= exp); only
 * tokens with a numeric `exp` and no `nbf` are kept (ours all are). Bounded: the oldest goes first.
 */
export class VerifiedTokens {
  private readonly entries = new Map<string, AccessTokenPayload & { exp: number }>();

  constructor(private readonly maxEntries = 10_000) {}

  /** The payload of a token verified before and not yet expired; undefined when not known (or expired). */
  get(token: string, nowSeconds = Math.floor(Date.now() / 1000)): AccessTokenPayload | undefined {
    const hit = this.entries.get(token);
    if (!hit) return undefined;
    if (nowSeconds >= hit.exp) {
      this.entries.delete(token);
      return undefined;
    }
    return hit;
  }

  remember(token: string, payload: AccessTokenPayload & { nbf?: unknown }): void {
    if (typeof payload.exp !== 'number' || payload.nbf !== undefined) return;
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(token, payload as AccessTokenPayload & { exp: number });
  }
}

/**
 * Resolves the principal of a request's bearer access token (AppAuthGuard calls `authenticate`):
 * the signature and expiry (HS256 only) are checked, then the principal comes through the
 * process's PrincipalCache: one primary-key query checks the session and the principal's version,
 * the full principal is re-read only when it changed. An access token stops working as soon as its
 * user or organisation is disabled, or its login (session) is revoked, and role changes apply at once.
 */
@Injectable()
export class JwtStrategy extends AccessTokenAuthenticator {
  private readonly principals = new PrincipalCache();
  private readonly verified = new VerifiedTokens();
  // a KeyObject, not the string: given a string, jsonwebtoken first tries (and fails) to parse it as
  // a PEM public key on EVERY verify, a thrown exception per request (seen in the order path's profile)
  private readonly key: KeyObject;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly db: DbService,
    private readonly jwt: JwtService,
  ) {
    super();
    this.key = createSecretKey(Buffer.from(config.jwtSecret, 'utf8'));
  }

  async authenticate(authorization: string | undefined): Promise<AuthUser | null> {
    const token = bearerToken(authorization);
    if (!token) return null;
    let payload = this.verified.get(token);
    if (!payload) {
      try {
        payload = this.jwt.verify<AccessTokenPayload>(token, { secret: this.key as unknown as string, algorithms: ['HS256'] });
      } catch {
        return null; // bad signature, expired, malformed: 401
      }
      this.verified.remember(token, payload);
    }
    return this.validate(payload);
  }

  async validate(payload: AccessTokenPayload): Promise<AuthUser | null> {
    if (!payload?.sub || !payload?.sid) return null;
    return this.principals.resolve(this.db, RequestContext.system(), payload.sub, payload.sid);
  }
}
