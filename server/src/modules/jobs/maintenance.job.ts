import { Injectable, Logger } from '@nestjs/common';
import { RequestContext } from '../../common/context/request-context';
import { purgeIdempotencyKeys } from '../../common/http/idempotency.interceptor';
import { DbService } from '../../database/db.service';
import { AuthService } from '../auth/auth.service';
import { JobsService } from './jobs.service';

export const MAINTENANCE_JOB = 'maintenance.cleanup';

/** Hourly housekeeping: spent sign-in artefacts (auth's) and old idempotency keys (the interceptor's). */
@Injectable()
export class MaintenanceJob {
  private readonly logger = new Logger('Maintenance');

  constructor(
    private readonly db: DbService,
    private readonly auth: AuthService,
    jobs: JobsService,
  ) {
    jobs.register(MAINTENANCE_JOB, async () => void (await this.run()), '17 * * * *');
  }

  async run(): Promise<{ sessions: number; keys: number; throttles: number }> {
    const ctx = RequestContext.system();
    const { sessions, throttles } = await this.auth.purgeExpired(ctx);
    const keys = await purgeIdempotencyKeys(this.db, ctx);
    const result = { sessions, keys, throttles };
    this.logger.log(result, 'maintenance done');
    return result;
  }
}
