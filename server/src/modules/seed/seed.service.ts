import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { sql } from 'kysely';
import { BuiltinRole, OrgType } from '@drp/shared';
import { APP_CONFIG, AppConfig } from '../../config/config';
import { RequestContext } from '../../common/context/request-context';
import { DbService } from '../../database/db.service';
import { hashPassword } from '../auth/password';
import { RolesService } from '../roles/roles.service';
import { DEMO_ORGS, DEMO_PASSWORD, DEMO_USERS } from './demo-data';
import { DocNumberService } from '../../database/doc-number.service';
import { seedCatalogDemo } from './catalog-demo';
import { restoreDemoPictures, seedProductImagesDemo } from './product-images-demo';
import { uploadsDir } from '../storage/storage.service';
import { businessDate } from '../../database/business-date';
import { CreditService } from '../finance/credit.service';
import { ReceiptService } from '../finance/receipt.service';
import { StatementService } from '../finance/statement.service';
import { SalesOrderService } from '../sales/sales-order.service';
import { ShipmentService } from '../sales/shipment.service';
import { seedSalesDemo } from './sales-demo';
import { seedApprovalDemo } from './approval-demo';
import { seedMallDemo } from './mall-demo';
import { seedApprovalDocsDemo } from './approval-docs-demo';
import { seedInvoiceDemo } from './invoice-demo';
import { seedVisitsDemo } from './visits-demo';
import { seedTargetsDemo } from './targets-demo';
import { seedHistoryDemo } from './history-demo';
import { InvoiceService } from '../invoicing/invoice.service';
import { SupplementService } from '../invoicing/supplement.service';
import { ApprovalFlowService } from '../approval/approval-flow.service';
import { ApprovalService } from '../approval/approval.service';
import { FINAL_STAGE } from '../../kernel/events';

/**
 * Runs at every start, after migrations: brings built-in roles up to date, makes sure there is an
 * HQ and a first administrator, and seeds the demo company into an empty database (once).
 */
@Injectable()
export class SeedService {
  private readonly logger = new Logger('Seed');

