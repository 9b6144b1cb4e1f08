import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Put, Query, UploadedFile, UseInterceptors } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiBearerAuth, ApiConsumes, ApiTags } from '@nestjs/swagger';
import { RequirePermissions, StaffOnly } from '../../common/auth/permissions.decorator';
import { Ctx } from '../../common/context/ctx.decorator';
import { RequestContext } from '../../common/context/request-context';
import { CheckInDto, CheckOutDto, CoverageQueryDto, DayQueryDto, RangeQueryDto, SyncBatchDto, VisitCountsDto, VisitNotesDto, VisitOrderDto, VisitPlanDto, VisitPlanQueryDto, VisitPlanUpdateDto, VisitQueryDto } from './visit.dto';
import { VisitPlanService } from './visit-plan.service';
import { VisitSupervisorService } from './visit-supervisor.service';
import { MAX_VISIT_PHOTO_BYTES, VisitService } from './visit.service';

/** Visit plans (拜访计划): a rep plans its own, a manager for its reps; the rep's route for a day. */
@ApiTags('visits')
@ApiBearerAuth()
@Controller('visit-plans')
export class VisitPlanController {
  constructor(private readonly plans: VisitPlanService) {}

  @Post()
  @StaffOnly()
  @RequirePermissions('visits:manage')
  create(@Ctx() ctx: RequestContext, @Body() dto: VisitPlanDto) {
    return this.plans.create(ctx, dto);
  }

  @Get()
  @StaffOnly()
  @RequirePermissions('visits:manage')
  list(@Ctx() ctx: RequestContext, @Query() q: VisitPlanQueryDto) {
    return this.plans.list(ctx, q);
  }

  /** the caller's route for a day (default today): planned stops in route order with their visits, then unplanned visits */
  @Get('route')
  @StaffOnly()
  @RequirePermissions('visits:manage')
  route(@Ctx() ctx: RequestContext, @Query() q: DayQueryDto) {
    return this.plans.route(ctx, q.date);
  }

  @Get(':id')
  @StaffOnly()
  @RequirePermissions('visits:manage')
  get(@Ctx() ctx: RequestContext, @Param('id', ParseUUIDPipe) id: string) {
    return this.plans.get(ctx, id);
  }

  @Put(':id')
  @StaffOnly()
  @RequirePermissions('visits:manage')
  update(@Ctx() ctx: RequestContext, @Param('id', ParseUUIDPipe) id: string, @Body() dto: VisitPlanUpdateDto) {
    return this.plans.update(ctx, id, dto);
  }

  @Delete(':id')
  @StaffOnly()
  @RequirePermissions('visits:manage')
  cancel(@Ctx() ctx: RequestContext, @Param('id', ParseUUIDPipe) id: string) {
    return this.plans.cancel(ctx, id);
  }
}

/** Store visits (跑店): check-in / check-out, what happens during a visit, the offline queue, and the supervisor's view. */
@ApiTags('visits')
@ApiBearerAuth()
@Controller('visits')
export class VisitController {
  constructor(
    private readonly visits: VisitService,
    private readonly supervisor: VisitSupervisorService,
  ) {}

  /** check in at a dealer (planned or not): `{ id, distanceM, offSite, ... }`; a resend with the same clientId answers the same visit */
  @Post('check-in')
  @StaffOnly()
  @RequirePermissions('visits:manage')
  checkIn(@Ctx() ctx: RequestContext, @Body() dto: CheckInDto) {
    return this.visits.checkIn(ctx, dto);
  }

  /** the offline queue: actions made on the phone, each applied once by its client id */
  @Post('sync')
  @HttpCode(200)
  @StaffOnly()
  @RequirePermissions('visits:manage')
  sync(@Ctx() ctx: RequestContext, @Body() dto: SyncBatchDto) {
    return this.visits.sync(ctx, dto);
  }

  /** the caller's open visit, or null */
  @Get('current')
  @StaffOnly()
  @RequirePermissions('visits:manage')
  current(@Ctx() ctx: RequestContext) {
    return this.visits.current(ctx);
  }

