import { ApprovalDocType, BuiltinRole } from '@drp/shared';
import { RequestContext } from '../../common/context/request-context';
import { ApprovalFlowService } from '../approval/approval-flow.service';

/**
 * The approval flows of stock adjustments and receipt reversals: a count that loses more than
 * 2,000 of stock value (盘亏) waits for the warehouse's branch manager (HQ's warehouses: the HQ
 * administrators, by the missing-approver policy); every receipt reversal waits for the finance
 * staff of the dealer's branch, and above 50,000 also for the HQ administrators. Seeded after the
 * demo documents, which predate the flows.
 */
export async function seedApprovalDocsDemo(flows: ApprovalFlowService, tx: RequestContext, orgIds: Map<string, string>): Promise<void> {
  const hq = orgIds.get('HQ')!;
  await flows.create(tx, {
    code: 'STOCK-ADJ',
    name: '盘点审批',
    docType: ApprovalDocType.STOCK_ADJUSTMENT,
    orgId: hq,
    onMissingApprover: 'ESCALATE_HQ_ADMIN',
    steps: [
      {
        name: '盘亏审批',
        condition: { op: 'all', items: [{ fact: 'lossAmount', operator: 'gt', value: '2000' }] },
        approvers: [{ kind: 'ROLE', role: BuiltinRole.BRANCH_MANAGER, relativeTo: 'DOC_BRANCH' }],
        mode: 'ANY',
        timeLimitHours: 48,
      },
    ],
  });
  await flows.create(tx, {
    code: 'RECEIPT-REV',
    name: '收款冲销审批',
    docType: ApprovalDocType.RECEIPT_REVERSAL,
    orgId: hq,
    onMissingApprover: 'ESCALATE_HQ_ADMIN',
    steps: [
      { name: '财务审批', condition: null, approvers: [{ kind: 'ROLE', role: BuiltinRole.FINANCE, relativeTo: 'DOC_BRANCH' }], mode: 'ANY', timeLimitHours: 24 },
      {
        name: '总部审批',
        condition: { op: 'all', items: [{ fact: 'amount', operator: 'gt', value: '50000' }] },
        approvers: [{ kind: 'ROLE', role: BuiltinRole.HQ_ADMIN, relativeTo: 'HQ' }],
        mode: 'ANY',
        timeLimitHours: 48,
      },
    ],
  });
}
