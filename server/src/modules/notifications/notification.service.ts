import { Injectable, Logger } from '@nestjs/common';
import { NotificationDto, NotificationMessage, Paged } from '@drp/shared';
import { RequestContext } from '../../common/context/request-context';
import { resolvePage } from '../../common/http/pagination';
import { DbService } from '../../database/db.service';

export interface NotificationInput {
  kind: NotificationDto['kind'];
  /** the Chinese wording: SMS / e-mail send it; the web words `message` in its user's language */
  title: string;
  message?: NotificationMessage;
  body?: string | null;
  /** a web route, e.g. /sales/orders/<id> */
  link?: string | null;
}

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
 * notifies nobody); the other channels get them once that transaction has committed, as they
 * then read (a document numbered at the end of its transaction is named by its final number).
 */
@Injectable()
export class NotificationService {
  private readonly channels: NotificationChannel[] = [new LoggingChannel('sms'), new LoggingChannel('email')];

  constructor(private readonly db: DbService) {}

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
    const rows = await this.db.query<{ id: string }>(
      tx,
      'INSERT INTO notification (user_id, kind, title, body, link, message) SELECT unnest($1::uuid[]), $2, $3, $4, $5, $6 RETURNING id',
      [ids, n.kind, n.title.slice(0, 200), n.body?.slice(0, 500) ?? null, n.link ?? null, n.message ?? null],
    );
    this.db.afterCommit(tx, async () => {
      const [now] = await this.db.query<{ title: string; body: string | null; link: string | null }>(RequestContext.system(), 'SELECT title, body, link FROM notification WHERE id = $1', [rows[0].id]);
      if (!now) return;
      for (const c of this.channels) await c.deliver(ids, { kind: n.kind, title: now.title, body: now.body, link: now.link });
    });
  }

  async list(ctx: RequestContext, q: { page?: number; pageSize?: number; unread?: string }): Promise<Paged<NotificationDto> & { unread: number }> {
    const { page, pageSize, offset } = resolvePage(q, { createdAt: 'created_at' }, '-createdAt');
    const where = `user_id = $1${q.unread === 'true' ? ' AND read_at IS NULL' : ''}`;
    const [rows, [counts]] = await Promise.all([
      this.db.query<Record<string, unknown>>(ctx, `SELECT * FROM notification WHERE ${where} ORDER BY created_at DESC, id LIMIT $2 OFFSET $3`, [ctx.actor.id, pageSize, offset]),
      this.db.query<{ total: number; unread: number }>(
        ctx,
        `SELECT count(*) FILTER (WHERE ${q.unread === 'true' ? 'read_at IS NULL' : 'true'})::int AS total, count(*) FILTER (WHERE read_at IS NULL)::int AS unread FROM notification WHERE user_id = $1`,
        [ctx.actor.id],
      ),
    ]);
    return {
      items: rows.map((r) => ({
        id: r.id as string,
        kind: r.kind as NotificationDto['kind'],
        title: r.title as string,
        body: (r.body as string | null) ?? null,
        message: (r.message as NotificationMessage | null) ?? null,
        link: (r.link as string | null) ?? null,
        readAt: r.read_at ? new Date(r.read_at as Date).toISOString() : null,
        createdAt: new Date(r.created_at as Date).toISOString(),
      })),
      total: counts.total,
      page,
      pageSize,
      unread: counts.unread,
    };
  }

  /** Marks one (or, without an id, all) of the caller's notifications read. Someone else's id is simply not found. */
  async markRead(ctx: RequestContext, id?: string): Promise<{ unread: number }> {
    await this.db.query(ctx, `UPDATE notification SET read_at = now() WHERE user_id = $1 AND read_at IS NULL${id ? ' AND id = $2' : ''}`, id ? [ctx.actor.id, id] : [ctx.actor.id]);
    const [{ n }] = await this.db.query<{ n: number }>(ctx, 'SELECT count(*)::int AS n FROM notification WHERE user_id = $1 AND read_at IS NULL', [ctx.actor.id]);
    return { unread: n };
  }
}
