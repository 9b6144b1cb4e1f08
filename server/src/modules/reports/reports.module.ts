import { Module } from '@nestjs/common';
import { InvoicingModule } from '../invoicing/invoicing.module';
import { AnalysisExportService } from './analysis-export.service';
import { AnalysisController } from './analysis.controller';
import { AnalysisService } from './analysis.service';
import { AnalysisViewsService } from './analysis-views.service';
import { DashboardController } from './dashboard.controller';
import { DashboardService } from './dashboard.service';
import { ReadyReportsController } from './ready-reports.controller';
import { ReadyReportsService } from './ready-reports.service';
import { TargetsController } from './targets.controller';
import { TargetsService } from './targets.service';

/**
 * Reports and analysis (issue #16, ARCHITECTURE §2 `reports`): the analysis engine over the
 * documents, ready reports, targets and achievement, dashboards. A read model: it reads other
 * modules' tables in SQL (each read listed in ALLOWED_READS with its reason) and owns only its own
 * tables (saved views, targets).
 */
@Module({
  // invoicing: the finance dashboard's uninvoiced shipments (InvoiceService.uninvoicedTotals)
  imports: [InvoicingModule],
  controllers: [TargetsController, DashboardController, AnalysisController, ReadyReportsController],
  providers: [TargetsService, DashboardService, AnalysisService, AnalysisExportService, AnalysisViewsService, ReadyReportsService],
  exports: [AnalysisService],
})
export class ReportsModule {}
