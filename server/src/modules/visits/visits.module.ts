import { Module } from '@nestjs/common';
import { DealerReportController } from './dealer-report.controller';
import { MallReportController } from './mall-report.controller';
import { DealerReportService } from './dealer-report.service';

/** Store visits (跑店) and the dealers' stock and sales reports that replenishment stands on. */
@Module({ controllers: [DealerReportController, MallReportController], providers: [DealerReportService], exports: [DealerReportService] })
export class VisitsModule {}
