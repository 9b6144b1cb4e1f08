import { Global, Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { JobsService } from './jobs.service';
import { MaintenanceJob } from './maintenance.job';

@Global()
@Module({ imports: [AuthModule], providers: [JobsService, MaintenanceJob], exports: [JobsService, MaintenanceJob] })
export class JobsModule {}
