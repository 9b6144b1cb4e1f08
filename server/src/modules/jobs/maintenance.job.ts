import { Injectable, Logger } from '@nestjs/common';
import { RequestContext } from '../../common/context/request-context';
import { DbService } from '../../database/db.service';
import { JobsService } from './jobs.service';

export const MAINTENANCE_JOB = 'maintenance.cleanup';

/** Hourly housekeeping: spent sign-in artefacts and old idempotency keys. */
@Injectable()
export class MaintenanceJob {
  private readonly logger = new Logger('Maintenance');

  constructor(
    private readonly db: DbService,
    jobs: JobsService,
  ) {
    jobs.register(MAINTENANCE_JOB, async () => void (await this.run()), '17 * * * *');
  }

  async run(): Promise<{ sessions: number; keys: number; throttles: number }> {
    const ctx = RequestContext.system();
    const sessions = await this.db.query(ctx, `DELETE FROM auth_session WHERE expires_at < now() - interval '7 days' OR revoked_at < now() - interval '7 days' RETURNING id`);
    const keys = await this.db.query(ctx, `DELETE FROM idempotency_key WHERE created_at < now() - interval '24 hours' RETURNING key`);
    const throttles = await this.db.query(
      ctx,
      `DELETE FROM login_throttle WHERE (locked_until IS NULL OR locked_until < now()) AND updated_at < now() - interval '1 hour' RETURNING username`,
    );
    const result = { sessions: sessions.length, keys: keys.length, throttles: throttles.length };
    this.logger.log(result, 'maintenance done');
    return result;
  }
}
