import { Module } from '@nestjs/common';
import { BackupController } from './backup.controller';
import { BackupService } from './backup.service';

/** Backup and restore (issue #11): the scheduled job, the admin API; the CLI is cli.ts. */
@Module({ controllers: [BackupController], providers: [BackupService] })
export class BackupModule {}
