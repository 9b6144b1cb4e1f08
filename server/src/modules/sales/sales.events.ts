/**
 * The sales module's domain events (ARCHITECTURE §4 "events"). Published inside the command's
 * transaction; `onFinal` subscribers (finance posts receivables) run at its end, after numbering.
 */
declare module '../../kernel/events' {
  interface DomainEvents {
    /** a shipment was posted: finance raises the receivable due on `dueDate` */
    ShipmentPosted: {
      shipmentId: string;
      orderId: string;
      dealerId: string;
      branchId: string;
      salesRepId: string | null;
      number: string;
      /** YYYY-MM-DD, the shipment's business date */
      businessDate: string;
      /** YYYY-MM-DD */
      dueDate: string;
      /** decimal string */
      amount: string;
    };
    /** a return was posted against a shipment: finance credits the shipment's receivable */
    ReturnPosted: {
      returnId: string;
      dealerId: string;
      shipmentId: string;
      /** decimal string */
      amount: string;
      number: string;
      /** YYYY-MM-DD */
      businessDate: string;
    };
    /** an order reached APPROVED (its stock is reserved) */
    OrderApproved: { orderId: string; dealerId: string };
  }
}

/** The document type of sales orders in the kernel (state machine, numbering). */
export const SALES_ORDER = 'SALES_ORDER';
