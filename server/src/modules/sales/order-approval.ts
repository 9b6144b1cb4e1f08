import { Injectable } from '@nestjs/common';
import { RequestContext } from '../../common/context/request-context';

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
 * The one seam where the approval workflow plugs in (issue #5). `start` is called in the
 * submitting transaction once the order passed credit and is PENDING_APPROVAL: answering
 * APPROVED approves it at once (reserving stock); PENDING leaves it waiting for
 * `SalesOrderService.approve` / `reject`, which the workflow calls when its last step decides.
 */
export abstract class OrderApprovalGateway {
  abstract start(tx: RequestContext, order: OrderApprovalFacts): Promise<'APPROVED' | 'PENDING'>;
}

/** Until approval flows exist, every order that passed credit is approved. */
@Injectable()
export class AutoApproveGateway extends OrderApprovalGateway {
  async start(): Promise<'APPROVED'> {
    return 'APPROVED';
  }
}
