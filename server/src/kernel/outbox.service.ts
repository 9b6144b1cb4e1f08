import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { sql } from 'kysely';
import { RequestContext } from '../common/context/request-context';
import { DbService } from '../database/db.service';
import { JobsService } from '../modules/jobs/jobs.service';

/**
 * The topics of work that must survive a crash, and their payloads; modules add theirs by
 * declaration merging, as with DomainEvents.
 */
export interface OutboxTopics {
  /** a notice to send on the external channels (SMS / e-mail) */
  'notice.deliver': { notificationId: string; userIds: string[] };
}
export type OutboxTopic = keyof OutboxTopics;
/** Handlers run at least once: a crash after the work and before it is marked done repeats it. Use `id` to stay idempotent. */
export type OutboxHandler<T extends OutboxTopic> = (payload: OutboxTopics[T], id: string) => Promise<void>;

export const OUTBOX_JOB = 'outbox.drain';
const BATCH = 50;
const MAX_ATTEMPTS = 10;
/** how long a claimed item is left to its drain before the job may take it again (a crash mid-work) */
const LEASE_SECONDS = 300;

/**
 * The transactional outbox: `enqueue` writes the work in the caller's transaction, so it exists
 * exactly when the change does. Right after the commit it is tried once; whatever is left (a
 * crash, a failing provider) is drained by the `outbox.drain` job every minute, with a growing
 * back-off, until it succeeds or has failed MAX_ATTEMPTS times (kept, with its last error).
 */
@Injectable()
export class OutboxService implements OnModuleInit {
  private readonly handlers = new Map<OutboxTopic, OutboxHandler<OutboxTopic>>();
  private readonly logger = new Logger('Outbox');

  constructor(
    private readonly db: DbService,
    private readonly jobs: JobsService,
  ) {}

  onModuleInit(): void {
    this.jobs.register(OUTBOX_JOB, () => this.drain().then(() => undefined), '* * * * *');
  }

  handle<T extends OutboxTopic>(topic: T, handler: OutboxHandler<T>): void {
    if (this.handlers.has(topic)) throw new Error(`outbox topic ${topic} has a handler already`);
    this.handlers.set(topic, handler as OutboxHandler<OutboxTopic>);
  }

  async enqueue<T extends OutboxTopic>(tx: RequestContext, topic: T, payload: OutboxTopics[T]): Promise<void> {
    if (!this.handlers.has(topic)) throw new Error(`no outbox handler for ${topic}`);
    const row = await this.db.one(tx, this.db.k.insertInto('outbox').values({ topic, payload: JSON.stringify(payload) }).returning('id'));
    this.db.afterCommit(tx, () => this.drain([row.id]).then(() => undefined));
  }

  /**
   * Runs due work (all of it, or the given ids); answers how many items succeeded. Items are
   * claimed first, in a statement of their own (an attempt counted, a lease of LEASE_SECONDS), and
   * the handlers run on no held connection: a handler needs connections of its own, and drains
   * that held theirs while waiting for one emptied the pool under load (100 clients ordering at
   * once: every connection a drain's, each waiting for another). A crash mid-work leaves the item
   * to the job once its lease is over.
   */
  async drain(ids?: string[]): Promise<number> {
    const ctx = RequestContext.system();
    let done = 0;
    for (;;) {
      const items = await this.db.rows(
        ctx,
        this.db.k
          .updateTable('outbox')
          .set({ attempts: sql`attempts + 1`, available_at: sql`now() + make_interval(secs => ${LEASE_SECONDS})`, updated_at: sql`now()` })
          .where('id', 'in', (eb) => {
            let due = eb
              .selectFrom('outbox')
              .select('id')
              .where('done_at', 'is', null)
              .where('available_at', '<=', sql<Date>`now()`)
              .where('attempts', '<', MAX_ATTEMPTS)
              .orderBy('created_at')
              .limit(BATCH)
              .forUpdate()
              .skipLocked();
            if (ids) due = due.where('id', 'in', ids);
            return due;
          })
          .returning(['id', 'topic', 'payload', 'attempts']),
      );
      for (const item of items) {
        const handler = this.handlers.get(item.topic as OutboxTopic);
        try {
          if (!handler) throw new Error(`no handler for ${item.topic}`);
          await handler(item.payload as OutboxTopics[OutboxTopic], item.id);
          await this.db.rows(ctx, this.db.k.updateTable('outbox').set({ done_at: sql`now()`, last_error: null, updated_at: sql`now()` }).where('id', '=', item.id));
          done++;
        } catch (err) {
          this.logger.warn({ err, id: item.id, topic: item.topic }, 'outbox work failed; it will be tried again');
          // the back-off grows with the attempts before this one: 30 s, 60 s, 120 s...
          await this.db.rows(
            ctx,
            this.db.k
              .updateTable('outbox')
              .set({
                last_error: String(err instanceof Error ? err.message : err).slice(0, 500),
                available_at: sql`now() + make_interval(secs => ${30 * 2 ** (item.attempts - 1)})`,
                updated_at: sql`now()`,
              })
              .where('id', '=', item.id),
          );
        }
      }
      if (ids || items.length < BATCH) return done;
    }
  }
}
