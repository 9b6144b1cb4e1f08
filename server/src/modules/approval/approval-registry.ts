import { Injectable } from '@nestjs/common';
import { ApprovalDocType } from '@drp/shared';
import { RequestContext } from '../../common/context/request-context';

/**
 * What a document module does when its approval ends. Each runs inside the approval's
 * transaction, so the verdict and the document's own change commit together.
 */
export interface ApprovalHandler {
  /** the web route of the document, for notifications and the inbox */
  link(docId: string): string;
  /** takes the document's locks, in its module's lock order, before the approval row is locked */
  lock(tx: RequestContext, docId: string): Promise<void>;
  onApproved(tx: RequestContext, docId: string): Promise<void>;
  onRejected(tx: RequestContext, docId: string, reason: string): Promise<void>;
  /** returned for changes or withdrawn by the submitter: the document is editable again */
  onReopened(tx: RequestContext, docId: string, action: 'RETURN' | 'WITHDRAW', note: string | null): Promise<void>;
}

/** The document types modules have registered (a module adds its type in onModuleInit). */
@Injectable()
export class ApprovalRegistry {
  private readonly handlers = new Map<ApprovalDocType, ApprovalHandler>();

  register(docType: ApprovalDocType, handler: ApprovalHandler): void {
    this.handlers.set(docType, handler);
  }

  /** the types modules have registered, in registration order */
  types(): ApprovalDocType[] {
    return [...this.handlers.keys()];
  }

  has(docType: ApprovalDocType): boolean {
    return this.handlers.has(docType);
  }

  handler(docType: ApprovalDocType): ApprovalHandler {
    const h = this.handlers.get(docType);
    if (!h) throw new Error(`no approval handler for ${docType}`);
    return h;
  }
}
