import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { APP_CONFIG, AppConfig } from '../../config/config';
import { DbService } from '../../database/db.service';
import { AuthUser, RequestContext } from '../../common/context/request-context';
import { loadPrincipal } from '../../common/auth/principal';

// re-exported: the benchmarks replay the server's own principal query from here
export { loadPrincipal };

export interface AccessTokenPayload {
  sub: string;
  sid: string;
}

/**
 * Loads the principal on every request in one query: an access token stops working as soon as its
 * user or organisation is disabled, or its login (session) is revoked, and role changes apply at
 * once, at the cost of one indexed query per request.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly db: DbService,
  ) {
    super({ jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(), secretOrKey: config.jwtSecret, ignoreExpiration: false, algorithms: ['HS256'] });
  }

  async validate(payload: AccessTokenPayload): Promise<AuthUser | false> {
    if (!payload?.sub || !payload?.sid) return false;
    const user = await loadPrincipal(this.db, RequestContext.system(), payload.sub, payload.sid);
    return user ?? false;
  }
}

