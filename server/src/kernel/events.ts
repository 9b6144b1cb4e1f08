import { Injectable, Logger } from '@nestjs/common';
import { RequestContext } from '../common/context/request-context';
import { DbService } from '../database/db.service';

/**
 * The domain events and their payloads. Each module adds its own by declaration merging:
 *
 *   declare module '../../kernel/events' { interface DomainEvents { ShipmentPosted: { shipmentId: string; ... } } }
 */
export interface DomainEvents {
  /** a document took its number at the end of its transaction (see DocumentKernel.assignNumber) */
  DocumentNumbered: { docType: string; docId: string; number: string };
  /** a document moved from one status to another (DocumentKernel.transition) */
  DocumentTransitioned: { docType: string; docId: string; from: string | null; to: string; action: string | null };
}
export type EventName = keyof DomainEvents;
export type EventHandler<E extends EventName> = (ctx: RequestContext, payload: DomainEvents[E]) => Promise<void>;

/**
 * Domain events (STYLE: "events after commit", after Vendure's EventBus). A command publishes what
 * happened; other modules subscribe instead of the command growing a call for each of them.
 * - `onFinal`: runs in the publisher's transaction, at its end (after the document took its
 *   number), so its writes commit or roll back with the command: receivable postings, notices.
 * - `onCommitted`: runs once the transaction has committed, never for a rolled-back one; a failure
 *   is logged, not the caller's. Work that must survive a crash goes through the outbox instead.
 */
@Injectable()
export class EventBus {
  private readonly final = new Map<EventName, EventHandler<EventName>[]>();
  private readonly committed = new Map<EventName, EventHandler<EventName>[]>();
  private readonly logger = new Logger('Events');

  constructor(private readonly db: DbService) {}

  onFinal<E extends EventName>(name: E, handler: EventHandler<E>): void {
    this.final.set(name, [...(this.final.get(name) ?? []), handler as EventHandler<EventName>]);
  }

  onCommitted<E extends EventName>(name: E, handler: EventHandler<E>): void {
    this.committed.set(name, [...(this.committed.get(name) ?? []), handler as EventHandler<EventName>]);
  }

  /** Runs the `onFinal` handlers now (the kernel's numbering step), and queues the committed ones. */
  async dispatchFinal<E extends EventName>(tx: RequestContext, name: E, payload: DomainEvents[E]): Promise<void> {
    for (const h of this.final.get(name) ?? []) await h(tx, payload);
    this.queueCommitted(tx, name, payload);
  }

  /** Publishes inside the caller's transaction (required: an event outside one has no commit to wait for). */
  publish<E extends EventName>(tx: RequestContext, name: E, payload: DomainEvents[E]): void {
    // stage 1: after the stage-0 steps (document numbers), in publishing order
    this.db.beforeCommit(tx, async () => {
      for (const h of this.final.get(name) ?? []) await h(tx, payload);
    }, FINAL_STAGE);
    this.queueCommitted(tx, name, payload);
  }

  private queueCommitted<E extends EventName>(tx: RequestContext, name: E, payload: DomainEvents[E]): void {
    for (const h of this.committed.get(name) ?? []) {
      this.db.afterCommit(tx, () => h(tx.detached(), payload).catch((err: unknown) => this.logger.error({ err, event: name }, 'event handler failed')));
    }
  }
}

/** The stage of the final steps at which `onFinal` handlers run (numbers are stage 0). */
export const FINAL_STAGE = 1;
