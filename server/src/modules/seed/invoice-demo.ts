import { ApprovalDocType, BuiltinRole, InvoiceStatus, RedReason } from '@drp/shared';
import { sql } from 'kysely';
import { RequestContext } from '../../common/context/request-context';
import { addDays } from '../../database/business-date';
import { DbService } from '../../database/db.service';
import { ApprovalFlowService } from '../approval/approval-flow.service';
import { InvoiceService } from '../invoicing/invoice.service';
import { SupplementService } from '../invoicing/supplement.service';

export interface InvoiceDemoServices {
  db: DbService;
  flows: ApprovalFlowService;
  invoices: InvoiceService;
  supplements: SupplementService;
}

/**
 * Tax ids of the demo company and dealers (valid GB 32100-2015 credit codes). D-SH004 has a bad
 * check character and D-GZ003 none: both show on the "dealers with a tax id problem" list.
 * scripts/make-platform-export.mjs writes the same ids into the sample platform export.
 */
export const DEMO_TAX_IDS: Record<string, string> = {
  HQ: '91110108MA01DRP0HD',
  'D-BJ001': '91110101MA01HL001Y',
  'D-BJ001-01': '92110112MA01TA0118',
  'D-BJ002': '91110105MA01JKL02X',
  'D-BJ003': '91110108MA01HD003P',
  'D-BJ004': '91110105MA01WJ004Q',
  'D-SH001': '91310101MA1LH00013',
  'D-SH002': '91310115MA1PD00028',
  'D-SH003': '92310104MA1XH0003Q',
  'D-SH004': '91310114MA1GT35K0X',
  'D-GZ001': '91440106MA5TH0001N',
  'D-GZ002': '91440113MA5PY0002T',
  'D-HQ001': '91120101MA05TJ001L',
};

/**
 * The reconciliation sample (June 2026, a month no other demo invoice uses): the system side of
 * e2e/fixtures/platform-export-sample.xlsx (scripts/make-platform-export.mjs), whose
 * reconciliation shows one finding of every category. Keep the two in step.
 */
export const RECON_SAMPLE = {
  matchedPaper: { type: '10', code: '011001900211', number: '00012345', day: '2026-06-03', dealer: 'D-BJ001', amount: '1000.00', tax: '130.00', total: '1130.00' },
  amountMismatch: { type: '81', elec: '26112000000000900002', day: '2026-06-05', dealer: 'D-BJ002', amount: '500.00', tax: '65.00', total: '565.00' },
  statusMismatch: { type: '82', elec: '26112000000000900003', day: '2026-06-08', dealer: 'D-SH001', amount: '200.00', tax: '26.00', total: '226.00' },
  missingOnPlatform: { type: '82', elec: '26112000000000900004', day: '2026-06-12', dealer: 'D-BJ001', amount: '300.00', tax: '39.00', total: '339.00' },
  redWithoutBlue: { type: '82', elec: '26112000000000900006', day: '2026-06-20', dealer: 'D-BJ001', amount: '-100.00', tax: '-13.00', total: '-113.00' },
} as const;

/** A business day moved out of the reconciliation sample's month. */
const outsideSample = (day: string) => (day.startsWith('2026-06') ? '2026-07-01' : day);

/**
 * Demo invoices (issue #13): tax ids, about three months of invoices made from the demo shipments
 * (mostly 数电, some paper and old electronic ones), a partial red (销售折让) and a full red with its
 * re-issue, a voided paper invoice of this month, recent shipments left uninvoiced, the
 * INVOICE-SUP approval flow with one supplementary entry waiting, and the reconciliation sample.
 */
