/** Every migration, in order. The server runs them at start; `synchronize` is never used. */
import { Foundation1763900000000 } from './1763900000000-Foundation';
import { CatalogInventoryPricing1764000000000 } from './1764000000000-CatalogInventoryPricing';
import { SalesFinance1764100000000 } from './1764100000000-SalesFinance';
import { Approvals1764200000000 } from './1764200000000-Approvals';
import { ApprovalDocuments1764300000000 } from './1764300000000-ApprovalDocuments';
import { Mall1764400000000 } from './1764400000000-Mall';
import { WordedMessages1764500000000 } from './1764500000000-WordedMessages';
import { DocumentKernel1764600000000 } from './1764600000000-DocumentKernel';
import { ReturnCredits1764610000000 } from './1764610000000-ReturnCredits';
import { ApprovalNotices1764620000000 } from './1764620000000-ApprovalNotices';
import { Invoicing1764730000000 } from './1764730000000-Invoicing';
import { InvoiceLookup1764731000000 } from './1764731000000-InvoiceLookup';
import { BackupRuns1764700000000 } from './1764700000000-BackupRuns';
import { Backorders1764710000000 } from './1764710000000-Backorders';
import { CompanySettings1764690000000 } from './1764690000000-CompanySettings';
import { AuditMessages1764720000000 } from './1764720000000-AuditMessages';
import { IdempotencyRecovery1764740000000 } from './1764740000000-IdempotencyRecovery';
import { DealerReportsReplenishment1764750000000 } from './1764750000000-DealerReportsReplenishment';
import { Visits1764760000000 } from './1764760000000-Visits';
import { SearchIndexes1764770000000 } from './1764770000000-SearchIndexes';
import { PrincipalVersion1764780000000 } from './1764780000000-PrincipalVersion';
import { ReportOverdue1764811000000 } from './1764811000000-ReportOverdue';
import { AnalysisViews1764800000000 } from './1764800000000-AnalysisViews';
import { SalesTargets1764801000000 } from './1764801000000-SalesTargets';
import { InventoryCost1764790000000 } from './1764790000000-InventoryCost';
import { OpeningCost1764791000000 } from './1764791000000-OpeningCost';

export const migrations = [Foundation1763900000000, CatalogInventoryPricing1764000000000, SalesFinance1764100000000, Approvals1764200000000, ApprovalDocuments1764300000000, Mall1764400000000, WordedMessages1764500000000, DocumentKernel1764600000000, ReturnCredits1764610000000, ApprovalNotices1764620000000, CompanySettings1764690000000, BackupRuns1764700000000, Backorders1764710000000, AuditMessages1764720000000, Invoicing1764730000000, InvoiceLookup1764731000000, IdempotencyRecovery1764740000000, DealerReportsReplenishment1764750000000, Visits1764760000000, SearchIndexes1764770000000, PrincipalVersion1764780000000, AnalysisViews1764800000000, SalesTargets1764801000000, InventoryCost1764790000000, OpeningCost1764791000000, ReportOverdue1764811000000];