  @Get('board')
  @StaffOnly()
  @RequirePermissions('visits:manage')
  board(@Ctx() ctx: RequestContext, @Query() q: RangeQueryDto) {
    return this.supervisor.board(ctx, q);
  }

  @Get('coverage')
  @StaffOnly()
  @RequirePermissions('visits:manage')
  coverage(@Ctx() ctx: RequestContext, @Query() q: CoverageQueryDto) {
    return this.supervisor.coverage(ctx, q);
  }

  @Get('kpis')
  @StaffOnly()
  @RequirePermissions('visits:manage')
  kpis(@Ctx() ctx: RequestContext, @Query() q: RangeQueryDto) {
    return this.supervisor.kpis(ctx, q);
  }

  @Get('reps')
  @StaffOnly()
  @RequirePermissions('visits:manage')
  reps(@Ctx() ctx: RequestContext) {
    return this.supervisor.reps(ctx);
  }

  /** visits in scope (a dealer's users: who visited them) */
  @Get()
  list(@Ctx() ctx: RequestContext, @Query() q: VisitQueryDto) {
    return this.supervisor.list(ctx, q);
  }

  @Get(':id')
  get(@Ctx() ctx: RequestContext, @Param('id', ParseUUIDPipe) id: string) {
    return this.visits.get(ctx, id);
  }

  @Post(':id/check-out')
  @HttpCode(200)
  @StaffOnly()
  @RequirePermissions('visits:manage')
  checkOut(@Ctx() ctx: RequestContext, @Param('id', ParseUUIDPipe) id: string, @Body() dto: CheckOutDto) {
    return this.visits.checkOut(ctx, id, dto);
  }

  @Patch(':id')
  @StaffOnly()
  @RequirePermissions('visits:manage')
  notes(@Ctx() ctx: RequestContext, @Param('id', ParseUUIDPipe) id: string, @Body() dto: VisitNotesDto) {
    return this.visits.setNotes(ctx, id, dto);
  }

  /** the dealer's products with the last reported figures (and what this visit counted) */
  @Get(':id/counts')
  @StaffOnly()
  @RequirePermissions('visits:manage')
  countSheet(@Ctx() ctx: RequestContext, @Param('id', ParseUUIDPipe) id: string) {
    return this.visits.countSheet(ctx, id);
  }

  /** the stock count and sales: the dealer's report for the visit's day (source VISIT) */
  @Post(':id/counts')
  @StaffOnly()
  @RequirePermissions('visits:manage')
  counts(@Ctx() ctx: RequestContext, @Param('id', ParseUUIDPipe) id: string, @Body() dto: VisitCountsDto) {
    return this.visits.counts(ctx, id, dto);
  }

  @Get(':id/photos')
  photos(@Ctx() ctx: RequestContext, @Param('id', ParseUUIDPipe) id: string) {
    return this.visits.photos(ctx, id);
  }

  /** a photo (PNG / JPEG / WebP, content checked; over 2 MB: 413) */
  @Post(':id/photos')
  @ApiConsumes('multipart/form-data')
  @UseInterceptors(FileInterceptor('file', { limits: { fileSize: MAX_VISIT_PHOTO_BYTES, files: 1 } }))
  @StaffOnly()
  @RequirePermissions('visits:manage')
  addPhoto(@Ctx() ctx: RequestContext, @Param('id', ParseUUIDPipe) id: string, @UploadedFile() file: Express.Multer.File, @Body('caption') caption?: string) {
    return this.visits.addPhoto(ctx, id, file, typeof caption === 'string' ? caption : undefined);
  }

  /** 代客下单: a sales order for the dealer (source VISIT, the dealer's prices), linked to the visit */
  @Post(':id/order')
  @StaffOnly()
  @RequirePermissions('visits:manage', 'orders:create')
  order(@Ctx() ctx: RequestContext, @Param('id', ParseUUIDPipe) id: string, @Body() dto: VisitOrderDto) {
    return this.visits.order(ctx, id, dto);
  }
}
