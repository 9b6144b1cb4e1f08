import { Injectable } from '@nestjs/common';
import { ApprovalDocType, ApprovalStatus, CreditCheckDto, Dec, fmt, isOverLimit } from '@drp/shared';
import { sql } from 'kysely';
import { RequestContext } from '../../common/context/request-context';
import { DbService } from '../../database/db.service';
import { ApplicableFlow } from '../approval/approval-flow.service';
import { ApprovalRequest, ApprovalService } from '../approval/approval.service';

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
  /** created in this transaction: it has no earlier approvals to replace */
  created?: boolean;
  /** the credit check just made (read from the order's row when not given) */
  creditCheck?: CreditCheckDto;
}

/** What `prepare` read before the submit's locks, for `start`. */
export interface PreparedApproval {
  /** the order's facts as the flows see them (its credit check comes with `start`) */
  row: OrderFactsRow;
  flows: Map<string, ApplicableFlow | null>;
}

export interface OrderFactsRow {
  number: string | null;
  total: string;
  discount_total: string;
  dealer_name: string;
  price_level: number | null;
  branch_code: string;
  credit_check: unknown;
  gap: string | null;
}

/**
 * The seam between orders and the approval workflow. `start` is called in the submitting
 * transaction once the order passed credit and is PENDING_APPROVAL: APPROVED approves it at once
 * (reserving stock); PENDING leaves it waiting for `SalesOrderService.approve` / `reject`, which
 * the workflow calls when it decides; REJECTED (no approver, by the flow's policy) rejects it.
 */
export abstract class OrderApprovalGateway {
  /**
   * Reads, before the submit takes its locks, what `start` needs that no concurrent order changes: the
   * order's facts and the flows of the approvals it may need (`mayOverride`: a credit override was asked for).
   */
  abstract prepare(tx: RequestContext, order: { id: string; branchId: string; belowFloor: boolean; mayOverride: boolean }): Promise<PreparedApproval>;
  abstract start(tx: RequestContext, order: OrderApprovalFacts, prepared?: PreparedApproval): Promise<'APPROVED' | 'PENDING' | 'REJECTED'>;
  /** whether all of the order's approvals are decided (none still waiting) */
  abstract settled(tx: RequestContext, orderId: string): Promise<boolean>;
  /** closes the order's open approvals without a verdict (the order was cancelled, or one of them ended it) */
  abstract close(tx: RequestContext, orderId: string, note: string): Promise<void>;
}

/**
 * The approvals an order can need. Every submitted order is routed as SALES_ORDER; an order that
 * passed a credit refusal is also routed as CREDIT_OVERRIDE, and one with manual prices below the
 * floor as BELOW_FLOOR_PRICE, each through the flows HQ configured for that type. The order is
 * approved when all of them are; the first rejection (or return, or withdrawal) ends the others.
 */
export const ORDER_APPROVAL_TYPES = [ApprovalDocType.SALES_ORDER, ApprovalDocType.CREDIT_OVERRIDE, ApprovalDocType.BELOW_FLOOR_PRICE] as const;

/** Routes orders through the configured approval flows (审批流). */
@Injectable()
export class WorkflowApprovalGateway extends OrderApprovalGateway {
  constructor(
    private readonly db: DbService,
    private readonly approvals: ApprovalService,
  ) {
    super();
  }

  async prepare(tx: RequestContext, order: { id: string; branchId: string; belowFloor: boolean; mayOverride: boolean }): Promise<PreparedApproval> {
    const types = ORDER_APPROVAL_TYPES.filter((t) => t === ApprovalDocType.SALES_ORDER || (t === ApprovalDocType.CREDIT_OVERRIDE ? order.mayOverride : order.belowFloor));
    const [row, flows] = await Promise.all([this.facts(tx, order.id), this.approvals.flowsFor(tx, types, order.branchId)]);
    return { row, flows };
  }