  constructor(
    private readonly db: DbService,
    private readonly roles: RolesService,
    private readonly numbers: DocNumberService,
    private readonly credit: CreditService,
    private readonly orders: SalesOrderService,
    private readonly shipments: ShipmentService,
    private readonly receipts: ReceiptService,
    private readonly statements: StatementService,
    private readonly flows: ApprovalFlowService,
    private readonly approvals: ApprovalService,
    private readonly invoices: InvoiceService,
    private readonly supplements: SupplementService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async run(): Promise<{ seededDemo: boolean }> {
    const ctx = RequestContext.system();
    return this.db.tx(ctx, async (tx) => {
      // one starter at a time when several instances boot together
      await this.db.rows(tx, this.db.k.selectNoFrom(sql<unknown>`pg_advisory_xact_lock(hashtext('drp-seed'))`.as('locked')));
      await this.roles.syncBuiltins(tx);
      const { orgs } = await this.db.one(tx, this.db.k.selectFrom('organization').select(sql<number>`count(*)::int`.as('orgs')));
      if (orgs > 0) {
        // demo pictures seeded with another data folder: drawn again into this one
        if (this.config.demoData) await restoreDemoPictures(this.db, tx, uploadsDir(this.config));
        return { seededDemo: false };
      }
      if (this.config.demoData) {
        await this.seedDemo(tx);
        this.logger.log('demo company seeded');
        return { seededDemo: true };
      }
      await this.seedMinimal(tx);
      return { seededDemo: false };
    });
  }

  /** Production start on an empty database: HQ and `admin` with the demo password, to be changed at once. */
  private async seedMinimal(tx: RequestContext): Promise<void> {
    const hqId = randomUUID();
    await this.db.rows(tx, this.db.k.insertInto('organization').values({ id: hqId, code: 'HQ', name: '总部', type: 'HQ', path: `/${hqId}/`, depth: 0 }));
    await this.insertUser(tx, { username: 'admin', displayName: '系统管理员', orgId: hqId, roles: [BuiltinRole.HQ_ADMIN], hash: await hashPassword(DEMO_PASSWORD) });
    this.logger.warn('created HQ and the user admin with the initial password; change it now');
  }

  private async seedDemo(tx: RequestContext): Promise<void> {
    const ids = new Map<string, { id: string; path: string; depth: number }>();
    for (const o of DEMO_ORGS) {
      const id = randomUUID();
      const parent = o.parent ? ids.get(o.parent)! : undefined;
      const path = `${parent?.path ?? '/'}${id}/`;
      const depth = parent ? parent.depth + 1 : 0;
      ids.set(o.code, { id, path, depth });
      await this.db.rows(
        tx,
        this.db.k.insertInto('organization').values({
          id, code: o.code, name: o.name, type: o.type, parent_id: parent?.id ?? null, path, depth, contact: o.contact ?? null, phone: o.phone ?? null, address: o.address ?? null,
          region: o.region ?? null, longitude: o.lng ?? null, latitude: o.lat ?? null,
          price_level: o.type === OrgType.DEALER ? (o.level ?? 1) : null, settlement_method: o.type === OrgType.DEALER ? (o.settlement ?? 'CASH') : null,
        }),
      );
    }
    const hash = await hashPassword(DEMO_PASSWORD);
    for (const u of DEMO_USERS) {
      const userId = await this.insertUser(tx, { username: u.username, displayName: u.displayName, orgId: ids.get(u.org)!.id, roles: u.roles, hash, phone: u.phone });
      for (const d of u.dealers ?? []) {
        await this.db.rows(tx, this.db.k.insertInto('user_dealer').values({ user_id: userId, dealer_id: ids.get(d)!.id }));
      }
    }
    const orgIds = new Map([...ids].map(([code, o]) => [code, o.id]));
    const today = businessDate(new Date(), this.config.companyTz);
    await seedCatalogDemo(this.db, this.numbers, tx, orgIds, today);
    await seedProductImagesDemo(this.db, tx, uploadsDir(this.config));
    await seedSalesDemo({ db: this.db, credit: this.credit, orders: this.orders, shipments: this.shipments, receipts: this.receipts, statements: this.statements }, tx, orgIds, today);
    await seedApprovalDemo({ db: this.db, flows: this.flows, approvals: this.approvals, orders: this.orders }, tx, orgIds);
    await seedMallDemo(this.db, tx, orgIds);
    await seedApprovalDocsDemo(this.flows, tx, orgIds);
    await seedInvoiceDemo({ db: this.db, flows: this.flows, invoices: this.invoices, supplements: this.supplements }, tx, orgIds, today);
    await seedVisitsDemo(this.db, tx, orgIds, today, uploadsDir(this.config));
    // a year of history up to the end of the month before last (after the rest: it changes none of their periods)
    await seedHistoryDemo(this.db, tx, orgIds, today, this.config.companyTz);
    // last: the targets are drawn from the documents seeded above
    await seedTargetsDemo(this.db, tx, today);
    // everything above shares the transaction's now(): a minute apart in numbering order, lists sort as they were made
    // (orders are numbered at the end of the transaction: this runs after that, and after the end-of-transaction postings)
    this.db.beforeCommit(
      tx,
      async () =>
        void (await this.db.rows(
          tx,
          this.db.k
            .updateTable('sales_order')
            .set({ created_at: sql<Date>`now() - ((SELECT max(right(number, 4)::int) FROM sales_order WHERE created_at = now()) - right(number, 4)::int) * interval '1 minute'` })
            // the history keeps the times of its own days
            .where('created_at', '=', sql<Date>`now()`),
        )),
      FINAL_STAGE + 1,
    );
  }

  private async insertUser(tx: RequestContext, u: { username: string; displayName: string; orgId: string; roles: BuiltinRole[]; hash: string; phone?: string }): Promise<string> {
    const { id } = await this.db.one(
      tx,
      this.db.k.insertInto('app_user').values({ username: u.username, display_name: u.displayName, password_hash: u.hash, org_id: u.orgId, phone: u.phone ?? null }).returning('id'),
    );
    await this.db.rows(
      tx,
      this.db.k.insertInto('user_role').columns(['user_id', 'role_id']).expression(this.db.k.selectFrom('role').select([sql<string>`${id}`.as('user_id'), 'id']).where('code', '=', sql<string>`ANY(${u.roles})`)),
    );
    return id;
  }
}
