import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { ErrorCode } from '@drp/shared';
import { sql } from 'kysely';
import { RequestContext } from '../common/context/request-context';
import { DomainError } from '../common/errors/domain-error';
import { DbService } from '../database/db.service';
import { DocNumberService } from '../database/doc-number.service';
import type { DB } from '../database/schema';
import { AuditEntry, AuditService, transitionMessage } from '../modules/audit/audit.service';
import { canMove, checkMachine, DocumentMachine, StatusTable } from './document-machine';
import { EventBus } from './events';

/** What a move writes besides the status: the document's own timeline and audit, and other columns of the row. */
export interface TransitionInput<S extends string> {
  id: string;
  /** the status the caller read (with the row locked); the write is refused if it has changed since */
  from: S | null;
  to: S;
  /** the user's action (e.g. SUBMIT), for the timeline and the event */
  action?: string | null;
  note?: string | null;
  /** other columns set in the same UPDATE */
  set?: Record<string, unknown>;
  /**
   * the caller's INSERT already wrote `to` (a document that passes through `from` inside the statement
   * creating it, e.g. an approval approved at once): the move is checked, its timeline, audit and
   * event written, and no UPDATE is sent
   */
  written?: boolean;
  /** the audit entry; entity and id default to the document's */
  audit?: Omit<AuditEntry, 'entity' | 'entityId'> & { entity?: string };
}

/** Writes a document type's own timeline row for a move (e.g. sales_order_event). */
export type TimelineWriter = (tx: RequestContext, move: { id: string; from: string | null; to: string; action: string | null; note: string | null }) => Promise<void>;

/** The tables whose documents take a human number (a `number` column). */
export type NumberedTable = { [T in keyof DB]: DB[T] extends { number: unknown; id: unknown } ? T : never }[keyof DB];

/**
 * The document kernel (ARCHITECTURE §4): every document type registers its state machine; a
 * status is written only by `transition`, which checks the move, writes the status (guarded by the
 * status read), the timeline row and the audit entry, and publishes `DocumentTransitioned`.
 * `assignNumber` numbers a document on its business day as the last statement of its transaction.
 */
@Injectable()
export class DocumentKernel implements OnApplicationBootstrap {
  private readonly machines = new Map<string, { machine: DocumentMachine; timeline?: TimelineWriter }>();
  /** per transaction: work waiting for a document's number (whenNumbered) */
  private readonly waiting = new WeakMap<object, Map<string, ((number: string) => Promise<void>)[]>>();

  constructor(
    private readonly db: DbService,
    private readonly audit: AuditService,
    private readonly numbers: DocNumberService,
    private readonly events: EventBus,
  ) {}

  register<S extends string>(machine: DocumentMachine<S>, timeline?: TimelineWriter): void {
    if (this.machines.has(machine.type)) throw new Error(`document type ${machine.type} is registered twice`);
    this.machines.set(machine.type, { machine: machine as DocumentMachine, timeline });
  }

  /** The registered machines (for the start-up check and tests). */
  registered(): DocumentMachine[] {
    return [...this.machines.values()].map((m) => m.machine);
  }

  /** A broken transition table stops the start, naming every problem. */
  onApplicationBootstrap(): void {
    const problems = this.registered().flatMap(checkMachine);
    if (problems.length) throw new Error(`document state machines are broken:\n${problems.join('\n')}`);
  }

  /** Moves a document to `to`. The caller holds the document's row lock (ARCHITECTURE §6 lock order). */
  async transition<S extends string>(tx: RequestContext, type: string, input: TransitionInput<S>): Promise<void> {
    const entry = this.entry(type);
    this.check(entry.machine, type, input.from, input.to);
    // the one place a document's status is written (besides the creating INSERT of a `written` move)
    if (input.from !== null && !input.written) await this.write(tx, entry.machine, type, input.id, input.from, input.to, input.set ?? {}, 1);
    await this.record(tx, entry, input);
  }

  /**
   * Several moves of one document in a row (e.g. submitted and approved at once), written by one
   * UPDATE from `from` to the last move's status with every move's columns (a later move's win);
   * each move is checked against the machine and has its own timeline row, audit entry and event,
   * in order, exactly as if they had been made one by one.
   */
  async transitions<S extends string>(tx: RequestContext, type: string, id: string, from: S, moves: Omit<TransitionInput<S>, 'id' | 'from' | 'written'>[]): Promise<void> {
    const entry = this.entry(type);
    let at = from;
    for (const m of moves) {
      this.check(entry.machine, type, at, m.to);
      at = m.to;
    }
    await this.write(tx, entry.machine, type, id, from, at, Object.assign({}, ...moves.map((m) => m.set ?? {})), moves.length);
    let prev = from;
    for (const m of moves) {
      await this.record(tx, entry, { ...m, id, from: prev });
      prev = m.to;
    }
  }

