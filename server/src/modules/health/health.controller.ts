import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { HealthDto } from '@drp/shared';
import type { Response } from 'express';
import { Public } from '../../common/auth/permissions.decorator';
import { APP_CONFIG, AppConfig } from '../../config/config';
import { DbService } from '../../database/db.service';
import { RequestContext } from '../../common/context/request-context';
import { JobsService } from '../jobs/jobs.service';

@ApiTags('health')
@Controller('health')
export class HealthController {
  private readonly started = Date.now();

  constructor(
    private readonly db: DbService,
    private readonly jobs: JobsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Liveness and readiness: 200 with status ok when the database answers, 503 otherwise. */
  @Public()
  @Get()
  async health(@Res({ passthrough: true }) res: Response): Promise<HealthDto> {
    let database: HealthDto['database'] = 'up';
    try {
      await this.db.query(RequestContext.system(), 'SELECT 1');
    } catch {
      database = 'down';
    }
    const jobs: HealthDto['jobs'] = !this.jobs.enabled ? 'disabled' : this.jobs.running ? 'up' : 'down';
    const status = database === 'up' ? 'ok' : 'degraded';
    if (status !== 'ok') res.status(503);
    return { status, database, jobs, version: this.config.version, uptimeSeconds: Math.round((Date.now() - this.started) / 1000), time: new Date().toISOString(), worker: Number(process.env.DRP_WORKER ?? 0) };
  }
}
