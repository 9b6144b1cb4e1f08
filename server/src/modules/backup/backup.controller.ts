import { Controller, Get, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Ctx } from '../../common/context/ctx.decorator';
import { RequestContext } from '../../common/context/request-context';
import { RequirePermissions, StaffOnly } from '../../common/auth/permissions.decorator';
import { PageQueryDto } from '../../common/http/pagination';
import { BackupService } from './backup.service';

/** Backups (HQ admin: system:backup): the runs, "backup now", where files go and how to restore. */
@ApiTags('backups')
@ApiBearerAuth()
@StaffOnly()
@Controller('backups')
export class BackupController {
  constructor(private readonly backups: BackupService) {}

  /** The backup runs, newest first. */
  @Get()
  @RequirePermissions('system:backup')
  list(@Ctx() ctx: RequestContext, @Query() q: PageQueryDto) {
    return this.backups.list(ctx, q);
  }

  /** Where backups go, how many are kept, when the job runs, the restore command. */
  @Get('settings')
  @RequirePermissions('system:backup')
  settings() {
    return this.backups.settings();
  }

  @Get(':id')
  @RequirePermissions('system:backup')
  get(@Ctx() ctx: RequestContext, @Param('id', ParseUUIDPipe) id: string) {
    return this.backups.get(ctx, id);
  }

  /** "Backup now": 201 with the RUNNING run (poll it); 409 BACKUP_RUNNING while another backup is written. */
  @Post()
  @RequirePermissions('system:backup')
  backupNow(@Ctx() ctx: RequestContext) {
    return this.backups.backupNow(ctx);
  }
}
