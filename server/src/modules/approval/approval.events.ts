/**
 * The approval module's domain events (ARCHITECTURE §4 "events"). Published inside the deciding
 * transaction; the approval module itself subscribes with `onFinal`, so its notices are written at
 * the end of that transaction, after the document took its number, and name that final number.
 */
declare module '../../kernel/events' {
  interface DomainEvents {
    /** tasks of an approval step were opened: their approvers are told (those whose task is still open at the end) */
    ApprovalTasksOpened: { instanceId: string; taskIds: string[]; stepName: string };
    /** an approval ended with a verdict the submitter is told about (`reason` for a rejection or return) */
    ApprovalDecided: { instanceId: string; verdict: 'APPROVED' | 'REJECTED' | 'RETURNED'; reason: string | null };
  }
}

/** The document type of approvals in the kernel (state machine; timeline: approval_event). */
export const APPROVAL = 'APPROVAL';