export async function seedInvoiceDemo(s: InvoiceDemoServices, tx: RequestContext, orgIds: Map<string, string>, today: string): Promise<void> {
  const org = (code: string) => orgIds.get(code)!;
  for (const [code, taxId] of Object.entries(DEMO_TAX_IDS)) await s.db.rows(tx, s.db.k.updateTable('organization').set({ tax_id: taxId }).where('id', '=', org(code)));

  // one invoice per shipment older than 20 days (all its lines, what returns left); newer ones stay uninvoiced
  const lines = await s.db.rows(
    tx,
    s.db.k
      .selectFrom('shipment_line as sl')
      .innerJoin('shipment as s', 's.id', 'sl.shipment_id')
      .innerJoin('organization as d', 'd.id', 's.dealer_id')
      .select(['sl.id', 'sl.shipment_id', 's.dealer_id', 'd.code as dealer_code', sql<string>`to_char(s.business_date, 'YYYY-MM-DD')`.as('day'), sql<string>`(sl.qty - sl.returned_qty)::text`.as('left')])
      .where('s.business_date', '<', sql<Date>`${addDays(today, -20)}::date`)
      .where('d.tax_id', 'is not', null)
      .where('d.code', '<>', 'D-SH004')
      .where(sql<boolean>`sl.qty > sl.returned_qty`)
      .orderBy('s.business_date')
      .orderBy('s.number')
      .orderBy('sl.id'),
  );
  const byShipment = new Map<string, typeof lines>();
  for (const l of lines) byShipment.set(l.shipment_id, [...(byShipment.get(l.shipment_id) ?? []), l]);
  let seq = 0;
  const elec = () => `26111${String(++seq).padStart(15, '0')}`;
  const issued: { id: string; dealer: string; type: string }[] = [];
  let i = 0;
  for (const [, ls] of byShipment) {
    const day = outsideSample(addDays(ls[0].day, 2) > today ? today : addDays(ls[0].day, 2));
    // mostly 数电 (专票 for the larger dealers), every fourth an old paper 普票, every seventh an old electronic 普票
    const kind = i % 4 === 3 ? 'paper' : i % 7 === 5 ? 'old-e' : 'elec';
    const type = kind === 'paper' ? '04' : kind === 'old-e' ? '10' : ['D-BJ001', 'D-SH001', 'D-HQ001'].includes(ls[0].dealer_code) ? '81' : '82';
    const numbers = kind === 'paper' ? { code: '1100261130', number: String(7000 + i).padStart(8, '0') } : kind === 'old-e' ? { code: '011002600311', number: String(5000 + i).padStart(8, '0') } : { elecNumber: elec() };
    const inv = await s.invoices.create(tx, { dealerId: ls[0].dealer_id, type, issueDate: day, issuer: '李娜', ...numbers, lines: ls.map((l) => ({ shipmentLineId: l.id, qty: l.left })) });
    issued.push({ id: inv.id, dealer: ls[0].dealer_code, type });
    i++;
  }

  // red-letter: a 销售折让 on one 数电 invoice (partial, money only), a full red (开票有误) of another and its re-issue
  const elecInvoices = issued.filter((x) => x.type === '81' || x.type === '82');
  if (elecInvoices.length >= 2) {
    const partial = await s.invoices.detail(tx, elecInvoices[elecInvoices.length - 1].id);
    await s.invoices.red(tx, partial.id, {
      elecNumber: elec(), issueDate: outsideSample(addDays(partial.issueDate, 10) > today ? today : addDays(partial.issueDate, 10)), reason: RedReason.ALLOWANCE,
      confirmationNo: '11010026120600000001', full: false, lines: [{ invoiceLineId: partial.lines[0].id, amount: '50.00' }],
    });
    const wrong = await s.invoices.detail(tx, elecInvoices[0].id);
    const redDay = outsideSample(addDays(wrong.issueDate, 3));
    await s.invoices.red(tx, wrong.id, { elecNumber: elec(), issueDate: redDay, reason: RedReason.WRONG, confirmationNo: '11010026120600000002', full: true });
    await s.invoices.create(tx, {
      dealerId: wrong.dealerId!, type: wrong.type, issueDate: redDay, elecNumber: elec(), issuer: '李娜', remark: `重开：原发票 ${wrong.label} 抬头有误`,
      lines: wrong.lines.filter((l) => l.shipmentLineId).map((l) => ({ shipmentLineId: l.shipmentLineId!, qty: l.qty! })),
    });
  }

  // a paper invoice of this month, voided (the buyer returned it unused): its shipment stays uninvoiced
  const recent = await s.db.first(
    tx,
    s.db.k
      .selectFrom('shipment_line as sl')
      .innerJoin('shipment as s', 's.id', 'sl.shipment_id')
      .innerJoin('organization as d', 'd.id', 's.dealer_id')
      .select(['sl.id', 's.dealer_id', sql<string>`(sl.qty - sl.returned_qty)::text`.as('left')])
      .where('s.business_date', '>=', sql<Date>`${addDays(today, -20)}::date`)
      .where('d.tax_id', 'is not', null)
      .where('d.code', '<>', 'D-SH004')
      .where(sql<boolean>`sl.qty > sl.returned_qty`)
      .orderBy('s.business_date')
      .limit(1),
  );
  if (recent) {
    const paper = await s.invoices.create(tx, { dealerId: recent.dealer_id, type: '04', code: '1100261130', number: '00880001', issueDate: today, issuer: '李娜', lines: [{ shipmentLineId: recent.id, qty: recent.left }] });
    await s.invoices.void(tx, paper.id, { reason: '购方退回：抬头开错，未认证' });
  }

  // the reconciliation sample's system side (June 2026)
  const company = await s.invoices.company(tx);
  const dealerName = async (code: string) => (await s.db.one(tx, s.db.k.selectFrom('organization').select('name').where('id', '=', org(code)))).name;
  const sample = async (v: { type: string; elec?: string; code?: string; number?: string; day: string; dealer: string; amount: string; tax: string; total: string }, extra: { kind?: string; source?: string; remark?: string } = {}) => {
    await s.db.rows(
      tx,
      s.db.k.insertInto('invoice').values({
        type: v.type, kind: extra.kind ?? 'BLUE', elec_number: v.elec ?? null, code: v.code ?? null, number: v.number ?? null, issue_date: sql<Date>`${v.day}::date`,
        seller_name: company.name, seller_tax_id: company.taxId, buyer_name: await dealerName(v.dealer), buyer_tax_id: DEMO_TAX_IDS[v.dealer], dealer_id: org(v.dealer), scope_org_id: org(v.dealer),
        amount: v.amount, tax: v.tax, total: v.total, status: InvoiceStatus.NORMAL, source: extra.source ?? 'ISSUED', issuer: '李娜', remark: extra.remark ?? null,
      }),
    );
  };
  await sample(RECON_SAMPLE.matchedPaper);
  await sample(RECON_SAMPLE.amountMismatch);
  await sample(RECON_SAMPLE.statusMismatch);
  await sample(RECON_SAMPLE.missingOnPlatform);
  await sample(RECON_SAMPLE.redWithoutBlue, { kind: 'RED', source: 'IMPORTED', remark: '被红冲蓝字数电票号码：26112000000000800001 红字发票信息确认单编号：11010026062000000001' });

  // supplementary entries go through INVOICE-SUP (the HQ administrators); one waits
  await s.flows.create(tx, {
    code: 'INVOICE-SUP',
    name: '发票补录审批',
    docType: ApprovalDocType.INVOICE_SUPPLEMENT,
    orgId: org('HQ'),
    onMissingApprover: 'ESCALATE_HQ_ADMIN',
    steps: [{ name: '总部审核', condition: null, approvers: [{ kind: 'ROLE', role: BuiltinRole.HQ_ADMIN, relativeTo: 'HQ' }], mode: 'ANY', timeLimitHours: 48 }],
  });
  const pdf = Buffer.from('%PDF-1.4\n% demo invoice scan\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
  await s.supplements.create(
    tx,
    {
      type: '81', elecNumber: '26112000000000900010', issueDate: addDays(today, -6), sellerName: company.name, sellerTaxId: DEMO_TAX_IDS.HQ, buyerName: await dealerName('D-SH001'), buyerTaxId: DEMO_TAX_IDS['D-SH001'],
      amount: '800.00', tax: '104.00', total: '904.00', reason: '上海联华寄回的专票在系统中没有开票记录（开票员离线开具）',
    },
    { buffer: pdf, originalname: 'supplement-demo.pdf', mimetype: 'application/pdf', size: pdf.length } as Express.Multer.File,
  );
}