  private entry(type: string): { machine: DocumentMachine; timeline?: TimelineWriter } {
    const entry = this.machines.get(type);
    if (!entry) throw new Error(`unknown document type ${type}`);
    return entry;
  }

  private check(machine: DocumentMachine, type: string, from: string | null, to: string): void {
    if (from === null ? !machine.initial.includes(to) : !canMove(machine, from, to)) {
      throw new DomainError(ErrorCode.INVALID_STATE, `A ${type} cannot go from ${from ?? '(new)'} to ${to}`, { status: from ?? undefined, to });
    }
  }

  /** The status UPDATE, guarded by the status the caller read; `moves`: how far the version goes (one a move) */
  private async write(tx: RequestContext, machine: DocumentMachine, type: string, id: string, from: string, to: string, columns: Record<string, unknown>, moves: number): Promise<void> {
    const set: Record<string, unknown> = { ...columns, status: to, updated_at: sql`now()` };
    if (machine.versioned) set.version = moves === 1 ? sql`version + 1` : sql`version + ${moves}::int`;
    const moved = await this.db.rows(
      tx,
      // the table is chosen at run time: kysely cannot type a union of tables' columns here
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      (this.db.k.updateTable(machine.table as any) as any).set(set).where('id', '=', id).where('status', '=', from).returning('id'),
    );
    if (!(moved as unknown[]).length) {
      const [now] = await this.db.query<{ status: string }>(tx, `SELECT status FROM ${machine.table} WHERE id = $1`, [id]);
      throw new DomainError(ErrorCode.INVALID_STATE, `The ${type} is ${now?.status ?? 'gone'}`, { status: now?.status });
    }
  }

  /** A move's timeline row, audit entry and DocumentTransitioned event. */
  private async record<S extends string>(tx: RequestContext, entry: { machine: DocumentMachine; timeline?: TimelineWriter }, input: TransitionInput<S>): Promise<void> {
    const { machine, timeline } = entry;
    const action = input.action ?? null;
    const note = input.note ?? null;
    if (timeline) await timeline(tx, { id: input.id, from: input.from, to: input.to, action, note });
    if (input.audit) {
      // the audit entry says the move as facts (from/to statuses, the note) the reader's client words; a caller's own message wins
      const entity = input.audit.entity ?? machine.table;
      const message = input.from ? transitionMessage(entity, input.audit.action, input.from, input.to, note) : undefined;
      await this.audit.record(tx, { entity: machine.table, entityId: input.id, message, ...input.audit });
    }
    this.events.publish(tx, 'DocumentTransitioned', { docType: machine.type, docId: input.id, from: input.from, to: input.to, action });
  }

  /**
   * Numbers the document `id` of `table` on its business `day` as the last statement of the
   * transaction (the day's counter row is then held only for the commit), writes the number and
   * tells `DocumentNumbered` subscribers before any other end-of-transaction work, so notices and
   * audit entries written at the end name the final number.
   */
  assignNumber(tx: RequestContext, docType: string, table: NumberedTable, id: string, prefix: string, day: string): void {
    this.db.beforeCommit(tx, async () => {
      const number = await this.numbers.assign(tx, prefix, day, table, id);
      await this.events.dispatchFinal(tx, 'DocumentNumbered', { docType, docId: id, number });
      const work = tx.manager && this.waiting.get(tx.manager)?.get(id);
      if (work) {
        this.waiting.get(tx.manager!)!.delete(id);
        for (const fn of work) await fn(number);
      }
    }, 0);
  }

  /**
   * Runs `fn` with a document's number: at once when it has one, else right after the transaction
   * numbers it (a document created in this transaction), so text that names it — an audit
   * summary, a notice — never says "null".
   */
  async whenNumbered(tx: RequestContext, doc: { id: string; number: string | null }, fn: (number: string) => Promise<void>): Promise<void> {
    if (doc.number) return fn(doc.number);
    if (!tx.manager) throw new Error(`document ${doc.id} has no number outside its transaction`);
    let waiting = this.waiting.get(tx.manager);
    if (!waiting) this.waiting.set(tx.manager, (waiting = new Map()));
    waiting.set(doc.id, [...(waiting.get(doc.id) ?? []), fn]);
  }
}

export type { StatusTable };
