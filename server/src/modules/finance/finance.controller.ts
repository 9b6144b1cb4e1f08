import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ErrorCode, StatementStatus } from '@drp/shared';
import { Ctx } from '../../common/context/ctx.decorator';
import { RequestContext } from '../../common/context/request-context';
import { RequirePermissions, StaffOnly } from '../../common/auth/permissions.decorator';
import { DomainError } from '../../common/errors/domain-error';
import { Idempotent } from '../../common/http/idempotency.interceptor';
import { xlsxFile } from '../catalog/excel/sheet';
import { CreditService } from './credit.service';
import {
  AgingQueryDto, AllocateDto, CreateReceiptDto, CreditAccountQueryDto, GenerateStatementDto, LedgerQueryDto, MonthEndDto, ReceiptQueryDto, ReceivableQueryDto,
  RespondStatementDto, ReverseReceiptDto, StatementListQueryDto, UpdateCreditAccountDto,
} from './finance.dto';
import { ReceiptService } from './receipt.service';
import { ReceivableService } from './receivable.service';
import { StatementService } from './statement.service';

@ApiTags('finance')
@ApiBearerAuth()
@Controller()
export class FinanceController {
  constructor(
    private readonly credit: CreditService,
    private readonly receipts: ReceiptService,
    private readonly receivables: ReceivableService,
    private readonly statements: StatementService,
  ) {}

  /** 信用额度: every dealer in scope with its policy, exposure and what is available. */
  @Get('credit/accounts')
  @RequirePermissions('finance:view')
  listAccounts(@Ctx() ctx: RequestContext, @Query() q: CreditAccountQueryDto) {
    return this.credit.list(ctx, q);
  }

  /** Recomputes every running total from the documents and lists any drift. */
  @Get('credit/consistency')
  @RequirePermissions('credit:manage')
  consistency(@Ctx() ctx: RequestContext) {
    return this.credit.consistency(ctx);
  }

  @Get('credit/accounts/:dealerId')
  @RequirePermissions('finance:view')
  getAccount(@Ctx() ctx: RequestContext, @Param('dealerId', ParseUUIDPipe) dealerId: string) {
    return this.credit.get(ctx, dealerId);
  }

  @Put('credit/accounts/:dealerId')
  @RequirePermissions('credit:manage')
  updateAccount(@Ctx() ctx: RequestContext, @Param('dealerId', ParseUUIDPipe) dealerId: string, @Body() dto: UpdateCreditAccountDto) {
    return this.credit.update(ctx, dealerId, dto);
  }

  @Get('receipts')
  @RequirePermissions('finance:view')
  listReceipts(@Ctx() ctx: RequestContext, @Query() q: ReceiptQueryDto) {
    return this.receipts.list(ctx, q);
  }

  @Get('receipts/:id')
  @RequirePermissions('finance:view')
  getReceipt(@Ctx() ctx: RequestContext, @Param('id', ParseUUIDPipe) id: string) {
    return this.receipts.get(ctx, id);
  }

  /** 收款单; without `allocations` the money pays the oldest open receivables first. */
  @Post('receipts')
  @Idempotent({ replay: 'getReceipt' })
  @RequirePermissions('receipts:manage')
  createReceipt(@Ctx() ctx: RequestContext, @Body() dto: CreateReceiptDto) {
    return this.receipts.create(ctx, dto);
  }

  @Post('receipts/:id/allocate')
  @HttpCode(200)
  @RequirePermissions('receipts:manage')
  allocate(@Ctx() ctx: RequestContext, @Param('id', ParseUUIDPipe) id: string, @Body() dto: AllocateDto) {
    return this.receipts.allocate(ctx, id, dto);
  }

  /** A receipt is never deleted: it is reversed with a reason. */
  @Post('receipts/:id/reverse')
  @HttpCode(200)
  @RequirePermissions('receipts:manage')
  reverse(@Ctx() ctx: RequestContext, @Param('id', ParseUUIDPipe) id: string, @Body() dto: ReverseReceiptDto) {
    return this.receipts.reverse(ctx, id, dto);
  }

  @Get('finance/receivables')
  @RequirePermissions('finance:view')
  listReceivables(@Ctx() ctx: RequestContext, @Query() q: ReceivableQueryDto) {
    return this.receivables.list(ctx, q);
  }

  @Get('finance/ledger')
  @RequirePermissions('finance:view')
  ledger(@Ctx() ctx: RequestContext, @Query() q: LedgerQueryDto) {
    return this.receivables.ledger(ctx, q.dealerId, q.from, q.to);
  }

  /** 账龄分析 in configurable buckets (`buckets=30,60,90`), by dealer, branch or sales rep. */
  @Get('finance/aging')
  @StaffOnly()
  @RequirePermissions('finance:view')
  aging(@Ctx() ctx: RequestContext, @Query() q: AgingQueryDto) {
    return this.receivables.aging(ctx, q);
  }

  /** The statement of a dealer and period, computed now, with the saved one of that period. */
  @Get('statements')
  @RequirePermissions('finance:view')
  statement(@Ctx() ctx: RequestContext, @Query() q: LedgerQueryDto) {
    return this.statements.view(ctx, q.dealerId, q.from, q.to);
  }

  @Get('statements/list')
  @RequirePermissions('finance:view')
  listStatements(@Ctx() ctx: RequestContext, @Query() q: StatementListQueryDto) {
    return this.statements.list(ctx, q);
  }

  @Post('statements')
  @RequirePermissions('finance:view')
  generate(@Ctx() ctx: RequestContext, @Body() dto: GenerateStatementDto) {
    if (!ctx.can('credit:manage') && !ctx.can('receipts:manage')) {
      throw new DomainError(ErrorCode.FORBIDDEN, 'Generating statements needs credit:manage or receipts:manage', { missing: ['credit:manage', 'receipts:manage'] });
    }
    return this.statements.generate(ctx, dto);
  }

  /** What the month-end job does, now: last month's (or `month`'s) statement for every dealer in scope without one. */
  @Post('statements/month-end')
  @HttpCode(200)
  @RequirePermissions('credit:manage')
  monthEnd(@Ctx() ctx: RequestContext, @Body() dto: MonthEndDto) {
    return this.statements.monthEnd(ctx, dto.month);
  }

  @Get('statements/:id')
  @RequirePermissions('finance:view')
  getStatement(@Ctx() ctx: RequestContext, @Param('id', ParseUUIDPipe) id: string) {
    return this.statements.get(ctx, id);
  }

  @Get('statements/:id/export')
  @RequirePermissions('finance:view')
  async exportStatement(@Ctx() ctx: RequestContext, @Param('id', ParseUUIDPipe) id: string) {
    const { name, data } = await this.statements.export(ctx, id);
    return xlsxFile(data, name);
  }

  @Post('statements/:id/confirm')
  @HttpCode(200)
  @RequirePermissions('finance:view')
  confirm(@Ctx() ctx: RequestContext, @Param('id', ParseUUIDPipe) id: string, @Body() dto: RespondStatementDto) {
    return this.statements.respond(ctx, id, StatementStatus.CONFIRMED, dto);
  }

  @Post('statements/:id/dispute')
  @HttpCode(200)
  @RequirePermissions('finance:view')
  dispute(@Ctx() ctx: RequestContext, @Param('id', ParseUUIDPipe) id: string, @Body() dto: RespondStatementDto) {
    return this.statements.respond(ctx, id, StatementStatus.DISPUTED, dto);
  }
}
