import { Module } from '@nestjs/common';

/**
 * Reports and analysis (issue #16, ARCHITECTURE §2 `reports`): the analysis engine over the
 * documents, ready reports, targets and achievement, dashboards. A read model: it reads other
 * modules' tables in SQL (each read listed in ALLOWED_READS with its reason) and owns only its own
 * tables (saved views, targets).
 */
@Module({
  controllers: [],
  providers: [],
})
export class ReportsModule {}
