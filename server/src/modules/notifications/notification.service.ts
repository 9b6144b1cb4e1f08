import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { NotificationDto, NotificationMessage, Paged, UNREAD_COUNT_LIMIT } from '@drp/shared';
import { sql } from 'kysely';
import { RequestContext } from '../../common/context/request-context';
import { notFound } from '../../common/errors/domain-error';
import { pageRowsOf, Sortable } from '../../common/http/pagination';
import { DbService } from '../../database/db.service';
import { OutboxService } from '../../kernel/outbox.service';

export interface NotificationInput {
  kind: NotificationDto['kind'];
  /** the Chinese wording: SMS / e-mail send it; the web words `message` in its user's language */
  title: string;
  message?: NotificationMessage;
  body?: string | null;
  /** a web route, e.g. /sales/orders/<id> */
  link?: string | null;
}

const NOTICE_SORT: Sortable = { createdAt: { notNull: 'n.created_at' } };

/** A delivery channel. In-app is the notification table itself; SMS and e-mail adapters log until configured. */
export interface NotificationChannel {
  readonly name: string;
  deliver(userIds: string[], n: NotificationInput): Promise<void>;
}

/** Logs what it would send: the default for SMS and e-mail until a provider is configured. */
export class LoggingChannel implements NotificationChannel {
  private readonly logger: Logger;
  constructor(readonly name: string) {
    this.logger = new Logger(`Notify:${name}`);
  }
  async deliver(userIds: string[], n: NotificationInput): Promise<void> {
    this.logger.log({ userIds, kind: n.kind, title: n.title }, `${this.name} (not sent: no provider configured)`);
  }
}

/**
 * The bell: in-app notifications written in the caller's transaction (a rolled-back action
 * notifies nobody). The other channels (SMS / e-mail) get them through the outbox: the delivery is
 * queued in the same transaction, tried right after the commit and retried with back-off until it
 * succeeds; it reads the notice as committed (a document numbered at the end of its transaction is
 * named by its final number) and records `delivered_at`, so a repeated run sends nothing twice.
 */
@Injectable()
export class NotificationService implements OnModuleInit {
  private readonly channels: NotificationChannel[] = [new LoggingChannel('sms'), new LoggingChannel('email')];

  constructor(
    private readonly db: DbService,
    private readonly outbox: OutboxService,
  ) {}

  onModuleInit(): void {
    this.outbox.handle('notice.deliver', (p) => this.deliver(p.notificationId, p.userIds));
  }

  /** Adds a delivery channel (an SMS or e-mail provider's adapter). */
  addChannel(channel: NotificationChannel): void {
    this.channels.push(channel);
  }

  removeChannel(channel: NotificationChannel): void {
    const i = this.channels.indexOf(channel);
    if (i >= 0) this.channels.splice(i, 1);
  }

  async notify(tx: RequestContext, userIds: (string | null | undefined)[], n: NotificationInput): Promise<void> {
    // nobody is told about their own action
    const ids = [...new Set(userIds.filter((u): u is string => !!u && u !== tx.user?.id))];
    if (!ids.length) return;
    const message = n.message ? JSON.stringify(n.message) : null;
    const rows = await this.db.rows(
      tx,
      this.db.k
        .insertInto('notification')
        .values(ids.map((user_id) => ({ user_id, kind: n.kind, title: n.title.slice(0, 200), body: n.body?.slice(0, 500) ?? null, link: n.link ?? null, message })))
        .returning('id'),
    );
    await this.outbox.enqueue(tx, 'notice.deliver', { notificationId: rows[0].id, userIds: ids });
  }

  /**
   * The outbox work of `notice.deliver`: sends the notice as committed to every channel. A failing
   * channel fails the work (the outbox tries again later: a channel that had succeeded may then
   * send again, at least once); once all succeeded the notice is marked delivered and a repeated
   * run does nothing.
   */
  private async deliver(notificationId: string, userIds: string[]): Promise<void> {
    const sys = RequestContext.system();
    const now = await this.db.first(sys, this.db.k.selectFrom('notification').select(['kind', 'title', 'body', 'link', 'delivered_at']).where('id', '=', notificationId));
    if (!now || now.delivered_at) return;
    for (const c of this.channels) await c.deliver(userIds, { kind: now.kind as NotificationDto['kind'], title: now.title, body: now.body, link: now.link });
    await this.db.rows(sys, this.db.k.updateTable('notification').set({ delivered_at: sql`now()` }).where('id', '=', notificationId));
  }