  async start(tx: RequestContext, order: OrderApprovalFacts, prepared?: PreparedApproval): Promise<'APPROVED' | 'PENDING' | 'REJECTED'> {
    const o = prepared?.row ?? (await this.facts(tx, order.id));
    // a type not looked up in `prepare` is looked up by the approval module itself
    const flowOf = (t: ApprovalDocType) => (prepared?.flows.has(t) ? { flow: prepared.flows.get(t)! } : {});
    // a resubmission replaces whatever approvals the order had open
    if (!order.created) await this.approvals.close(tx, ORDER_APPROVAL_TYPES, order.id, 'superseded by a new submission');
    const gross = new Dec(o.total).plus(o.discount_total);
    const credit = order.creditCheck ?? (o.credit_check as CreditCheckDto | null);
    // over the limit only where a limit is in force (mode NONE has none): the shared rule
    const overCredit = order.creditOverridden || (!!credit && isOverLimit(credit));
    const common = { dealerLevel: o.price_level, branchCode: o.branch_code, source: order.source, amount: fmt(o.total) };
    // a new order is numbered when its transaction ends: the approval module takes its number then (DocumentNumbered)
    const base = { docId: order.id, docNumber: o.number, scopeOrgId: order.dealerId, branchId: order.branchId, link: `/sales/orders/${order.id}` };
    const requests: ApprovalRequest[] = [
      {
        ...base,
        docType: ApprovalDocType.SALES_ORDER,
        ...flowOf(ApprovalDocType.SALES_ORDER),
        summary: { party: o.dealer_name, amount: fmt(o.total) },
        facts: { ...common, discountRate: gross.isZero() ? '0' : new Dec(o.discount_total).div(gross).toFixed(4), belowFloor: order.belowFloor, overCredit },
      },
    ];
    if (order.creditOverridden && credit) {
      requests.push({
        ...base,
        docType: ApprovalDocType.CREDIT_OVERRIDE,
        ...flowOf(ApprovalDocType.CREDIT_OVERRIDE),
        summary: { party: o.dealer_name, amount: fmt(credit.excess) },
        facts: { ...common, excess: fmt(credit.excess), overdue: credit.overdue },
      });
    }
    if (order.belowFloor) {
      requests.push({
        ...base,
        docType: ApprovalDocType.BELOW_FLOOR_PRICE,
        ...flowOf(ApprovalDocType.BELOW_FLOOR_PRICE),
        summary: { party: o.dealer_name, amount: fmt(o.gap ?? '0') },
        facts: { ...common, belowFloorGap: fmt(o.gap ?? '0'), discountRate: gross.isZero() ? '0' : new Dec(o.discount_total).div(gross).toFixed(4) },
      });
    }
    const outcomes: ApprovalStatus[] = [];
    for (const req of requests) {
      const outcome = await this.approvals.start(tx, req, { supersede: false });
      outcomes.push(outcome);
      if (outcome === ApprovalStatus.REJECTED) {
        await this.closeAll(tx, order.id, 'another approval of the order was rejected');
        return 'REJECTED';
      }
    }
    return outcomes.every((x) => x === ApprovalStatus.APPROVED) ? 'APPROVED' : 'PENDING';
  }

  /** The order's facts the flows route on (its number, totals, dealer, branch, credit check and below-floor gap). */
  private async facts(tx: RequestContext, orderId: string): Promise<OrderFactsRow> {
    return this.db.one(
      tx,
      this.db.k
        .selectFrom('sales_order as o')
        .innerJoin('organization as d', 'd.id', 'o.dealer_id')
        .innerJoin('organization as b', 'b.id', 'o.branch_id')
        .select((eb) => [
          'o.number',
          'o.total',
          'o.discount_total',
          'd.name as dealer_name',
          'd.price_level',
          'b.code as branch_code',
          'o.credit_check',
          eb
            .selectFrom('sales_order_line as l')
            .select(sql<string>`round(sum((l.floor_price - l.unit_price * (1 - l.discount_rate)) * l.qty), 2)`.as('gap'))
            .whereRef('l.order_id', '=', 'o.id')
            .where('l.below_floor', '=', true)
            .as('gap'),
        ])
        .where('o.id', '=', orderId),
    );
  }

  /** whether none of the order's approvals is still waiting (the one just decided included) */
  async settled(tx: RequestContext, orderId: string): Promise<boolean> {
    return !(await this.approvals.hasPending(tx, ORDER_APPROVAL_TYPES, orderId));
  }

  close(tx: RequestContext, orderId: string, note: string): Promise<void> {
    return this.closeAll(tx, orderId, note);
  }

  private async closeAll(tx: RequestContext, orderId: string, note: string): Promise<void> {
    await this.approvals.close(tx, ORDER_APPROVAL_TYPES, orderId, note);
  }
}
