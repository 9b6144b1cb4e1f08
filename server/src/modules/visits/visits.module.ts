import { Module } from '@nestjs/common';
import { SalesModule } from '../sales/sales.module';
import { DealerReportController } from './dealer-report.controller';
import { MallReportController } from './mall-report.controller';
import { DealerReportService } from './dealer-report.service';
import { DealerReportImportController, MallReportImportController } from './dealer-report-import.controller';
import { DealerReportImportService } from './dealer-report-import.service';
import { DealerReportOverdueController } from './dealer-report-overdue.controller';
import { DealerReportOverdueService } from './dealer-report-overdue.service';
import { VisitController, VisitPlanController } from './visit.controller';
import { VisitPlanService } from './visit-plan.service';
import { VisitSupervisorService } from './visit-supervisor.service';
import { VisitService } from './visit.service';

/** Store visits (跑店) and the dealers' stock and sales reports that replenishment stands on. */
@Module({
  imports: [SalesModule],
  // the import and overdue routes before DealerReportController's /:id routes
  controllers: [DealerReportImportController, DealerReportOverdueController, DealerReportController, MallReportImportController, MallReportController, VisitPlanController, VisitController],
  providers: [DealerReportService, DealerReportImportService, DealerReportOverdueService, VisitService, VisitPlanService, VisitSupervisorService],
  exports: [DealerReportService, VisitService],
})
export class VisitsModule {}
