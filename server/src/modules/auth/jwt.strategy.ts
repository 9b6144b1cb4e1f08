import { createSecretKey, KeyObject } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { APP_CONFIG, AppConfig } from '../../config/config';
import { DbService } from '../../database/db.service';
import { AuthUser, RequestContext } from '../../common/context/request-context';
import { loadPrincipal, loadPrincipalVersion, PrincipalCache } from '../../common/auth/principal';

// re-exported: the benchmarks replay the server's own per-request principal queries from here
export { loadPrincipal, loadPrincipalVersion };

export interface AccessTokenPayload {
  sub: string;
  sid: string;
}

/**
 * Resolves the principal on every request through the process's PrincipalCache: one primary-key
 * query checks the session and the principal's version, the full principal is re-read only when
 * it changed. An access token stops working as soon as its user or organisation is disabled, or
 * its login (session) is revoked, and role changes apply at once.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  private readonly principals = new PrincipalCache();

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly db: DbService,
  ) {
    // a KeyObject, not the string: given a string, jsonwebtoken first tries (and fails) to parse it as
    // a PEM public key on EVERY verify, a thrown exception per request (seen in the order path's profile)
    const key: KeyObject = createSecretKey(Buffer.from(config.jwtSecret, 'utf8'));
    super({ jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(), secretOrKey: key as unknown as string, ignoreExpiration: false, algorithms: ['HS256'] });
  }

  async validate(payload: AccessTokenPayload): Promise<AuthUser | false> {
    if (!payload?.sub || !payload?.sid) return false;
    const user = await this.principals.resolve(this.db, RequestContext.system(), payload.sub, payload.sid);
    return user ?? false;
  }
}

