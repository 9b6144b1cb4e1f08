import { Injectable } from '@nestjs/common';
import { ApprovalDocType, ApprovalStatus, Dec, fmt, fmtGrouped } from '@drp/shared';
import { RequestContext } from '../../common/context/request-context';
import { DbService } from '../../database/db.service';
import { ApprovalService } from '../approval/approval.service';

/** The facts of a submitted order an approval flow routes on. */
export interface OrderApprovalFacts {
  /** the order's id (a new order is numbered only when its transaction ends: read the number by id) */
  id: string;
  dealerId: string;
  branchId: string;
  total: string;
  belowFloor: boolean;
  creditOverridden: boolean;
  source: string;
}

/**
 * The seam between orders and the approval workflow. `start` is called in the submitting
 * transaction once the order passed credit and is PENDING_APPROVAL: APPROVED approves it at once
 * (reserving stock); PENDING leaves it waiting for `SalesOrderService.approve` / `reject`, which
 * the workflow calls when it decides; REJECTED (no approver, by the flow's policy) rejects it.
 */
export abstract class OrderApprovalGateway {
  abstract start(tx: RequestContext, order: OrderApprovalFacts): Promise<'APPROVED' | 'PENDING' | 'REJECTED'>;
  /** closes an open approval without a verdict (the order was cancelled) */
  abstract close(tx: RequestContext, orderId: string, note: string): Promise<void>;
  /** the order got its final number at the end of its transaction */
  abstract renumber(tx: RequestContext, orderId: string, from: string, to: string): Promise<void>;
}

/** Routes orders through the configured approval flows (审批流). */
@Injectable()
export class WorkflowApprovalGateway extends OrderApprovalGateway {
  constructor(
    private readonly db: DbService,
    private readonly approvals: ApprovalService,
  ) {
    super();
  }

  async start(tx: RequestContext, order: OrderApprovalFacts): Promise<'APPROVED' | 'PENDING' | 'REJECTED'> {
    const [o] = await this.db.query<{ number: string; total: string; discount_total: string; dealer_name: string; price_level: number | null; branch_code: string; credit_check: { excess: string; mode: string } | null }>(
      tx,
      `SELECT o.number, o.total, o.discount_total, d.name AS dealer_name, d.price_level, b.code AS branch_code, o.credit_check
         FROM sales_order o JOIN organization d ON d.id = o.dealer_id JOIN organization b ON b.id = o.branch_id WHERE o.id = $1`,
      [order.id],
    );
    const gross = new Dec(o.total).plus(o.discount_total);
    const status = await this.approvals.start(tx, {
      docType: ApprovalDocType.SALES_ORDER,
      docId: order.id,
      docNumber: o.number,
      docSummary: `${o.dealer_name} ¥${fmtGrouped(o.total)}`,
      scopeOrgId: order.dealerId,
      branchId: order.branchId,
      link: `/sales/orders/${order.id}`,
      facts: {
        amount: fmt(o.total),
        discountRate: gross.isZero() ? '0' : new Dec(o.discount_total).div(gross).toFixed(4),
        belowFloor: order.belowFloor,
        // over the limit only where a limit is in force (mode NONE has none)
        overCredit: order.creditOverridden || (!!o.credit_check && o.credit_check.mode !== 'NONE' && new Dec(o.credit_check.excess).greaterThan(0)),
        dealerLevel: o.price_level,
        branchCode: o.branch_code,
        source: order.source,
      },
    });
    return status === ApprovalStatus.APPROVED ? 'APPROVED' : status === ApprovalStatus.REJECTED ? 'REJECTED' : 'PENDING';
  }

  close(tx: RequestContext, orderId: string, note: string): Promise<void> {
    return this.approvals.close(tx, ApprovalDocType.SALES_ORDER, orderId, note);
  }

  renumber(tx: RequestContext, orderId: string, from: string, to: string): Promise<void> {
    return this.approvals.renumber(tx, ApprovalDocType.SALES_ORDER, orderId, from, to);
  }
}
