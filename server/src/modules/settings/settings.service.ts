import { Injectable } from '@nestjs/common';
import { CompanySettingsDto, ErrorCode, StockControl } from '@drp/shared';
import { RequestContext } from '../../common/context/request-context';
import { DomainError, staleVersion } from '../../common/errors/domain-error';
import { DbService } from '../../database/db.service';
import { AuditService } from '../audit/audit.service';
import { CompanySettingsUpdateDto } from './settings.dto';

/** Company-wide settings (one row): read by the rules that depend on them, edited by HQ. */
@Injectable()
export class SettingsService {
  constructor(
    private readonly db: DbService,
    private readonly audit: AuditService,
  ) {}

  /** The settings as the caller's transaction sees them (one primary-key read). */
  async get(ctx: RequestContext): Promise<CompanySettingsDto> {
    const s = await this.db.one(ctx, this.db.k.selectFrom('company_settings').select(['stock_control', 'price_scale', 'visit_radius_m', 'report_overdue_days', 'version']).where('id', '=', 1));
    return { stockControl: s.stock_control as StockControl, priceScale: s.price_scale, visitRadiusM: s.visit_radius_m, reportOverdueDays: s.report_overdue_days, version: s.version };
  }

  async update(ctx: RequestContext, dto: CompanySettingsUpdateDto): Promise<CompanySettingsDto> {
    if (!ctx.isSystem && !ctx.actor.scope.all) throw new DomainError(ErrorCode.FORBIDDEN, 'Only headquarters edits the company settings');
    return this.db.tx(ctx, async (tx) => {
      const s = await this.db.one(tx, this.db.k.selectFrom('company_settings').select(['stock_control', 'price_scale', 'visit_radius_m', 'report_overdue_days', 'version']).where('id', '=', 1).forUpdate());
      if (dto.version !== undefined && dto.version !== s.version) throw staleVersion('company settings', dto.version, s.version);
      const next = { stock_control: dto.stockControl ?? s.stock_control, price_scale: dto.priceScale ?? s.price_scale, visit_radius_m: dto.visitRadiusM ?? s.visit_radius_m, report_overdue_days: dto.reportOverdueDays ?? s.report_overdue_days };
      if (next.stock_control === s.stock_control && next.price_scale === s.price_scale && next.visit_radius_m === s.visit_radius_m && next.report_overdue_days === s.report_overdue_days) return this.get(tx);
      await this.db.rows(tx, this.db.k.updateTable('company_settings').set((eb) => ({ ...next, version: eb('version', '+', 1) })).where('id', '=', 1));
      await this.audit.record(tx, {
        action: 'update',
        entity: 'company_settings',
        summary: `company settings: stock control ${next.stock_control}, price scale ${next.price_scale}, visit radius ${next.visit_radius_m} m, reports overdue after ${next.report_overdue_days} days`,
        before: { stockControl: s.stock_control, priceScale: s.price_scale, visitRadiusM: s.visit_radius_m, reportOverdueDays: s.report_overdue_days },
        after: { stockControl: next.stock_control, priceScale: next.price_scale, visitRadiusM: next.visit_radius_m, reportOverdueDays: next.report_overdue_days },
      });
      return this.get(tx);
    });
  }
}
