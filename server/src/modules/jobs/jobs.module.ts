import { Global, Module } from '@nestjs/common';
import { JobsService } from './jobs.service';
import { MaintenanceJob } from './maintenance.job';

@Global()
@Module({ providers: [JobsService, MaintenanceJob], exports: [JobsService, MaintenanceJob] })
export class JobsModule {}