  /** Marks read the unread notices of `kind` titled `title` of these users (e.g. an approver's "待审批" notice once their task closed). */
  async clear(tx: RequestContext, userIds: string[], kind: NotificationDto['kind'], title: string): Promise<void> {
    if (!userIds.length) return;
    await this.db.rows(
      tx,
      this.db.k
        .updateTable('notification')
        .set({ read_at: sql`now()` })
        .where('user_id', 'in', userIds)
        .where('kind', '=', kind)
        .where('title', '=', title.slice(0, 200))
        .where('read_at', 'is', null),
    );
  }

  /**
   * My notifications (all, or unread only) in one statement: the list counted up to
   * EXACT_TOTAL_LIMIT (estimated beyond, flagged `totalIsEstimate`; exact on the last page), the
   * page, and the unread count of the badge, exact up to UNREAD_COUNT_LIMIT (`unreadCount`).
   */
  async list(ctx: RequestContext, q: { page?: number; pageSize?: number; sort?: string; unread?: string }): Promise<Paged<NotificationDto> & { unread: number }> {
    let mine = this.db.k.selectFrom('notification as n').where('n.user_id', '=', ctx.actor.id);
    if (q.unread === 'true') mine = mine.where('n.read_at', 'is', null);
    // newest first unless `sort` asks otherwise (createdAt the only field, as any list's: another is refused); ix_notification_user reads either way
    const { rows, extra, ...page } = await pageRowsOf(this.db, ctx, mine, mine.selectAll('n'), q, NOTICE_SORT, '-createdAt', ['n.id'], {
      unread: this.unreadCount(ctx),
    });
    return {
      items: rows.map((r) => ({
        id: r.id,
        kind: r.kind as NotificationDto['kind'],
        title: r.title,
        body: r.body ?? null,
        message: (r.message as NotificationMessage | null) ?? null,
        link: r.link ?? null,
        readAt: r.read_at ? new Date(r.read_at).toISOString() : null,
        createdAt: new Date(r.created_at).toISOString(),
      })),
      ...page,
      unread: extra.unread,
    };
  }

  /** Marks one (or, without an id, all) of the caller's notifications read. Someone else's id is simply not found. */
  async markRead(ctx: RequestContext, id?: string): Promise<{ unread: number }> {
    if (id) {
      // one of mine (read already or not), else 404 like an unknown id: another's notice is not probed
      const mine = await this.db.first(ctx, this.db.k.selectFrom('notification').select('id').where('id', '=', id).where('user_id', '=', ctx.actor.id));
      if (!mine) throw notFound('notification', id);
    }
    let q = this.db.k.updateTable('notification').set({ read_at: sql`now()` }).where('user_id', '=', ctx.actor.id).where('read_at', 'is', null);
    if (id) q = q.where('id', '=', id);
    await this.db.rows(ctx, q);
    return { unread: (await this.db.one(ctx, this.db.k.selectNoFrom(this.unreadCount(ctx).as('n')))).n };
  }

  /**
   * How many of my notifications are unread, counted up to UNREAD_COUNT_LIMIT + 1 (the partial
   * index of unread notices, never more than that many entries): an answer above the limit means
   * "more than UNREAD_COUNT_LIMIT" (the badge shows 99+, the count UNREAD_COUNT_LIMIT+).
   */
  private unreadCount(ctx: RequestContext) {
    return sql<number>`(SELECT count(*)::int FROM (SELECT 1 FROM notification u WHERE u.user_id = ${ctx.actor.id} AND u.read_at IS NULL LIMIT ${UNREAD_COUNT_LIMIT + 1}) c)`;
  }
}
